package scenario

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

func base() *model.Model {
	m := &model.Model{Version: model.Version, Acts: model.Activities{}, Pools: model.Pools{}}
	m.Arrivals = model.Arrivals{PerHour: make([]float64, model.HoursPerWeek), Gaps: dist.Dist{Kind: dist.Exponential, Mean: 1}}
	for i := range m.Arrivals.PerHour {
		m.Arrivals.PerHour[i] = 2
	}
	m.Pools["First line"] = &model.Pool{Resources: []*model.Resource{{Name: "a"}, {Name: "b"}}}
	m.Pools["Second line"] = &model.Pool{Resources: []*model.Resource{{Name: "c"}}}
	for _, a := range []string{"Open", "Classify", "Investigate", "Escalate", "Resolve"} {
		pool := "First line"
		if a == "Investigate" || a == "Escalate" {
			pool = "Second line"
		}
		m.Acts[a] = &model.Activity{Pool: pool, Duration: dist.Dist{Kind: dist.Exponential, Mean: 600}}
	}
	m.Routing = model.Routing{Mode: model.Variants, Variants: []model.Variant{
		{Activities: []string{"Open", "Classify", "Resolve"}, Cases: 50},
		{Activities: []string{"Open", "Classify", "Investigate", "Resolve"}, Cases: 30},
		{Activities: []string{"Open", "Classify", "Investigate", "Escalate", "Investigate", "Resolve"}, Cases: 20},
	}}
	return m
}

func parse(t *testing.T, src string) *Scenario {
	t.Helper()
	sc, err := Parse(strings.NewReader(src), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func TestApply(t *testing.T) {
	sc := parse(t, `
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
`)
	if sc.Name != "all" || len(sc.Changes) != 9 {
		t.Fatalf("parsed %+v", sc)
	}
	m, err := sc.Apply(base())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(m.Pools["Second line"].Resources); n != 3 {
		t.Errorf("Second line has %d resources, want 3", n)
	}
	if c := m.Pools["First line"].Calendar; c == nil || c.Hours["mon-fri"][0] != "07:00-19:00" {
		t.Errorf("calendar %+v", c)
	}
	if a := m.Acts["Classify"]; a.Pool != "" || a.Duration.MeanValue() != 0 {
		t.Errorf("Classify not automated: %+v", a)
	}
	if got := m.Acts["Investigate"].Duration.MeanValue(); math.Abs(got-480) > 1e-9 {
		t.Errorf("Investigate mean %v, want 480", got)
	}
	if _, ok := m.Acts["Escalate"]; ok {
		t.Error("Escalate still there")
	}
	// Rework removed and Escalate dropped: two paths remain; after
	// Classify, 30 % go straight to Resolve.
	if len(m.Routing.Variants) != 2 {
		t.Fatalf("variants %+v", m.Routing.Variants)
	}
	var toResolve, total float64
	for _, v := range m.Routing.Variants {
		total += v.Cases
		if v.Activities[2] == "Resolve" {
			toResolve += v.Cases
		}
	}
	if math.Abs(toResolve/total-0.3) > 1e-9 {
		t.Errorf("share to Resolve after Classify %v, want 0.3", toResolve/total)
	}
	if m.Arrivals.PerHour[0] != 2.4 || m.Pools["Second line"].CostPerHour != 55 {
		t.Error("arrivals or cost not changed")
	}
	// The baseline is untouched.
	if b := base(); len(b.Routing.Variants) != 3 || b.Acts["Classify"].Pool == "" {
		t.Error("Apply changed its input")
	}
}

// The loop cut: a repeated activity loses what lies between its
// occurrences; a trigger loses itself and the redone run after it; a path
// without rework through the activity is kept.
func TestCutLoop(t *testing.T) {
	for _, tc := range []struct {
		name, path, want string
	}{
		{"Reopen", "Open Classify Assign Investigate Resolve Reopen Investigate Resolve Close", "Open Classify Assign Investigate Resolve Close"},
		{"Reassign", "Open Assign Investigate Reassign Investigate Resolve Close", "Open Assign Investigate Resolve Close"},
		{"Reassign", "Open Assign Investigate Reassign Investigate Reassign Investigate Reassign Investigate Resolve", "Open Assign Investigate Resolve"},
		{"Investigate", "Open Investigate Wait Replied Investigate Resolve", "Open Investigate Resolve"},
		{"Investigate", "Open Investigate Investigate Investigate Resolve", "Open Investigate Resolve"},
		{"Wait", "Open Investigate Wait Replied Investigate Resolve", "Open Investigate Resolve"},
		{"Wait", "Open Investigate Wait Replied Resolve", "Open Investigate Wait Replied Resolve"},
		{"Escalate", "Open Escalate Assign Investigate Resolve Close Open", "Open Escalate Assign Investigate Resolve Close Open"},
		{"Reopen", "Open Resolve Close Reopen", "Open Resolve Close Reopen"},
		{"Reopen", "Open Resolve Reopen Resolve Reopen Resolve Close", "Open Resolve Close"},
		{"Absent", "Open Resolve", "Open Resolve"},
	} {
		got := strings.Join(CutLoop(strings.Fields(tc.path), tc.name), " ")
		if got != tc.want {
			t.Errorf("cut %s from %q: %q, want %q", tc.name, tc.path, got, tc.want)
		}
	}
}

// The changes the optimiser proposes: a targeted rework loop, moving staff,
// longer days and swapping two activities.
func TestApplySearchChanges(t *testing.T) {
	m0 := base()
	m0.Pools["First line"].Calendar = &model.Calendar{Hours: map[string][]string{"mon-fri": {"08:00-12:00", "13:00-17:00"}, "sat": {"22:00-23:30"}}}
	m0.Pools["First line"].Resources[0].Calendar = &model.Calendar{Hours: map[string][]string{"mon": {"09:00-15:00"}}}
	m0.Routing.Variants = append(m0.Routing.Variants, model.Variant{Activities: []string{"Open", "Resolve", "Classify"}, Cases: 5})
	sc := parse(t, `
changes:
  - remove_rework: Escalate
  - move: {from: First line, to: Second line}
  - extend_hours: {pool: First line, hours: 1.5}
  - reorder: {first: Classify, then: Resolve}
`)
	want := []string{"remove the rework loop through Escalate", "move 1 person from First line to Second line",
		"extend First line's working day by 1.5 h", "do Classify before Resolve"}
	for i, c := range sc.Changes {
		if c.String() != want[i] {
			t.Errorf("change %d reads %q, want %q", i, c, want[i])
		}
	}
	m, err := sc.Apply(m0)
	if err != nil {
		t.Fatal(err)
	}
	paths := map[string]float64{}
	for _, v := range m.Routing.Variants {
		paths[strings.Join(v.Activities, " ")] += v.Cases
	}
	// The escalation loop is gone (its 20 cases join the 30 without it);
	// the odd order joins the common one.
	if paths["Open Classify Investigate Resolve"] != 50 || paths["Open Classify Resolve"] != 55 || len(paths) != 2 {
		t.Errorf("paths %v", paths)
	}
	if f, s := m.Pools["First line"].Resources, m.Pools["Second line"].Resources; len(f) != 1 || len(s) != 2 || s[1].Name != "Second line, from First line 1" || s[1].Calendar != nil {
		t.Errorf("move: first %d, second %+v", len(f), s)
	}
	h := m.Pools["First line"].Calendar.Hours
	if strings.Join(h["mon-fri"], ",") != "08:00-12:00,13:00-18:30" || h["sat"][0] != "22:00-24:00" {
		t.Errorf("pool hours %v", h)
	}
	if got := m.Pools["First line"].Resources[0].Calendar.Hours["mon"][0]; got != "09:00-16:30" {
		t.Errorf("member hours %v", got)
	}
	if h0 := m0.Pools["First line"].Calendar.Hours["mon-fri"][1]; h0 != "13:00-17:00" {
		t.Errorf("Apply changed its input's calendar: %v", h0)
	}
}

// Bad files name the line and the field; unknown names list the valid ones.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"changes:\n  - automte: Classify\n", "s.yaml:2: changes[0].automte: unknown change"},
		{"changes:\n  - resources: {pool: X}\n", "s.yaml:2: changes[0].resources: give exactly one of add, remove or set"},
		{"changes:\n  - duration: {activity: A, scale: -1}\n", "s.yaml:2: changes[0].duration.scale: -1: want ≥ 0"},
		{"changes:\n  - arrivals: {scale: lots}\n", `changes[0].arrivals.scale: "lots" is not a number`},
		{"changes:\n  - calendar: {pool: X, hours: \"Mon-Fri 25:00-26:00\"}\n", "s.yaml:2: changes[0].calendar.hours"},
		{"name: x\n", "changes: want a list of changes"},
		{"changes:\n  - routing: {after: A, to: {B: 0.7, C: 0.6}}\n", "shares add up to 1.3"},
		{"changes:\n  - remove_rework: false\n", "changes[0].remove_rework: want true (all rework) or an activity"},
		{"changes:\n  - move: {from: A, to: A}\n", "changes[0].move: from and to are the same pool"},
		{"changes:\n  - move: {from: A, to: B, count: 0}\n", "changes[0].move.count: want at least 1"},
		{"changes:\n  - extend_hours: {pool: A, hours: 13}\n", "changes[0].extend_hours.hours: 13: want more than 0 and at most 12"},
		{"changes:\n  - reorder: {first: A}\n", "changes[0].reorder.then: missing"},
	} {
		_, err := Parse(strings.NewReader(tc.src), "s.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
	}
	for _, tc := range []struct {
		src, want string
	}{
		{"changes:\n  - automate: Clasify\n", `s.yaml:2: changes[0].automate: no activity "Clasify" (activities: "Classify", "Escalate"`},
		{"changes:\n  - resources: {pool: Third line, add: 1}\n", `no pool "Third line" (pools: "First line", "Second line")`},
		{"changes:\n  - resources: {pool: Second line, remove: 1}\n", "would have 0 resources"},
		{"changes:\n  - routing: {after: Open, to: {Resolve: 0.5}}\n", "no observed path goes from \"Open\" straight to \"Resolve\""},
		{"changes:\n  - remove_rework: Open\n", `no path repeats work through "Open"`},
		{"changes:\n  - move: {from: Second line, to: First line}\n", `pool "Second line" has 1 member; moving 1 would leave nobody`},
		{"changes:\n  - move: {from: Third line, to: First line}\n", `no pool "Third line"`},
		{"changes:\n  - extend_hours: {pool: Second line, hours: 1}\n", `pool "Second line" works around the clock`},
		{"changes:\n  - reorder: {first: Open, then: Resolve}\n", `no path does "Resolve" directly before "Open"`},
	} {
		sc, err := Parse(strings.NewReader(tc.src), "s.yaml")
		if err != nil {
			t.Fatal(err)
		}
		_, err = sc.Apply(base())
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		}
	}
}

// Compare with common random numbers: a scenario identical to the baseline
// differs by exactly zero; adding staff to the busy pool shortens waiting
// significantly.
func TestCompare(t *testing.T) {
	o := Options{Cases: 3000, Start: 1767571200000000, Seed: 3, Replications: 5}
	same, err := Compare(base(), parse(t, "changes:\n  - cost: {pool: First line, per_hour: 0}\n"), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range same.Differences {
		if d.Delta != 0 || d.Low != 0 || d.High != 0 || d.Significant {
			t.Errorf("a no-op scenario changed %s: %+v", d.KPI, d)
		}
	}
	busy := base()
	busy.Acts["Investigate"].Duration = dist.Dist{Kind: dist.Exponential, Mean: 2400}
	more, err := Compare(busy, parse(t, "changes:\n  - resources: {pool: Second line, add: 2}\n"), o)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range more.Differences {
		if d.KPI == "waiting_hours:Investigate" {
			found = true
			if !d.Significant || d.Delta >= 0 {
				t.Errorf("two more people did not cut the wait for Investigate: %+v", d)
			}
		}
	}
	if !found || len(more.Sentences) == 0 || !strings.Contains(more.Sentences[0], "Add 2 people to Second line cuts") {
		t.Errorf("sentences %q", more.Sentences)
	}
}

// Write's file reads back to the same changes, names needing quotes
// included.
func TestWriteRoundTrip(t *testing.T) {
	src := `
name: "all: of them"
changes:
  - resources: {pool: "Second line: #2", add: 2}
  - resources: {pool: First line, remove: 1}
  - resources: {pool: First line, set: 3}
  - calendar: {pool: First line, hours: {mon-fri: ["07:00-19:00"]}}
  - automate: "Classify, quickly"
  - duration: {activity: Investigate, scale: 0.8}
  - delay: {activity: Investigate, dist: {dist: exponential, mean: 60}}
  - remove: Escalate
  - remove_rework: true
  - remove_rework: "true"
  - arrivals: {scale: 1.2, weekdays: {mon: 1.5}}
  - routing: {after: Classify, to: {Resolve: 0.3}}
  - cost: {pool: Second line, per_hour: 55}
  - move: {from: First line, to: Second line, count: 2}
  - extend_hours: {pool: First line, hours: 1.5}
  - reorder: {first: Classify, then: Resolve}
`
	a := parse(t, src)
	var b strings.Builder
	if err := Write(&b, a); err != nil {
		t.Fatal(err)
	}
	back := parse(t, b.String())
	for i := range a.Changes {
		a.Changes[i].Line, back.Changes[i].Line = 0, 0
	}
	if !reflect.DeepEqual(a, back) {
		t.Errorf("round trip:\n%s\n%+v\n%+v", b.String(), a, back)
	}
}
