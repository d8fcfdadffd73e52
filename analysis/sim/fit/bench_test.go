package fit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/benchlog"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// BenchmarkFit1M fits a model to BPIC 2013 incidents replicated to 1.05M
// activity instances (120,864 cases, 4 activities, 1,440 resources in
// pools), calibration run included, from a timeline already in memory.
// Target: < 5 s on 2 cores.
func BenchmarkFit1M(b *testing.B) {
	src := filepath.Join("../../../../shared/logs", "bpic2013_incidents.xes.gz")
	if _, err := os.Stat(src); err != nil {
		b.Skipf("shared logs absent (%s)", src)
	}
	xes, _, err := benchlog.XESGz(src, 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	path := strings.TrimSuffix(xes, ".xes.gz") + fmt.Sprintf("-v%d.duckdb", warehouse.SchemaVersion)
	ctx := context.Background()
	if _, err := os.Stat(path); err != nil {
		w, err := warehouse.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ingest.ImportFile(ctx, w, xes, ingest.FileOptions{Name: "big"}); err != nil {
			w.Close()
			os.Remove(path)
			b.Fatal(err)
		}
		w.Close()
	}
	w, err := warehouse.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	l, err := timeline.Load(ctx, w, "big")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		m, rep, err := Fit(l, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if rep.Instances < 1_000_000 || len(m.Routing.Variants) == 0 {
			b.Fatalf("fitted %d instances", rep.Instances)
		}
		b.ReportMetric(time.Since(start).Seconds(), "fit-s")
	}
	b.ReportMetric(float64(l.Steps()), "instances")
}
