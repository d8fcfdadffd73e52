package optimize

import (
	"context"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/analyze"
	"github.com/pmx-dev/pmx/analysis/sim/fit"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// demoSetup fits the demo log's model and reads its SLA rules and the
// log's findings, as pmx optimize does.
func demoSetup(b *testing.B) (*model.Model, Options) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.ImportFile(ctx, w, "../../../ingest/demo/incidents.xes.gz", ingest.FileOptions{Name: "demo"}); err != nil {
		b.Fatal(err)
	}
	l, err := timeline.LoadWith(ctx, w, "demo", timeline.Options{GroupAttr: "org:group"})
	if err != nil {
		b.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	m, _, err := fit.Fit(l, fit.Options{Location: loc})
	if err != nil {
		b.Fatal(err)
	}
	rules, err := sla.ParseFile("../../../ingest/demo/sla.yaml")
	if err != nil {
		b.Fatal(err)
	}
	rep, err := analyze.Run(l, analyze.Options{SLA: rules, Calendar: rules.Calendar, Location: loc})
	if err != nil {
		b.Fatal(err)
	}
	var last int64
	for _, t := range l.Time {
		last = max(last, t)
	}
	return m, Options{Objective: SLABreach, SLA: rules, BudgetStaff: -1, Cases: l.Cases(), Start: last, Hints: HintsFrom(rep), TimeLimit: time.Hour}
}

// BenchmarkOptimizeDemo is pmx optimize on the demo log (3,000 cases a
// replication, SLA breaches the objective): the whole search, screening,
// racing and combining. Reports candidates simulated, replications run,
// candidates/s and the share of the time spent simulating. Target: under
// two minutes on 2 cores.
func BenchmarkOptimizeDemo(b *testing.B) {
	m, o := demoSetup(b)
	b.ResetTimer()
	var res *Result
	for range b.N {
		var err error
		if res, err = Optimize(m, o); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Evaluated), "candidates")
	b.ReportMetric(float64(res.Simulations), "simulations")
	b.ReportMetric(float64(res.Evaluated)/res.Seconds, "candidates/s")
	b.ReportMetric(res.SimulationShare, "sim-share")
	b.ReportMetric(res.Seconds, "s/search")
}

// BenchmarkCandidates100x10 simulates 100 candidates of the demo log — the
// single changes the search proposes and pairs of them — 10 replications
// each, as the bar states it: under two minutes on 2 cores.
func BenchmarkCandidates100x10(b *testing.B) {
	m, o := demoSetup(b)
	o, _ = o.withDefaults()
	for range b.N {
		b.StopTimer()
		ev := &evaluator{base: m, o: o, kpi: objectiveKPI(o.Objective), cands: map[string]*candidate{}}
		ev.baseline = ev.candidate(nil)
		d, err := diagnose(ev.baseline.sim, o, 2)
		if err != nil {
			b.Fatal(err)
		}
		singles := generate(m, d, o)
		var cs []*candidate
		for i := 0; len(cs) < 100 && i < len(singles); i++ {
			if c := ev.candidate([]scenario.Change{singles[i]}); c != nil {
				cs = append(cs, c)
			}
		}
		for i := 0; len(cs) < 100 && i < len(singles); i++ {
			for j := i + 1; len(cs) < 100 && j < len(singles); j++ {
				if set, ok := combine([]scenario.Change{singles[i]}, singles[j]); ok {
					if c := ev.candidate(set); c != nil {
						cs = append(cs, c)
					}
				}
			}
		}
		if len(cs) < 100 {
			b.Fatalf("only %d candidates", len(cs))
		}
		b.StartTimer()
		t0 := time.Now()
		if err := ev.run(cs, 10); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "s/100x10")
		b.ReportMetric(100/time.Since(t0).Seconds(), "candidates/s")
	}
}
