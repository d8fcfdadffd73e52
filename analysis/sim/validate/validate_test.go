package validate

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

const sharedLogs = "../../../../shared/logs"

func load(tb testing.TB, path string) *timeline.Log {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("log absent (%s)", path)
	}
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		tb.Fatal(err)
	}
	defer w.Close()
	info, err := ingest.ImportFile(ctx, w, path, ingest.FileOptions{Name: "l"})
	if err != nil {
		tb.Fatal(err)
	}
	l, err := timeline.Load(ctx, w, info.Name)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

func TestProbeValidation(t *testing.T) {
	for _, f := range []string{"../../../ingest/demo/incidents.xes.gz", filepath.Join(sharedLogs, "helpdesk.xes.gz"),
		filepath.Join(sharedLogs, "interval_event_log.xes"), filepath.Join(sharedLogs, "receipt.xes.gz")} {
		l := load(t, f)
		r, err := Run(l, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: train %d test %d median cycle %.1f h starts %v pools %d notes %v", filepath.Base(f), r.Train, r.Test, r.TestMedianCycleHours, r.Fit.Starts, r.Fit.Pools, r.Fit.Notes)
		for k, v := range r.Measures {
			t.Logf("   %-26s %10.3f [%.3f, %.3f]", k, v.Mean, v.Low, v.High)
		}
	}
}
