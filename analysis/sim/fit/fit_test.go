package fit

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/simlog"
)

// known is a model to recover: 3 arrivals an hour around the clock
// (Poisson), two paths drawn 70/30, log-normal service times by one pool of
// 6 people working around the clock, no extraneous delay.
func known() *model.Model {
	m := &model.Model{Version: model.Version, Acts: model.Activities{}, Pools: model.Pools{"desk": {}}}
	m.Arrivals = model.Arrivals{PerHour: make([]float64, model.HoursPerWeek), Gaps: dist.Dist{Kind: dist.Exponential, Mean: 1}}
	for i := range m.Arrivals.PerHour {
		m.Arrivals.PerHour[i] = 3
	}
	for i := range 6 {
		m.Pools["desk"].Resources = append(m.Pools["desk"].Resources, &model.Resource{Name: string(rune('A' + i))})
	}
	m.Acts["Register"] = &model.Activity{Pool: "desk", Duration: dist.Dist{Kind: dist.LogNormal, Mu: 6, Sigma: 0.5}}
	m.Acts["Check"] = &model.Activity{Pool: "desk", Duration: dist.Dist{Kind: dist.LogNormal, Mu: 7, Sigma: 0.8}}
	m.Acts["Decide"] = &model.Activity{Pool: "desk", Duration: dist.Dist{Kind: dist.LogNormal, Mu: 6.5, Sigma: 0.3}}
	m.Routing = model.Routing{Mode: model.Variants, Variants: []model.Variant{
		{Activities: []string{"Register", "Check", "Decide"}, Cases: 7},
		{Activities: []string{"Register", "Decide"}, Cases: 3},
	}}
	return m
}

// A log simulated from a known model, fitted again, gives back its arrival
// rate (within 3 %), path shares (within 2 points) and service-time
// parameters (log-normal, μ within 0.05, σ within 5 %): the log records
// starts, so service times are measured, not estimated.
func TestFitRecoversKnownModel(t *testing.T) {
	s, err := engine.Compile(known())
	if err != nil {
		t.Fatal(err)
	}
	rec := simlog.Recorder(s, "c")
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()
	if _, err := s.Run(engine.Options{Cases: 20_000, Start: start, Seed: 9, Emit: rec.Emit, CaseAttributes: rec.CaseAttributes}); err != nil {
		t.Fatal(err)
	}
	m, rep, err := Fit(rec.Timeline(), Options{Calibration: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Starts {
		t.Fatal("the simulated log's starts were not seen")
	}
	var rate float64
	for _, v := range m.Arrivals.PerHour {
		rate += v
	}
	if rate /= model.HoursPerWeek; math.Abs(rate-3) > 0.09 {
		t.Errorf("arrival rate %.3f an hour, want 3", rate)
	}
	var share, total float64
	for _, v := range m.Routing.Variants {
		total += v.Cases
		if len(v.Activities) == 3 {
			share += v.Cases
		}
	}
	if share /= total; math.Abs(share-0.7) > 0.02 {
		t.Errorf("long path share %.3f, want 0.7", share)
	}
	for name, want := range known().Acts {
		got := m.Acts[name].Duration
		if got.Kind != dist.LogNormal || math.Abs(got.Mu-want.Duration.Mu) > 0.05 || math.Abs(got.Sigma-want.Duration.Sigma) > 0.05*want.Duration.Sigma {
			t.Errorf("%s: fitted %+v, simulated from %+v", name, got, want.Duration)
		}
		if d := m.Acts[name].Delay; d != nil && d.MeanValue() > 60 {
			t.Errorf("%s: an extraneous delay of %v was found where there is none", name, d)
		}
	}
	if len(m.Pools) != 1 {
		t.Errorf("%d pools, want the one desk", len(m.Pools))
	}
}

// teams is a desk where one person triages every case and the case's
// category decides which team fixes it: hardware cases go to two
// technicians, software cases to two developers, with the same work.
func teams() *model.Model {
	m := &model.Model{Version: model.Version, Acts: model.Activities{}, Pools: model.Pools{
		"desk": {Resources: []*model.Resource{{Name: "triage"}}},
		"tech": {Resources: []*model.Resource{{Name: "t1"}, {Name: "t2"}}},
		"dev":  {Resources: []*model.Resource{{Name: "d1"}, {Name: "d2"}}},
	}}
	m.Arrivals = model.Arrivals{PerHour: make([]float64, model.HoursPerWeek), Gaps: dist.Dist{Kind: dist.Exponential, Mean: 1}}
	for i := range m.Arrivals.PerHour {
		m.Arrivals.PerHour[i] = 2
	}
	m.Acts["Triage"] = &model.Activity{Pool: "desk", Duration: dist.Dist{Kind: dist.Exponential, Mean: 300}}
	m.Acts["Fix"] = &model.Activity{Pool: "tech", Duration: dist.Dist{Kind: dist.Exponential, Mean: 1800},
		PoolBy: &model.PoolBy{Attribute: "category", Pools: map[string]string{"software": "dev"}}}
	m.Routing = model.Routing{Mode: model.Variants, Variants: []model.Variant{
		{Activities: []string{"Triage", "Fix"}, Cases: 6, Attributes: map[string]string{"category": "hardware", "channel": "phone"}},
		{Activities: []string{"Triage", "Fix"}, Cases: 4, Attributes: map[string]string{"category": "software", "channel": "phone"}},
		{Activities: []string{"Triage", "Fix"}, Cases: 4, Attributes: map[string]string{"category": "software", "channel": "mail"}},
	}}
	return m
}

// The fit finds the attribute that decides who does the work (not the one
// that does not), a pool per team, and sends each category's work to its
// team.
func TestFitFindsTeams(t *testing.T) {
	s, err := engine.Compile(teams())
	if err != nil {
		t.Fatal(err)
	}
	rec := simlog.Recorder(s, "c")
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()
	if _, err := s.Run(engine.Options{Cases: 3000, Start: start, Seed: 4, Emit: rec.Emit, CaseAttributes: rec.CaseAttributes}); err != nil {
		t.Fatal(err)
	}
	m, _, err := Fit(rec.Timeline(), Options{Calibration: -1})
	if err != nil {
		t.Fatal(err)
	}
	fix := m.Acts["Fix"]
	if fix.PoolBy == nil || fix.PoolBy.Attribute != "category" || len(fix.PoolBy.Pools) != 1 {
		t.Fatalf("Fix: pool %q, pool_by %+v", fix.Pool, fix.PoolBy)
	}
	members := func(pool string) string {
		var out []string
		for _, r := range m.Pools[pool].Resources {
			out = append(out, r.Name)
		}
		return strings.Join(out, ",")
	}
	var other string
	for v, p := range fix.PoolBy.Pools {
		other = v + ":" + members(p)
	}
	got := members(fix.Pool) + " / " + other
	if got != "t1,t2 / software:d1,d2" && got != "d1,d2 / hardware:t1,t2" {
		t.Errorf("teams %s", got)
	}
	if len(m.Pools) != 3 || members(m.Acts["Triage"].Pool) != "triage" {
		t.Errorf("pools %v, Triage by %s", m.Pools, m.Acts["Triage"].Pool)
	}
	// Without a deciding attribute the technicians and developers, who do
	// the same work, share one pool.
	kn, _, err := Fit(rec.Timeline(), Options{Calibration: -1, MaxAttributes: -1})
	if err != nil {
		t.Fatal(err)
	}
	if kn.Acts["Fix"].PoolBy != nil || len(kn.Pools) != 2 {
		t.Errorf("without attributes: %d pools, pool_by %+v", len(kn.Pools), kn.Acts["Fix"].PoolBy)
	}
}
