package calendar

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the whole error text, after "x.yaml:"
	}{
		{"unknown key", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\ncolour: blue\n",
			"4: colour: unknown field (want name, timezone, hours or holidays)"},
		{"unknown zone", "name: x\ntimezone: Mars/Olympus_Mons\nhours:\n  mon: [\"09:00-17:00\"]\n",
			`2: timezone: unknown time zone "Mars/Olympus_Mons"; give an IANA name such as Europe/Amsterdam (or UTC)`},
		{"Local zone", "timezone: Local\nhours:\n  mon: [\"09:00-17:00\"]\n",
			`1: timezone: "Local" is not a zone; give an IANA name such as Europe/Amsterdam (or UTC)`},
		{"zone not a string", "timezone: [UTC]\nhours:\n  mon: [\"09:00-17:00\"]\n",
			"1: timezone: want a string"},
		{"missing zone", "name: x\nhours:\n  mon: [\"09:00-17:00\"]\n",
			"1: timezone: missing; give an IANA zone such as Europe/Amsterdam (or UTC)"},
		{"missing hours", "timezone: UTC\n",
			`1: hours: missing; give working hours such as mon-fri: ["09:00-17:00"]`},
		{"key given twice", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\ntimezone: Europe/Paris\n",
			"4: timezone: given twice (first on line 1)"},
		{"bad interval", "timezone: UTC\nhours:\n  mon-fri:\n    - 09:00-12:00\n    - 13-17\n",
			`5: hours.mon-fri: bad interval "13-17": "13" is not a time of day (want HH:MM)`},
		{"no dash", "timezone: UTC\nhours:\n  mon: [\"09:00\"]\n",
			`3: hours.mon: bad interval "09:00" (want HH:MM-HH:MM, such as 08:00-17:30)`},
		{"end before start", "timezone: UTC\nhours:\n  fri: [\"22:00-06:00\"]\n",
			`3: hours.fri: interval "22:00-06:00" does not end after it starts; an interval may not cross midnight, split it (e.g. 22:00-24:00 and next day 00:00-06:00)`},
		{"empty interval", "timezone: UTC\nhours:\n  fri: [\"09:00-09:00\"]\n",
			`3: hours.fri: interval "09:00-09:00" does not end after it starts; an interval may not cross midnight, split it (e.g. 22:00-24:00 and next day 00:00-06:00)`},
		{"overlap", "timezone: UTC\nhours:\n  mon:\n    - 11:00-13:00\n    - 08:00-12:00\n",
			`5: hours.mon: intervals "08:00-12:00" and "11:00-13:00" overlap`},
		{"hour 25", "timezone: UTC\nhours:\n  sat: [\"09:00-25:00\"]\n",
			`3: hours.sat: bad interval "09:00-25:00": "25:00": hours run 00-23 (24:00 is allowed as an end)`},
		{"24:00 as a start", "timezone: UTC\nhours:\n  sat: [\"24:00-24:00\"]\n",
			`3: hours.sat: bad interval "24:00-24:00": "24:00": hours run 00-23 (24:00 is allowed as an end)`},
		{"minute 60", "timezone: UTC\nhours:\n  sat: [\"08:60-09:00\"]\n",
			`3: hours.sat: bad interval "08:60-09:00": "08:60": minutes run 00-59`},
		{"24:30", "timezone: UTC\nhours:\n  sat: [\"08:00-24:30\"]\n",
			`3: hours.sat: bad interval "08:00-24:30": "24:30": hours run 00-23 (24:00 is allowed as an end)`},
		{"duplicate weekday", "timezone: UTC\nhours:\n  mon-fri: [\"09:00-17:00\"]\n  sat: [\"10:00-12:00\"]\n  Friday: [\"09:00-12:00\"]\n",
			`5: hours: fri given twice (first in "mon-fri" on line 3)`},
		{"weekday twice in one key", "timezone: UTC\nhours:\n  mon, wed, mon: [\"09:00-17:00\"]\n",
			`3: hours: mon appears twice in "mon, wed, mon"`},
		{"unknown weekday", "timezone: UTC\nhours:\n  mon-fry: [\"09:00-17:00\"]\n",
			`3: hours: unknown day "fry" in "mon-fry" (want mon, tue, wed, thu, fri, sat, sun, or a range such as mon-fri)`},
		{"hours not a mapping", "timezone: UTC\nhours: [\"09:00-17:00\"]\n",
			`2: hours: want a mapping of weekdays to intervals, such as mon-fri: ["09:00-17:00"]`},
		{"intervals not strings", "timezone: UTC\nhours:\n  mon: {from: 09:00}\n",
			`3: hours.mon: want a list of intervals such as ["08:00-12:00", "13:00-17:00"]`},
		{"no working time", "timezone: UTC\nhours:\n  sat: []\n  sun:\n",
			"2: hours: no working time in the week"},
		{"bad date", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\nholidays:\n  - 2026-12-25\n  - 2026-02-30\n",
			`6: holidays: "2026-02-30" is not a date (want YYYY-MM-DD)`},
		{"not a date", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\nholidays:\n  - Christmas\n",
			`5: holidays: "Christmas" is not a date (want YYYY-MM-DD)`},
		{"short date", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\nholidays: [2026-1-5]\n",
			`4: holidays: "2026-1-5" is not a date (want YYYY-MM-DD)`},
		{"holidays not a list", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\nholidays: 2026-12-25\n",
			"4: holidays: want a list of dates (YYYY-MM-DD)"},
		{"name not a string", "name: [a, b]\ntimezone: UTC\n",
			"1: name: want a string"},
		{"not a mapping", "- timezone: UTC\n",
			"1: calendar: want a mapping with name, timezone, hours and holidays"},
		{"empty", "",
			"1: calendar: empty document; want name, timezone, hours and holidays"},
		{"only a comment", "# nothing yet\n",
			"1: calendar: empty document; want name, timezone, hours and holidays"},
		{"two documents", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\n---\ntimezone: UTC\n",
			"4: calendar: more than one YAML document"},
		{"unclosed list", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"\n",
			"3: yaml: did not find expected ',' or ']'"},
		{"mis-indented line 5", "name: x\ntimezone: UTC\nhours:\n  mon-fri: [\"08:00-18:00\"]\n   sat: [\"09:00-12:00\"]\nholidays: []\n",
			"5: yaml: did not find expected key"},
		{"mis-indented deeper", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\n  tue: [\"09:00-17:00\"]\n\n # note\n wed: [\"09:00-17:00\"]\n",
			"7: yaml: did not find expected key"},
		{"stray brace", "timezone: UTC\nhours: }\n",
			"2: yaml: did not find expected node content"},
		{"mapping in a scalar", "timezone: UTC\nhours: a: b\n",
			"2: yaml: mapping values are not allowed in this context"},
		{"control character", "timezone: UTC\nhours:\n  mon: [\"09:00-17:00\"]\n\x01\n",
			"control characters are not allowed"},
		{"tab indentation", "timezone: UTC\nhours:\n\tmon: [\"09:00-17:00\"]\n",
			"3: yaml: found character that cannot start any token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(tc.src), "x.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded (%q), want error %q", c.Name(), tc.want)
			}
			want := "x.yaml:" + tc.want
			if tc.want[0] < '0' || tc.want[0] > '9' {
				want = "x.yaml: yaml: " + tc.want // no line known
			}
			if got := err.Error(); got != want {
				t.Errorf("error\n got %s\nwant %s", got, want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Name != "x.yaml" {
				t.Errorf("error %v is not an *Error for x.yaml", err)
			}
		})
	}
}

func TestParseForms(t *testing.T) {
	src := `
name: ""                       # empty: the name given to Parse is used
timezone: America/New_York
hours:
  Monday: "09:00 - 12:00"      # a single interval, spaced, full day name
  wed, fri: ["9:00-12:00", "12:00-17:00", "17:00-24:00"]  # touching intervals merge
  sat-sun: []                  # explicitly off
  thu:                         # off too
holidays:
  - 2026-07-03
  - 2026-07-03                 # listed twice: harmless
`
	c, err := Parse(strings.NewReader(src), "forms.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "forms.yaml" {
		t.Errorf("Name() = %q", c.Name())
	}
	want := [7][]span{
		time.Monday:    {{9 * 3600, 12 * 3600}},
		time.Wednesday: {{9 * 3600, secPerDay}},
		time.Friday:    {{9 * 3600, secPerDay}},
	}
	for wd := range time.Weekday(7) {
		if got := c.week.days[wd]; !equalSpans(got, want[wd]) {
			t.Errorf("%s: %v, want %v", wd, got, want[wd])
		}
	}
	if len(c.week.holidays) != 1 {
		t.Errorf("holidays %v, want one", c.week.holidays)
	}
	// Friday 3 July 2026 is a holiday, Wednesday 1 July is not.
	ny := c.Location()
	if got := c.Between(time.Date(2026, 7, 1, 0, 0, 0, 0, ny), time.Date(2026, 7, 4, 0, 0, 0, 0, ny)); got != 15*time.Hour {
		t.Errorf("Between over 1-3 July = %s, want 15h", got)
	}
	// Ranges wrap around the week.
	wrap, err := Parse(strings.NewReader("timezone: UTC\nhours:\n  fri-mon: [\"10:00-11:00\"]\n"), "wrap.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for wd := range time.Weekday(7) {
		on := wd == time.Friday || wd == time.Saturday || wd == time.Sunday || wd == time.Monday
		if got := len(wrap.week.days[wd]) == 1; got != on {
			t.Errorf("fri-mon: %s working = %v, want %v", wd, got, on)
		}
	}
}

func equalSpans(a, b []span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestParseNode parses a calendar block embedded in another file, as an SLA
// definition does; errors carry that file's lines.
func TestParseNode(t *testing.T) {
	src := `targets:
  P1: 4h
calendar: &desk
  name: Desk
  timezone: Europe/Amsterdam
  hours:
    mon-fri: ["08:00-18:00"]
other: *desk
broken:
  timezone: UTC
  hours:
    mon-fri: ["08:00-18:00"]
    sat: ["09:00-25:00"]
`
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	field := func(key string) *yaml.Node {
		m := doc.Content[0]
		for i := 0; i < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return m.Content[i+1]
			}
		}
		t.Fatalf("no %s", key)
		return nil
	}
	for _, key := range []string{"calendar", "other"} { // "other" is an alias
		c, err := ParseNode(field(key), "sla.yaml")
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if c.Name() != "Desk" || c.Location().String() != "Europe/Amsterdam" {
			t.Errorf("%s: got %q in %s", key, c.Name(), c.Location())
		}
	}
	_, err := ParseNode(field("broken"), "sla.yaml")
	if want := `sla.yaml:13: hours.sat: bad interval "09:00-25:00": "25:00": hours run 00-23 (24:00 is allowed as an end)`; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	if _, err := ParseNode(&doc, "sla.yaml"); err == nil || !strings.HasPrefix(err.Error(), "sla.yaml:1: targets: unknown field") {
		t.Errorf("whole document: error %v", err)
	}
	if _, err := ParseNode(nil, "sla.yaml"); err == nil {
		t.Error("ParseNode(nil) succeeded")
	}
	loop := &yaml.Node{Kind: yaml.AliasNode}
	loop.Alias = loop
	if _, err := ParseNode(loop, "sla.yaml"); err == nil {
		t.Error("ParseNode of an alias loop succeeded")
	}
}

// TestExampleFile parses the calendar shipped for the demo log and checks it
// against what testdata/demo/README.md says of the desk.
func TestExampleFile(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "ingest", "demo", "business-hours.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := Parse(f, "business-hours.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ams := c.Location()
	// King's Day is a holiday: Friday 24 April 17:00 + 2h ends Tuesday 09:00.
	if got, want := c.Add(time.Date(2026, 4, 24, 17, 0, 0, 0, ams), 2*time.Hour), time.Date(2026, 4, 28, 9, 0, 0, 0, ams); !got.Equal(want) {
		t.Errorf("Add over King's Day = %s, want %s", got, want)
	}
	// The log's period, Monday 5 January to Friday 3 July 2026: 26 weeks of
	// 5 weekdays less the 4 holidays = 126 working days of 10 hours.
	from, to := time.Date(2026, 1, 5, 0, 0, 0, 0, ams), time.Date(2026, 7, 4, 0, 0, 0, 0, ams)
	if got, want := c.Between(from, to), 126*10*time.Hour; got != want {
		t.Errorf("Between over the log's period = %s, want %s", got, want)
	}
}

// FuzzParse: Parse must never panic, its errors must name the input, and a
// calendar it accepts must keep the Between/Add algebra.
func FuzzParse(f *testing.F) {
	f.Add([]byte(deskYAML))
	f.Add([]byte(nightYAML))
	f.Add([]byte(overnightYAML))
	f.Add([]byte("timezone: UTC\nhours:\n  fri-mon: \"00:00-24:00\"\nholidays: [2026-02-28]\n"))
	f.Add([]byte("timezone: UTC\nhours:\n  mon: [\"09:00-25:00\"]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("timezone: Australia/Lord_Howe\nhours: {sun: [\"01:59-02:31\"]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error does not name the input: %v", err)
			}
			return
		}
		from := time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC)
		mid := from.Add(36 * time.Hour)
		to := from.Add(240 * time.Hour)
		if a, b, ab := c.Between(from, mid), c.Between(mid, to), c.Between(from, to); a+b != ab {
			t.Fatalf("not additive: %s + %s != %s", a, b, ab)
		}
		for _, d := range []time.Duration{time.Nanosecond, time.Hour, 500 * time.Hour} {
			if got := c.Between(from, c.Add(from, d)); got != d {
				t.Fatalf("Between(from, Add(from, %s)) = %s", d, got)
			}
		}
	})
}
