package sla

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
)

func TestParse(t *testing.T) {
	rs := mustParse(t, deskCalendar+`
rules:
  - name: P1
    case: {from: Open, to: Resolve, occurrence: last, cancel: [Close]}
    target: 1d12h
    time: business
    where: {priority: [P1, P2], impact: 1}
  - name: whole case
    case:
    target: {attribute: sla_target_hours, unit: 30m}
  - name: assign
    between: {from: Open, to: Assign}
    target: 30m
    time: calendar
  - name: cap
    activity: Investigate
    target: 1.5d
`)
	if rs.Calendar.Location().String() != "Europe/Amsterdam" {
		t.Errorf("calendar %v", rs.Calendar.Location())
	}
	want := []Rule{
		{Name: "P1", Kind: KindCase, From: "Open", To: "Resolve", Last: true, Cancel: []string{"Close"}, Target: 36 * time.Hour, Business: true,
			Where: []Condition{{"priority", []string{"P1", "P2"}}, {"impact", []string{"1"}}}, Line: 8},
		{Name: "whole case", Kind: KindCase, TargetAttribute: "sla_target_hours", TargetUnit: 30 * time.Minute, Line: 13},
		{Name: "assign", Kind: KindBetween, From: "Open", To: "Assign", Target: 30 * time.Minute, Line: 16},
		{Name: "cap", Kind: KindActivity, Activity: "Investigate", Target: 36 * time.Hour, Line: 20},
	}
	if len(rs.Rules) != len(want) {
		t.Fatalf("%d rules", len(rs.Rules))
	}
	for i, w := range want {
		if g := rs.Rules[i]; !equalRule(g, w) {
			t.Errorf("rules[%d] = %+v\nwant %+v", i, g, w)
		}
	}
	// No calendar: 24×7.
	if rs := mustParse(t, `rules: [{name: a, activity: A, target: 1h}]`); rs.Calendar != calendar.Always() {
		t.Errorf("calendar %v", rs.Calendar.Name())
	}
}

func equalRule(a, b Rule) bool {
	if a.Name != b.Name || a.Kind != b.Kind || a.From != b.From || a.To != b.To || a.Last != b.Last || a.Activity != b.Activity ||
		a.Target != b.Target || a.TargetAttribute != b.TargetAttribute || a.TargetUnit != b.TargetUnit || a.Business != b.Business ||
		a.Line != b.Line || strings.Join(a.Cancel, ",") != strings.Join(b.Cancel, ",") || len(a.Where) != len(b.Where) {
		return false
	}
	for i := range a.Where {
		if a.Where[i].Attribute != b.Where[i].Attribute || strings.Join(a.Where[i].Values, ",") != strings.Join(b.Where[i].Values, ",") {
			return false
		}
	}
	return true
}

// Every error names the file, the line and the field.
func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{``, `f.yaml:1: rules: empty document; want calendar and rules`},
		{`[1, 2]`, `f.yaml:1: rules: want a mapping with calendar and rules`},
		{"rules: [\n  {name: a", `f.yaml:2: yaml: did not find expected ',' or '}'`}, // the unclosed { is on line 2
		{"calender: x\nrules: []", "f.yaml:1: calender: unknown field (want calendar or rules)\nf.yaml:2: rules: want a non-empty list of rules"},
		{"calendar: x.yaml\nrules: [{name: a, activity: A, target: 1h}]", `f.yaml:1: calendar: cannot read calendar file "x.yaml" here; give the calendar inline`},
		{"calendar: [1]\nrules: [{name: a, activity: A, target: 1h}]", `f.yaml:1: calendar: want a calendar file's path or an inline calendar (timezone, hours, holidays)`},
		{"calendar:\n  timezone: Mars/Olympus\n  hours: {mon: [\"09:00-17:00\"]}\nrules: [{name: a, activity: A, target: 1h}]",
			`f.yaml:2: calendar.timezone: unknown time zone "Mars/Olympus"; give an IANA name such as Europe/Amsterdam (or UTC)`},
		{"x: 1", `f.yaml:1: x: unknown field (want calendar or rules)
f.yaml:1: rules: missing; give a list of rules, each with a name, what it measures and a target`},
		{"rules: []", `f.yaml:1: rules: want a non-empty list of rules`},
		{"rules:\n  - 5", `f.yaml:2: rules[0]: want a mapping with name, case, between or activity, target, time and where`},
		{"rules:\n  - name: a\n    activity: A", `f.yaml:2: rules[0].target: missing; give a duration such as 30m, 4h or 3d`},
		{"rules:\n  - name: a\n    target: 1h", `f.yaml:2: rules[0]: say what the rule measures: give one of case, between or activity`},
		{"rules:\n  - activity: A\n    target: 1h", `f.yaml:2: rules[0].name: missing; every rule needs a name`},
		{"rules:\n  - name: a\n    activity: A\n    target: 4 hours", `f.yaml:4: rules[0].target: "4 hours" is not a duration; want a positive duration such as 30m, 4h, 1h30m or 3d`},
		{"rules:\n  - name: a\n    activity: A\n    target: -1h", `f.yaml:4: rules[0].target: "-1h" is not a duration; want a positive duration such as 30m, 4h, 1h30m or 3d`},
		{"rules:\n  - name: a\n    activity: A\n    target: 0s", `f.yaml:4: rules[0].target: "0s" is not a duration; want a positive duration such as 30m, 4h, 1h30m or 3d`},
		{"rules:\n  - name: a\n    activity: A\n    target: {unit: 1h}", `f.yaml:4: rules[0].target.attribute: missing; give the numeric case attribute that holds each case's target`},
		{"rules:\n  - name: a\n    activity: A\n    target: {attribute: x, unit: 1y}", `f.yaml:4: rules[0].target.unit: "1y" is not a duration; want a positive duration such as 30m, 4h, 1h30m or 3d`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    time: business",
			`f.yaml:5: rules[0].time: business time needs a calendar; add a top-level calendar (a file or an inline mapping)`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    time: working", `f.yaml:5: rules[0].time: "working" is not a clock; want business or calendar`},
		{"rules:\n  - name: a\n    activity: A\n    between: {from: A, to: B}\n    target: 1h",
			`f.yaml:4: rules[0].between: a rule measures one thing: activity is already given on line 3`},
		{"rules:\n  - name: a\n    between: {from: A}\n    target: 1h", `f.yaml:3: rules[0].between.to: missing; between needs from and to (use case for a whole-case window)`},
		{"rules:\n  - name: a\n    between: {from: A, to: B, occurrence: last}\n    target: 1h", `f.yaml:3: rules[0].between.occurrence: unknown field (want from, to or cancel)`},
		{"rules:\n  - name: a\n    case: {from: A, occurrence: last}\n    target: 1h", "f.yaml:3: rules[0].case.occurrence: applies to `to`; without it the window ends at the case's last event"},
		{"rules:\n  - name: a\n    case: {to: B, occurrence: second}\n    target: 1h", `f.yaml:3: rules[0].case.occurrence: "second": want first or last`},
		{"rules:\n  - name: a\n    case: Resolve\n    target: 1h", `f.yaml:3: rules[0].case: want a mapping such as {from: Open, to: Resolve, occurrence: first}`},
		{"rules:\n  - name: a\n    case: {to: B, cancel: {x: 1}}\n    target: 1h", `f.yaml:3: rules[0].case.cancel: want an activity name or a list of them, such as [Resolve, Close]`},
		{"rules:\n  - name: a\n    activity: [A]\n    target: 1h", `f.yaml:3: rules[0].activity: want an activity name`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    where: P1", `f.yaml:5: rules[0].where: want a mapping of case attributes to a value or a list of values, such as {priority: [P1, P2]}`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    where: {priority: []}", `f.yaml:5: rules[0].where.priority: want a value or a non-empty list of values`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    where:\n      priority: {a: 1}", `f.yaml:6: rules[0].where.priority: want a value or a non-empty list of values`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    where:\n      priority: [P1, [P2]]", `f.yaml:6: rules[0].where.priority: want a list of plain values`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    where:\n      priority: ~", `f.yaml:6: rules[0].where.priority: want a value or a non-empty list of values`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    targe: 2h", `f.yaml:5: rules[0].targe: unknown field (want name, case, between, activity, target, time or where)`},
		{"rules:\n  - name: a\n    activity: A\n    target: 1h\n    target: 2h", `f.yaml:5: rules[0].target: given twice (first on line 4)`},
		{"rules:\n  - {name: a, activity: A, target: 1h}\n  - {name: a, activity: B, target: 1h}", `f.yaml:3: rules[1].name: "a" is already the name of the rule on line 2`},
		// Every error of the file is reported.
		{"rules:\n  - {name: a, activity: A}\n  - {name: b, activity: B, target: 1x}",
			"f.yaml:2: rules[0].target: missing; give a duration such as 30m, 4h or 3d\n" +
				`f.yaml:3: rules[1].target: "1x" is not a duration; want a positive duration such as 30m, 4h, 1h30m or 3d`},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.src), "f.yaml", nil)
		if err == nil {
			t.Errorf("%q: no error, want %s", tt.src, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, err, tt.want)
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%q: %T is not an *Error", tt.src, err)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for s, want := range map[string]time.Duration{
		"30m": 30 * time.Minute, "4h": 4 * time.Hour, "1h30m": 90 * time.Minute, "3d": 72 * time.Hour,
		"1.5d": 36 * time.Hour, "2d12h": 60 * time.Hour, "90s": 90 * time.Second, "1d1m": 24*time.Hour + time.Minute,
	} {
		if got, err := ParseDuration(s); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "0h", "h", "4", "-1h", "1w", "1d-1h", "4 h", "1e400d", "99999999999d", ".d"} {
		if d, err := ParseDuration(s); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", s, d)
		}
	}
}

// The example file and its calendar file, read relative to it.
func TestParseFile(t *testing.T) {
	rs, err := ParseFile("../../ingest/demo/sla.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if rs.Calendar.Name() != "Service desk hours" || len(rs.Rules) != 6 {
		t.Errorf("calendar %q, %d rules", rs.Calendar.Name(), len(rs.Rules))
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "r.yaml")
	if err := os.WriteFile(path, []byte("calendar: missing.yaml\nrules: [{name: a, activity: A, target: 1h}]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ParseFile(path)
	var e *Error
	if !errors.As(err, &e) || e.Line != 1 || e.Field != "calendar" || !strings.Contains(e.Reason, "missing.yaml") {
		t.Errorf("missing calendar file: %v", err)
	}
}

// The parser never panics, and what it accepts is usable.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile("../../ingest/demo/sla.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add(deskCalendar + "rules: [{name: a, case: {from: A, to: B, occurrence: last, cancel: [C]}, target: {attribute: t, unit: 1m}, time: business, where: {p: [1, x]}}]")
	f.Add("rules: [{name: a, between: {from: A, to: B}, target: 1.5d}]\n")
	f.Add("rules:\n  - &r {name: a, activity: A, target: 1h}\n  - *r\n")
	f.Add("calendar: {timezone: UTC, hours: {mon-fri: [\"09:00-17:00\"]}}\nrules: [{name: a, activity: A, target: 1h, where: {x: ~}}]")
	load := func(path string) (*calendar.Calendar, error) {
		if path == "ok.yaml" {
			return calendar.Always(), nil
		}
		return nil, errors.New("no such calendar")
	}
	f.Fuzz(func(t *testing.T, src string) {
		rs, err := Parse(strings.NewReader(src), "fuzz.yaml", load)
		if err != nil {
			if rs != nil {
				t.Fatal("rules and an error")
			}
			return
		}
		if rs.Calendar == nil || len(rs.Rules) == 0 {
			t.Fatalf("accepted without calendar or rules: %q", src)
		}
		for _, r := range rs.Rules {
			if r.Name == "" || (r.Target <= 0) == (r.TargetAttribute == "") {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}
