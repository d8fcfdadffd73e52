package warehouse

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/ingest/event"
)

// The derivation of activity instances, as Go loops over the log's
// dictionary-encoded columns. Ordering a million events by case and time
// and pairing starts with completions is a counting sort by case_no and a
// short sort inside each case here (about 0.1 s), where DuckDB's window
// operator needs a second or more; DuckDB still stores the result.
//
// A log is derived a range of cases at a time (a case's events never span
// two ranges), so memory holds one range's events whatever the log's size.
// What depends on the whole log is decided first: the lifecycle rule and
// the activity numbering, from the log's distinct (activity, lifecycle)
// pairs. Variants are counted across ranges and numbered at the end.

// Lifecycle kinds, the part of an event's lifecycle value the instance
// rule reads (see event.StandardLifecycle).
const (
	lcComplete    uint8 = iota // NULL or "complete", in any case
	lcStart                    // "start"
	lcOther                    // another standard transition
	lcNonStandard              // anything else
)

// lifecycleKind classifies a lifecycle value (valid false: NULL). Case is
// folded with strings.ToLower, which maps every letter as DuckDB's lower()
// does for the standard names (the Kelvin sign K is a k to both).
func lifecycleKind(v string, valid bool) uint8 {
	if !valid {
		return lcComplete
	}
	l := strings.ToLower(v)
	switch l {
	case "complete":
		return lcComplete
	case "start":
		return lcStart
	}
	if slices.Contains(event.StandardLifecycle, l) {
		return lcOther
	}
	return lcNonStandard
}

// eventCols holds what the derivation needs of events, one entry per
// event, in any order.
type eventCols struct {
	caseNo, actSrc []int32
	ts, seq        []int64
	start          []int64 // event.NoTime where absent; nil when no event has one
	kind           []uint8 // lifecycleKind
}

func (e *eventCols) len() int { return len(e.caseNo) }

func (e *eventCols) startAt(i int32) int64 {
	if e.start == nil {
		return event.NoTime
	}
	return e.start[i]
}

// actKind is one of a log's distinct (act_src, lifecycle kind) pairs.
type actKind struct {
	actSrc int32
	name   string
	kind   uint8
}

type actRow struct {
	name   string
	actSrc int32
}

type caseFact struct {
	caseNo, variant, n         int32 // variant: index into deriver.variants
	firstTS, lastTS, firstFrom int64 // firstFrom: the earliest start (or completion)
	firstAct, lastAct          int32
}

type variant struct {
	acts  []int32
	cases int64
}

// step is one activity instance as the steps table holds it; prevAct is -1
// and prevTS, start event.NoTime where NULL.
type step struct {
	caseNo, pos, act, prevAct int32
	ts, start, prevTS, seq    int64
}

// deriver derives a log's activity instances range by range.
type deriver struct {
	standard bool // every lifecycle value is a standard transition
	pair     bool // standard, with starts to pair with completions

	acts  []actRow // activities in act_no order
	actNo []int32  // act_src → act_no; -1 where no instance has it

	facts    []caseFact // one per case with an instance, by case_no
	variants []variant  // by variant_id once finished
	index    map[string]int32
	steps    int64

	// The current range: its events, and the indices of those that are
	// instances (and, when pairing, starts), grouped by case and in (ts,
	// seq) order within a case: case c's are order[caseOff[c-lo]:caseOff[c-lo+1]].
	ev      *eventCols
	lo      int32
	order   []int32
	caseOff []int32

	// walk's FIFO queues per act_src: the timestamps of starts waiting for
	// a completion are queues[src][heads[src]:].
	queues  [][]int64
	heads   []int32
	touched []int32
}

// newDeriver decides the lifecycle rule and numbers the activities of a
// log from its distinct (act_src, lifecycle kind) pairs.
func newDeriver(pairs []actKind) *deriver {
	d := &deriver{standard: true, index: map[string]int32{}}
	starts := false
	nacts := 0
	for _, p := range pairs {
		switch p.kind {
		case lcNonStandard:
			d.standard = false
		case lcStart:
			starts = true
		}
		nacts = max(nacts, int(p.actSrc)+1)
	}
	d.pair = d.standard && starts
	d.actNo = make([]int32, nacts)
	names := make([]string, nacts)
	used := make([]bool, nacts)
	for _, p := range pairs {
		names[p.actSrc] = p.name
		if !d.standard || p.kind == lcComplete {
			used[p.actSrc] = true
		}
	}
	for src, u := range used {
		d.actNo[src] = -1
		if u {
			d.acts = append(d.acts, actRow{name: names[src], actSrc: int32(src)})
		}
	}
	slices.SortFunc(d.acts, func(a, b actRow) int { return strings.Compare(a.name, b.name) })
	for no, a := range d.acts {
		d.actNo[a.actSrc] = int32(no)
	}
	d.queues, d.heads = make([][]int64, nacts), make([]int32, nacts)
	return d
}

// instance reports whether kind k makes an event an activity instance.
func (d *deriver) instance(k uint8) bool { return !d.standard || k == lcComplete }

// relevant reports whether an event of kind k takes part in ordering: an
// instance, or a start to pair.
func (d *deriver) relevant(k uint8) bool { return d.instance(k) || (d.pair && k == lcStart) }

// addRange takes the events of cases lo to hi−1 (all of them, nothing
// else), orders them and adds the cases' facts and variants. Its steps
// can be walked until the next addRange.
func (d *deriver) addRange(ev *eventCols, lo, hi int32) {
	d.ev, d.lo = ev, lo
	n := int32(ev.len())
	d.caseOff = slices.Grow(d.caseOff[:0], int(hi-lo)+1)[:hi-lo+1]
	clear(d.caseOff)
	for i := range n {
		if d.relevant(ev.kind[i]) {
			d.caseOff[ev.caseNo[i]-lo+1]++
		}
	}
	for c := range hi - lo {
		d.caseOff[c+1] += d.caseOff[c]
	}
	total := d.caseOff[hi-lo]
	d.order = slices.Grow(d.order[:0], int(total))[:total]
	fill := slices.Clone(d.caseOff[:hi-lo])
	for i := range n {
		if d.relevant(ev.kind[i]) {
			c := ev.caseNo[i] - lo
			d.order[fill[c]] = i
			fill[c]++
		}
	}
	before := func(a, b int32) int {
		if c := cmp.Compare(ev.ts[a], ev.ts[b]); c != 0 {
			return c
		}
		return cmp.Compare(ev.seq[a], ev.seq[b])
	}
	for c := range hi - lo {
		seg := d.order[d.caseOff[c]:d.caseOff[c+1]]
		if !slices.IsSortedFunc(seg, before) {
			slices.SortFunc(seg, before)
		}
	}
	d.addFacts(lo, hi)
}

// walk calls fn with case c's steps in order (c in the current range) and
// returns how many there were. Start pairing follows a FIFO queue per
// (case, activity): a start is queued, a completion takes the oldest
// queued start (keeping its own start timestamp if the source gave one),
// and a completion that finds the queue empty has no start.
func (d *deriver) walk(c int32, fn func(s *step)) int32 {
	ev := d.ev
	s := step{caseNo: c, prevAct: -1, prevTS: event.NoTime}
	for _, i := range d.order[d.caseOff[c-d.lo]:d.caseOff[c-d.lo+1]] {
		src := ev.actSrc[i]
		if d.pair && ev.kind[i] == lcStart {
			if len(d.queues[src]) == 0 {
				d.touched = append(d.touched, src)
			}
			d.queues[src] = append(d.queues[src], ev.ts[i])
			continue
		}
		s.start = ev.startAt(i)
		if d.pair {
			if h := d.heads[src]; int(h) < len(d.queues[src]) {
				if s.start == event.NoTime {
					s.start = d.queues[src][h]
				}
				d.heads[src]++
			}
		}
		s.act, s.ts, s.seq = d.actNo[src], ev.ts[i], ev.seq[i]
		fn(&s)
		s.pos++
		s.prevAct, s.prevTS = s.act, s.ts
	}
	for _, src := range d.touched {
		d.queues[src], d.heads[src] = d.queues[src][:0], 0
	}
	d.touched = d.touched[:0]
	return s.pos
}

// addFacts adds the facts and variants of the current range's cases.
func (d *deriver) addFacts(lo, hi int32) {
	var acts []int32
	var key []byte
	var f caseFact
	visit := func(s *step) { // one closure for all cases: no allocation per case
		if s.pos == 0 {
			f.firstTS, f.firstFrom, f.firstAct = s.ts, s.ts, s.act
		}
		from := s.ts
		if s.start != event.NoTime {
			from = s.start
		}
		f.firstFrom = min(f.firstFrom, from)
		f.lastTS, f.lastAct = s.ts, s.act
		acts = append(acts, s.act)
	}
	for c := lo; c < hi; c++ {
		acts = acts[:0]
		f = caseFact{caseNo: c}
		d.walk(c, visit)
		if len(acts) == 0 {
			continue
		}
		f.n = int32(len(acts))
		d.steps += int64(len(acts))
		key = key[:0]
		for _, a := range acts {
			key = append(key, byte(a), byte(a>>8), byte(a>>16), byte(a>>24))
		}
		v, ok := d.index[string(key)]
		if !ok {
			v = int32(len(d.variants))
			d.index[string(key)] = v
			d.variants = append(d.variants, variant{acts: slices.Clone(acts)})
		}
		d.variants[v].cases++
		f.variant = v
		d.facts = append(d.facts, f)
	}
}

// finish numbers the variants by frequency, ties by their activity-name
// sequences (act_no follows name order, so comparing act_no lists compares
// name sequences), as variant_id − 1.
func (d *deriver) finish() {
	rank := make([]int32, len(d.variants))
	for i := range rank {
		rank[i] = int32(i)
	}
	slices.SortFunc(rank, func(a, b int32) int {
		va, vb := &d.variants[a], &d.variants[b]
		if c := cmp.Compare(vb.cases, va.cases); c != 0 {
			return c
		}
		return slices.Compare(va.acts, vb.acts)
	})
	id := make([]int32, len(rank))
	sorted := make([]variant, len(rank))
	for r, v := range rank {
		id[v] = int32(r)
		sorted[r] = d.variants[v]
	}
	d.variants, d.index = sorted, nil
	for i := range d.facts {
		d.facts[i].variant = id[d.facts[i].variant]
	}
}
