package optimize

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/fit"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
	"github.com/pmx-dev/pmx/analysis/sim/simlog"
)

var monday = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()

// bottleneck is a process whose Review pool (one person, 83 % busy) makes
// cases queue while the Front pool (four people) idles.
func bottleneck() *model.Model {
	m := &model.Model{Version: model.Version, Timezone: "UTC", Acts: model.Activities{}, Pools: model.Pools{}}
	m.Arrivals = model.Arrivals{PerHour: make([]float64, model.HoursPerWeek), Gaps: dist.Dist{Kind: dist.Exponential, Mean: 1}}
	for i := range m.Arrivals.PerHour {
		m.Arrivals.PerHour[i] = 2
	}
	m.Pools["Front"] = &model.Pool{Resources: []*model.Resource{{Name: "f1"}, {Name: "f2"}, {Name: "f3"}, {Name: "f4"}}}
	m.Pools["Review"] = &model.Pool{Resources: []*model.Resource{{Name: "r1"}}}
	m.Acts["Register"] = &model.Activity{Pool: "Front", Duration: dist.Dist{Kind: dist.Exponential, Mean: 300}}
	m.Acts["Review"] = &model.Activity{Pool: "Review", Duration: dist.Dist{Kind: dist.Gamma, Shape: 4, Scale: 375}}
	m.Acts["Archive"] = &model.Activity{Pool: "Front", Duration: dist.Dist{Kind: dist.Exponential, Mean: 300}}
	m.Routing = model.Routing{Mode: model.Variants, Variants: []model.Variant{{Activities: []string{"Register", "Review", "Archive"}, Cases: 1}}}
	return m
}

// fitted simulates a log from a known model and fits a model to it, as
// pmx optimize does with a real log.
func fitted(t *testing.T, m *model.Model, cases int) *model.Model {
	t.Helper()
	s, err := engine.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	rec := simlog.Recorder(s, "c")
	if _, err := s.Run(engine.Options{Cases: cases, Start: monday, Seed: 5, Emit: rec.Emit, CaseAttributes: rec.CaseAttributes}); err != nil {
		t.Fatal(err)
	}
	fm, _, err := fit.Fit(rec.Timeline(), fit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return fm
}

func optimize(t *testing.T, m *model.Model, o Options) *Result {
	t.Helper()
	if o.Cases == 0 {
		o.Cases = 2000
	}
	o.Start = monday
	res, err := Optimize(m, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Recommendations) == 0 {
		t.Fatalf("no recommendation (stopped: %s)", res.Stopped)
	}
	for _, r := range res.Recommendations {
		t.Logf("%d. %s: %.4g (%+.4g a week)", r.Rank, changes(r), r.Objective, r.Cost)
	}
	t.Logf("%d candidates, %d simulations, %.2f s; %s", res.Evaluated, res.Simulations, res.Seconds, res.Stopped)
	return res
}

func changes(r Recommendation) string { return strings.Join(r.Changes, "; ") }

// A log with one under-staffed pool: the top recommendation adds people
// there, and its first (largest) change does.
func TestBottleneckGetsStaff(t *testing.T) {
	m := fitted(t, bottleneck(), 3000)
	pool := m.Acts["Review"].Pool
	if pool == "" || pool == m.Acts["Register"].Pool {
		t.Fatalf("the fit did not separate the reviewer: %q", pool)
	}
	res := optimize(t, m, Options{BudgetStaff: -1})
	top := res.Recommendations[0]
	if c := top.Apply[0]; c.Kind != "resources" || c.Pool != pool || c.Add < 1 {
		t.Errorf("top recommendation %q, want people added to %s first", changes(top), pool)
	}
	if top.Improvement <= 0 || top.ImprovedCI[0] <= 0 {
		t.Errorf("top recommendation improves %v (CI %v)", top.Improvement, top.ImprovedCI)
	}
	for _, r := range res.Recommendations {
		for _, c := range r.Apply {
			if c.Kind == "resources" && c.Pool != pool {
				t.Errorf("%q adds people where nobody waits", changes(r))
			}
		}
	}
	if res.Evaluated < 5 || res.Simulations < res.Evaluated*res.Replications/4 {
		t.Errorf("evaluated %d candidates in %d simulations", res.Evaluated, res.Simulations)
	}
}

// With no staff to add, only moves between pools fix the bottleneck.
func TestStaffBudgetZeroOnlyMoves(t *testing.T) {
	res := optimize(t, bottleneck(), Options{BudgetStaff: 0})
	moved := false
	for _, r := range res.Recommendations {
		if r.StaffAdded > 0 {
			t.Errorf("%q adds people with a budget of 0", changes(r))
		}
		for _, c := range r.Apply {
			if c.Kind == "resources" && c.Add > 0 || c.Kind == "extend_hours" {
				t.Errorf("%q adds people or paid hours with a budget of 0", changes(r))
			}
			moved = moved || c.Kind == "move" && c.Pool == "Review"
		}
	}
	if !moved || res.Recommendations[0].Apply[0].Kind != "move" {
		t.Errorf("no move to Review first: %+v", res.Recommendations)
	}
	if res.Generated["resources"] != 0 || res.Generated["extend_hours"] != 0 {
		t.Errorf("generated %d staff additions and %d longer days with a budget of 0", res.Generated["resources"], res.Generated["extend_hours"])
	}
}

// rework is a process without queues whose Reopen sends 30 % of the cases
// through Review and Archive again after days.
func rework() *model.Model {
	m := bottleneck()
	m.Pools["Review"].Resources = []*model.Resource{{Name: "r1"}, {Name: "r2"}, {Name: "r3"}, {Name: "r4"}}
	m.Acts["Reopen"] = &model.Activity{Duration: dist.Zero, Delay: &dist.Dist{Kind: dist.Exponential, Mean: 2 * 86400}}
	m.Routing.Variants = []model.Variant{
		{Activities: []string{"Register", "Review", "Archive"}, Cases: 70},
		{Activities: []string{"Register", "Review", "Archive", "Reopen", "Review", "Archive"}, Cases: 30},
	}
	return m
}

// Where one activity causes most of the rework, removing its loop ranks
// first; the same loop removed through another of its activities is not
// proposed twice.
func TestReworkLoopRanksFirst(t *testing.T) {
	res := optimize(t, fitted(t, rework(), 3000), Options{BudgetStaff: -1})
	top := res.Recommendations[0]
	if c := top.Apply[0]; c.Kind != "remove_rework" || c.Activity != "Reopen" {
		t.Errorf("top recommendation %q, want the Reopen loop removed first", changes(top))
	}
	if res.Generated["remove_rework"] != 1 {
		t.Errorf("%d loop removals proposed; the three ways to cut the one loop are one change", res.Generated["remove_rework"])
	}
}

// The cost objective takes people from a pool that does not need them and
// keeps the mean cycle time within 5 %.
func TestCostObjective(t *testing.T) {
	m := rework()
	m.Routing.Variants = m.Routing.Variants[:1]
	delete(m.Acts, "Reopen")
	res := optimize(t, m, Options{Objective: Cost, BudgetStaff: -1})
	top := res.Recommendations[0]
	if top.Cost >= 0 || top.StaffAdded >= 0 {
		t.Errorf("top recommendation %q costs %+v a week and adds %d people", changes(top), top.Cost, top.StaffAdded)
	}
	for _, d := range top.KPIs {
		if d.KPI == "cycle_time_mean_hours" && d.Scenario > 1.05*d.Baseline {
			t.Errorf("%q lengthens the mean cycle time from %.3g h to %.3g h", changes(top), d.Baseline, d.Scenario)
		}
	}
	// Two members of Review work 168 h a week each at the default rate 1.
	if res.Baseline.Cost != 8*168 {
		t.Errorf("baseline cost %v a week, want %v", res.Baseline.Cost, 8*168)
	}
}

// A cost budget keeps every recommendation within it; the Pareto front
// is cheapest first with each point better than the cheaper ones.
func TestCostBudgetAndPareto(t *testing.T) {
	res := optimize(t, bottleneck(), Options{BudgetStaff: -1, BudgetCost: 200, Costs: Costs{StaffPerHour: 1, Automation: 500}})
	for _, r := range res.Recommendations {
		if r.Cost > 200 {
			t.Errorf("%q costs %v a week, over the budget of 200", changes(r), r.Cost)
		}
		for _, c := range r.Apply {
			if c.Kind == "automate" {
				t.Errorf("%q automates at 500 a week with a budget of 200", changes(r))
			}
		}
	}
	if len(res.Pareto) < 2 {
		t.Fatalf("Pareto front %+v", res.Pareto)
	}
	for i := 1; i < len(res.Pareto); i++ {
		a, b := res.Pareto[i-1], res.Pareto[i]
		if b.Cost < a.Cost || b.Objective >= a.Objective {
			t.Errorf("Pareto points %d and %d: %+v then %+v", i-1, i, a, b)
		}
	}
}

// Reproducible for a seed: two runs give the same answer to the byte
// (apart from the time they took).
func TestReproducible(t *testing.T) {
	run := func(workers int) string {
		res := optimize(t, rework(), Options{Seed: 7, Workers: workers, BudgetStaff: -1})
		res.Seconds, res.SimulationShare = 0, 0
		b, _ := json.Marshal(res)
		return string(b)
	}
	if a, b := run(1), run(3); a != b {
		t.Errorf("same seed, different results:\n%s\n%s", a, b)
	}
}

func TestCombine(t *testing.T) {
	add := func(pool string, n int) scenario.Change {
		return scenario.Change{Kind: "resources", Pool: pool, Add: n}
	}
	move := func(from, to string, n int) scenario.Change {
		return scenario.Change{Kind: "move", From: from, Pool: to, Add: n}
	}
	for _, tc := range []struct {
		set  []scenario.Change
		add  scenario.Change
		want string // "" refused
	}{
		{nil, add("A", 1), "add 1 person to A"},
		{[]scenario.Change{add("A", 1)}, add("A", 2), "add 3 people to A"},
		{[]scenario.Change{add("A", 1)}, add("B", 1), "add 1 person to A; add 1 person to B"},
		{[]scenario.Change{move("A", "B", 1)}, move("A", "B", 1), "move 2 people from A to B"},
		{[]scenario.Change{move("A", "B", 1)}, move("B", "A", 1), ""},
		{[]scenario.Change{{Kind: "automate", Activity: "X"}}, scenario.Change{Kind: "automate", Activity: "X"}, ""},
		{[]scenario.Change{{Kind: "extend_hours", Pool: "A", Scale: 1}}, scenario.Change{Kind: "extend_hours", Pool: "A", Scale: 2}, ""},
		{[]scenario.Change{{Kind: "reorder", Activity: "X", Then: "Y"}}, scenario.Change{Kind: "reorder", Activity: "Y", Then: "X"}, ""},
	} {
		out, ok := combine(tc.set, tc.add)
		var got []string
		for _, c := range out {
			got = append(got, c.String())
		}
		if (tc.want == "") == ok || ok && strings.Join(got, "; ") != tc.want {
			t.Errorf("combine %v + %v = %v %v, want %q", tc.set, tc.add, got, ok, tc.want)
		}
	}
}

func TestWeeklyCost(t *testing.T) {
	m := bottleneck()
	m.Pools["Front"].Calendar = &model.Calendar{Hours: map[string][]string{"mon-fri": {"08:00-17:00"}}}
	m.Pools["Front"].Resources[0].Calendar = &model.Calendar{Hours: map[string][]string{"mon-wed": {"09:00-13:00"}}}
	m.Pools["Review"].CostPerHour = 50
	got, err := weeklyCost(m, []scenario.Change{{Kind: "automate"}, {Kind: "remove_rework"}}, Costs{StaffPerHour: 2, Automation: 100, Process: 10})
	if err != nil {
		t.Fatal(err)
	}
	// Front: three at 45 h and one at 12 h, at 2; Review: one at 168 h, at 50.
	if want := 2*(3*45+12) + 50*168 + 100 + 10.0; got != want {
		t.Errorf("weekly cost %v, want %v", got, want)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		o    Options
		want string
	}{
		{Options{Objective: "speed", Cases: 10}, `objective "speed"`},
		{Options{Objective: SLABreach, Cases: 10}, "needs SLA rules"},
		{Options{}, "no cases"},
		{Options{Cases: 10, Replications: 1}, "want at least 2"},
	} {
		if _, err := Optimize(bottleneck(), tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
}
