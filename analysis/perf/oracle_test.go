package perf

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/stats"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

const sharedDir = "../../../shared"

// On every shared log: cycle-time quantiles equal the oracle's case
// durations (../shared/oracle, computed with Python's statistics module),
// and the handover times equal pmx dfg's edge times.
func TestSharedLogsMatchOracleAndDFG(t *testing.T) {
	logs, _ := filepath.Glob(filepath.Join(sharedDir, "oracle", "*.json"))
	if len(logs) == 0 {
		t.Skipf("no oracle in %s/oracle (the shared logs live next to the repository)", sharedDir)
	}
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, o := range logs {
		b, _ := os.ReadFile(o)
		var want struct {
			Log      string `json:"log"`
			Cases    int    `json:"cases"`
			Duration struct {
				Median, Mean, Min, Max float64
			} `json:"case_duration_seconds"`
		}
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		t.Run(want.Log, func(t *testing.T) {
			name := want.Log
			if _, err := ingest.ImportFile(ctx, w, filepath.Join(sharedDir, "logs", want.Log), ingest.FileOptions{Name: name}); err != nil {
				t.Fatal(err)
			}
			l, err := timeline.Load(ctx, w, name)
			if err != nil {
				t.Fatal(err)
			}
			cycle := slices.Clone(CycleTimes(l, nil))
			slices.Sort(cycle)
			if len(cycle) != want.Cases {
				t.Fatalf("%d cases, oracle %d", len(cycle), want.Cases)
			}
			mean := 0.0
			for _, c := range cycle {
				mean += c
			}
			mean /= float64(len(cycle))
			got := []float64{stats.Quantile(cycle, 0.5), mean, cycle[0], cycle[len(cycle)-1]}
			exp := []float64{want.Duration.Median, want.Duration.Mean, want.Duration.Min, want.Duration.Max}
			for i := range got {
				if math.Abs(got[i]-exp[i]) > 1e-3 {
					t.Errorf("cycle time %s: %v, oracle %v", [...]string{"median", "mean", "min", "max"}[i], got[i], exp[i])
				}
			}
			id, _ := w.LogID(ctx, name)
			dfg, err := facts.ComputeDFG(ctx, facts.Log{DB: w.DB(), ID: id, Name: name})
			if err != nil {
				t.Fatal(err)
			}
			d := Summarize(l, Decompose(l, nil), CycleTimes(l, nil), "calendar")
			byEdge := map[[2]string]EdgeTimes{}
			for _, e := range d.Edges {
				byEdge[[2]string{e.From, e.To}] = e
			}
			if len(byEdge) != len(dfg.Edges) {
				t.Fatalf("%d handovers, dfg has %d edges", len(byEdge), len(dfg.Edges))
			}
			for _, e := range dfg.Edges {
				h := byEdge[[2]string{e.From, e.To}]
				tol := 1e-6 * math.Max(1, e.MeanSeconds)
				if h.Count != e.Count || math.Abs(h.Sojourn.Mean-e.MeanSeconds) > tol || math.Abs(h.Sojourn.P50-e.MedianSeconds) > tol ||
					math.Abs(h.Sojourn.P90-e.P90Seconds) > 1e-6*math.Max(1, e.P90Seconds) {
					t.Errorf("%s → %s: %d, mean %v p50 %v p90 %v; dfg %d, %v %v %v", e.From, e.To, h.Count, h.Sojourn.Mean,
						h.Sojourn.P50, h.Sojourn.P90, e.Count, e.MeanSeconds, e.MedianSeconds, e.P90Seconds)
				}
			}
		})
	}
}
