package localtime

import (
	"math/rand/v2"
	"testing"
	"time"
)

// Day, Weekday and HourOfWeek agree with time.Time in zones with and
// without daylight saving (Lord Howe shifts by half an hour), before 1970,
// around DST changes and in any order of instants.
func TestAgreesWithTime(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	zones := []*time.Location{time.UTC, time.FixedZone("x", -(9*3600 + 30*60))}
	for _, name := range []string{"Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skipf("zone database: %v", err)
		}
		zones = append(zones, loc)
	}
	edges := []int64{
		time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC).UnixMicro(), // Amsterdam: CET → CEST
		time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC).UnixMicro(),
	}
	for _, loc := range zones {
		z := New(loc)
		check := func(us int64) {
			tt := time.UnixMicro(us).In(loc)
			y, m, d := tt.Date()
			day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
			if got := z.Day(us); got != day {
				t.Fatalf("%s %v: day %d, want %d", loc, tt, got, day)
			}
			if got := Weekday(day); got != tt.Weekday() {
				t.Fatalf("%s %v: weekday %v, want %v", loc, tt, got, tt.Weekday())
			}
			if got, want := z.HourOfWeek(us), (int(tt.Weekday())+6)%7*24+tt.Hour(); got != want {
				t.Fatalf("%s %v: hour of week %d, want %d", loc, tt, got, want)
			}
		}
		for range 20_000 {
			check(r.Int64N(4e15) - 2e15) // about 1906 to 2033
		}
		for _, e := range edges {
			for d := int64(-2 * 3600e6); d <= 2*3600e6; d += 60e6 - 1 {
				check(e + d)
			}
		}
	}
}
