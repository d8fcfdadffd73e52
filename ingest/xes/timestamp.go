package xes

import (
	"bytes"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// parseTime reads an xs:dateTime as UTC microseconds since the Unix epoch.
// A value without an offset is UTC. Fractional seconds of any length are
// accepted and truncated to microseconds, as time.Time.UnixMicro would.
//
// Every timestamp of a log goes through here, so the common shape
// (YYYY-MM-DDThh:mm:ss[.f*][Z|±hh:mm]) is parsed by hand; time.Parse is
// only the fallback for odd forms.
func parseTime(b []byte) (int64, bool) {
	if n := len(b); n > 0 && (b[0] <= ' ' || b[n-1] <= ' ') {
		b = bytes.TrimSpace(b)
	}
	if us, ok := parseTimeFast(b); ok {
		return us, true
	}
	return parseTimeSlow(b)
}

// num2 reads two decimal digits; byte arithmetic wraps anything below '0'
// past 9, so one compare per digit validates it.
func num2(hi, lo byte) (int, bool) {
	h, l := hi-'0', lo-'0'
	return int(h)*10 + int(l), h <= 9 && l <= 9
}

func parseTimeFast(b []byte) (int64, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	cent, ok1 := num2(b[0], b[1])
	yy, ok2 := num2(b[2], b[3])
	month, ok3 := num2(b[5], b[6])
	day, ok4 := num2(b[8], b[9])
	hour, ok5 := num2(b[11], b[12])
	minute, ok6 := num2(b[14], b[15])
	sec, ok7 := num2(b[17], b[18])
	year := cent*100 + yy
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || month < 1 || month > 12 || day < 1 ||
		day > event.DaysIn(year, month) || hour > 24 || minute > 59 || sec > 59 {
		return 0, false
	}
	i := 19
	var frac int64
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		scale := int64(100000)
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			frac += int64(b[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == start {
			return 0, false
		}
	}
	if hour == 24 && (minute != 0 || sec != 0 || frac != 0) {
		return 0, false // xs:dateTime allows 24:00:00 only, as the next day's midnight
	}
	var off int // seconds east of UTC
	if i < len(b) {
		switch b[i] {
		case 'Z', 'z':
			i++
		case '+', '-':
			var ok bool
			if off, i, ok = zoneOffset(b, i); !ok {
				return 0, false
			}
		default:
			return 0, false
		}
	}
	if i != len(b) {
		return 0, false
	}
	secs := event.DaysFromCivil(int64(year), int64(month), int64(day))*86400 + int64(hour*3600+minute*60+sec-off)
	return secs*1e6 + frac, true
}

// zoneOffset reads ±hh:mm, ±hhmm or ±hh at b[i].
func zoneOffset(b []byte, i int) (int, int, bool) {
	sign := 1
	if b[i] == '-' {
		sign = -1
	}
	switch rest := b[i+1:]; {
	case len(rest) == 5 && rest[2] == ':':
		h, ok1 := num2(rest[0], rest[1])
		m, ok2 := num2(rest[3], rest[4])
		return sign * (h*3600 + m*60), len(b), ok1 && ok2 && h <= 23 && m <= 59
	case len(rest) == 4:
		h, ok1 := num2(rest[0], rest[1])
		m, ok2 := num2(rest[2], rest[3])
		return sign * (h*3600 + m*60), len(b), ok1 && ok2 && h <= 23 && m <= 59
	case len(rest) == 2:
		h, ok := num2(rest[0], rest[1])
		return sign * h * 3600, len(b), ok && h <= 23
	}
	return 0, i, false
}

// civilDate is the inverse of event.DaysFromCivil.
func civilDate(days int64) (y, m, d int) {
	z := days + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return
}

// slowLayouts are the odd forms seen in the wild that the fast path rejects.
var slowLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02Z07:00",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
}

func parseTimeSlow(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 64 {
		return 0, false
	}
	s := string(b)
	for _, l := range slowLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UnixMicro(), true
		}
	}
	return 0, false
}

// appendTimeJSON appends us as a JSON string in RFC 3339, UTC, always with
// six fractional digits so that the strings sort in time order.
func appendTimeJSON(dst []byte, us int64) []byte {
	secs, frac := us/1e6, us%1e6
	if frac < 0 {
		secs, frac = secs-1, frac+1e6
	}
	days, sod := secs/86400, secs%86400
	if sod < 0 {
		days, sod = days-1, sod+86400
	}
	y, mo, d := civilDate(days)
	if y < 0 || y > 9999 {
		dst = append(dst, '"')
		dst = time.UnixMicro(us).UTC().AppendFormat(dst, "2006-01-02T15:04:05.000000Z07:00")
		return append(dst, '"')
	}
	dst = append(dst, '"')
	dst = appendInt(dst, y, 4)
	dst = append(dst, '-')
	dst = appendInt(dst, mo, 2)
	dst = append(dst, '-')
	dst = appendInt(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendInt(dst, int(sod/3600), 2)
	dst = append(dst, ':')
	dst = appendInt(dst, int(sod/60%60), 2)
	dst = append(dst, ':')
	dst = appendInt(dst, int(sod%60), 2)
	dst = append(dst, '.')
	dst = appendInt(dst, int(frac), 6)
	return append(dst, 'Z', '"')
}

func appendInt(dst []byte, v, width int) []byte {
	var tmp [8]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, tmp[:width]...)
}
