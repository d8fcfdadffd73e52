package csv

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // zones for the DST cases on machines without zoneinfo
)

func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestTimestampForms(t *testing.T) {
	ams := mustLoc(t, "Europe/Amsterdam")
	tests := []struct {
		name   string
		values []string
		opt    Options
		layout string
		want   []string // RFC 3339, UTC instants
	}{
		{"iso space offset frac", []string{"2011-10-11 13:45:40.276000+02:00", "2011-12-06 13:41:31.788+01:00"}, Options{},
			"2006-01-02 15:04:05.000000Z07:00", []string{"2011-10-11T11:45:40.276Z", "2011-12-06T12:41:31.788Z"}},
		{"rfc3339 Z and offsets", []string{"2011-10-11T13:45:40Z", "2011-10-11T13:45:40.123456789+0200", "2011-10-11T13:45:40-05:30", "2011-10-11T13:45:40.5+02"},
			Options{}, "2006-01-02T15:04:05Z07:00", []string{"2011-10-11T13:45:40Z", "2011-10-11T11:45:40.123456Z", "2011-10-11T19:15:40Z", "2011-10-11T11:45:40.5Z"}},
		{"no offset uses Location (DST)", []string{"2011-10-11 13:45", "2011-12-11 13:45", "2021-03-28 02:30", "2021-10-31 02:30"}, Options{Location: ams},
			"2006-01-02 15:04", []string{"2011-10-11T11:45:00Z", "2011-12-11T12:45:00Z", "2021-03-28T01:30:00Z", "2021-10-31T01:30:00Z"}}, // gap and overlap as time.Date resolves them,
		{"no offset default UTC", []string{"2011-10-11T13:45:40.1234567"}, Options{}, "2006-01-02T15:04:05.0000000", []string{"2011-10-11T13:45:40.123456Z"}},
		{"slash ymd", []string{"2006/01/02 15:04:05"}, Options{}, "2006/01/02 15:04:05", []string{"2006-01-02T15:04:05Z"}},
		{"day first dash", []string{"02-01-2006 15:04", "13-01-2006 08:00"}, Options{}, "02-01-2006 15:04", []string{"2006-01-02T15:04:00Z", "2006-01-13T08:00:00Z"}},
		{"month first slash", []string{"01/02/2006 15:04:05", "12/31/2006 01:00:00"}, Options{}, "01/02/2006 15:04:05", []string{"2006-01-02T15:04:05Z", "2006-12-31T01:00:00Z"}},
		{"month first am pm", []string{"1/2/2006 3:04:05 PM", "12/13/2006 12:00:00 AM", "2/3/2006 12:30:00 pm"}, Options{},
			"1/2/2006 3:04:05 PM", []string{"2006-01-02T15:04:05Z", "2006-12-13T00:00:00Z", "2006-02-03T12:30:00Z"}},
		{"ambiguous prefers day first", []string{"01/02/2006 10:00", "03/04/2006 10:00"}, Options{}, "02/01/2006 15:04", []string{"2006-02-01T10:00:00Z", "2006-04-03T10:00:00Z"}},
		{"dots two digit year", []string{"2.1.06 7:05", "24.12.99 23:59"}, Options{}, "2.1.06 15:04", []string{"2006-01-02T07:05:00Z", "1999-12-24T23:59:00Z"}},
		{"date only", []string{"2021-03-04", "2021-12-31"}, Options{}, "2006-01-02", []string{"2021-03-04T00:00:00Z", "2021-12-31T00:00:00Z"}},
		{"date only day first in zone", []string{"31.03.2021"}, Options{Location: ams}, "02.01.2006", []string{"2021-03-30T22:00:00Z"}},
		{"epoch seconds", []string{"1318333540", "1318333541"}, Options{}, "unix", []string{"2011-10-11T11:45:40Z", "2011-10-11T11:45:41Z"}},
		{"epoch millis", []string{"1318333540276", "1318333541000"}, Options{}, "unixms", []string{"2011-10-11T11:45:40.276Z", "2011-10-11T11:45:41Z"}},
		{"month names", []string{"02-Jan-2006 15:04:05", "13-Feb-2006 00:00:01"}, Options{}, "02-Jan-2006 15:04:05", []string{"2006-01-02T15:04:05Z", "2006-02-13T00:00:01Z"}},
		{"rfc1123z", []string{`"Mon, 02 Jan 2006 15:04:05 +0100"`}, Options{}, time.RFC1123Z, []string{"2006-01-02T14:04:05Z"}},
		{"explicit layout fast", []string{"02/01/2006 15:04", "03/01/2006 15:04"}, Options{TimeFormat: "01/02/2006 15:04"}, "01/02/2006 15:04",
			[]string{"2006-02-01T15:04:00Z", "2006-03-01T15:04:00Z"}},
		{"explicit layout slow", []string{"Jan  2 2006 15h04", "Feb 12 2006 15h04"}, Options{TimeFormat: "Jan _2 2006 15h04", Location: ams},
			"Jan _2 2006 15h04", []string{"2006-01-02T14:04:00Z", "2006-02-12T14:04:00Z"}},
		{"explicit epoch", []string{"1318333540.5"}, Options{TimeFormat: "unix"}, "unix", []string{"2011-10-11T11:45:40.5Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("case,activity,timestamp\n")
			for i, v := range tc.values {
				fmt.Fprintf(&b, "c,A%d,%s\n", i, v)
			}
			_, layout, err := Detect(strings.NewReader(b.String()), tc.opt)
			if err != nil || layout != tc.layout {
				t.Errorf("Detect layout = %q, %v; want %q", layout, err, tc.layout)
			}
			s, _, err := readString(t, b.String(), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			for i, w := range tc.want {
				if got := time.UnixMicro(s.events[i].Time).UTC(); !got.Equal(time.UnixMicro(us(t, w))) {
					t.Errorf("%s = %s, want %s", tc.values[i], got.Format(time.RFC3339Nano), w)
				}
			}
		})
	}
}

// TestDayFirstSettledLate: sampling continues past the usual sample while
// every date could be either order, so a month-first log whose first
// thousand rows fall on days <= 12 is still read month-first.
func TestDayFirstSettledLate(t *testing.T) {
	var b strings.Builder
	b.WriteString("case,activity,timestamp\n")
	for i := range 3000 {
		fmt.Fprintf(&b, "c%d,A,%02d/%02d/2020 10:00\n", i, 1+i/1000%12, 1+i%12)
	}
	b.WriteString("cx,A,01/13/2020 10:00\n")
	_, layout, err := Detect(strings.NewReader(b.String()), Options{})
	if err != nil || layout != "01/02/2006 15:04" {
		t.Fatalf("layout = %q, %v; want month-first", layout, err)
	}
}

// TestZoneCacheMatchesGo sweeps wall clocks across DST transitions and
// checks the cached conversion against time.ParseInLocation.
func TestZoneCacheMatchesGo(t *testing.T) {
	for _, name := range []string{"Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo"} {
		loc := mustLoc(t, name)
		z := newZoneCache(loc)
		p := newTSParser(tsFormat{kind: kindNumeric, order: orderYMD}, loc)
		start := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
		for wall := start; wall.Year() < 2022; wall = wall.Add(7*time.Minute + 13*time.Second) {
			s := wall.Format("2006-01-02 15:04:05")
			want, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
			if err != nil {
				t.Fatal(err)
			}
			if got := z.toUTC(wall.UnixMicro()); got != want.UnixMicro() {
				t.Fatalf("%s %s: got %s want %s", name, s, time.UnixMicro(got).UTC(), want.UTC())
			}
			if got, ok := p.parse([]byte(s)); !ok || got != want.UnixMicro() {
				t.Fatalf("%s parse %s: got %v %v", name, s, got, ok)
			}
		}
	}
}

// TestUserLayoutsMatchGo: whatever path a Go layout compiles to, values
// formatted with it parse to what time.ParseInLocation gives.
func TestUserLayoutsMatchGo(t *testing.T) {
	loc := mustLoc(t, "America/New_York")
	layouts := []string{time.RFC3339, time.RFC3339Nano, time.DateTime, time.DateOnly, "2006-01-02T15:04:05.000Z0700",
		"02/01/2006 15:04", "01/02/2006 3:04:05 PM", "1/2/06 15:04", "2.1.2006", "2006/01/02 15:04:05.000000 -07:00",
		time.RFC1123, time.ANSIC, "20060102150405", "Jan _2 2006 15h04", "2006-01-02 15:04:05 MST"}
	rng := rand.New(rand.NewSource(1))
	for _, layout := range layouts {
		p := newTSParser(userFormat(layout, loc), loc)
		for range 2000 {
			tm := time.Unix(rng.Int63n(4e9)-1e9, rng.Int63n(1e9)).In(loc)
			s := tm.Format(layout)
			want, err := time.ParseInLocation(layout, s, loc)
			if err != nil {
				continue // layouts that do not round-trip (e.g. 2-digit years)
			}
			got, ok := p.parse([]byte(s))
			if !ok || got != want.UnixMicro() {
				t.Fatalf("layout %q value %q: got %v %v, want %s", layout, s, time.UnixMicro(got).UTC(), ok, want.UTC())
			}
		}
	}
}

func TestParseNumericRejects(t *testing.T) {
	for _, s := range []string{"2021-02-29", "2021-13-01", "2021-00-10", "2021-01-32", "2021-01-01 24:00", "2021-01-01 10:60",
		"2021-01-01 10:00:60", "2021-01-01 13:00 PM", "2021-01-01 00:00 AM", "2021-01-01T10", "2021-01-01 10:00+25:00",
		"2021-01-01 10:00 +02:0", "2021-01-01 10:00:00.", "2021-1-1x", "21-01-01", "2021--01-01", "2021-01/01", "", "-", "T"} {
		if _, _, _, ok := parseNumeric([]byte(s), orderYMD, nil); ok {
			t.Errorf("parseNumeric(%q) accepted", s)
		}
	}
	if _, _, _, ok := parseNumeric([]byte("2020-02-29"), orderYMD, nil); !ok {
		t.Error("leap day rejected")
	}
}
