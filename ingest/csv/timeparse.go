package csv

import (
	"math"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// dateOrder is the field order of a numeric date. The order is the one thing
// about a numeric timestamp that cannot be read off a single value (is
// 03/04/2021 the 3rd of April or the 4th of March?), so it is fixed per
// column by detection; everything else (separators, 'T' or space, seconds,
// fraction length, AM/PM, offset form) is parsed as it comes.
type dateOrder uint8

const (
	orderYMD dateOrder = iota // 2006-01-02, 2006/01/02, 2006.01.02 (ISO 8601 family)
	orderDMY                  // 02-01-2006, 02/01/2006, 2.1.06
	orderMDY                  // 01/02/2006, 1/2/2006
)

const usPerSec = 1_000_000

// num reads up to max ASCII digits of s from i. It returns the value and the
// index after the last digit; j == i means there was no digit.
func num(s []byte, i, max int) (v, j int) {
	j = i
	for j < len(s) && j-i < max {
		c := s[j] - '0'
		if c > 9 {
			break
		}
		v = v*10 + int(c)
		j++
	}
	return v, j
}

// parseNumeric parses a numeric date in order ord, optionally followed by a
// time of day ('T' or spaces, h:mm[:ss[.frac]], optional AM/PM) and an offset
// (Z, UTC, GMT, ±hh, ±hhmm, ±hh:mm). It returns the wall clock as
// microseconds since the epoch read as if it were UTC, and the offset in
// seconds when the value states one. s must be trimmed. When lay is not nil
// the Go layout describing s is appended to it (detection only; the hot path
// passes nil).
func parseNumeric(s []byte, ord dateOrder, lay *[]byte) (wall, off int64, hasOff, ok bool) {
	if ord == orderYMD && lay == nil {
		if days, secs, ok := isoFixed(s); ok {
			return clockTail(s, 19, days, secs/3600, secs%3600, true, 2, nil)
		}
	}
	days, i, ok := parseDate(s, ord, lay)
	if !ok {
		return 0, 0, false, false
	}
	if i == len(s) { // date only: midnight
		return days * 86400 * usPerSec, 0, false, true
	}
	switch s[i] { // date/time separator
	case 'T', 't':
		i++
		if lay != nil {
			*lay = append(*lay, 'T')
		}
	case ' ':
		for i < len(s) && s[i] == ' ' {
			i++
			if lay != nil {
				*lay = append(*lay, ' ')
			}
		}
	default:
		return 0, 0, false, false
	}
	h, j := num(s, i, 2)
	wh := j - i
	if wh == 0 || j >= len(s) || s[j] != ':' {
		return 0, 0, false, false
	}
	mi, k := num(s, j+1, 2)
	if k-j-1 != 2 || mi > 59 {
		return 0, 0, false, false
	}
	ms := mi * 60
	hasSec := k < len(s) && s[k] == ':'
	if hasSec {
		sec, k2 := num(s, k+1, 2)
		if k2-k-1 != 2 || sec > 59 {
			return 0, 0, false, false
		}
		ms, k = ms+sec, k2
	}
	return clockTail(s, k, days, h, ms, hasSec, wh, lay)
}

// isoFixed reads the fixed-width "2006-01-02[T ]15:04:05" prefix that most
// logs share without loops; the fraction and offset go through clockTail.
func isoFixed(s []byte) (days int64, secs int, ok bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':' {
		return 0, 0, false
	}
	d := func(i int) int { return int(s[i] - '0') }
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18} {
		if s[i]-'0' > 9 {
			return 0, 0, false
		}
	}
	y, mo, dd := d(0)*1000+d(1)*100+d(2)*10+d(3), d(5)*10+d(6), d(8)*10+d(9)
	h, mi, sec := d(11)*10+d(12), d(14)*10+d(15), d(17)*10+d(18)
	if mo < 1 || mo > 12 || dd < 1 || dd > event.DaysIn(y, mo) || h > 23 || mi > 59 || sec > 59 {
		return 0, 0, false
	}
	return event.DaysFromCivil(int64(y), int64(mo), int64(dd)), h*3600 + mi*60 + sec, true
}

// parseDate reads the date of parseNumeric and returns the day number and
// the index after it.
func parseDate(s []byte, ord dateOrder, lay *[]byte) (days int64, end int, ok bool) {
	a, j := num(s, 0, 4)
	wa := j
	if wa == 0 || j >= len(s) {
		return
	}
	sep := s[j]
	if sep != '-' && sep != '/' && sep != '.' {
		return
	}
	b, k := num(s, j+1, 2)
	wb := k - j - 1
	if wb == 0 || k >= len(s) || s[k] != sep {
		return
	}
	c, i := num(s, k+1, 4)
	wc := i - k - 1
	var y, mo, d int
	switch ord {
	case orderYMD:
		if wa != 4 || wc == 0 || wc > 2 {
			return
		}
		y, mo, d = a, b, c
	case orderDMY, orderMDY:
		if wa > 2 || (wc != 4 && wc != 2) {
			return
		}
		y, mo, d = c, b, a
		if ord == orderMDY {
			mo, d = a, b
		}
		if wc == 2 { // Go's rule for two-digit years
			if y >= 69 {
				y += 1900
			} else {
				y += 2000
			}
		}
	}
	if mo < 1 || mo > 12 || d < 1 || d > event.DaysIn(y, mo) {
		return
	}
	if lay != nil {
		*lay = appendDateLayout(*lay, ord, sep, wa, wb, wc)
	}
	return event.DaysFromCivil(int64(y), int64(mo), int64(d)), i, true
}

// clockTail finishes parseNumeric from s[k:], just after the minutes or
// seconds: fraction, AM/PM, offset. ms is minutes*60+seconds.
func clockTail(s []byte, k int, days int64, h, ms int, hasSec bool, wh int, lay *[]byte) (wall, off int64, hasOff, ok bool) {
	us, fracDigits, fracSep := 0, 0, byte(0)
	if hasSec && k+1 < len(s) && (s[k] == '.' || s[k] == ',') && s[k+1]-'0' <= 9 {
		// Any number of digits; the first six are microseconds, the rest
		// is truncated (the schema's precision).
		fracSep = s[k]
		k++
		for k < len(s) && s[k]-'0' <= 9 {
			if fracDigits < 6 {
				us = us*10 + int(s[k]-'0')
			}
			fracDigits++
			k++
		}
		for n := fracDigits; n < 6; n++ {
			us *= 10
		}
	}
	p := k
	for p < len(s) && s[p] == ' ' {
		p++
	}
	hasAMPM := p+1 < len(s) && (s[p]|0x20 == 'a' || s[p]|0x20 == 'p') && s[p+1]|0x20 == 'm' &&
		(p+2 == len(s) || s[p+2] == ' ' || s[p+2] == '+' || s[p+2] == '-' || s[p+2] == 'Z')
	if hasAMPM {
		if h < 1 || h > 12 {
			return 0, 0, false, false
		}
		h %= 12
		if s[p]|0x20 == 'p' {
			h += 12
		}
	} else if h > 23 {
		return 0, 0, false, false
	}
	if lay != nil {
		*lay = appendClockLayout(*lay, wh, hasSec, hasAMPM, fracSep, fracDigits, s[k:p])
	}
	if hasAMPM {
		p += 2
		q := p
		for p < len(s) && s[p] == ' ' {
			p++
		}
		if lay != nil {
			*lay = append(*lay, s[q:p]...)
		}
	}
	wall = (days*86400+int64(h)*3600+int64(ms))*usPerSec + int64(us)
	if p == len(s) {
		return wall, 0, false, true
	}
	off, p, ok = parseOffset(s, p, lay)
	if !ok || p != len(s) {
		return 0, 0, false, false
	}
	return wall, off, true, true
}

// parseOffset reads Z, UTC, GMT, ±hh, ±hhmm or ±hh:mm at s[p:].
func parseOffset(s []byte, p int, lay *[]byte) (off int64, end int, ok bool) {
	switch c := s[p]; {
	case c == 'Z' || c == 'z':
		if lay != nil {
			*lay = append(*lay, "Z07:00"...)
		}
		return 0, p + 1, true
	case len(s)-p >= 3 && (string(s[p:p+3]) == "UTC" || string(s[p:p+3]) == "GMT"):
		if lay != nil {
			*lay = append(*lay, "MST"...)
		}
		return 0, p + 3, true
	case c == '+' || c == '-':
		hh, j := num(s, p+1, 2)
		if j-p-1 != 2 || hh > 23 {
			return 0, p, false
		}
		form := "Z07"
		mm := 0
		if j < len(s) {
			colon := s[j] == ':'
			if colon {
				j++
			}
			var j2 int
			mm, j2 = num(s, j, 2)
			if j2-j != 2 || mm > 59 {
				return 0, p, false
			}
			j = j2
			form = "Z0700"
			if colon {
				form = "Z07:00"
			}
		}
		if lay != nil {
			*lay = append(*lay, form...)
		}
		off = int64(hh)*3600 + int64(mm)*60
		if c == '-' {
			off = -off
		}
		return off, j, true
	}
	return 0, p, false
}

// parseEpoch reads a Unix time in units of unitUS microseconds, digits with an
// optional sign and fraction ("1318333540", "1318333540.276").
func parseEpoch(s []byte, unitUS int64) (int64, bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	v, j := num(s, i, 18)
	if j == i {
		return 0, false
	}
	if v > int((math.MaxInt64-unitUS)/unitUS) { // room for the fraction too
		return 0, false
	}
	us := int64(v) * unitUS
	if j < len(s) && s[j] == '.' {
		j++
		scale := unitUS
		for j < len(s) && s[j]-'0' <= 9 {
			scale /= 10
			us += int64(s[j]-'0') * scale
			j++
		}
	}
	if j != len(s) {
		return 0, false
	}
	if neg {
		us = -us
	}
	return us, true
}

// zoneCache turns wall clocks without an offset into UTC instants in loc with
// exactly time.Date's semantics (which time.ParseInLocation uses, including
// the choice in DST gaps and overlaps), calling time.Date only when the wall
// clock leaves the zone period of the previous call.
type zoneCache struct {
	loc    *time.Location
	off    int64 // seconds east of UTC in the cached period
	lo, hi int64 // wall seconds [lo, hi) that map unambiguously to off
}

func newZoneCache(loc *time.Location) *zoneCache {
	if loc == nil {
		loc = time.UTC
	}
	z := &zoneCache{loc: loc}
	if loc == time.UTC {
		z.lo, z.hi = math.MinInt64, math.MaxInt64
	}
	return z
}

func (z *zoneCache) toUTC(wall int64) int64 {
	ws := wall / usPerSec
	if wall%usPerSec < 0 {
		ws--
	}
	if ws >= z.lo && ws < z.hi {
		return wall - z.off*usPerSec
	}
	c := time.Unix(ws, 0).UTC()
	t := time.Date(c.Year(), c.Month(), c.Day(), c.Hour(), c.Minute(), c.Second(), 0, z.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	// Stay a day away from the period's edges: offsets differ by less than
	// a day, so inside that margin no other period claims the wall clock.
	z.off, z.lo, z.hi = int64(off), math.MinInt64, math.MaxInt64
	if !start.IsZero() {
		z.lo = start.Unix() + z.off + 86400
	}
	if !end.IsZero() {
		z.hi = end.Unix() + z.off - 86400
	}
	return t.Unix()*usPerSec + (wall - ws*usPerSec)
}
