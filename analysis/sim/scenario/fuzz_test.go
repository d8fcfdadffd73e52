package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/internal/yamltest"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// fuzzModels are the models a fuzzed scenario is applied to: base() with
// calendars, a priority, delays and pool_by (so that every change kind
// has something to change), and a process tree over the same activities.
func fuzzModels() []*model.Model {
	m := base()
	m.Pools["First line"].Calendar = &model.Calendar{Hours: map[string][]string{"mon-fri": {"08:00-12:00", "13:00-17:00"}, "sat": {"22:00-23:30"}}}
	m.Pools["First line"].Resources[0].Calendar = &model.Calendar{Timezone: "Europe/Amsterdam", Hours: map[string][]string{"mon": {"09:00-15:00"}}}
	m.Pools["Third line"] = &model.Pool{CostPerHour: 60, Resources: []*model.Resource{{Name: "d"}, {Name: "e", Speed: 1.2}}}
	m.Routing.Variants[0].Attributes = map[string]string{"priority": "P1", "team": "db"}
	m.Routing.Variants[1].Attributes = map[string]string{"priority": "P2"}
	m.Routing.Variants = append(m.Routing.Variants, model.Variant{Activities: []string{"Open", "Resolve", "Classify", "Resolve", "Classify"}, Cases: 5})
	m.Priority = &model.Priority{Attribute: "priority", Order: []string{"P1", "P2"}}
	inv := m.Acts["Investigate"]
	inv.PoolBy = &model.PoolBy{Attribute: "team", Pools: map[string]string{"db": "Third line"}}
	inv.Delay = &dist.Dist{Kind: dist.Exponential, Mean: 600}
	inv.DelayAfter = map[string]*dist.Dist{"Escalate": {Kind: dist.Fixed, Value: 60}, "": {Kind: dist.Fixed, Value: 5}}
	inv.DelayByPriority = map[string]*dist.Dist{"P1": {Kind: dist.Exponential, Mean: 30}}
	inv.DurationByPriority = map[string]*dist.Dist{"P1": {Kind: dist.LogNormal, Mu: 5, Sigma: 0.5}}

	tr := base()
	tr.Routing = model.Routing{Mode: model.Tree,
		Tree: "->( 'Open', X( 'Classify', tau ), *( 'Investigate', 'Escalate' ), 'Resolve' )",
		Probabilities: &model.Probabilities{Choice: map[string][]float64{"0.1": {0.7, 0.3}}, Redo: map[string]float64{"0.2": 0.2},
			Attributes: map[string]map[string]float64{"priority": {"P1": 1, "P2": 2}}}}
	tr.Priority = &model.Priority{Attribute: "priority", Order: []string{"P1", "P2"}}
	tr.Pools["Second line"].Calendar = &model.Calendar{Timezone: "UTC", Hours: map[string][]string{"mon-fri": {"09:00-17:00"}}}
	tr.Acts["Resolve"].Delay = &dist.Dist{Kind: dist.Weibull, Shape: 1.5, Scale: 900}
	tr.Acts["Resolve"].DelayAfter = map[string]*dist.Dist{"Escalate": {Kind: dist.Fixed, Value: 60}}
	return []*model.Model{m, tr}
}

// fuzzSeeds are the scenarios of this package's tests and the format's
// documentation, and some bad ones.
var fuzzSeeds = []string{
	`
name: all
changes:
  - resources: {pool: Second line, add: 2}
  - calendar: {pool: First line, hours: "Mon-Fri 07:00-19:00"}
  - automate: Classify
  - duration: {activity: Investigate, scale: 0.8}
  - remove: Escalate
  - remove_rework: true
  - arrivals: {scale: 1.2}
  - routing: {after: Classify, to: {Resolve: 0.3}}
  - cost: {pool: Second line, per_hour: 55}
`,
	`
changes:
  - remove_rework: Escalate
  - move: {from: First line, to: Second line}
  - extend_hours: {pool: First line, hours: 1.5}
  - reorder: {first: Classify, then: Resolve}
`,
	`
name: "all: of them"
description: every kind
changes:
  - resources: {pool: "Second line", remove: 1}
  - resources: {pool: First line, set: 3}
  - calendar: {pool: First line, hours: {mon-fri: ["07:00-19:00"], sat: ["09:00-12:00"]}}
  - calendar: {pool: Third line, hours: "Mon-Fri 08:00-12:00, 13:00-17:00; Sat 09:00-12:00"}
  - delay: {activity: Investigate, dist: {dist: exponential, mean: 60}}
  - delay: {activity: Investigate, scale: 0.5}
  - duration: {activity: Resolve, dist: {dist: gamma, shape: 2, scale: 300, p_zero: 0.1}}
  - remove_rework: "true"
  - arrivals: {weekdays: {mon: 1.5, sun: 0}}
  - routing: {after: Investigate, to: {Escalate: 0, Resolve: 1}}
  - move: {from: Third line, to: Second line, count: 1}
  - extend_hours: {pool: Second line, hours: 12}
`,
	"changes:\n  - automte: Classify\n",
	"changes:\n  - resources: {pool: X}\n",
	"changes:\n  - duration: {activity: A, scale: -1}\n",
	"changes:\n  - arrivals: {scale: lots}\n",
	"changes:\n  - calendar: {pool: X, hours: \"Mon-Fri 25:00-26:00\"}\n",
	"name: x\n",
	"changes:\n  - routing: {after: A, to: {B: 0.7, C: 0.6}}\n",
	"changes:\n  - remove_rework: false\n",
	"changes:\n  - move: {from: A, to: A}\n",
	"changes:\n  - extend_hours: {pool: A, hours: 13}\n",
	"changes:\n  - reorder: {first: A}\n",
	"changes:\n  - automate: Clasify\n",
	"changes:\n  - resources: {pool: Third line, add: 1}\n",
	"changes:\n  - resources: {pool: Second line, remove: 1}\n",
	"changes:\n  - routing: {after: Open, to: {Resolve: 0.5}}\n",
	"changes:\n  - remove: Open\n  - remove: Classify\n  - remove: Investigate\n  - remove: Escalate\n  - remove: Resolve\n",
	"changes:\n  - resources: {pool: First line, set: 100001}\n",
	"changes:\n  - resources: {pool: First line, add: 2000}\n  - move: {from: First line, to: Second line, count: 1000}\n",
	"changes: [{automate: Classify}, {cost: {pool: First line, per_hour: 0}}]\n",
	"changes:\n  - {}\n  - [automate]\n  - automate: [Classify]\n",
	"",
	"{",
}

// FuzzParse feeds arbitrary scenario files to Parse. It must never panic;
// an error names the file, and each problem in it is an *Error with a line
// inside the file (0: unknown); a scenario it accepts is written back by
// Write to the same changes, and applies to each of fuzzModels without
// panicking: either an *Error naming the change's line, or a model that
// passes Validate, compiles and simulates a few cases.
//
//	go test -tags duckdb_arrow -run '^$' -fuzz FuzzParse -fuzztime 60s -fuzzminimizetime 3s ./analysis/sim/scenario/
//
// (Minimising a new input of a few kilobytes at the default 60 s stalls
// the run: a syntax error is located by parsing every prefix of the file.)
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	models := fuzzModels()
	var texts []string
	for _, m := range models {
		if err := m.Validate(); err != nil {
			f.Fatal(err)
		}
		texts = append(texts, modelText(f, m))
	}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			if sc != nil {
				t.Fatalf("a scenario and an error: %v", err)
			}
			checkErrors(t, err, data)
			return
		}
		var w bytes.Buffer
		if err := Write(&w, sc); err != nil {
			t.Fatalf("write: %v", err)
		}
		back, err := Parse(bytes.NewReader(w.Bytes()), "written.yaml")
		if err != nil {
			t.Fatalf("Write's file does not parse: %v\n%s", err, w.Bytes())
		}
		want := *sc
		want.Changes = append([]Change(nil), sc.Changes...)
		for i := range want.Changes {
			want.Changes[i].Line = 0
		}
		for i := range back.Changes {
			back.Changes[i].Line = 0
		}
		if !reflect.DeepEqual(back, &want) {
			t.Fatalf("Write → Parse changed the scenario:\n%s\n%+v\nwant\n%+v", w.Bytes(), back, &want)
		}
		for i, m := range models {
			out, err := sc.Apply(m)
			if got := modelText(t, m); got != texts[i] {
				t.Fatalf("Apply changed its input model:\n%s", got)
			}
			if err != nil {
				if out != nil {
					t.Fatalf("a model and an error: %v", err)
				}
				var e *Error
				if errors.As(err, &e) {
					if e.Name != sc.Name || e.Line <= 0 || e.Reason == "" {
						t.Fatalf("Apply's error does not name the scenario and the change's line: %#v", e)
					}
				} else if !strings.HasPrefix(err.Error(), "scenario "+sc.Name+": ") {
					t.Fatalf("Apply's error does not name the scenario: %v", err)
				}
				continue
			}
			if err := out.Validate(); err != nil {
				t.Fatalf("Apply returned a model that does not validate: %v", err)
			}
			s, err := engine.Compile(out)
			if err != nil {
				t.Fatalf("the changed model validates but does not compile: %v", err)
			}
			if _, err := s.Run(engine.Options{Cases: 3, Start: start, Seed: 1}); err != nil {
				t.Fatalf("run: %v", err)
			}
		}
	})
}

// A change counts at most 100,000 people and leaves no pool larger (more
// is a typo: "add: 1000000000" ran out of memory adding members, and each
// new member's name was checked against all before, so "set: 100000" took
// minutes); a pool of that size is made at once.
func TestPeopleBound(t *testing.T) {
	for _, src := range []string{
		"changes:\n  - resources: {pool: First line, add: 100001}\n",
		"changes:\n  - resources: {pool: First line, set: 9223372036854775807}\n",
		"changes:\n  - move: {from: First line, to: Second line, count: 100001}\n",
	} {
		_, err := Parse(strings.NewReader(src), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), "s.yaml:2: changes[0].") || !strings.Contains(err.Error(), "want a whole number from 0 to 100000") {
			t.Errorf("%q: %v", src, err)
		}
	}
	sc := parse(t, "changes:\n  - resources: {pool: Second line, set: 100000}\n")
	m, err := sc.Apply(base())
	if err != nil {
		t.Fatal(err)
	}
	rs := m.Pools["Second line"].Resources
	if len(rs) != 100000 || rs[0].Name != "c" || rs[1].Name != "Second line, new 1" || rs[99999].Name != "Second line, new 99999" {
		t.Errorf("%d members, first %q, %q, last %q", len(rs), rs[0].Name, rs[1].Name, rs[len(rs)-1].Name)
	}
	sc = parse(t, "changes:\n  - resources: {pool: Second line, set: 100000}\n  - resources: {pool: Second line, add: 1}\n")
	if _, err := sc.Apply(base()); err == nil || !strings.Contains(err.Error(), `s.yaml:3: changes[1].resources: pool "Second line" would have 100001 resources; at most 100000`) {
		t.Errorf("a second change past the bound: %v", err)
	}
	big := base()
	for i := range 100000 {
		big.Pools["First line"].Resources = append(big.Pools["First line"].Resources, &model.Resource{Name: fmt.Sprint(i)})
	}
	sc = parse(t, "changes:\n  - move: {from: First line, to: Second line, count: 100000}\n")
	if _, err := sc.Apply(big); err == nil || !strings.Contains(err.Error(), `pool "Second line" would have 100001 resources; at most 100000`) {
		t.Errorf("a move past the bound: %v", err)
	}
}

// A key with no text (empty, or a list used as a key) is shown quoted, so
// an error always names a field; an empty name keeps the file's, so
// errors from applying still name the file.
func TestKeysAndNames(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`{"": 1, changes: [automate: Open]}`, `s.yaml:1: "": unknown field (want name, description or changes)`},
		{"changes:\n  - resources: {pool: X, add: 1, [a]: 2}\n", `s.yaml:2: changes[0].resources."": unknown field (want pool, add, remove, set)`},
		{"changes:\n  - \"\": Open\n", `s.yaml:2: changes[0]."": unknown change`},
		{"name: [a]\nchanges: [automate: Open]\n", "s.yaml:1: name: want a name"},
		// No weekdays is no change (it was accepted, and Write's file of it
		// did not parse).
		{"changes:\n  - arrivals: {weekdays: {}}\n", "s.yaml:2: changes[0].arrivals: give scale or weekdays"},
	} {
		_, err := Parse(strings.NewReader(tc.src), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
	}
	sc := parse(t, "name: \"\"\nchanges:\n  - automate: Nope\n")
	if sc.Name != "s.yaml" {
		t.Errorf("name %q, want the file's", sc.Name)
	}
	if _, err := sc.Apply(base()); err == nil || !strings.HasPrefix(err.Error(), `s.yaml:3: changes[0].automate: no activity "Nope"`) {
		t.Errorf("apply: %v", err)
	}
}

// Hours given as a calendar mapping are checked as the text form is, so
// the error names the change's line (it came from validating the changed
// model, naming neither the line nor the change).
func TestCalendarMappingChecked(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"changes:\n  - calendar: {pool: First line, hours: {mon: [\"25:00-26:00\"]}}\n", `s.yaml:2: changes[0].calendar.hours: hours.mon: bad interval "25:00-26:00"`},
		{"changes:\n  - calendar: {pool: First line, hours: {}}\n", "s.yaml:2: changes[0].calendar.hours: hours: no working time in the week"},
		{"changes:\n  - calendar: {pool: First line, hours: {mon-fry: [\"09:00-17:00\"]}}\n", `s.yaml:2: changes[0].calendar.hours: hours: unknown day "fry"`},
		{"changes:\n  - calendar: {pool: First line, hours: \"Mon-Fri 09:00-17:00; Sun 10:00-09:00\"}\n", `s.yaml:2: changes[0].calendar.hours: hours.sun: interval "10:00-09:00" does not end after it starts`},
	} {
		_, err := Parse(strings.NewReader(tc.src), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
	}
}

// Removing an activity from a process tree drops the delays keyed by it
// as the variant replay does (the changed model was invalid: a delay after
// an activity that no longer exists).
func TestRemoveFromTreeDropsDelaysAfterIt(t *testing.T) {
	tr := fuzzModels()[1]
	tr.Acts["Resolve"].DelayAfter["Investigate"] = &dist.Dist{Kind: dist.Fixed, Value: 30}
	m, err := parse(t, "changes:\n  - remove: Escalate\n").Apply(tr)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Acts["Escalate"]; ok || strings.Contains(m.Routing.Tree, "Escalate") {
		t.Errorf("Escalate still there: %s", m.Routing.Tree)
	}
	if d := m.Acts["Resolve"].DelayAfter; len(d) != 1 || d["Investigate"] == nil {
		t.Errorf("delays after %v", d)
	}
}

// checkErrors asserts that err names the file and that each problem in it
// is an *Error with a field, a reason and a line inside data.
func checkErrors(t *testing.T, err error, data []byte) {
	t.Helper()
	if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
		t.Fatalf("error does not name the file: %q", err)
	}
	lines := yamltest.Lines(data)
	for _, e := range flatten(err) {
		var se *Error
		if !errors.As(e, &se) || se.Name != "fuzz.yaml" || se.Field == "" || se.Reason == "" {
			t.Fatalf("not a complete *Error: %#v", e)
		}
		if se.Line < 0 || se.Line > lines {
			t.Fatalf("line %d of a %d-line file: %v", se.Line, lines, se)
		}
	}
}

// flatten undoes errors.Join.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func modelText(t testing.TB, m *model.Model) string {
	t.Helper()
	var b strings.Builder
	if err := model.Write(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
