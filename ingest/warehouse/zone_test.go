package warehouse

import (
	"testing"
	"time"
)

func TestOffsetTableAmsterdam(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skip("no zone database")
	}
	tab := offsetTable(loc)
	offsetAt := func(local time.Time) int64 {
		var off int64
		for _, r := range tab {
			if !r[0].After(local) {
				off = r[1].Unix()
			}
		}
		return off
	}
	for _, c := range []struct {
		local string
		want  int64
	}{
		{"2011-10-11 13:45:40", 7200}, // summer time
		{"2011-11-24 15:36:51", 3600}, // winter time
		{"2026-03-29 03:30:00", 7200}, // just after spring forward
		{"2026-03-29 01:59:59", 3600}, // just before
		{"2026-10-25 03:00:00", 3600}, // after fall back
		{"1960-07-01 12:00:00", 3600}, // no DST then
	} {
		l, _ := time.Parse("2006-01-02 15:04:05", c.local)
		if got := offsetAt(l); got != c.want {
			t.Errorf("offset at %s = %d, want %d", c.local, got, c.want)
		}
	}
}
