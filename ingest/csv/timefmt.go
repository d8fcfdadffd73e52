package csv

import (
	"bytes"
	"fmt"
	"strings"
	"time"
)

type fmtKind uint8

const (
	kindNumeric fmtKind = iota // parseNumeric in a fixed date order
	kindEpoch                  // Unix time in a fixed unit
	kindLayout                 // time.ParseInLocation with a Go layout
)

// tsFormat is how one timestamp column is parsed.
type tsFormat struct {
	kind   fmtKind
	order  dateOrder
	unitUS int64  // kindEpoch: microseconds per unit
	layout string // Go layout (descriptive for detected numeric formats)
	// fallback: a user-given layout that the numeric parser matched on the
	// reference instants; values the numeric parser rejects are still tried
	// with time.ParseInLocation so nothing the layout accepts is refused.
	fallback bool
}

// Epoch pseudo-layouts accepted in Options.TimeFormat and returned by Detect.
const (
	layoutUnix   = "unix"
	layoutUnixMS = "unixms"
	layoutUnixUS = "unixus"
)

// goLayouts are tried, after the numeric orders, on columns the numeric
// parser cannot read (month names, compact forms). They parse through
// time.ParseInLocation, which is slower but still cached per distinct value.
var goLayouts = []string{
	"20060102150405", "20060102", "20060102T150405Z0700", "20060102T150405",
	time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC, time.UnixDate, time.RubyDate,
	"02-Jan-2006 15:04:05", "02-Jan-2006 15:04", "02-Jan-2006", "02-Jan-06",
	"2 Jan 2006 15:04:05", "2 Jan 2006 15:04", "2 Jan 2006",
	"2 January 2006 15:04:05", "2 January 2006 15:04", "2 January 2006",
	"Jan 2, 2006 3:04:05 PM", "Jan 2, 2006 3:04 PM", "Jan 2, 2006 15:04:05", "Jan 2, 2006",
	"January 2, 2006 3:04:05 PM", "January 2, 2006 15:04:05", "January 2, 2006",
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon Jan 2 2006 15:04:05 GMT-0700",
}

// candidates are the formats detection scores, in order of preference on a
// tie: ISO, then day-first, then month-first, then the Go layouts, then epochs.
func candidates() []tsFormat {
	c := []tsFormat{{kind: kindNumeric, order: orderYMD}, {kind: kindNumeric, order: orderDMY},
		{kind: kindNumeric, order: orderMDY}}
	for _, l := range goLayouts {
		c = append(c, tsFormat{kind: kindLayout, layout: l})
	}
	return append(c, tsFormat{kind: kindEpoch, unitUS: usPerSec, layout: layoutUnix},
		tsFormat{kind: kindEpoch, unitUS: 1000, layout: layoutUnixMS},
		tsFormat{kind: kindEpoch, unitUS: 1, layout: layoutUnixUS})
}

// plausible reports whether the sample value s parses in f. Epoch units are
// told apart by magnitude (each unit must land in 1973..2286), which is
// also what keeps a column of small integers from passing for a time.
func (f *tsFormat) plausible(s []byte) bool {
	switch f.kind {
	case kindNumeric:
		_, _, _, ok := parseNumeric(s, f.order, nil)
		return ok
	case kindEpoch:
		v, ok := parseEpoch(s, f.unitUS)
		return ok && v >= 1e8*usPerSec && v < 1e10*usPerSec && bytes.IndexByte(s, '-') < 0
	default:
		_, err := time.Parse(f.layout, string(s))
		return err == nil
	}
}

// detectFormat picks the candidate that parses the most sample values (ties
// by candidate order), so one bad value in the sample does not derail the
// column: it is reported later as a bad row. A numeric format's layout is
// described from the first sample it parses.
func detectFormat(col string, sample [][]byte) (tsFormat, error) {
	cands := candidates()
	best, bestN := -1, 0
	for ci := range cands {
		if best >= 0 && cands[ci].kind != kindNumeric && bestN == len(sample) {
			break // a numeric order parses everything: no slower layout can win
		}
		n := 0
		for _, s := range sample {
			if cands[ci].plausible(s) {
				n++
			}
		}
		if n > bestN {
			best, bestN = ci, n
		}
	}
	if best < 0 {
		return tsFormat{}, fmt.Errorf("cannot detect the timestamp format of column %s from values like %s; give it with --time-format (a Go layout such as '02.01.2006 15:04', or unix, unixms)",
			Clip(col), quoteSample(sample, 3))
	}
	f := cands[best]
	if f.kind == kindNumeric {
		for _, s := range sample {
			var lay []byte
			if _, _, _, ok := parseNumeric(s, f.order, &lay); ok {
				f.layout = string(lay)
				break
			}
		}
	}
	return f, nil
}

func quoteSample(sample [][]byte, n int) string {
	var parts []string
	for i := 0; i < len(sample) && i < n; i++ {
		parts = append(parts, Clip(string(sample[i])))
	}
	return strings.Join(parts, ", ")
}

// userFormat compiles Options.TimeFormat. A Go layout that the numeric
// parser reads identically on reference instants (a day > 12, a two-digit
// year, a fraction, an offset) takes the fast path, keeping the layout as
// fallback; any other layout parses through time.ParseInLocation.
func userFormat(layout string, loc *time.Location) tsFormat {
	switch strings.ToLower(layout) {
	case layoutUnix, "unixs", "epoch":
		return tsFormat{kind: kindEpoch, unitUS: usPerSec, layout: layoutUnix}
	case layoutUnixMS:
		return tsFormat{kind: kindEpoch, unitUS: 1000, layout: layoutUnixMS}
	case layoutUnixUS:
		return tsFormat{kind: kindEpoch, unitUS: 1, layout: layoutUnixUS}
	}
	refs := []time.Time{
		time.Date(2021, 11, 23, 14, 5, 6, 123456000, time.FixedZone("", 2*3600)),
		time.Date(1999, 3, 4, 1, 2, 3, 0, time.FixedZone("", -5*3600-1800)),
	}
	z := newZoneCache(loc)
	for _, ord := range []dateOrder{orderYMD, orderDMY, orderMDY} {
		good := true
		for _, ref := range refs {
			s := ref.Format(layout)
			want, err := time.ParseInLocation(layout, s, z.loc)
			wall, off, hasOff, ok := parseNumeric([]byte(s), ord, nil)
			if err != nil || !ok {
				good = false
				break
			}
			got := wall - off*usPerSec
			if !hasOff {
				got = z.toUTC(wall)
			}
			if got != want.UnixMicro() {
				good = false
				break
			}
		}
		if good {
			return tsFormat{kind: kindNumeric, order: ord, layout: layout, fallback: true}
		}
	}
	return tsFormat{kind: kindLayout, layout: layout}
}

// appendDateLayout describes a numeric date in Go layout notation.
func appendDateLayout(dst []byte, ord dateOrder, sep byte, wa, wb, wc int) []byte {
	pad := func(w int, two, one string) string {
		if w == 2 {
			return two
		}
		return one
	}
	year := "2006"
	if ord != orderYMD && wc == 2 {
		year = "06"
	}
	var f [3]string
	switch ord {
	case orderYMD:
		f = [3]string{"2006", pad(wb, "01", "1"), pad(wc, "02", "2")}
	case orderDMY:
		f = [3]string{pad(wa, "02", "2"), pad(wb, "01", "1"), year}
	default:
		f = [3]string{pad(wa, "01", "1"), pad(wb, "02", "2"), year}
	}
	dst = append(dst, f[0]...)
	dst = append(dst, sep)
	dst = append(dst, f[1]...)
	dst = append(dst, sep)
	return append(dst, f[2]...)
}

// appendClockLayout describes h:mm[:ss[.frac]] and the spaces after it.
func appendClockLayout(dst []byte, wh int, hasSec, ampm bool, fracSep byte, fracDigits int, spaces []byte) []byte {
	switch {
	case ampm && wh == 2:
		dst = append(dst, "03"...)
	case ampm:
		dst = append(dst, "3"...)
	default:
		dst = append(dst, "15"...)
	}
	dst = append(dst, ":04"...)
	if hasSec {
		dst = append(dst, ":05"...)
	}
	if fracDigits > 0 {
		dst = append(dst, fracSep)
		dst = append(dst, strings.Repeat("0", fracDigits)...)
	}
	dst = append(dst, spaces...)
	if ampm {
		dst = append(dst, "PM"...)
	}
	return dst
}

// tsParser parses one column's values with its format and location, with
// two caches: the last value (event logs often repeat a timestamp on
// consecutive rows, and case attributes repeat on every row of a case) and,
// for ISO values, the last "2006-01-02 15:04" prefix, which consecutive
// rows mostly share, so that only seconds, fraction and offset are read.
type tsParser struct {
	f      tsFormat
	z      *zoneCache
	last   []byte
	lastV  int64
	cached bool

	pfx       [16]byte
	pfxDays   int64
	pfxH      int
	pfxMin    int
	pfxCached bool
}

func newTSParser(f tsFormat, loc *time.Location) *tsParser {
	return &tsParser{f: f, z: newZoneCache(loc)}
}

// parse converts a trimmed value to UTC microseconds.
func (p *tsParser) parse(s []byte) (int64, bool) {
	if p.cached && string(s) == string(p.last) {
		return p.lastV, true
	}
	v, ok := p.parse1(s)
	if ok {
		p.last = append(p.last[:0], s...)
		p.lastV, p.cached = v, true
	}
	return v, ok
}

func (p *tsParser) parse1(s []byte) (int64, bool) {
	switch p.f.kind {
	case kindNumeric:
		wall, off, hasOff, ok := p.numeric(s)
		if ok {
			if hasOff {
				return wall - off*usPerSec, true
			}
			return p.z.toUTC(wall), true
		}
		if !p.f.fallback {
			return 0, false
		}
	case kindEpoch:
		return parseEpoch(s, p.f.unitUS)
	}
	t, err := time.ParseInLocation(p.f.layout, string(s), p.z.loc)
	if err != nil {
		return 0, false
	}
	return t.UnixMicro(), true
}

// numeric is parseNumeric with the ISO prefix cache.
func (p *tsParser) numeric(s []byte) (wall, off int64, hasOff, ok bool) {
	if p.f.order != orderYMD || len(s) < 19 {
		return parseNumeric(s, p.f.order, nil)
	}
	if p.pfxCached && string(s[:16]) == string(p.pfx[:]) && s[16] == ':' && s[17]-'0' <= 5 && s[18]-'0' <= 9 {
		sec := int(s[17]-'0')*10 + int(s[18]-'0')
		return clockTail(s, 19, p.pfxDays, p.pfxH, p.pfxMin*60+sec, true, 2, nil)
	}
	days, secs, ok := isoFixed(s)
	if !ok {
		return parseNumeric(s, p.f.order, nil)
	}
	copy(p.pfx[:], s[:16])
	p.pfxDays, p.pfxH, p.pfxMin, p.pfxCached = days, secs/3600, secs%3600/60, true
	return clockTail(s, 19, days, p.pfxH, secs%3600, true, 2, nil)
}
