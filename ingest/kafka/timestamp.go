package kafka

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// parseTime reads an ISO 8601 / RFC 3339 string (no offset = UTC) or a Unix
// epoch number (milliseconds when larger than 1e11, else seconds) as UTC µs.
func (d *decoder) parseTime(raw []byte) (int64, error) {
	if raw[0] == '"' {
		b, err := unquote(raw, &d.scratch)
		if err != nil {
			return 0, err
		}
		if us, ok := parseISO(b); ok {
			return us, nil
		}
		s := strings.TrimSpace(string(b))
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UnixMicro(), nil
			}
		}
		return 0, fmt.Errorf("cannot read %q as an ISO 8601 timestamp", truncate(s, 40))
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsInf(f, 0) || math.Abs(f) >= 1e17 {
		return 0, fmt.Errorf("want an ISO 8601 string or epoch number, got %s", truncate(string(raw), 40))
	}
	if math.Abs(f) > 1e11 {
		return int64(math.Round(f * 1e3)), nil
	}
	return int64(math.Round(f * 1e6)), nil
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999"}

// parseISO is the fast path of parseTime for what producers mostly send,
// YYYY-MM-DD[T ]hh:mm:ss[.fraction][Z|±hh:mm]: the same instant as
// time.Parse with timeLayouts, at a fraction of its cost (a tenth of the
// decoding). ok is false for anything else, which time.Parse then decides.
func parseISO(b []byte) (us int64, ok bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != 'T' && b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	num := func(i, n int) int64 {
		v := int64(0)
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int64(c-'0')
		}
		return v
	}
	y, mo, dd, h, mi, s := num(0, 4), num(5, 2), num(8, 2), num(11, 2), num(14, 2), num(17, 2)
	if y < 0 || mo < 1 || mo > 12 || dd < 1 || dd > int64(event.DaysIn(int(y), int(mo))) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 {
		return 0, false
	}
	i := 19
	var ns int64
	if i < len(b) && b[i] == '.' {
		i++
		digits := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			if digits++; digits > 9 {
				return 0, false
			}
			ns = ns*10 + int64(b[i]-'0')
		}
		if digits == 0 {
			return 0, false
		}
		for ; digits < 9; digits++ {
			ns *= 10
		}
	}
	var off int64
	switch {
	case i == len(b):
	case b[i] == 'Z' && i+1 == len(b):
	case (b[i] == '+' || b[i] == '-') && i+6 == len(b) && b[i+3] == ':':
		oh, om := num(i+1, 2), num(i+4, 2)
		if oh < 0 || oh > 23 || om < 0 || om > 59 {
			return 0, false
		}
		off = oh*3600 + om*60
		if b[i] == '-' {
			off = -off
		}
	default:
		return 0, false
	}
	sec := event.DaysFromCivil(y, mo, dd)*86400 + h*3600 + mi*60 + s - off
	return sec*1_000_000 + ns/1000, true
}
