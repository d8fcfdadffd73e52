package calendar

import (
	"slices"
	"time"
)

// secPerDay is the length of a wall-clock day. Wall time has no DST: every
// local date has exactly 86,400 wall seconds, whatever the zone does.
const secPerDay = 86400

// span is a working interval [from, to) in seconds after local midnight.
type span struct{ from, to int64 }

// week is a calendar's schedule in wall-clock time. It knows nothing of zones
// or instants: a wall second x is x seconds after 1970-01-01 00:00 on the
// local clock (proleptic Gregorian), that is an instant's Unix second plus the
// zone offset in effect at that instant. Wall day d is x/86400 (floored).
//
// Everything here is O(1) in the length of a span apart from binary searches
// in the holiday list: whole weeks are counted with weekTotal, and holidays
// are subtracted with prefix sums, so a year costs what a day costs.
type week struct {
	days      [7][]span // by time.Weekday, sorted, disjoint, not touching
	total     [7]int64  // working seconds on a (non-holiday) weekday
	pre       [15]int64 // pre[i] = Σ total[j%7] for j < i: any run of ≤ 7 days from any weekday
	weekTotal int64     // > 0 for every calendar this package builds
	holidays  []int64   // wall day numbers, sorted, unique
	holCum    []int64   // holCum[i] = working seconds lost to holidays[:i]; len(holidays)+1
}

// newWeek builds a week from per-weekday intervals (sorted, disjoint) and
// holiday day numbers (sorted, unique).
func newWeek(days [7][]span, holidays []int64) week {
	w := week{days: days, holidays: holidays}
	for d, spans := range days {
		for _, s := range spans {
			w.total[d] += s.to - s.from
		}
	}
	for i := range 14 {
		w.pre[i+1] = w.pre[i] + w.total[i%7]
	}
	w.weekTotal = w.pre[7]
	w.holCum = make([]int64, len(holidays)+1)
	for i, h := range holidays {
		w.holCum[i+1] = w.holCum[i] + w.total[weekday(h)]
	}
	return w
}

// split returns the wall day of x and the second within it.
func split(x int64) (day, sec int64) {
	day, sec = x/secPerDay, x%secPerDay
	if sec < 0 {
		day, sec = day-1, sec+secPerDay
	}
	return day, sec
}

// weekday of wall day d; day 0, 1970-01-01, was a Thursday.
func weekday(d int64) time.Weekday {
	m := (d + int64(time.Thursday)) % 7
	if m < 0 {
		m += 7
	}
	return time.Weekday(m)
}

// holiday returns the index of the first holiday on or after day d, and
// whether d itself is a holiday.
func (w *week) holiday(d int64) (int, bool) {
	return slices.BinarySearch(w.holidays, d)
}

// partial returns the working seconds in [0, sec) of a weekday, and whether
// second sec itself is working.
func (w *week) partial(wd time.Weekday, sec int64) (acc int64, in bool) {
	for _, s := range w.days[wd] {
		if sec >= s.to {
			acc += s.to - s.from
			continue
		}
		if sec >= s.from {
			acc += sec - s.from
			in = true
		}
		break
	}
	return acc, in
}

// at returns the earliest second of a weekday at which target seconds of its
// working time have passed; 0 < target <= total[wd].
func (w *week) at(wd time.Weekday, target int64) int64 {
	var acc int64
	for _, s := range w.days[wd] {
		if n := s.to - s.from; target <= acc+n {
			return s.from + target - acc
		} else {
			acc += n
		}
	}
	return secPerDay // unreachable for a valid target
}

// fullDays is the working time in wall days [d0, d1), holidays excluded.
func (w *week) fullDays(d0, d1 int64, i0, i1 int) int64 {
	n := d1 - d0
	wd := weekday(d0)
	return n/7*w.weekTotal + w.pre[int(wd)+int(n%7)] - w.pre[wd] - (w.holCum[i1] - w.holCum[i0])
}

// working reports whether wall second x is working time.
func (w *week) working(x int64) bool {
	d, s := split(x)
	if _, hol := w.holiday(d); hol {
		return false
	}
	_, in := w.partial(weekday(d), s)
	return in
}

// measure returns the working seconds in wall time [x0, x1), x0 <= x1, and
// whether the wall seconds x0 and x1 are themselves working (callers need
// that to account for the fractions of a second in an instant).
func (w *week) measure(x0, x1 int64) (sec int64, in0, in1 bool) {
	d0, s0 := split(x0)
	d1, s1 := split(x1)
	i0, hol0 := w.holiday(d0)
	var p0, p1 int64
	if !hol0 {
		p0, in0 = w.partial(weekday(d0), s0)
	}
	if d0 == d1 {
		if hol0 {
			return 0, false, false
		}
		p1, in1 = w.partial(weekday(d1), s1)
		return p1 - p0, in0, in1
	}
	i1, hol1 := i0, false
	if len(w.holidays) > 0 {
		var off int
		off, hol1 = slices.BinarySearch(w.holidays[i0:], d1)
		i1 += off
	}
	if !hol1 {
		p1, in1 = w.partial(weekday(d1), s1)
	}
	return w.fullDays(d0, d1, i0, i1) + p1 - p0, in0, in1
}

// signed is measure allowing x1 < x0, when it is minus the working time in
// [x1, x0). The flags still refer to x0 and x1.
func (w *week) signed(x0, x1 int64) (sec int64, in0, in1 bool) {
	if x0 <= x1 {
		return w.measure(x0, x1)
	}
	sec, in1, in0 = w.measure(x1, x0)
	return -sec, in0, in1
}

// withoutHolidays is the same week with every date working.
func (w *week) withoutHolidays() week {
	v := *w
	v.holidays, v.holCum = nil, []int64{0}
	return v
}

// inverse returns the earliest wall second x >= x0 with measure(x0, x) == n,
// for n >= 1. It always exists because weekTotal > 0 and holidays are finite.
func (w *week) inverse(x0, n int64) int64 {
	d, s := split(x0)
	i, hol := w.holiday(d)
	if !hol {
		wd := weekday(d)
		done, _ := w.partial(wd, s)
		if rest := w.total[wd] - done; n <= rest {
			return d*secPerDay + w.at(wd, done+n)
		} else {
			n -= rest
		}
	}
	d++
	if hol {
		i++
	}
	// Jump whole weeks while more than a week's work remains, leaving at
	// least one second for the day walk below. Holidays in a jump make it
	// yield less than k weeks' worth, so it may take a few rounds; each round
	// either shrinks n to about a week or passes holidays, which are finite.
	for n > w.weekTotal {
		k := (n - 1) / w.weekTotal
		end := d + 7*k
		j := i + sortedIndex(w.holidays[i:], end)
		n -= w.fullDays(d, end, i, j)
		d, i = end, j
	}
	for {
		wd := weekday(d)
		if i < len(w.holidays) && w.holidays[i] == d {
			i++
		} else if n <= w.total[wd] {
			return d*secPerDay + w.at(wd, n)
		} else {
			n -= w.total[wd]
		}
		d++
	}
}

// sortedIndex is the number of elements of the sorted slice a below v.
func sortedIndex(a []int64, v int64) int {
	i, _ := slices.BinarySearch(a, v)
	return i
}
