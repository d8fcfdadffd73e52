package localtime

import (
	"math"
	"time"
)

// Zone converts instants to local calendar fields in one location. It
// caches the location's offset periods, so it is not safe for concurrent
// use: give each goroutine its own.
type Zone struct {
	loc     *time.Location
	periods []period
	last    int
}

// period is [from, to) in Unix seconds with one UTC offset.
type period struct{ from, to, offset int64 }

// New returns a Zone for loc (nil: UTC).
func New(loc *time.Location) *Zone {
	if loc == nil {
		loc = time.UTC
	}
	return &Zone{loc: loc}
}

// Day is the day number (days since 1970-01-01) of the local date of the
// instant us (Unix microseconds).
func (z *Zone) Day(us int64) int64 {
	sec := floorDiv(us, 1e6)
	return floorDiv(sec+z.offset(sec), 86400)
}

// Weekday is the weekday of day number day.
func Weekday(day int64) time.Weekday {
	return time.Weekday(floorMod(day+4, 7)) // 1970-01-01 was a Thursday
}

// HourOfWeek is the local hour of the week of the instant us, 0 for
// Monday 00:00–01:00 to 167 for Sunday 23:00–24:00.
func (z *Zone) HourOfWeek(us int64) int {
	sec := floorDiv(us, 1e6)
	local := sec + z.offset(sec)
	day := floorDiv(local, 86400)
	hour := (local - day*86400) / 3600
	return (int(Weekday(day))+6)%7*24 + int(hour)
}

// offset is the location's UTC offset in seconds at Unix second sec.
func (z *Zone) offset(sec int64) int64 {
	if z.last < len(z.periods) {
		if p := z.periods[z.last]; sec >= p.from && sec < p.to {
			return p.offset
		}
	}
	for k, p := range z.periods {
		if sec >= p.from && sec < p.to {
			z.last = k
			return p.offset
		}
	}
	t := time.Unix(sec, 0).In(z.loc)
	_, off := t.Zone()
	from, to := t.ZoneBounds()
	p := period{from: math.MinInt64, to: math.MaxInt64, offset: int64(off)}
	if !from.IsZero() {
		p.from = from.Unix()
	}
	if !to.IsZero() {
		p.to = to.Unix()
	}
	if sec < p.from || sec >= p.to { // not expected: do not cache
		return int64(off)
	}
	z.periods = append(z.periods, p)
	z.last = len(z.periods) - 1
	return p.offset
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}
