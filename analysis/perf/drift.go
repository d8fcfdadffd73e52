package perf

import (
	"time"

	"github.com/pmx-dev/pmx/analysis/localtime"

	"github.com/pmx-dev/pmx/analysis/stats"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Week is one ISO week (Monday 00:00 in the analysis' zone) of cases that
// completed in it.
type Week struct {
	Start       string  `json:"start"` // YYYY-MM-DD, the Monday
	Cases       int64   `json:"cases"` // throughput: cases completed
	MedianCycle float64 `json:"median_cycle"`
	P90Cycle    float64 `json:"p90_cycle"`
}

// Change is a detected shift in a weekly series (Pettitt's test).
type Change struct {
	Since       string  `json:"since"` // first week of the new regime
	Before      float64 `json:"before"`
	After       float64 `json:"after"`
	P           float64 `json:"p"`
	Significant bool    `json:"significant"`
}

// Drift is the weekly evolution of cycle time and throughput, with the most
// likely change point of each series.
type Drift struct {
	Weeks            []Week  `json:"weeks"`
	CycleChange      *Change `json:"cycle_change,omitempty"`
	ThroughputChange *Change `json:"throughput_change,omitempty"`
}

// WeeklyDrift groups cases by the week of their last completion (in loc)
// and tests the weekly median cycle time and throughput for a change point.
// Weeks without completions are kept (throughput 0, cycle NaN-free 0) so
// the series has no gaps; the cycle-time test skips them.
func WeeklyDrift(l *timeline.Log, cycle []float64, loc *time.Location, alpha float64) Drift {
	if loc == nil {
		loc = time.UTC
	}
	type wk struct{ cycles []float64 }
	weeks := map[int64]*wk{} // Monday's day number
	var first, last int64 = 1 << 62, -(1 << 62)
	days := localtime.New(loc)
	for c := 0; c < l.Cases(); c++ {
		day := days.Day(l.Time[l.CaseStart[c+1]-1])
		monday := day - int64((localtime.Weekday(day)+6)%7)
		w := weeks[monday]
		if w == nil {
			w = &wk{}
			weeks[monday] = w
		}
		w.cycles = append(w.cycles, cycle[c])
		first, last = min(first, monday), max(last, monday)
	}
	var d Drift
	var med, thr []float64
	var medWeeks []int
	for m := first; m <= last && len(weeks) > 0; m += 7 {
		wkv := Week{Start: time.Unix(m*86400, 0).UTC().Format("2006-01-02")}
		if w := weeks[m]; w != nil {
			s := sortedCopy(w.cycles)
			wkv.Cases, wkv.MedianCycle, wkv.P90Cycle = int64(len(s)), stats.Quantile(s, 0.5), stats.Quantile(s, 0.9)
			med = append(med, wkv.MedianCycle)
			medWeeks = append(medWeeks, len(d.Weeks))
		}
		thr = append(thr, float64(wkv.Cases))
		d.Weeks = append(d.Weeks, wkv)
	}
	if cp, err := stats.ChangePoint(med); err == nil && len(med) >= 4 {
		d.CycleChange = &Change{Since: d.Weeks[medWeeks[cp.Index]].Start, Before: cp.MeanBefore, After: cp.MeanAfter,
			P: cp.P, Significant: cp.P < alpha}
	}
	if cp, err := stats.ChangePoint(thr); err == nil && len(thr) >= 4 {
		d.ThroughputChange = &Change{Since: d.Weeks[cp.Index].Start, Before: cp.MeanBefore, After: cp.MeanAfter,
			P: cp.P, Significant: cp.P < alpha}
	}
	return d
}
