package sla

import (
	"fmt"
	"time"

	"github.com/pmx-dev/pmx/analysis/localtime"

	"github.com/pmx-dev/pmx/analysis/stats"
)

// minWeeks is the fewest weeks with measured cases the change-point test
// is run on; Pettitt's p-value is meaningless on a handful of points.
const minWeeks = 6

// trend counts windows by the ISO week of their start.
type trend struct {
	byMonday map[int64]*Week // key: the Monday's day number (days since 1970-01-01)
	days     *localtime.Zone
	monday   int64 // the last window's week, which the next is usually in
	last     *Week
}

func newTrend(loc *time.Location) *trend {
	return &trend{byMonday: map[int64]*Week{}, days: localtime.New(loc)}
}

// add counts a window started at Unix µs us in the calendar's zone.
func (t *trend) add(us int64, breached, isOpen bool) {
	day := t.days.Day(us)
	monday := day - int64((localtime.Weekday(day)+6)%7)
	w := t.last
	if w == nil || monday != t.monday {
		if w = t.byMonday[monday]; w == nil {
			w = &Week{}
			t.byMonday[monday] = w
		}
		t.monday, t.last = monday, w
	}
	switch {
	case isOpen:
		w.Open++
	case breached:
		w.Cases++
		w.Breaches++
	default:
		w.Cases++
	}
}

// weeks lists every week from the first to the last one seen, and tests the
// weekly rate for a change point.
func (t *trend) weeks(alpha float64) ([]Week, *Change) {
	if len(t.byMonday) == 0 {
		return []Week{}, nil
	}
	first, last := int64(1<<62), int64(-1<<62)
	for m := range t.byMonday {
		first, last = min(first, m), max(last, m)
	}
	out := make([]Week, 0, (last-first)/7+1)
	for m := first; m <= last; m += 7 {
		w := Week{}
		if p := t.byMonday[m]; p != nil {
			w = *p
		}
		monday := time.Unix(m*86400, 0).UTC()
		y, n := monday.ISOWeek()
		w.Week, w.Start = fmt.Sprintf("%04d-W%02d", y, n), monday.Format(time.DateOnly)
		if w.Cases > 0 {
			w.Rate = float64(w.Breaches) / float64(w.Cases)
		}
		out = append(out, w)
	}
	return out, change(out, alpha)
}

// change runs Pettitt's test on the rates of the weeks with measured cases
// and states the shift with pooled rates on either side.
func change(weeks []Week, alpha float64) *Change {
	var (
		rates []float64
		idx   []int
	)
	for i, w := range weeks {
		if w.Cases > 0 {
			rates = append(rates, w.Rate)
			idx = append(idx, i)
		}
	}
	if len(rates) < minWeeks {
		return nil
	}
	cp, err := stats.ChangePoint(rates)
	if err != nil || cp.K == 0 {
		return nil // a flat series has no change to report
	}
	var bc, bb, ac, ab int64
	for j, i := range idx {
		if j < cp.Index {
			bc, bb = bc+weeks[i].Cases, bb+weeks[i].Breaches
		} else {
			ac, ab = ac+weeks[i].Cases, ab+weeks[i].Breaches
		}
	}
	ch := &Change{
		Since:  weeks[idx[cp.Index]].Week,
		Before: float64(bb) / float64(bc),
		After:  float64(ab) / float64(ac),
		P:      cp.P,
	}
	ch.Significant = ch.P < alpha
	ch.Text = fmt.Sprintf("since %s the breach rate went from %.0f%% to %.0f%% (p = %.2g)", ch.Since, 100*ch.Before, 100*ch.After, ch.P)
	return ch
}
