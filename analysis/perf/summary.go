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
func Summarize(l *timeline.Log, tm *Times, cycle []float64, clockName string) Decomposition {
	na := len(l.Activities)
	wait, serv, soj := make([][]float64, na), make([][]float64, na), make([][]float64, na)
	count := make([]int64, na)
	type edge struct{ from, to int32 }
	ew, es := map[edge][]float64{}, map[edge][]float64{}
	caseWait, caseServ := make([]float64, l.Cases()), make([]float64, 0, l.Cases())
	for c := 0; c < l.Cases(); c++ {
		lo, hi := int(l.CaseStart[c]), int(l.CaseStart[c+1])
		var cs float64
		hasServ := false
		for i := lo; i < hi; i++ {
			a := l.Act[i]
			count[a]++
			if tm.Service[i] >= 0 {
				serv[a] = append(serv[a], tm.Service[i])
				cs += tm.Service[i]
				hasServ = true
			}
			if i == lo {
				continue
			}
			wait[a] = append(wait[a], tm.Waiting[i])
			soj[a] = append(soj[a], tm.Sojourn[i])
			caseWait[c] += tm.Waiting[i]
			e := edge{l.Act[i-1], a}
			ew[e] = append(ew[e], tm.Waiting[i])
			es[e] = append(es[e], tm.Sojourn[i])
		}
		if hasServ {
			caseServ = append(caseServ, cs)
		}
	}
	d := Decomposition{Clock: clockName, Overlaps: tm.Overlaps,
		Cases: CaseTimes{Cases: int64(l.Cases()), Cycle: dist(slices.Clone(cycle)), Waiting: dist(caseWait), Service: dist(caseServ)}}
	for a := 0; a < na; a++ {
		if count[a] == 0 {
			continue
		}
		d.Activities = append(d.Activities, ActivityTimes{Activity: l.Activities[a], Count: count[a],
			Waiting: dist(wait[a]), Service: dist(serv[a]), Sojourn: dist(soj[a])})
	}
	for e, ws := range ew {
		d.Edges = append(d.Edges, EdgeTimes{From: l.Activities[e.from], To: l.Activities[e.to], Count: int64(len(ws)),
			Waiting: dist(ws), Sojourn: dist(es[e])})
	}
	slices.SortFunc(d.Activities, func(x, y ActivityTimes) int {
		return cmp.Or(cmp.Compare(y.Waiting.Sum, x.Waiting.Sum), cmp.Compare(x.Activity, y.Activity))
	})
	slices.SortFunc(d.Edges, func(x, y EdgeTimes) int {
		return cmp.Or(cmp.Compare(y.Waiting.Sum, x.Waiting.Sum), cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
	})
	return d
}
