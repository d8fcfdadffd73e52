package engine

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// The side-by-side benchmark with Prosimos (the simulation engine behind
// Simod): testdata/sim/prosimos/bench.py holds one model, writes it as
// Prosimos's BPMN and JSON parameters and times Prosimos on it, and wrote
// it as pmx-model.yaml, which this file simulates. Both sides simulate
// prosimosCases cases from Monday 2026-01-05 00:00 UTC with the event log
// kept (Prosimos writes its CSV log, pmx appends every instance to a slice),
// and both count events as activity instances. See bench.py's documentation
// for how the two inputs say the same thing and where the engines differ.
//
//	python3 testdata/sim/prosimos/bench.py --runs 3
//	go test -tags duckdb_arrow -run '^$' -bench SimulateProsimosShape -benchtime 20x -count 3 ./analysis/sim/engine/

// prosimosCases is bench.py's DEFAULT_CASES.
const prosimosCases = 25_000

var prosimosModelFile = filepath.Join("..", "..", "..", "testdata", "sim", "prosimos", "pmx-model.yaml")

// prosimosSim reads and compiles pmx-model.yaml.
func prosimosSim(tb testing.TB) *Sim {
	f, err := os.Open(prosimosModelFile)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	m, err := model.Read(f, prosimosModelFile)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := Compile(m)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

var prosimosStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()

// TestProsimosShape checks that pmx-model.yaml reads, compiles and plays
// its tree out as bench.py's process says (7.10 instances a case), and logs
// the figures bench.py prints for Prosimos's log (go test -v), so the two
// simulations can be compared.
func TestProsimosShape(t *testing.T) {
	s := prosimosSim(t)
	r, err := s.Run(Options{Cases: prosimosCases, Start: prosimosStart, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Open, Classify, Fix, Close once; Assign 0.7; Investigate 0.5, then
	// Escalate 0.3 of those; Wait 0.4; Resolve 1/0.85 and Reopen 0.15/0.85.
	const want = 4 + 0.7 + 0.5 + 0.15 + 0.4 + 1/0.85 + 0.15/0.85
	perCase := float64(r.Instances) / float64(r.Cases)
	if math.Abs(perCase-want) > 0.05 {
		t.Errorf("%.3f instances a case, want %.3f", perCase, want)
	}
	var cycle float64
	for _, c := range r.CycleTime {
		cycle += c
	}
	t.Logf("cases %d, events %d, events per case %.3f, mean cycle %.2f h, %s to %s", r.Cases, r.Instances, perCase,
		cycle/float64(r.Cases)/3600, time.UnixMicro(r.First).UTC().Format(time.DateTime), time.UnixMicro(r.Last).UTC().Format(time.DateTime))
	order := make([]int, len(s.Activities))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return s.Activities[order[i]] < s.Activities[order[j]] })
	for _, i := range order {
		a := r.Acts[i]
		t.Logf("  %-12s count %6d, mean wait %.3f h", s.Activities[i], a.Count, a.Waiting/float64(max(a.Count, 1))/3600)
	}
	for i, p := range r.Pools {
		t.Logf("  pool %-12s utilisation %.1f %%", s.Pools[i], 100*p.Utilisation())
	}
}

// BenchmarkSimulateProsimosShape times what bench.py times for Prosimos:
// reading the model, compiling it and simulating prosimosCases cases with
// every instance kept. It reports simulated events (activity instances) per
// second of wall time and per second of the process's CPU time (user +
// system, which a busy machine inflates less).
func BenchmarkSimulateProsimosShape(b *testing.B) {
	prosimosSim(b) // fail before timing on a bad file
	out := make([]Instance, 0, prosimosCases*8)
	var events int
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		s := prosimosSim(b)
		out = out[:0]
		r, err := s.Run(Options{Cases: prosimosCases, Start: prosimosStart, Seed: uint64(i) + 1, Emit: func(in Instance) { out = append(out, in) }})
		if err != nil {
			b.Fatal(err)
		}
		events += r.Instances
	}
	cpu := processCPU() - cpu0
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	if cpu > 0 {
		b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	}
}

// processCPU is the process's user + system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
