package analyze

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/benchlog"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

const sharedLogs = "../../../shared/logs"

const benchRules = `
calendar:
  name: office
  timezone: Europe/Stockholm
  hours: {mon-fri: ["08:00-17:00"]}
  holidays: [2012-12-24, 2012-12-25, 2012-12-26]
rules:
  - name: resolved within 5 days
    case: {to: Completed}
    target: 5d
  - name: resolved within 40 business hours
    case: {to: Completed, occurrence: first}
    target: 40h
    time: business
  - name: accepted to completed within 16 business hours
    between: {from: Accepted, to: Completed}
    target: 16h
    time: business
  - name: queued at most a day
    activity: Queued
    target: 1d
  - name: accepted at most 8 business hours
    activity: Accepted
    target: 8h
    time: business
`

// BenchmarkAnalyze1M runs every analysis on BPIC 2013 ×16 (1.05M activity
// instances, 120,864 cases) from a warehouse file: loading the timeline
// through Arrow and Run. Target (with 5 SLA rules): < 3 s on 2 cores.
func BenchmarkAnalyze1M(b *testing.B) {
	src := filepath.Join(sharedLogs, "bpic2013_incidents.xes.gz")
	if _, err := os.Stat(src); err != nil {
		b.Skipf("shared logs absent (%s)", sharedLogs)
	}
	path, _, err := benchlog.XESGz(src, 1_000_000)
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
	// Five rules over BPIC 2013's activities, three in business time.
	rules, err := sla.Parse(strings.NewReader(benchRules), "bench.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		l, err := timeline.Load(ctx, w, "big")
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "load-s")
		r, err := Run(l, Options{SLA: rules, Calendar: rules.Calendar})
		if err != nil {
			b.Fatal(err)
		}
		if r.Steps < 1_000_000 || r.SLA == nil || len(r.SLA.Rules) != 5 {
			b.Fatalf("%d steps", r.Steps)
		}
		for k, v := range r.Seconds {
			b.ReportMetric(v, k+"-s")
		}
	}
}
