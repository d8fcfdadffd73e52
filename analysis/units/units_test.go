package units

import (
	"math"
	"testing"
)

func TestDuration(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{0, "0 s"},
		{0.0004, "<1 ms"},
		{0.35, "350 ms"},
		{1, "1 s"},
		{9.94, "9.9 s"},
		{45, "45 s"},
		{59.97, "1 min"}, // would round to "60 s"
		{90, "1.5 min"},
		{3600, "1 h"},
		{46.5 * 3600, "1.9 d"},
		{2.8 * 86400, "2.8 d"},
		{39.9 * 86400, "40 d"},
		{133956.5 * 86400, "367 y"},
		{1e6 * 365 * 86400, "1,000,000 y"},
		{-3600, "-1 h"},
		{math.MaxFloat64, "5.7e+300 y"},
		{math.NaN(), "–"},
		{math.Inf(1), "–"},
		{math.Inf(-1), "–"},
	} {
		if got := Duration(tc.in); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestChange(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{
		{46.5 * 3600, "1.9 d longer"},
		{-46.5 * 3600, "1.9 d shorter"},
		{-7200, "2 h shorter"},
		{0, "no longer"},
		{math.NaN(), "– longer"},
	} {
		if got := Change(tc.in); got != tc.want {
			t.Errorf("Change(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		in   int64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {1440, "1,440"}, {4194112, "4,194,112"},
		{-1234567, "-1,234,567"}, {math.MinInt64, "-9,223,372,036,854,775,808"},
	} {
		if got := Count(tc.in); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPercentAndSeconds(t *testing.T) {
	if got := Percent(0.1234); got != "12.3 %" {
		t.Errorf("Percent = %q", got)
	}
	if got := Percent(math.NaN()); got != "–" {
		t.Errorf("Percent(NaN) = %q", got)
	}
	for in, want := range map[float64]string{0.154: "0.15 s", 12.34: "12.3 s", 125: "2 min 5 s"} {
		if got := Seconds(in); got != want {
			t.Errorf("Seconds(%v) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDuration(f *testing.F) {
	for _, s := range []float64{0, 1, 59.97, 86400, -1, math.MaxFloat64} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s float64) {
		if Duration(s) == "" || Change(s) == "" {
			t.Fatal("empty rendering")
		}
	})
}
