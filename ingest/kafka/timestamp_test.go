package kafka

import (
	"strings"
	"testing"
	"time"
)

// slowISO is parseTime's general path: time.Parse with timeLayouts.
func slowISO(s string) (int64, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t.UnixMicro(), true
		}
	}
	return 0, false
}

var isoSeeds = []string{
	"2024-05-01T08:00:00Z", "2024-05-01T08:00:00.123456Z", "2024-05-01 08:00:00", "2024-05-01T08:00:00.1+02:00",
	"1969-12-31T23:59:59.999999999-05:30", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2024-02-29T12:00:00Z",
	"2023-02-29T12:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T08:60:00Z", "2024-05-01T08:00:60Z", "2024-13-01T08:00:00Z",
	"2024-05-01T08:00:00.Z", "2024-05-01T08:00:00.1234567891Z", "2024-05-01T08:00:00+24:00", "2024-05-01T08:00:00+0200",
	"2024-05-01T08:00:00z", "2024-05-01t08:00:00Z", " 2024-05-01T08:00:00Z", "2024-05-01T08:00:00Z ", "2024-5-1T08:00:00Z",
	"+2024-05-01T08:00:00Z", "2024-05-01T08:00:00-00:00", "2024-05-01T08:00:00+23:59", "2024-05-01T08:00:00.000000001Z",
}

// FuzzParseISO: where the fast path reads a timestamp, it reads the same
// instant as time.Parse.
func FuzzParseISO(f *testing.F) {
	for _, s := range isoSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseISO([]byte(s))
		if !ok {
			return
		}
		slow, sok := slowISO(s)
		if !sok || slow != fast {
			t.Fatalf("%q: fast path %d, time.Parse %d (ok %v)", s, fast, slow, sok)
		}
	})
}

func TestParseISOAgreesWithTimeParse(t *testing.T) {
	fastHits := 0
	for _, s := range isoSeeds {
		fast, ok := parseISO([]byte(s))
		slow, sok := slowISO(s)
		if ok {
			fastHits++
			if !sok || fast != slow {
				t.Errorf("%q: fast path %d, time.Parse %d (ok %v)", s, fast, slow, sok)
			}
		}
	}
	if fastHits < 10 {
		t.Errorf("fast path took only %d of the seeds", fastHits)
	}
	// Every second of a leap year, in both separators and zones.
	for ts := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); ts.Year() == 2024; ts = ts.Add(97*time.Minute + 13*time.Second) {
		for _, s := range []string{ts.Format(time.RFC3339Nano), ts.Format("2006-01-02 15:04:05.000"),
			ts.In(time.FixedZone("", -(3*3600 + 1800))).Format("2006-01-02T15:04:05.999999-07:00")} {
			fast, ok := parseISO([]byte(s))
			if !ok || fast != ts.UnixMicro() {
				t.Fatalf("%q: fast path %d (ok %v), want %d", s, fast, ok, ts.UnixMicro())
			}
		}
	}
}
