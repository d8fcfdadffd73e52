package warehouse

import (
	"fmt"
	"strings"
	"time"
)

// DuckDB is linked without ICU, so it cannot turn a zone-less local time
// into a UTC instant for a named zone. Instead the import builds a small
// table of the zone's offsets from Go's zone database and joins it with an
// ASOF JOIN: utc = local − offset in force at that local time.

// zoneSpan is the range of years the offset table covers.
const zoneFirstYear, zoneLastYear = 1900, 2100

// offsetTable returns (local_from, offset) pairs in ascending order: from
// local wall time local_from on, the zone's offset is offset. At a
// fall-back transition the repeated hour takes the later (standard) offset.
func offsetTable(loc *time.Location) [][2]time.Time {
	type change struct {
		at  time.Time // UTC instant of the change
		off int
	}
	start := time.Date(zoneFirstYear, 1, 1, 0, 0, 0, 0, time.UTC)
	_, off := start.In(loc).Zone()
	changes := []change{{at: start, off: off}}
	// Offsets change at most a few times a year and never twice within a
	// week, so weekly probes plus bisection find every change.
	for t := start; t.Year() <= zoneLastYear; {
		next := t.Add(7 * 24 * time.Hour)
		_, o := next.In(loc).Zone()
		if o != off {
			lo, hi := t, next
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, m := mid.In(loc).Zone(); m == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			changes = append(changes, change{at: hi.Truncate(time.Second), off: o})
			off = o
		}
		t = next
	}
	out := make([][2]time.Time, 0, len(changes))
	for i, c := range changes {
		local := c.at.Add(time.Duration(c.off) * time.Second)
		if i == 0 {
			local = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		out = append(out, [2]time.Time{local, time.Unix(int64(c.off), 0)})
	}
	return out
}

// zoneValues renders the offset table as a SQL VALUES list of
// (local_from TIMESTAMP, offset_us BIGINT).
func zoneValues(loc *time.Location, alias string) string {
	var b strings.Builder
	b.WriteString("(VALUES ")
	for i, r := range offsetTable(loc) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(TIMESTAMP '%s', %d)", r[0].Format("2006-01-02 15:04:05"), r[1].Unix()*1_000_000)
	}
	b.WriteString(") AS " + alias + "(local_from, offset_us)")
	return b.String()
}
