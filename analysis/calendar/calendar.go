package calendar

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Calendar is a working-time calendar: weekly working hours in one time zone,
// minus holidays. It is immutable and safe for concurrent use.
//
// An instant is working time when the wall clock in the calendar's zone
// shows a working hour of a working date (see the package documentation for
// how this plays out around DST changes).
type Calendar struct {
	name   string
	always bool // 24×7: business time is calendar time, short-circuit everything
	zone   *zone
	week   week

	// Between measures a span in wall time, then corrects for each offset
	// change inside it (see jumpAt). jump[i] sums those corrections over the
	// changes at zone.start[1..i], ignoring holidays; jumpCycle is their sum
	// over one 400-year cycle. The few changes whose correction a holiday
	// alters are listed apart: holAt (sorted) with holCum[i] = the sum of the
	// alterations at holAt[:i].
	jump      []int64
	jumpCycle int64
	holAt     []int64
	holCum    []int64
}

// clampSec bounds the Unix seconds the arithmetic works with (about ±1.1
// million years), so that day and second counts can never overflow int64.
// Instants beyond it are treated as if they were at it.
const clampSec = 1 << 45

func newCalendar(name string, z *zone, w week) *Calendar {
	c := &Calendar{name: name, zone: z, week: w}
	plain := w.withoutHolidays()
	c.jump = make([]int64, len(z.start))
	for i := 1; i < len(z.start); i++ {
		c.jump[i] = c.jump[i-1] + jumpAt(&plain, z.start[i], z.off[i-1], z.off[i])
	}
	if z.periodic {
		i0, _ := slices.BinarySearch(z.start, cycleFrom+1)
		i1, _ := slices.BinarySearch(z.start, cycleTo+1)
		c.jumpCycle = c.jump[i1-1] - c.jump[i0-1]
	}
	// A holiday alters the correction of an offset change only if the wall
	// time it skips or repeats is on the holiday, so only changes within a
	// couple of days of a holiday need a look.
	type alt struct{ t, d int64 }
	var alts []alt
	for _, h := range w.holidays {
		u, stop := (h-2)*secPerDay, (h+3)*secPerDay
		for u < stop {
			o1, t := z.at(u)
			if t >= stop {
				break
			}
			o2, _ := z.at(t)
			if _, _, counted := z.locate(t); counted && t > z.start[0] {
				if d := jumpAt(&c.week, t, o1, o2) - jumpAt(&plain, t, o1, o2); d != 0 {
					alts = append(alts, alt{t, d})
				}
			}
			u = t
		}
	}
	slices.SortFunc(alts, func(a, b alt) int { return cmp.Compare(a.t, b.t) })
	alts = slices.CompactFunc(alts, func(a, b alt) bool { return a.t == b.t })
	c.holCum = make([]int64, len(alts)+1)
	for i, a := range alts {
		c.holAt = append(c.holAt, a.t)
		c.holCum[i+1] = c.holCum[i] + a.d
	}
	return c
}

// jumpAt is the working time that a change of offset from o1 to o2 at
// instant t adds to a span over it: the wall clock goes from t+o1 to t+o2,
// so the wall time in between is skipped (o2 > o1, a loss) or lived twice
// (o2 < o1, a gain). Adding it to the wall-time measure of a span gives the
// real working time: that is what makes a DST change count real time.
func jumpAt(w *week, t, o1, o2 int64) int64 {
	s, _, _ := w.signed(t+o2, t+o1)
	return s
}

// jumps is jump for period i shifted by k cycles.
func (c *Calendar) jumps(i int, k int64) int64 {
	return c.jump[i] + k*c.jumpCycle
}

// holidayJumps sums the holiday alterations of changes in (a, b].
func (c *Calendar) holidayJumps(a, b int64) int64 {
	if len(c.holAt) == 0 {
		return 0
	}
	return c.holCum[upper(c.holAt, b)] - c.holCum[upper(c.holAt, a)]
}

// upper is the number of elements of the sorted slice s that are <= v.
func upper(s []int64, v int64) int {
	i, found := slices.BinarySearch(s, v)
	if found {
		i++
	}
	return i
}

var always = func() *Calendar {
	var days [7][]span
	for d := range days {
		days[d] = []span{{0, secPerDay}}
	}
	c := newCalendar("24x7", utcZone, newWeek(days, nil))
	c.always = true
	return c
}()

// Always is the 24×7 calendar: business time equals calendar time. Its name
// is "24x7" and its location UTC.
func Always() *Calendar { return always }

// Name is the calendar's name field, or the name given to Parse or ParseNode
// when the YAML has none.
func (c *Calendar) Name() string { return c.name }

// Location is the time zone the working hours are read in.
func (c *Calendar) Location() *time.Location { return c.zone.loc }

// instant splits t into a clamped Unix second and its nanoseconds.
func instant(t time.Time) (sec, nsec int64) {
	sec = t.Unix()
	switch {
	case sec < -clampSec:
		return -clampSec, 0
	case sec >= clampSec:
		return clampSec, 0
	}
	return sec, int64(t.Nanosecond())
}

// IsWorking reports whether t falls in working time.
func (c *Calendar) IsWorking(t time.Time) bool {
	if c.always {
		return true
	}
	u, _ := instant(t)
	off, _ := c.zone.at(u)
	return c.week.working(u + off)
}

// Between is the working time between two instants: the length of the
// working part of [from, to). It is 0 if to <= from. The zones from and to
// are written in do not matter, only the instants. The result saturates at
// the largest time.Duration (about 292 years of working time): measure
// spans that may be longer with Seconds.
//
// It does not allocate, and its cost does not depend on the length of the
// span: two binary searches in the zone's table (one if no offset change
// lies between from and to), a few in the holidays, and O(1) arithmetic.
func (c *Calendar) Between(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if c.always {
		return to.Sub(from)
	}
	fs, fn := instant(from)
	ts, tn := instant(to)
	sec, corr := c.between(fs, fn, ts, tn)
	if sec > math.MaxInt64/int64(time.Second)-1 {
		return math.MaxInt64
	}
	return time.Duration(sec*int64(time.Second) + corr)
}

// Seconds is Between in seconds, for instants given as Unix microseconds
// (the warehouse's resolution). Unlike Between it never saturates: a span
// of ten thousand years of working time is measured as such (float64
// seconds are exact to the microsecond for spans up to about 285 years and
// within a microsecond's rounding beyond). It is 0 if toUS <= fromUS.
func (c *Calendar) Seconds(fromUS, toUS int64) float64 {
	if toUS <= fromUS {
		return 0
	}
	if c.always {
		return float64(toUS-fromUS) / 1e6
	}
	fs, fn := instant(time.UnixMicro(fromUS))
	ts, tn := instant(time.UnixMicro(toUS))
	sec, corr := c.between(fs, fn, ts, tn)
	return float64(sec) + float64(corr)/1e9
}

// between returns the working time in [a+an ns, b+bn ns) as whole seconds
// plus a correction in nanoseconds, for a <= b.
//
// Work is counted in whole seconds: every boundary (a working-hour edge,
// midnight, an offset change) falls on a whole second, so within one second
// an instant is either all working or all not. The nanoseconds of the ends
// are then added or removed by whether their seconds are working.
func (c *Calendar) between(a, an, b, bn int64) (sec, corr int64) {
	z := c.zone
	ia, ka, ok := z.locate(a)
	if !ok {
		return c.walk(a, an, b, bn)
	}
	ib, kb := ia, ka
	if b >= z.periodEnd(ia, ka) {
		if ib, kb, ok = z.locate(b); !ok {
			return c.walk(a, an, b, bn)
		}
	}
	sec, in0, in1 := c.week.signed(a+z.off[ia], b+z.off[ib])
	if ib != ia || kb != ka {
		sec += c.jumps(ib, kb) - c.jumps(ia, ka) + c.holidayJumps(a, b)
	}
	if in0 {
		corr -= an
	}
	if in1 {
		corr += bn
	}
	return sec, corr
}

// walk is between done period by period, measuring each in wall time. It
// serves instants outside the zone's table, and tests check between
// against it.
func (c *Calendar) walk(a, an, b, bn int64) (sec, corr int64) {
	for {
		off, end := c.zone.at(a)
		if b < end {
			s, in0, in1 := c.week.measure(a+off, b+off)
			if in0 {
				corr -= an
			}
			if in1 {
				corr += bn
			}
			return sec + s, corr
		}
		s, in0, _ := c.week.measure(a+off, end+off)
		sec += s
		if in0 {
			corr -= an
		}
		a, an = end, 0
	}
}

// Add returns the instant at which d of working time has elapsed after from:
// the earliest t with Between(from, t) == d, the due time of a target of d
// business time. It is from itself for d <= 0; when from is outside working
// hours and d > 0, the clock starts at the next working instant. The result
// is in from's location.
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if c.always {
		return from.Add(d)
	}
	loc := from.Location()
	fs, fn := instant(from)
	need := int64(d)
	if fn > 0 {
		// The rest of from's own second, then continue on a whole second.
		off, _ := c.zone.at(fs)
		if c.week.working(fs + off) {
			rest := int64(time.Second) - fn
			if need <= rest {
				return time.Unix(fs, fn+need).In(loc)
			}
			need -= rest
		}
		fs++
	}
	// need = n whole seconds + r nanoseconds. For r > 0, find where n+1
	// seconds are done: that second is working (it is the last one counted),
	// so the target lies r nanoseconds into it.
	n, r := need/int64(time.Second), need%int64(time.Second)
	if r > 0 {
		n++
	}
	u := c.addSeconds(fs, n)
	if r > 0 {
		return time.Unix(u-1, r).In(loc)
	}
	return time.Unix(u, 0).In(loc)
}

// AddMicros is Add for instants and work given in Unix microseconds, the
// resolution of the warehouse and of the simulator: the instant at which
// workUS of working time has elapsed after fromUS. With workUS <= 0 it is
// fromUS.
func (c *Calendar) AddMicros(fromUS, workUS int64) int64 {
	if workUS <= 0 {
		return fromUS
	}
	if c.always {
		return fromUS + workUS
	}
	return c.Add(time.UnixMicro(fromUS).UTC(), time.Duration(workUS)*time.Microsecond).UnixMicro()
}

// WorkingSpan returns a stretch [from, to) of working time, in Unix
// microseconds: the one holding us when us is working time, else the next
// one. Every instant in it is working time, so work of w microseconds that
// starts at t in it ends at t + w when t + w <= to; to may come before the
// working interval's true end (a span is cut at midnight between two
// working days, at DST changes and after at most a week), which callers
// must treat as "ask again". The simulator uses it to skip the calendar
// arithmetic for work that fits in the current shift.
func (c *Calendar) WorkingSpan(us int64) (from, to int64) {
	if c.always {
		return us, math.MaxInt64
	}
	from = c.AddMicros(us, 1) - 1
	sec := from / 1_000_000
	if from%1_000_000 < 0 {
		sec--
	}
	off, periodEnd := c.zone.at(sec)
	d, s := split(sec + off)
	for _, sp := range c.week.days[weekday(d)] {
		if s >= sp.from && s < sp.to {
			end := (d*secPerDay + sp.to - off) * 1_000_000
			return from, min(end, periodEnd*1_000_000)
		}
	}
	// from is working (AddMicros found it), so a span holds it; should the
	// clock arithmetic disagree, a one-microsecond span is still true.
	return from, from + 1
}

// addSeconds returns the earliest Unix second u with n >= 1 working seconds
// in [a, u). It walks DST periods forward, skipping each one whole when the
// remaining work does not end in it.
func (c *Calendar) addSeconds(a, n int64) int64 {
	for a < clampSec {
		off, end := c.zone.at(a)
		if end < clampSec {
			avail, _, _ := c.week.measure(a+off, end+off)
			if avail < n {
				n -= avail
				a = end
				continue
			}
		}
		return c.week.inverse(a+off, n) - off
	}
	return clampSec
}
