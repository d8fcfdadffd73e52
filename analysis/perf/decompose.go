package perf

import (
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Clock measures the working time between two instants given as Unix
// microseconds, in seconds: a business calendar (*calendar.Calendar), or
// nil for calendar time. It must not saturate: a span of centuries is
// measured as such, never clipped to a maximum.
type Clock interface {
	Seconds(fromUS, toUS int64) float64
}

// Times are the per-step durations of a log in seconds, parallel to the
// timeline's step arrays. NaN-free: a value that does not exist (no
// predecessor, no start) is -1.
type Times struct {
	Waiting []float64 // previous completion → start (or completion)
	Service []float64 // start → completion
	Sojourn []float64 // previous completion → completion
	// Overlaps counts instances that started before their predecessor
	// completed (their waiting is clipped to 0).
	Overlaps int64
}

const absent = -1

// Decompose computes every step's waiting, service and sojourn time, with
// clock (calendar time when nil).
func Decompose(l *timeline.Log, clock Clock) *Times {
	n := l.Steps()
	t := &Times{Waiting: make([]float64, n), Service: make([]float64, n), Sojourn: make([]float64, n)}
	dur := func(from, to int64) float64 {
		if to <= from {
			return 0
		}
		if clock == nil {
			return float64(to-from) / 1e6
		}
		return clock.Seconds(from, to)
	}
	for c := 0; c < l.Cases(); c++ {
		lo, hi := int(l.CaseStart[c]), int(l.CaseStart[c+1])
		for i := lo; i < hi; i++ {
			st := l.Start[i]
			if st != timeline.None && st <= l.Time[i] {
				t.Service[i] = dur(st, l.Time[i])
			} else {
				t.Service[i], st = absent, timeline.None
			}
			if i == lo {
				t.Waiting[i], t.Sojourn[i] = absent, absent
				continue
			}
			prev := l.Time[i-1]
			t.Sojourn[i] = dur(prev, l.Time[i])
			arrive := l.Time[i]
			if st != timeline.None {
				arrive = st
			}
			if arrive < prev {
				t.Overlaps++
				t.Waiting[i] = 0
			} else {
				t.Waiting[i] = dur(prev, arrive)
			}
		}
	}
	return t
}

// CycleTimes returns every case's cycle time (last minus first completion)
// with clock.
func CycleTimes(l *timeline.Log, clock Clock) []float64 {
	out := make([]float64, l.Cases())
	for c := range out {
		lo, hi := l.CaseStart[c], l.CaseStart[c+1]
		if hi <= lo {
			continue
		}
		from, to := l.Time[lo], l.Time[hi-1]
		if clock == nil {
			out[c] = float64(to-from) / 1e6
		} else if to > from {
			out[c] = clock.Seconds(from, to)
		}
	}
	return out
}
