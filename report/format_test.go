package report

import (
	"math"
	"testing"
)

func TestHumanDuration(t *testing.T) {
	tests := []struct {
		seconds float64
		want    string
	}{
		{0, "0 s"},
		{0.25, "250 ms"},
		{1, "1 s"},
		{59, "59 s"},
		{60, "1 min"},
		{90, "1.5 min"},
		{45 * 60, "45 min"},
		{3600, "1 h"},
		{9.96 * 3600, "10 h"},
		{86400, "1 d"},
		{3.2 * 86400, "3.2 d"},
		{45 * 86400, "45 d"},
		{400 * 86400, "1.1 y"},
		{-90, "-1.5 min"},
		{math.NaN(), "–"},
		{math.Inf(1), "–"},
	}
	for _, tc := range tests {
		if got := humanDuration(tc.seconds); got != tc.want {
			t.Errorf("humanDuration(%v) = %q, want %q", tc.seconds, got, tc.want)
		}
	}
}

func TestHumanCount(t *testing.T) {
	tests := map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 52438: "52,438",
		1234567: "1,234,567", -1234: "-1,234"}
	for n, want := range tests {
		if got := humanCount(n); got != want {
			t.Errorf("humanCount(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	tests := map[float64]string{0: "0.0 %", 1.0 / 6: "16.7 %", 1: "100.0 %"}
	for v, want := range tests {
		if got := percent(v); got != want {
			t.Errorf("percent(%v) = %q, want %q", v, got, want)
		}
	}
	if got := percent(math.NaN()); got != "–" {
		t.Errorf("percent(NaN) = %q", got)
	}
}

func TestPeriod(t *testing.T) {
	tests := []struct{ first, last, text, span string }{
		{"2010-12-30T11:02:00Z", "2011-01-23T11:43:00Z", "2010-12-30 → 2011-01-23", "24 d"},
		{"2024-01-01T00:00:00.5+02:00", "2024-01-01T06:00:00Z", "2023-12-31 → 2024-01-01", "8 h"},
		{"", "", "–", ""},
		{"yesterday", "today", "yesterday → today", ""},
	}
	for _, tc := range tests {
		text, span := period(tc.first, tc.last)
		if text != tc.text || span != tc.span {
			t.Errorf("period(%q, %q) = %q, %q; want %q, %q", tc.first, tc.last, text, span, tc.text, tc.span)
		}
	}
}
