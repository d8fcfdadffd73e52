package perf

import (
	"cmp"
	"slices"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Dist summarises a distribution of durations in seconds.
type Dist struct {
	N    int64   `json:"n"`
	Mean float64 `json:"mean"`
	CV   float64 `json:"cv"` // coefficient of variation (stddev / mean); 0 when the mean is 0
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	Max  float64 `json:"max"`
	Sum  float64 `json:"sum"`
}

// dist summarises xs (which it reorders). Quantiles interpolate
// linearly between order statistics (numpy's default, "type 7"), so the
// median of an even count is the mean of the middle two, as in pmx stats.
func dist(xs []float64) Dist {
	if len(xs) == 0 {
		return Dist{}
	}
	q := quantiles(xs, 0.5, 0.9, 0.95, 1)
	d := Dist{N: int64(len(xs)), P50: q[0], P90: q[1], P95: q[2], Max: q[3], Sum: floats.Sum(xs)}
	mean, std := stat.MeanStdDev(xs, nil)
	d.Mean = mean
	if mean != 0 && len(xs) > 1 {
		d.CV = std / mean
	}
	return d
}

// SummarizeDurations summarises durations in seconds (xs is reordered).
func SummarizeDurations(xs []float64) Dist { return dist(xs) }

// ActivityTimes summarises the instances of one activity.
type ActivityTimes struct {
	Activity string `json:"activity"`
	Count    int64  `json:"count"`
	// Waiting: previous completion → this start (or completion); Service:
	// start → completion (instances with a start time only); Sojourn:
	// previous completion → completion. First instances of a case have no
	// waiting or sojourn.
	Waiting Dist `json:"waiting"`
	Service Dist `json:"service"`
	Sojourn Dist `json:"sojourn"`
}

// EdgeTimes summarises one handover a → b (a directly-follows edge).
type EdgeTimes struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Count   int64  `json:"count"`
	Waiting Dist   `json:"waiting"`
	Sojourn Dist   `json:"sojourn"` // equals pmx dfg's edge time
}

// CaseTimes summarises the cases: cycle time and each case's total waiting
// and service.
type CaseTimes struct {
	Cases   int64 `json:"cases"`
	Cycle   Dist  `json:"cycle"`
	Waiting Dist  `json:"waiting"`
	Service Dist  `json:"service"`
}

// Decomposition is the time decomposition of a log in one clock.
type Decomposition struct {
	Clock      string          `json:"clock"` // "calendar" or the business calendar's name
	Cases      CaseTimes       `json:"cases"`
	Activities []ActivityTimes `json:"activities"` // by total waiting, descending
	Edges      []EdgeTimes     `json:"edges"`      // by total waiting, descending
	Overlaps   int64           `json:"overlaps"`   // instances starting before their predecessor completed
}

// Summarize builds the decomposition from per-step times and cycle times.
//
// Each distribution gathers its values from the steps grouped by activity
// or handover (a stable counting sort of step indices), in step order, into
// one scratch slice reused from group to group: the same values in the
// same order as a slice appended per group, at a fraction of the memory.
func Summarize(l *timeline.Log, tm *Times, cycle []float64, clockName string) Decomposition {
	na := len(l.Activities)
	count := make([]int64, na)
	caseWait, caseServ := make([]float64, l.Cases()), make([]float64, 0, l.Cases())
	for c := 0; c < l.Cases(); c++ {
		lo, hi := int(l.CaseStart[c]), int(l.CaseStart[c+1])
		var cs float64
		hasServ := false
		for i := lo; i < hi; i++ {
			count[l.Act[i]]++
			if s := tm.ServiceAt(i); s >= 0 {
				cs += s
				hasServ = true
			}
			if i > lo {
				caseWait[c] += tm.Waiting[i]
			}
		}
		if hasServ {
			caseServ = append(caseServ, cs)
		}
	}
	d := Decomposition{Clock: clockName, Overlaps: tm.Overlaps,
		Cases: CaseTimes{Cases: int64(l.Cases()), Cycle: dist(slices.Clone(cycle)), Waiting: dist(caseWait), Service: dist(caseServ)}}
	caseWait, caseServ = nil, nil
	sameSojourn := len(tm.Sojourn) > 0 && &tm.Sojourn[0] == &tm.Waiting[0]
	var scratch []float64
	// gather summarises values[i] of the steps in idx that keep says to.
	gather := func(idx []int32, values []float64, keep func(i int32) bool) Dist {
		scratch = scratch[:0]
		for _, i := range idx {
			if keep(i) {
				scratch = append(scratch, values[i])
			}
		}
		return dist(scratch)
	}
	notFirst := func(i int32) bool { return i > l.CaseStart[l.Case[i]] }
	withService := func(i int32) bool { return tm.Service[i] >= 0 }
	order, off := groupSteps(l, l.Act, na, true)
	for a := 0; a < na; a++ {
		if count[a] == 0 {
			continue
		}
		idx := order[off[a]:off[a+1]]
		at := ActivityTimes{Activity: l.Activities[a], Count: count[a], Waiting: gather(idx, tm.Waiting, notFirst)}
		if tm.Service != nil {
			at.Service = gather(idx, tm.Service, withService)
		}
		if at.Sojourn = at.Waiting; !sameSojourn {
			at.Sojourn = gather(idx, tm.Sojourn, notFirst)
		}
		d.Activities = append(d.Activities, at)
	}
	edges := newEdgeIndex(l)
	order, off = groupSteps(l, edges.handovers(l), edges.n(), false)
	for e := 0; e < edges.n(); e++ {
		idx := order[off[e]:off[e+1]]
		from, to := edges.ends(e)
		et := EdgeTimes{From: l.Activities[from], To: l.Activities[to], Count: int64(len(idx)),
			Waiting: gather(idx, tm.Waiting, func(int32) bool { return true })}
		if et.Sojourn = et.Waiting; !sameSojourn {
			et.Sojourn = gather(idx, tm.Sojourn, func(int32) bool { return true })
		}
		d.Edges = append(d.Edges, et)
	}
	slices.SortFunc(d.Activities, func(x, y ActivityTimes) int {
		return cmp.Or(cmp.Compare(y.Waiting.Sum, x.Waiting.Sum), cmp.Compare(x.Activity, y.Activity))
	})
	slices.SortFunc(d.Edges, func(x, y EdgeTimes) int {
		return cmp.Or(cmp.Compare(y.Waiting.Sum, x.Waiting.Sum), cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
	})
	return d
}
