package sla

import (
	"runtime"
	"sync"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// clock gives every instant of the log as working time since the log's
// origin (its earliest instant), in nanoseconds. Business time is additive
// (calendar.Between(a, c) == Between(a, b) + Between(b, c)), so any span is
// the difference of two of these values, and an evaluation calls Between
// once per instant instead of once per span per rule.
type clock struct {
	cal    *calendar.Calendar // nil: wall-clock time
	origin int64              // Unix µs
	done   []int64            // at l.Time[i]
	start  []int64            // at l.Start[i]; unset where Start is None, nil when every start is (or follows its completion)
	now    int64              // at Options.Now
}

// newClock builds a clock; cal nil is wall-clock time, for which the arrays
// are not needed (work is computed from the µs directly).
func newClock(l *timeline.Log, cal *calendar.Calendar, origin, now int64) *clock {
	k := &clock{cal: cal, origin: origin}
	if cal != nil {
		n := l.Steps()
		k.done = make([]int64, n)
		for i, s := range l.Start { // a log without start times needs no start array
			if s != timeline.None && s <= l.Time[i] {
				k.start = make([]int64, n)
				break
			}
		}
		// Between costs about a hundred nanoseconds; a million-instance log
		// is worth splitting across the cores.
		parts := min(runtime.GOMAXPROCS(0), max(1, n/65536))
		var wg sync.WaitGroup
		for p := range parts {
			lo, hi := n*p/parts, n*(p+1)/parts
			wg.Go(func() {
				for i := lo; i < hi; i++ {
					k.done[i] = k.work(l.Time[i])
					if s := l.Start[i]; s != timeline.None && k.start != nil {
						k.start[i] = k.work(s)
					}
				}
			})
		}
		wg.Wait()
	}
	k.now = k.work(now)
	return k
}

// work is the working time from the origin to instant us (Unix µs).
func (k *clock) work(us int64) int64 {
	if k.cal == nil {
		return (us - k.origin) * 1000
	}
	return int64(k.cal.Between(time.UnixMicro(k.origin), time.UnixMicro(us)))
}

// at returns the working time at l.Time[i].
func (k *clock) at(l *timeline.Log, i int) int64 {
	if k.cal == nil {
		return (l.Time[i] - k.origin) * 1000
	}
	return k.done[i]
}

// atStart returns the working time at l.Start[i], which must be set.
func (k *clock) atStart(l *timeline.Log, i int) int64 {
	if k.cal == nil {
		return (l.Start[i] - k.origin) * 1000
	}
	return k.start[i]
}
