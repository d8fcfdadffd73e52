package units

import (
	"math"
	"strconv"
	"strings"
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

// Missing is what every function prints for a value that does not exist
// (NaN, ±Inf): a dash, never "NaN".
const Missing = "–"

// Duration renders seconds in one unit, with one decimal below ten ("3.2 d")
// and none above ("45 d"), so columns of durations stay short and comparable
// at a glance. Below a second it shows milliseconds ("350 ms").
func Duration(seconds float64) string {
	if math.IsNaN(seconds) || math.IsInf(seconds, 0) {
		return Missing
	}
	if seconds < 0 {
		return "-" + Duration(-seconds)
	}
	if seconds == 0 {
		return "0 s"
	}
	if seconds < 1 {
		ms := seconds * 1000
		if ms < 1 {
			return "<1 ms"
		}
		return strconv.FormatFloat(math.Round(ms), 'f', 0, 64) + " ms"
	}
	for i, u := range durationUnits {
		if seconds >= u.seconds {
			v := seconds / u.seconds
			// 59.97 s rounds to "60 s": show the next unit up instead.
			if i > 0 && roundsUp(v, durationUnits[i-1].seconds/u.seconds) {
				return oneDecimal(seconds/durationUnits[i-1].seconds) + " " + durationUnits[i-1].suffix
			}
			return oneDecimal(v) + " " + u.suffix
		}
	}
	return "0 s" // unreachable: seconds >= 1 matches the last unit
}

// roundsUp reports whether v, as oneDecimal shows it, reaches limit (the
// number of this unit in the next larger one).
func roundsUp(v, limit float64) bool { return v >= 9.95 && math.Round(v) >= limit }

// Change says how much longer or shorter something takes: "46.5 h longer",
// "3 min shorter", "no longer" for zero. It reads right for either sign,
// so a sentence never says "-46.5 h longer".
func Change(deltaSeconds float64) string {
	switch {
	case math.IsNaN(deltaSeconds) || math.IsInf(deltaSeconds, 0):
		return Missing + " longer"
	case deltaSeconds > 0:
		return Duration(deltaSeconds) + " longer"
	case deltaSeconds < 0:
		return Duration(-deltaSeconds) + " shorter"
	}
	return "no longer"
}

// oneDecimal keeps one decimal below ten and drops a trailing ".0".
func oneDecimal(v float64) string {
	if v >= 1e15 { // past int64's exact range: no false precision
		return strconv.FormatFloat(v, 'e', 1, 64)
	}
	if v >= 9.95 {
		return Count(int64(math.Round(v)))
	}
	s := strconv.FormatFloat(v, 'f', 1, 64)
	return strings.TrimSuffix(s, ".0")
}

// Count formats an integer with thousands separators ("12,345"): counts in
// process mining run into the millions and must be readable.
func Count(n int64) string {
	if n < 0 {
		if n == math.MinInt64 {
			return "-9,223,372,036,854,775,808"
		}
		return "-" + Count(-n)
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

// Percent renders a 0..1 share as "12.3 %".
func Percent(share float64) string {
	if math.IsNaN(share) || math.IsInf(share, 0) {
		return Missing
	}
	return strconv.FormatFloat(share*100, 'f', 1, 64) + " %"
}

// Rate renders a per-second rate of things with thousands separators:
// "254,000 events/s" style callers append their own noun.
func Rate(perSecond float64) string {
	if math.IsNaN(perSecond) || math.IsInf(perSecond, 0) {
		return Missing
	}
	return Count(int64(math.Round(perSecond)))
}

// Seconds renders an elapsed wall-clock time of a command: "0.15 s",
// "3.4 s", "2 min 5 s" — for "took" lines, where precision matters more than
// at the scale of a case's duration.
func Seconds(s float64) string {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return Missing
	}
	switch {
	case s < 10:
		return strconv.FormatFloat(s, 'f', 2, 64) + " s"
	case s < 60:
		return strconv.FormatFloat(s, 'f', 1, 64) + " s"
	}
	m := int64(s) / 60
	return Count(m) + " min " + strconv.FormatInt(int64(s)%60, 10) + " s"
}
