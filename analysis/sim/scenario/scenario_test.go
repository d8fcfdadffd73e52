package scenario

import (
	"errors"
	"math"
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
