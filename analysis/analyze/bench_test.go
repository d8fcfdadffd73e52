package analyze

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
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
func BenchmarkAnalyze1M(b *testing.B) { benchAnalyze(b, 1_000_000) }

// BenchmarkAnalyze10M is the same on BPIC 2013 ×153 (10.0M activity
// instances, 1.16M cases). Target: < 8 s and a peak RSS < 1.5 GiB.
func BenchmarkAnalyze10M(b *testing.B) { benchAnalyze(b, 10_000_000) }

// benchAnalyze loads the timeline and runs every analysis with five SLA
// rules (three in business time) on BPIC 2013 incidents replicated to at
// least minEvents, imported once into a cached warehouse file. It reports
// the load's (opening the warehouse included) and each step's seconds, and
// the process' peak RSS during an iteration (peak-rss-MiB, the kernel's
// high-water mark, reset first; the largest of the iterations).
func benchAnalyze(b *testing.B, minEvents int) {
	path := cachedWarehouse(b, minEvents)
	ctx := context.Background()
	rules, err := sla.Parse(strings.NewReader(benchRules), "bench.yaml", nil)
	if err != nil {
		b.Fatal(err)
	}
	// As pmx analyze does (see tightGC in cmd/pmx/analyze.go).
	defer debug.SetGCPercent(debug.SetGCPercent(50))
	b.ResetTimer()
	var load, total, peak float64
	seconds := map[string]float64{}
	for i := 0; i < b.N; i++ {
		debug.FreeOSMemory()
		resetPeakRSS(b)
		// As pmx analyze does: the warehouse is closed once the timeline
		// is loaded, which hands DuckDB's buffers back.
		start := time.Now()
		w, err := warehouse.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		l, err := timeline.Load(ctx, w, "big")
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		load += time.Since(start).Seconds()
		r, err := Run(l, Options{SLA: rules, Calendar: rules.Calendar})
		if err != nil {
			b.Fatal(err)
		}
		if r.Steps < minEvents || r.SLA == nil || len(r.SLA.Rules) != 5 {
			b.Fatalf("%d steps", r.Steps)
		}
		total += time.Since(start).Seconds()
		peak = max(peak, peakRSS(b))
		for k, v := range r.Seconds {
			seconds[k] += v
		}
	}
	n := float64(b.N)
	b.ReportMetric(load/n, "load-s")
	b.ReportMetric(total/n, "total-s")
	b.ReportMetric(peak, "peak-rss-MiB") // the largest of the iterations
	for k, v := range seconds {
		b.ReportMetric(v/n, k+"-s")
	}
}

// cachedWarehouse returns a warehouse file holding BPIC 2013 incidents
// replicated to at least minEvents as log "big", imported once and kept in
// the benchlog cache (keyed by the warehouse schema version; delete the
// file after changing how imports derive their tables).
func cachedWarehouse(b testing.TB, minEvents int) string {
	b.Helper()
	src := filepath.Join(sharedLogs, "bpic2013_incidents.xes.gz")
	if _, err := os.Stat(src); err != nil {
		b.Skipf("shared logs absent (%s)", sharedLogs)
	}
	xes, _, err := benchlog.XESGz(src, minEvents)
	if err != nil {
		b.Fatal(err)
	}
	path := strings.TrimSuffix(xes, ".xes.gz") + fmt.Sprintf("-v%d.duckdb", warehouse.SchemaVersion)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	defer os.Remove(tmp)
	defer os.Remove(tmp + ".wal")
	ctx := context.Background()
	w, err := warehouse.Open(ctx, tmp)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	_, err = ingest.ImportFile(ctx, w, xes, ingest.FileOptions{Name: "big"})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("imported %s into %s in %v", xes, path, time.Since(start).Round(time.Second))
	if _, err := os.Stat(tmp + ".wal"); err == nil {
		b.Fatalf("%s.wal left after closing the warehouse", tmp)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// resetPeakRSS resets the kernel's peak-RSS mark of this process (Linux:
// writing 5 to clear_refs), so that peakRSS measures from here.
func resetPeakRSS(b testing.TB) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS: %v", err)
	}
}

// peakRSS is the process' peak resident set (VmHWM) in MiB; 0 where
// /proc is absent.
func peakRSS(b testing.TB) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
