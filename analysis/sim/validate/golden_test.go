package validate

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmx-dev/pmx/analysis/sim/measures"
)

var update = flag.Bool("update", false, "rewrite the validation goldens in testdata/sim/validation")

// validationLogs are the logs with timestamps the validation runs on: the
// demo log and the shared logs (the running example has too few cases to
// split).
var validationLogs = map[string]string{
	"demo":                 "../../../ingest/demo/incidents.xes.gz",
	"helpdesk":             filepath.Join(sharedLogs, "helpdesk.xes.gz"),
	"receipt":              filepath.Join(sharedLogs, "receipt.xes.gz"),
	"bpic2013_incidents":   filepath.Join(sharedLogs, "bpic2013_incidents.xes.gz"),
	"repair_example":       filepath.Join(sharedLogs, "repair_example.xes.gz"),
	"reviewing":            filepath.Join(sharedLogs, "reviewing.xes"),
	"roadtraffic100traces": filepath.Join(sharedLogs, "roadtraffic100traces.xes"),
	"interval_event_log":   filepath.Join(sharedLogs, "interval_event_log.xes"),
}

// golden is what testdata/sim/validation/LOG.json holds.
type golden struct {
	Train, Test int
	Measures    map[string]Interval `json:"measures"`
	// TestMedianCycleHours and DriftFloor (the cycle-time EMD between the
	// real training and test cases: how far the periods differ before any
	// simulation) put the cycle-time EMD in scale.
	TestMedianCycleHours float64 `json:"test_median_cycle_hours"`
	DriftFloor           float64 `json:"train_test_cycle_time_emd_hours"`
	// NGramFloor is the 2-gram distance between the real test cases and as
	// many real cases just before them: how much the paths differ from one
	// period to the next (n-gram counts are absolute, so the two samples
	// must be of one size).
	NGramFloor float64 `json:"train_test_ngram_2_distance"`
}

// Validation on the demo log and every shared log with timestamps: the
// figures are pinned in testdata/sim/validation (the run is deterministic),
// and the bars hold: 2-gram distance below 0.2 with variant replay, or,
// where the test period's own paths differ from the training period's by
// about that much already (BPIC 2013 and repair: many test variants never
// occur in training), within 10 % of that; and a cycle-time EMD below half
// the test cases' median cycle time, or, where the training and test
// periods differ by more than that themselves (receipt's cases got much
// faster), no more than that drift plus half the median.
func TestValidationGoldens(t *testing.T) {
	for name, path := range validationLogs {
		t.Run(name, func(t *testing.T) {
			l := load(t, path)
			r, err := Run(l, Options{})
			if err != nil {
				t.Fatal(err)
			}
			order, _ := byArrival(l)
			train, test := Subset(l, order[:r.Train]), Subset(l, order[r.Train:])
			starts := r.Fit.Starts
			g := golden{Train: r.Train, Test: r.Test, Measures: r.Measures, TestMedianCycleHours: r.TestMedianCycleHours,
				DriftFloor: measures.CycleTimeEMD(Instances(test, starts), Instances(train, starts)),
				NGramFloor: measures.NGramDistance(Instances(test, starts), Instances(Subset(l, order[max(0, r.Train-r.Test):r.Train]), starts), 2)}
			file := filepath.Join("..", "..", "..", "testdata", "sim", "validation", name+".json")
			if *update {
				b, _ := json.MarshalIndent(g, "", " ")
				os.MkdirAll(filepath.Dir(file), 0o755)
				if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			var want golden
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if want.Train != g.Train || want.Test != g.Test {
				t.Errorf("split %d/%d, golden %d/%d", g.Train, g.Test, want.Train, want.Test)
			}
			for k, w := range want.Measures {
				if got := g.Measures[k]; math.Abs(float64(got.Mean-w.Mean)) > 1e-6*math.Max(1, math.Abs(float64(w.Mean))) || got.Mean.Defined() != w.Mean.Defined() {
					t.Errorf("%s = %v, golden %v", k, got.Mean, w.Mean)
				}
			}
			if ng := float64(g.Measures["ngram_2_distance"].Mean); ng >= 0.2 && ng > 1.1*g.NGramFloor {
				t.Errorf("2-gram distance %.3f, want < 0.2 or within 10 %% of the periods' own %.3f", ng, g.NGramFloor)
			}
			ct, half := float64(g.Measures["cycle_time_emd_hours"].Mean), g.TestMedianCycleHours/2
			if ct >= half && ct > g.DriftFloor+half {
				t.Errorf("cycle-time EMD %.1f h: not below half the median (%.1f h) nor within the periods' own drift (%.1f h) plus that", ct, half, g.DriftFloor)
			}
			t.Logf("%s: cycle-time EMD %.1f h, test median %.1f h, train-test drift %.1f h, 2-gram %.3f (periods %.3f)", name, ct, g.TestMedianCycleHours, g.DriftFloor, float64(g.Measures["ngram_2_distance"].Mean), g.NGramFloor)
		})
	}
}
