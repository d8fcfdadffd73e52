package facts_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/benchlog"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// BenchmarkFacts1M measures what `pmx stats`, `pmx variants` and `pmx dfg`
// compute, together, on a ≥ 1M-event log already in a warehouse file (BPIC
// 2013 incidents replicated; every event is an activity instance there).
func BenchmarkFacts1M(b *testing.B) {
	if _, err := os.Stat(sharedLogs); err != nil {
		b.Skipf("shared logs absent (%s): benchmark needs them to build its input", sharedLogs)
	}
	path, _, err := benchlog.XESGz(filepath.Join(sharedLogs, "bpic2013_incidents.xes.gz"), 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(b.TempDir(), "facts.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	info, err := ingest.ImportFile(ctx, w, path, ingest.FileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	l := facts.Log{DB: w.DB(), ID: info.ID, Name: info.Name}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := facts.ComputeStats(ctx, l); err != nil {
			b.Fatal(err)
		}
		if _, err := facts.ComputeVariants(ctx, l, 10); err != nil {
			b.Fatal(err)
		}
		if _, err := facts.ComputeDFG(ctx, l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(info.Instances), "events")
}
