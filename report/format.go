package report

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// durationUnits are tried from the largest down; a duration is shown in the
// first unit it reaches at least one of. Weeks and months are left out on
// purpose: "45 d" reads unambiguously, "1.5 mo" does not.
var durationUnits = []struct {
	seconds float64
	suffix  string
}{
	{365 * 86400, "y"},
	{86400, "d"},
	{3600, "h"},
	{60, "min"},
	{1, "s"},
}

// humanDuration renders seconds the way the report shows every duration:
// one unit, one decimal below ten ("3.2 d"), none above ("45 d"), so columns
// of durations stay short and comparable at a glance.
func humanDuration(seconds float64) string {
	if math.IsNaN(seconds) || math.IsInf(seconds, 0) {
		return "–"
	}
	if seconds < 0 {
		return "-" + humanDuration(-seconds)
	}
	if seconds == 0 {
		return "0 s"
	}
	if seconds < 1 {
		return strconv.FormatFloat(seconds*1000, 'f', 0, 64) + " ms"
	}
	for _, u := range durationUnits {
		if seconds >= u.seconds {
			return oneDecimal(seconds/u.seconds) + " " + u.suffix
		}
	}
	return "0 s" // unreachable: seconds >= 1 matches the last unit
}

// oneDecimal keeps one decimal below ten and drops a trailing ".0".
func oneDecimal(v float64) string {
	if v >= 9.95 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// humanCount formats an integer with thousands separators ("12,345"): counts
// in a process-mining report run into the millions and must be readable.
func humanCount(n int64) string {
	if n < 0 {
		return "-" + humanCount(-n)
	}
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// percent renders a 0..1 share as "12.3 %".
func percent(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return "–"
	}
	return strconv.FormatFloat(share*100, 'f', 1, 64) + " %"
}

// period renders the log's time span from the RFC 3339 bounds in facts.Stats.
// Unparseable bounds are shown verbatim rather than dropped, so a format
// change upstream is visible instead of silently hiding the period.
func period(first, last string) (text, span string) {
	if first == "" && last == "" {
		return "–", ""
	}
	f, errF := time.Parse(time.RFC3339Nano, first)
	l, errL := time.Parse(time.RFC3339Nano, last)
	if errF != nil || errL != nil {
		return first + " → " + last, ""
	}
	const day = "2006-01-02"
	return f.UTC().Format(day) + " → " + l.UTC().Format(day), humanDuration(l.Sub(f).Seconds())
}
