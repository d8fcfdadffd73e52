package xes

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, us int) int64 {
		return time.Date(y, mo, d, h, mi, s, us*1000, time.UTC).UnixMicro()
	}
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2010-12-30T14:32:00.000+01:00", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30T13:32:00Z", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30T13:32:00z", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30T13:32:00", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30 13:32:00", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30T08:02:00-05:30", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30T15:32:00+0200", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30T15:32:00+02", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30T13:32:00.1Z", utc(2010, 12, 30, 13, 32, 0, 100000), true},
		{"2010-12-30T13:32:00.000001Z", utc(2010, 12, 30, 13, 32, 0, 1), true},
		{"2010-12-30T13:32:00.9999999999Z", utc(2010, 12, 30, 13, 32, 0, 999999), true},
		{"  2010-12-30T13:32:00Z\n", utc(2010, 12, 30, 13, 32, 0, 0), true},
		{"2010-12-30T24:00:00Z", utc(2010, 12, 31, 0, 0, 0, 0), true},
		{"2000-02-29T00:00:00Z", utc(2000, 2, 29, 0, 0, 0, 0), true},
		{"1969-12-31T23:59:59.5Z", utc(1969, 12, 31, 23, 59, 59, 500000), true},
		{"0001-01-01T00:00:00Z", utc(1, 1, 1, 0, 0, 0, 0), true},
		{"9999-12-31T23:59:59Z", utc(9999, 12, 31, 23, 59, 59, 0), true},
		{"2010-12-30T14:32+01:00", utc(2010, 12, 30, 13, 32, 0, 0), true}, // time.Parse fallback
		{"2010-12-30", utc(2010, 12, 30, 0, 0, 0, 0), true},
		{"1900-02-29T00:00:00Z", 0, false},
		{"2010-13-01T00:00:00Z", 0, false},
		{"2010-12-32T00:00:00Z", 0, false},
		{"2010-12-30T24:00:01Z", 0, false},
		{"2010-12-30T13:60:00Z", 0, false},
		{"2010-12-30T13:32:60Z", 0, false},
		{"2010-12-30T13:32:00+01:", 0, false},
		{"2010-12-30T13:32:00.Z", 0, false},
		{"2010-12-30T13:32:00ZZ", 0, false},
		{"2010-12-3OT13:32:00Z", 0, false},
		{"yesterday", 0, false},
		{"", 0, false},
	} {
		got, ok := parseTime([]byte(c.in))
		if ok != c.ok || got != c.want {
			t.Errorf("parseTime(%q) = %v %v, want %v %v", c.in, usString(got), ok, usString(c.want), c.ok)
		}
	}
}

// TestParseTimeAgainstTime compares the hand-written parser with
// time.Parse on random instants, offsets and fraction lengths.
func TestParseTimeAgainstTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		us := rng.Int64N(time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()) - 1e15
		off := (rng.IntN(28*4) - 14*4) * 15 * 60
		zone := time.FixedZone("", off)
		tm := time.UnixMicro(us).In(zone)
		layout := []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05.000Z07:00",
			"2006-01-02T15:04:05.999999Z07:00", "2006-01-02T15:04:05.000000000Z07:00"}[rng.IntN(4)]
		s := tm.Format(layout)
		want, err := time.Parse(layout, s)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := parseTime([]byte(s)); !ok || got != want.UnixMicro() {
			t.Fatalf("parseTime(%q) = %v %v, want %v", s, usString(got), ok, usString(want.UnixMicro()))
		}
		if got := string(appendTimeJSON(nil, us)); got != `"`+tm.UTC().Format("2006-01-02T15:04:05.000000Z")+`"` {
			t.Fatalf("appendTimeJSON(%d) = %s, want %s", us, got, tm.UTC().Format(time.RFC3339Nano))
		}
	}
}

func BenchmarkParseTime(b *testing.B) {
	v := []byte("2010-03-31T16:59:42.123+02:00")
	for b.Loop() {
		if _, ok := parseTime(v); !ok {
			b.Fatal("not parsed")
		}
	}
}
