package minelog_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/minelog"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/benchlog"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/inductive"
)

const sharedLogs = "../../../shared/logs"

// BenchmarkMineFromWarehouse measures what pmx discover and pmx
// conformance do after opening the warehouse, on BPIC 2013 ×16 (1.05M
// events) stored in a file: load the compact log through Arrow, run IMf,
// and align the log with the IMf net. PM4Py's IMf on the same events
// takes 2.37 s from its dataframe (testdata/pm4py/large/reference.json).
func BenchmarkMineFromWarehouse(b *testing.B) {
	if _, err := os.Stat(filepath.Join(sharedLogs, "bpic2013_incidents.xes.gz")); err != nil {
		b.Skipf("shared logs absent (%s)", sharedLogs)
	}
	path, events, err := benchlog.XESGz(filepath.Join(sharedLogs, "bpic2013_incidents.xes.gz"), 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(b.TempDir(), "w.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.ImportFile(ctx, w, path, ingest.FileOptions{Name: "big"}); err != nil {
		b.Fatal(err)
	}
	var load, imf, align time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		l, err := minelog.Load(ctx, w, "big")
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		net := inductive.IMf(l, 0.2).ToNet()
		t2 := time.Now()
		al, err := conformance.Align(ctx, l, net, conformance.AlignOptions{})
		if err != nil {
			b.Fatal(err)
		}
		t3 := time.Now()
		if l.Events() != int64(events) || al.UnalignedCases != 0 {
			b.Fatalf("loaded %d events (want %d), %d unaligned", l.Events(), events, al.UnalignedCases)
		}
		load, imf, align = load+t1.Sub(t0), imf+t2.Sub(t1), align+t3.Sub(t2)
	}
	n := float64(b.N)
	b.ReportMetric(load.Seconds()/n*1e3, "load-ms")
	b.ReportMetric(imf.Seconds()/n*1e3, "imf-ms")
	b.ReportMetric(align.Seconds()/n*1e3, "align-ms")
	b.ReportMetric(2.365/((load+imf).Seconds()/n), "x-pm4py-imf")
}
