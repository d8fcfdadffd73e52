package perf

import (
	"math/rand/v2"
	"testing"
	"time"
)

// weekHours agrees with time.Time's Weekday and Hour in zones with and
// without daylight saving (Lord Howe shifts by half an hour), before 1970
// and around DST changes, whatever order the instants come in.
func TestWeekHoursAgreesWithTime(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	zones := []*time.Location{time.UTC, time.FixedZone("x", -(9*3600 + 30*60))}
	for _, name := range []string{"Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("zone database: %v", err)
		}
		zones = append(zones, loc)
	}
	amsterdam := zones[2]
	edges := []int64{
		time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC).UnixMicro(), // CET → CEST
		time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC).UnixMicro(),
	}
	for _, loc := range zones {
		w := newWeekHours(loc)
		check := func(us int64) {
			tt := time.UnixMicro(us).In(loc)
			if got, want := w.at(us), (int(tt.Weekday())+6)%7*24+tt.Hour(); got != want {
				t.Fatalf("%s %v: hour of week %d, want %d", loc, tt, got, want)
			}
		}
		for range 20_000 {
			check(r.Int64N(4e15) - 2e15) // about 1906 to 2033
		}
		if loc == amsterdam {
			for _, e := range edges {
				for d := int64(-2 * 3600e6); d <= 2*3600e6; d += 60e6 - 1 {
					check(e + d)
				}
			}
		}
	}
}
