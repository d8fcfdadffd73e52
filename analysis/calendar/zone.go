package calendar

import (
	"math"
	"slices"
	"sync"
	"time"
)

// zone answers "which UTC offset is in effect at Unix second u, and until
// when" without going through the time package on the hot path: Between is
// called about a million times per analysis, and a lookup in a table of the
// zone's periods is a short binary search with no allocation.
//
// The table is built from time.Location.ZoneBounds, so it agrees with the
// time package by construction. It runs from 1800 to past 3000. From 2200 on
// every zone in the tz database follows its POSIX TZ rule, which depends
// only on the Gregorian calendar, and that repeats exactly every 400 years
// (146,097 days, a whole number of weeks); so an instant after 2600 is
// looked up 400·k years earlier, and anything summed over a cycle (see
// Calendar.jumps) is summed once. newZone checks the repetition on the
// table's second cycle (2600-3000) and, should a zone ever break it, stops
// folding: instants past the table then ask the time package, slowly but
// correctly. Instants before the table ask the time package too; in the tz
// database that is a single period back to the big bang.
type zone struct {
	loc      *time.Location
	start    []int64 // start[i]: first Unix second of period i; start[0] may be math.MinInt64
	off      []int64 // off[i]: seconds east of UTC during period i; neighbours differ
	end      int64   // first second after the table (math.MaxInt64 if the last period never ends)
	periodic bool    // the zone repeats every cycle from cycleFrom on
}

var (
	tableFrom = time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	cycleFrom = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	cycleTo   = time.Date(2600, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	cycle     = cycleTo - cycleFrom // 146,097 days

	zones   sync.Map // IANA name → *zone; tables are immutable once built
	utcZone = newZone(time.UTC)
)

// zoneFor returns the shared table for an IANA zone name, loading the
// zone the first time it is asked for.
func zoneFor(name string) (*zone, error) {
	if z, ok := zones.Load(name); ok {
		return z.(*zone), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	z, _ := zones.LoadOrStore(name, newZone(loc))
	return z.(*zone), nil
}

func newZone(loc *time.Location) *zone {
	z := &zone{loc: loc}
	u := tableFrom
	for range 100_000 { // a guard only: Europe/Amsterdam has about 2,100 periods here
		off, start, end := lookup(loc, u)
		if len(z.start) == 0 {
			z.start, z.off = append(z.start, start), append(z.off, off)
		} else if off != z.off[len(z.off)-1] {
			// Periods that differ only in abbreviation or isDST are merged.
			z.start, z.off = append(z.start, u), append(z.off, off)
		}
		z.end = end
		if end > cycleTo+cycle {
			break
		}
		u = end
	}
	z.periodic = z.end > cycleTo+cycle && slices.Equal(z.changes(cycleFrom, 0), z.changes(cycleTo, 1))
	return z
}

// changes lists the offset changes in (from, from+cycle] as (instant moved
// back by k cycles, old offset, new offset) triples.
func (z *zone) changes(from, k int64) []int64 {
	var out []int64
	for i := 1; i < len(z.start); i++ {
		if t := z.start[i]; from < t && t <= from+cycle {
			out = append(out, t-k*cycle, z.off[i-1], z.off[i])
		}
	}
	return out
}

// lookup asks the time package for the offset at u and the bounds of the
// period it belongs to; start and end are math.MinInt64 and math.MaxInt64
// when unbounded. end > u always.
func lookup(loc *time.Location, u int64) (off, start, end int64) {
	t := time.Unix(u, 0).In(loc)
	_, o := t.Zone()
	s, e := t.ZoneBounds()
	start, end = math.MinInt64, math.MaxInt64
	if !s.IsZero() {
		start = s.Unix()
	}
	if !e.IsZero() {
		end = e.Unix()
	}
	if end <= u {
		// time.ZoneBounds can report an end before t: in a leap year served
		// by the zone's POSIX TZ rule, it ends the last period of the year
		// on 31 December instead of 1 January (golang/go#81583). The offset
		// it reports is right, and no rule changes it before the year ends.
		end = time.Date(t.UTC().Year()+1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
		if end <= u { // guarantees callers always make progress
			end = u + 1
		}
	}
	return int64(o), start, end
}

// locate returns the table period of u, as index i shifted by k cycles, or
// ok false if u is before the table (or past it, in a zone that does not
// repeat).
func (z *zone) locate(u int64) (i int, k int64, ok bool) {
	if u < z.start[0] || (u >= z.end && !z.periodic) {
		return 0, 0, false
	}
	if u >= cycleTo && z.periodic {
		k = (u - cycleFrom) / cycle
		u -= k * cycle
	}
	i, found := slices.BinarySearch(z.start, u)
	if !found {
		i--
	}
	return i, k, true
}

// periodEnd is the first second after period i shifted by k cycles.
func (z *zone) periodEnd(i int, k int64) int64 {
	if i+1 < len(z.start) {
		return z.start[i+1] + k*cycle
	}
	if z.end == math.MaxInt64 {
		return math.MaxInt64
	}
	return z.end + k*cycle
}

// at returns the offset in effect at Unix second u and the first second
// after u at which it may change (always > u).
func (z *zone) at(u int64) (off, end int64) {
	i, k, ok := z.locate(u)
	if !ok {
		off, _, end = lookup(z.loc, u)
		return off, end
	}
	return z.off[i], z.periodEnd(i, k)
}
