package main

import (
	"fmt"
	"time"
	_ "time/tzdata" // the offsets written must not depend on the host's zoneinfo
)

// zoneName is the service desk's time zone; all business hours are local.
const zoneName = "Europe/Amsterdam"

// maxDays bounds every calendar walk. Calendars are validated to have a
// working day each week and leave shorter than this, so the bound is never
// reached; it only guarantees termination.
const maxDays = 400

// span is a working window in minutes after local midnight, [from, to).
type span struct{ from, to int }

func hm(h, m int) int { return h*60 + m }

// holidays are the Dutch public holidays in the log's period on which the
// service desk is closed (it is open on Good Friday and Liberation Day, as
// many Dutch employers are in a non-lustrum year).
var holidays = map[string]bool{
	"2026-04-06": true, // Easter Monday
	"2026-04-27": true, // King's Day
	"2026-05-14": true, // Ascension Day
	"2026-05-25": true, // Whit Monday
}

// calendar says when someone works. Times are absolute; windows are applied
// in local wall-clock time, so a window keeps its local hours across the
// DST change.
type calendar struct {
	loc      *time.Location
	week     [7][]span // by time.Weekday
	holidays bool      // closed on holidays
	leave    [][2]string
}

func newCalendar(loc *time.Location, week [7][]span, holidays bool, leave [][2]string) (*calendar, error) {
	works := false
	for _, d := range week {
		for _, s := range d {
			if s.from < 0 || s.to > 24*60 || s.from >= s.to {
				return nil, fmt.Errorf("bad working window %d-%d", s.from, s.to)
			}
			works = true
		}
	}
	if !works {
		return nil, fmt.Errorf("calendar has no working time")
	}
	for _, l := range leave {
		a, err1 := time.Parse(time.DateOnly, l[0])
		b, err2 := time.Parse(time.DateOnly, l[1])
		if err1 != nil || err2 != nil || b.Before(a) || b.Sub(a) > 60*24*time.Hour {
			return nil, fmt.Errorf("bad leave %s..%s", l[0], l[1])
		}
	}
	return &calendar{loc: loc, week: week, holidays: holidays, leave: leave}, nil
}

// weekdays returns a Monday-to-Friday week of the given windows.
func weekdays(spans ...span) [7][]span {
	var w [7][]span
	for d := time.Monday; d <= time.Friday; d++ {
		w[d] = spans
	}
	return w
}

// windows returns the working windows of the local day starting at day.
func (c *calendar) windows(day time.Time) []span {
	key := day.Format(time.DateOnly)
	if c.holidays && holidays[key] {
		return nil
	}
	for _, l := range c.leave {
		if key >= l[0] && key <= l[1] {
			return nil
		}
	}
	return c.week[day.Weekday()]
}

// walk calls f with each working window that ends after t, in order, until f
// returns false.
func (c *calendar) walk(t time.Time, f func(from, to time.Time) bool) {
	y, m, d := t.In(c.loc).Date()
	for i := 0; i < maxDays; i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, c.loc)
		for _, s := range c.windows(day) {
			from := time.Date(y, m, d+i, 0, s.from, 0, 0, c.loc)
			to := time.Date(y, m, d+i, 0, s.to, 0, 0, c.loc)
			if !to.After(t) {
				continue
			}
			if !f(from, to) {
				return
			}
		}
	}
}

// next returns the first working instant at or after t.
func (c *calendar) next(t time.Time) time.Time {
	res := t.AddDate(1, 0, 0) // unreachable for a valid calendar, see maxDays
	c.walk(t, func(from, _ time.Time) bool {
		res = later(t, from)
		return false
	})
	return res
}

// add returns the instant at which work of duration d started at t ends,
// counting only working time.
func (c *calendar) add(t time.Time, d time.Duration) time.Time {
	res := t.AddDate(1, 0, 0)
	c.walk(t, func(from, to time.Time) bool {
		s := later(t, from)
		if s.Add(d).Compare(to) <= 0 {
			res = s.Add(d)
			return false
		}
		d -= to.Sub(s)
		return true
	})
	return res
}

// between returns the working time in [a, b).
func (c *calendar) between(a, b time.Time) time.Duration {
	var sum time.Duration
	if !b.After(a) {
		return 0
	}
	c.walk(a, func(from, to time.Time) bool {
		if !from.Before(b) {
			return false
		}
		sum += earlier(to, b).Sub(later(a, from))
		return true
	})
	return sum
}

// isWorking reports whether t falls inside a working window.
func (c *calendar) isWorking(t time.Time) bool { return c.next(t).Equal(t) }

// withMondayStart returns a copy whose Monday windows start no earlier than
// from: the dispatch team's weekly planning meeting.
func (c *calendar) withMondayStart(from int) *calendar {
	cp := *c
	var mon []span
	for _, s := range c.week[time.Monday] {
		if s.to > from {
			mon = append(mon, span{max(s.from, from), s.to})
		}
	}
	cp.week[time.Monday] = mon
	return &cp
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func minutes(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }
