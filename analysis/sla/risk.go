package sla

import (
	"cmp"
	"slices"
	"sort"
	"time"
)

// minStateCases is the fewest reference cases in the same state for the
// state-conditioned estimate; below it the estimate uses all cases still
// open at that elapsed time.
const minStateCases = 30

// refGroup is the reference of one target: the measured windows with that
// target. A case was "still open at elapsed e" when its duration d > e, so
// counting them is a binary search in the sorted durations.
//
// For the state-conditioned estimate, each measured window is cut into
// intervals [lo, hi) of elapsed time during which its last completed
// activity was the same (the opening instance counts from 0, and the last
// interval ends at d). At elapsed e a case is in exactly one of its
// intervals, so the cases in state s at e are the intervals labelled s with
// lo ≤ e < hi, counted as #(lo ≤ e) − #(hi ≤ e) over sorted endpoints.
type refGroup struct {
	tgt    int64
	n      int
	durs   []int64
	states map[int32]*intervals
}

type intervals struct {
	n, nb    int
	lo, hi   []int64 // all reference cases
	blo, bhi []int64 // the breached ones
}

// intervals calls fn for each interval [lo, hi) of elapsed time of window m
// in which its last completed activity was state; empty ones are skipped.
func (e *env) intervals(k *clock, m measured, fn func(state int32, lo, hi int64)) {
	l := e.l
	var lo int64
	for j := m.k0; j < m.kEnd; j++ {
		hi := m.d
		if j+1 < m.kEnd {
			hi = k.at(l, int(j+1)) - m.s0
		}
		if hi > lo {
			fn(l.Act[j], lo, hi)
		}
		lo = hi
	}
}

// risk fills the open-case list of res.
func (e *env) risk(r *Rule, k *clock, res *Result, done []measured, opens []open) {
	l := e.l
	// Only the targets and states some open case needs are built.
	groups := map[int64]*refGroup{}
	for _, o := range opens {
		if o.elapsed > o.tgt {
			continue
		}
		g := groups[o.tgt]
		if g == nil {
			g = &refGroup{tgt: o.tgt, states: map[int32]*intervals{}}
			groups[o.tgt] = g
		}
		if !o.stateless {
			g.states[l.Act[o.last]] = &intervals{}
		}
	}
	// Two passes, counting then filling, so the interval arrays (the bulk
	// of the memory on a large log) are allocated once at their size.
	for _, fill := range []bool{false, true} {
		for _, m := range done {
			g := groups[m.tgt]
			if g == nil {
				continue
			}
			if fill {
				g.durs = append(g.durs, m.d)
			} else {
				g.n++
			}
			if len(g.states) == 0 {
				continue
			}
			breached := m.d > m.tgt
			e.intervals(k, m, func(state int32, lo, hi int64) {
				iv := g.states[state]
				switch {
				case iv == nil:
				case !fill:
					iv.n++
					if breached {
						iv.nb++
					}
				default:
					iv.lo, iv.hi = append(iv.lo, lo), append(iv.hi, hi)
					if breached {
						iv.blo, iv.bhi = append(iv.blo, lo), append(iv.bhi, hi)
					}
				}
			})
		}
		if fill {
			break
		}
		for _, g := range groups {
			g.durs = make([]int64, 0, g.n)
			for _, iv := range g.states {
				iv.lo, iv.hi = make([]int64, 0, iv.n), make([]int64, 0, iv.n)
				iv.blo, iv.bhi = make([]int64, 0, iv.nb), make([]int64, 0, iv.nb)
			}
		}
	}
	for _, g := range groups {
		slices.Sort(g.durs)
		for _, iv := range g.states {
			slices.Sort(iv.lo)
			slices.Sort(iv.hi)
			slices.Sort(iv.blo)
			slices.Sort(iv.bhi)
		}
	}

	for _, o := range opens {
		oc := OpenCase{
			CaseID:         l.CaseIDs[o.c],
			ElapsedSeconds: float64(o.elapsed) / 1e9,
			TargetSeconds:  float64(o.tgt) / 1e9,
			Deadline:       e.deadline(r, o.s0us, o.tgt),
			State:          l.Activities[l.Act[o.last]],
			Status:         "open",
		}
		if o.elapsed > o.tgt {
			one := 1.0
			oc.Status, oc.Probability, oc.Basis = "breached", &one, "breached"
			res.OpenBreached++
		} else {
			state := int32(-1)
			if !o.stateless {
				state = l.Act[o.last]
			}
			oc.Probability, oc.Basis, oc.Reference = groups[o.tgt].estimate(o.elapsed, state)
			res.OpenAtRisk++
		}
		res.Open = append(res.Open, oc)
	}
	// Breached first (2), then by probability, unknown (-1) last.
	rank := func(o *OpenCase) float64 {
		switch {
		case o.Status == "breached":
			return 2
		case o.Probability == nil:
			return -1
		}
		return *o.Probability
	}
	slices.SortFunc(res.Open, func(a, b OpenCase) int {
		return cmp.Or(cmp.Compare(rank(&b), rank(&a)),
			cmp.Compare(b.ElapsedSeconds, a.ElapsedSeconds), cmp.Compare(a.CaseID, b.CaseID))
	})
}

// deadline is when tgt of the rule's time has elapsed after Unix µs s0us.
func (e *env) deadline(r *Rule, s0us, tgt int64) time.Time {
	t := time.UnixMicro(s0us).In(e.loc)
	if r.Business {
		return e.cal.Add(t, time.Duration(tgt))
	}
	return t.Add(time.Duration(tgt))
}

// estimate returns the share of reference cases still open at elapsed that
// breached, on the basis used and the number of cases counted.
func (g *refGroup) estimate(elapsed int64, state int32) (*float64, string, int64) {
	if iv := g.states[state]; iv != nil {
		n := countLE(iv.lo, elapsed) - countLE(iv.hi, elapsed)
		if n >= minStateCases {
			b := countLE(iv.blo, elapsed) - countLE(iv.bhi, elapsed)
			p := float64(b) / float64(n)
			return &p, "state", n
		}
	}
	n := int64(len(g.durs)) - countLE(g.durs, elapsed)
	if n == 0 {
		return nil, "none", 0
	}
	b := int64(len(g.durs)) - countLE(g.durs, max(elapsed, g.tgt))
	p := float64(b) / float64(n)
	return &p, "all", n
}

// countLE is the number of values ≤ x in sorted.
func countLE(sorted []int64, x int64) int64 {
	return int64(sort.Search(len(sorted), func(i int) bool { return sorted[i] > x }))
}
