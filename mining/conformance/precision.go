package conformance

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// Precision is an ETConformance precision (Muñoz-Gama and Carmona, "A fresh
// look at precision in process conformance", BPM 2010) as PM4Py computes
// it: for every proper prefix of every case, the activities the model
// allows next (visible transitions enabled after the prefix, directly or
// after silent steps) are compared with the activities the log shows next
// after that prefix; the ones never observed are escaping edges.
// Value = 1 - Escaping / Allowed, with both sums weighted by cases. The
// empty prefix counts once per case, allowed activities taken at the
// initial marking against the log's start activities.
type Precision struct {
	Value    float64 `json:"value"`
	Escaping int64   `json:"escaping"`
	Allowed  int64   `json:"allowed"`
	// UnfitPrefixes counts (case-weighted) prefixes the model cannot
	// replay, which are left out.
	UnfitPrefixes int64 `json:"unfit_prefixes"`
	// Prefixes is the number of distinct proper prefixes.
	Prefixes int `json:"prefixes"`
}

// ErrTooLarge is returned when a precision computation would need more
// markings than its bound, or more memory than its budget.
var ErrTooLarge = errors.New("conformance: the net's state space is too large")

// PrecisionOptions tunes PrecisionAlignments and PrecisionTokens. The zero
// value is ready to use.
type PrecisionOptions struct {
	// MaxMemory bounds, in bytes, the markings the prefixes reach and the
	// prefixes themselves (see budget.go); past it the computation stops
	// with ErrTooLarge. 0 means DefaultMaxMemory.
	MaxMemory int64
}

// maxClosure bounds the markings one prefix may reach in align-ETC.
const maxClosure = 1 << 20

// prefixTrie holds the distinct proper prefixes of a log. Node 0 is the
// empty prefix; count[n] is the number of cases of which n is a proper
// prefix and next[n] the activities that follow it in those cases.
type prefixTrie struct {
	act   []int32
	kids  [][]int32
	count []int64
	next  [][]int32
}

func newPrefixTrie(log *eventlog.Log) *prefixTrie {
	tr := &prefixTrie{act: []int32{-1}, kids: [][]int32{nil}, count: []int64{0}, next: [][]int32{nil}}
	child := map[[2]int32]int32{}
	for _, v := range log.Variants {
		n := int32(0)
		for k := 0; k+1 < len(v.Acts); k++ {
			key := [2]int32{n, v.Acts[k]}
			c, ok := child[key]
			if !ok {
				c = int32(len(tr.act))
				child[key] = c
				tr.act = append(tr.act, v.Acts[k])
				tr.kids = append(tr.kids, nil)
				tr.count = append(tr.count, 0)
				tr.next = append(tr.next, nil)
				tr.kids[n] = append(tr.kids[n], c)
			}
			n = c
			tr.count[n] += v.Count
			if !slices.Contains(tr.next[n], v.Acts[k+1]) {
				tr.next[n] = append(tr.next[n], v.Acts[k+1])
			}
		}
	}
	return tr
}

// precisionAcc accumulates allowed and escaping activities.
type precisionAcc struct {
	m      *model
	g      *mgraph
	p      Precision
	ahead  map[int32][]int32 // marking -> label ids allowed next
	labels []bool            // scratch, by label id (all false between calls)
	on     []int32           // scratch
	// extra is the memory held besides the graph (ahead lists, the
	// markings of the prefixes being walked); limit bounds it with the
	// graph's.
	extra, limit int64
}

// newPrecisionAcc prepares precision on m and the prefixes of tr within
// budget bytes.
func newPrecisionAcc(m *model, tr *prefixTrie, budget int64) (*precisionAcc, error) {
	budget = orDefault(budget)
	fixed := netBytes(m) + tr.bytes()
	if err := checkFits(m, fixed, budget); err != nil {
		return nil, err
	}
	return &precisionAcc{m: m, g: newGraph(m), ahead: map[int32][]int32{}, labels: make([]bool, len(m.labels)),
		limit: budget - fixed}, nil
}

// over reports whether the accumulator outgrew its budget.
func (a *precisionAcc) over() bool { return a.g.bytes+a.extra > a.limit }

// bytes is the trie's accounted size.
func (tr *prefixTrie) bytes() int64 {
	var n int64
	for i := range tr.act {
		n += 4 + 24 + 8 + 24 + 4*int64(len(tr.kids[i])+len(tr.next[i])) + 48
	}
	return 2 * n
}

// allowed returns the labels of the visible transitions eventually enabled
// in marking id.
func (a *precisionAcc) allowed(id int32) []int32 {
	if l, ok := a.ahead[id]; ok {
		return l
	}
	var out []int32
	for _, t := range a.g.visibleAhead(id) {
		if l := a.m.labelID[t]; !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	a.ahead[id] = out
	a.extra += 64 + 4*int64(len(out))
	return out
}

// add counts a prefix seen in count cases, followed in the log by the
// activities next, after which the model allows the union of allowed(m)
// over markings.
func (a *precisionAcc) add(markings []int32, next []int32, count int64) {
	on := a.on[:0] // the labels set in a.labels, to reset only those
	for _, mk := range markings {
		for _, l := range a.allowed(mk) {
			if !a.labels[l] {
				a.labels[l] = true
				on = append(on, l)
			}
		}
	}
	observed := map[int32]bool{}
	for _, act := range next {
		if l := a.m.actLabel[act]; l >= 0 {
			observed[l] = true
		}
	}
	for _, l := range on {
		a.labels[l] = false
		a.p.Allowed += count
		if !observed[l] {
			a.p.Escaping += count
		}
	}
	a.on = on
}

// start counts the empty prefix: the allowed labels at the initial marking
// against the log's start activities, once per case.
func (a *precisionAcc) start(log *eventlog.Log) {
	var starts []int32
	var cases int64
	for _, v := range log.Variants {
		cases += v.Count
		if len(v.Acts) > 0 && !slices.Contains(starts, v.Acts[0]) {
			starts = append(starts, v.Acts[0])
		}
	}
	a.add([]int32{0}, starts, cases)
}

func (a *precisionAcc) result(tr *prefixTrie) Precision {
	a.p.Prefixes = len(tr.act) - 1
	a.p.Value = 1
	if a.p.Allowed > 0 {
		a.p.Value = 1 - float64(a.p.Escaping)/float64(a.p.Allowed)
	}
	return a.p
}

// PrecisionAlignments is align-ETC precision (PM4Py's precision_alignments):
// a prefix's markings are those reached by the alignments of the prefix
// that use only synchronous and silent moves with the fewest silent moves;
// a prefix without such an alignment is unfit. Cancelling ctx stops it.
func PrecisionAlignments(ctx context.Context, log *eventlog.Log, net *petri.Net, opt PrecisionOptions) (Precision, error) {
	m, err := compile(net, log)
	if err != nil {
		return Precision{}, err
	}
	tr := newPrefixTrie(log)
	acc, err := newPrecisionAcc(m, tr, opt.MaxMemory)
	if err != nil {
		return Precision{}, err
	}
	acc.start(log)
	root, err := acc.closure(map[int32]int32{0: 0})
	if err != nil {
		return Precision{}, err
	}
	var walk func(n int32, reach map[int32]int32) error
	walk = func(n int32, reach map[int32]int32) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, c := range tr.kids[n] {
			seeds := map[int32]int32{}
			act := tr.act[c]
			for mk, d := range reach {
				for _, e := range acc.g.successors(mk) {
					if !m.silent[e.t] && m.labelAct[e.t] == act {
						if old, ok := seeds[e.to]; !ok || d < old {
							seeds[e.to] = d
						}
					}
				}
			}
			if len(seeds) == 0 {
				acc.unfit(tr, c)
				continue
			}
			next, err := acc.closure(seeds)
			if err != nil {
				return err
			}
			if tr.count[c] > 0 {
				acc.add(cheapest(next), tr.next[c], tr.count[c])
			}
			held := 64 + 48*int64(len(next))
			acc.extra += held
			if acc.over() {
				return ErrTooLarge
			}
			if err := walk(c, next); err != nil {
				return err
			}
			acc.extra -= held
		}
		return nil
	}
	if err := walk(0, root); err != nil {
		return Precision{}, err
	}
	return acc.result(tr), nil
}

// unfit counts node n and its descendants as unfit prefixes.
func (a *precisionAcc) unfit(tr *prefixTrie, n int32) {
	a.p.UnfitPrefixes += tr.count[n]
	for _, c := range tr.kids[n] {
		a.unfit(tr, c)
	}
}

// closure extends seeds (marking -> silent moves so far) with every
// marking reachable by silent transitions, each at its least number of
// silent moves (breadth first, level by level).
func (a *precisionAcc) closure(seeds map[int32]int32) (map[int32]int32, error) {
	dist := make(map[int32]int32, len(seeds))
	type seed struct{ mk, d int32 }
	order := make([]seed, 0, len(seeds))
	for mk, d := range seeds {
		order = append(order, seed{mk, d})
	}
	slices.SortFunc(order, func(x, y seed) int { return cmp.Or(cmp.Compare(x.d, y.d), cmp.Compare(x.mk, y.mk)) })
	var cur []int32
	i := 0
	for level := int32(0); i < len(order) || len(cur) > 0; level++ {
		if len(cur) == 0 && order[i].d > level {
			level = order[i].d
		}
		for ; i < len(order) && order[i].d == level; i++ {
			if d, ok := dist[order[i].mk]; !ok || d > level {
				dist[order[i].mk] = level
				cur = append(cur, order[i].mk)
			}
		}
		var nxt []int32
		for _, mk := range cur {
			if dist[mk] != level {
				continue
			}
			for _, e := range a.g.successors(mk) {
				if !a.m.silent[e.t] {
					continue
				}
				if d, ok := dist[e.to]; !ok || d > level+1 {
					dist[e.to] = level + 1
					nxt = append(nxt, e.to)
				}
			}
		}
		if len(dist) > maxClosure {
			return nil, ErrTooLarge
		}
		cur = nxt
	}
	return dist, nil
}

// cheapest returns the markings of reach with the fewest silent moves.
func cheapest(reach map[int32]int32) []int32 {
	best := int32(-1)
	var out []int32
	for mk, d := range reach {
		switch {
		case best < 0 || d < best:
			best, out = d, append(out[:0], mk)
		case d == best:
			out = append(out, mk)
		}
	}
	return out
}

// PrecisionTokens is token-based ETConformance precision (PM4Py's
// precision_token_based_replay): each prefix is replayed with PM4Py's token
// replay, stopping at the first event that would need missing tokens (the
// prefix is then unfit), without walking to the final marking; the model
// allows what is eventually enabled in the marking reached.
func PrecisionTokens(ctx context.Context, log *eventlog.Log, net *petri.Net, opt PrecisionOptions) (Precision, error) {
	m, err := compile(net, log)
	if err != nil {
		return Precision{}, err
	}
	tr := newPrefixTrie(log)
	acc, err := newPrecisionAcc(m, tr, opt.MaxMemory)
	if err != nil {
		return Precision{}, err
	}
	acc.start(log)
	r := newReplayer(m, acc.limit/4)
	var walk func(n int32, s *trace) error
	walk = func(n int32, s *trace) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, c := range tr.kids[n] {
			cs := &trace{mk: s.mk.clone()}
			r.step(cs, tr.act[c], true)
			if cs.stopped {
				acc.unfit(tr, c)
				continue
			}
			if tr.count[c] > 0 {
				acc.add([]int32{acc.g.internOmark(&cs.mk)}, tr.next[c], tr.count[c])
			}
			held := 128 + 12*int64(len(cs.mk.place)) + 8*int64(len(cs.fired))
			acc.extra += held + r.spBytes
			if acc.over() {
				return ErrTooLarge
			}
			acc.extra -= r.spBytes
			if err := walk(c, cs); err != nil {
				return err
			}
			acc.extra -= held
		}
		return nil
	}
	if err := walk(0, r.start()); err != nil {
		return Precision{}, err
	}
	return acc.result(tr), nil
}
