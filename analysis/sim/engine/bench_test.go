package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// benchModel is a service desk of the demo log's size: 10 activities in 20
// variants, 3 pools of 8 resources working office hours (one pool around
// the clock), log-normal and gamma durations, extraneous delays on two
// activities, arrivals following office hours, at about 75 % utilisation.
func benchModel() *model.Model {
	acts := []string{"Open", "Classify", "Assign", "Investigate", "Escalate", "Fix", "Wait", "Resolve", "Reopen", "Close"}
	m := &model.Model{Version: model.Version, Timezone: "Europe/Amsterdam", Acts: model.Activities{}, Pools: model.Pools{}}
	m.Arrivals = model.Arrivals{PerHour: make([]float64, model.HoursPerWeek), Gaps: dist.Dist{Kind: dist.Gamma, Shape: 0.8, Scale: 1.25}}
	for d := range 5 {
		for h := 8; h < 18; h++ {
			m.Arrivals.PerHour[d*24+h] = 6
		}
	}
	office := &model.Calendar{Hours: map[string][]string{"mon-fri": {"08:00-12:00", "12:30-18:00"}}}
	for i, p := range []string{"First line", "Second line", "Field"} {
		pool := &model.Pool{CostPerHour: 40}
		if i < 2 {
			pool.Calendar = office
		}
		for r := range 8 {
			pool.Resources = append(pool.Resources, &model.Resource{Name: fmt.Sprintf("%s %d", p, r), Speed: 0.8 + 0.05*float64(r)})
		}
		m.Pools[p] = pool
	}
	for i, a := range acts {
		act := &model.Activity{Pool: []string{"First line", "Second line", "Field"}[i%3]}
		if i%2 == 0 {
			act.Duration = dist.Dist{Kind: dist.LogNormal, Mu: 6.5, Sigma: 0.8}
		} else {
			act.Duration = dist.Dist{Kind: dist.Gamma, Shape: 2, Scale: 300}
		}
		if a == "Wait" || a == "Reopen" {
			act.Delay = &dist.Dist{Kind: dist.Exponential, Mean: 7200, PZero: 0.3}
		}
		m.Acts[a] = act
	}
	for v := range 20 {
		path := []string{"Open", "Classify"}
		for i := 2; i < len(acts)-1; i++ {
			if (v>>(i%5))&1 == 1 || i == 7 {
				path = append(path, acts[i])
			}
		}
		m.Routing.Variants = append(m.Routing.Variants, model.Variant{Activities: append(path, "Close"), Cases: float64(20 - v)})
	}
	m.Routing.Mode = model.Variants
	return m
}

// BenchmarkSimulate measures the engine with calendars and log output (every
// instance appended to a slice), in simulated events (activity instances)
// per second.
func BenchmarkSimulate(b *testing.B) {
	s, err := Compile(benchModel())
	if err != nil {
		b.Fatal(err)
	}
	const cases = 100_000
	out := make([]Instance, 0, cases*8)
	var events int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out = out[:0]
		r, err := s.Run(Options{Cases: cases, Start: monday, Seed: uint64(i) + 1, Emit: func(in Instance) { out = append(out, in) }})
		if err != nil {
			b.Fatal(err)
		}
		events += r.Instances
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// benchNet is benchModel's service desk routed by a workflow net shaped as
// a BPMN diagram converts (a silent step per flow and gateway): Open,
// Classify, then Fix at first line or Assign and Investigate (redone with
// weight 0.3) beside Wait, then Resolve, Reopen (weight 0.1) or Close.
func benchNet() *model.Model {
	m := benchModel()
	tr := func(id, label, in, out string) model.NetTransition {
		return model.NetTransition{ID: id, Label: label, In: strings.Fields(in), Out: strings.Fields(out)}
	}
	w := &model.WorkflowNet{
		Places: []string{"i", "a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "l", "o"},
		Transitions: []model.NetTransition{
			tr("open", "Open", "i", "a"), tr("t1", "", "a", "b"), tr("classify", "Classify", "b", "c"),
			tr("first", "", "c", "j"), tr("second", "", "c", "d"), tr("assign", "Assign", "d", "e"),
			tr("split", "", "e", "f g"), tr("investigate", "Investigate", "f", "h"), tr("redo", "", "h", "f"),
			tr("wait", "Wait", "g", "k"), tr("join", "", "h k", "j"),
			tr("resolve", "Resolve", "j", "l"), tr("reopen", "Reopen", "l", "c"), tr("close", "Close", "l", "o"),
		},
		Initial: map[string]int{"i": 1}, Final: map[string]int{"o": 1},
		Weights: map[string]map[string]float64{"c": {"first": 0.3, "second": 0.7}, "h": {"redo": 0.3, "join": 0.7},
			"l": {"reopen": 0.1, "close": 0.9}},
	}
	m.Routing = model.Routing{Mode: model.Net, Net: w}
	return m
}

// BenchmarkSimulateNet is BenchmarkSimulate in mode net: the token game's
// cost over variant replay.
func BenchmarkSimulateNet(b *testing.B) {
	s, err := Compile(benchNet())
	if err != nil {
		b.Fatal(err)
	}
	const cases = 100_000
	var events int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := s.Run(Options{Cases: cases, Start: monday, Seed: uint64(i) + 1, Emit: func(Instance) {}})
		if err != nil {
			b.Fatal(err)
		}
		events += r.Instances
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}
