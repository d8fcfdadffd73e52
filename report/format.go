package report

import (
	"time"

	"github.com/pmx-dev/pmx/analysis/units"
)

// The report writes every quantity through analysis/units, the helper the
// CLI uses too, so a figure reads the same on the terminal and on the page.

func humanDuration(seconds float64) string { return units.Duration(seconds) }

func humanCount(n int64) string { return units.Count(n) }

func percent(share float64) string { return units.Percent(share) }

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
