package perf

import (
	"cmp"
	"slices"
	"time"

	"github.com/pmx-dev/pmx/analysis/localtime"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// WIP is an activity's work in progress: cases between the previous
// completion and this activity's completion.
type WIP struct {
	Activity string `json:"activity"`
	// MeanWIP is the time-average number of cases in progress over the
	// log's span (from the sweep), Peak its maximum.
	MeanWIP float64 `json:"mean_wip"`
	Peak    int64   `json:"peak"`
	// Little's law: arrival rate λ (instances per second over the span)
	// times mean sojourn W; LittleRatio = MeanWIP / (λ·W), 1 when the
	// measured WIP is consistent with the flow (it departs from 1 only for
	// instances cut off at the window's edges).
	Lambda      float64 `json:"lambda_per_second"`
	MeanSojourn float64 `json:"mean_sojourn"`
	LittleRatio float64 `json:"little_ratio"`
}

// HourOfWeek is the mean waiting of the instances whose wait began in one
// hour of the week (0 = Monday 00:00–01:00 in the analysis' zone).
type HourOfWeek struct {
	Hour        int     `json:"hour"`
	Instances   int64   `json:"instances"`
	MeanWaiting float64 `json:"mean_waiting"`
}

// WorkInProgress computes WIP and Little's-law consistency per activity
// (calendar time), most loaded first, and the hour-of-week profile of
// waiting in loc.
func WorkInProgress(l *timeline.Log, tm *Times, loc *time.Location) ([]WIP, []HourOfWeek) {
	if loc == nil {
		loc = time.UTC
	}
	na := len(l.Activities)
	soj := make([]float64, na)
	cnt := make([]int64, na)
	var lo, hi int64 = 1 << 62, -(1 << 62)
	how := make([]HourOfWeek, 168)
	for h := range how {
		how[h].Hour = h
	}
	hours := localtime.New(loc)
	for c := 0; c < l.Cases(); c++ {
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			a, from, to := l.Act[i], l.Time[i-1], l.Time[i]
			soj[a] += float64(to-from) / 1e6
			cnt[a]++
			h := hours.HourOfWeek(from)
			how[h].Instances++
			how[h].MeanWaiting += tm.Waiting[i]
		}
		lo, hi = min(lo, l.Time[l.CaseStart[c]]), max(hi, l.Time[l.CaseStart[c+1]-1])
	}
	for h := range how {
		if how[h].Instances > 0 {
			how[h].MeanWaiting /= float64(how[h].Instances)
		}
	}
	span := float64(hi-lo) / 1e6
	if span <= 0 {
		return nil, how
	}
	// One sweep for all activities: every step's completion sorted once
	// by time carries two events, the departure of its own instance (if
	// it has a predecessor) and the arrival of its successor's. At one
	// instant departures come before arrivals, and each activity sees its
	// events in the order a sweep of its own would, so its area adds up
	// term by term the same.
	keys, steps := make([]int64, l.Steps()), make([]uint32, l.Steps())
	for i, t := range l.Time {
		keys[i], steps[i] = t, uint32(i)
	}
	sortIntsKeyed(keys, steps)
	type sweep struct {
		cur, peak int64
		prev      int64
		started   bool
		area      float64
	}
	sw := make([]sweep, na)
	event := func(a int32, t, d int64) {
		s := &sw[a]
		if !s.started {
			s.prev, s.started = t, true
		}
		s.area += float64(s.cur) * float64(t-s.prev) / 1e6
		s.prev = t
		s.cur += d
		s.peak = max(s.peak, s.cur)
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		t := keys[i]
		for _, s := range steps[i:j] {
			if c := l.Case[s]; int32(s) > l.CaseStart[c] {
				event(l.Act[s], t, -1)
			}
		}
		for _, s := range steps[i:j] {
			if c := l.Case[s]; int32(s)+1 < l.CaseStart[c+1] {
				event(l.Act[s+1], t, +1)
			}
		}
		i = j
	}
	keys, steps = nil, nil
	var out []WIP
	for a := 0; a < na; a++ {
		if cnt[a] == 0 {
			continue
		}
		w := WIP{Activity: l.Activities[a], MeanWIP: sw[a].area / span, Peak: sw[a].peak, Lambda: float64(cnt[a]) / span,
			MeanSojourn: soj[a] / float64(cnt[a])}
		if lw := w.Lambda * w.MeanSojourn; lw > 0 {
			w.LittleRatio = w.MeanWIP / lw
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(x, y WIP) int {
		return cmp.Or(cmp.Compare(y.MeanWIP, x.MeanWIP), cmp.Compare(x.Activity, y.Activity))
	})
	return out, how
}
