package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/benchlog"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// The command benchmarks run pmx analyze and pmx report, whole commands, on
// BPIC 2013 incidents replicated to 1M and 10M activity instances (×16 and
// ×153: 120,864 and 1.16M cases) in a warehouse file that is imported once
// and cached. Each run is a child process (this test binary re-executed),
// so peak-rss-MiB is the command's own peak resident set. Targets at 10M
// events on 2 cores: < 8 s and < 1.5 GiB each.
//
//	go test -tags duckdb_arrow -run '^$' -bench Command -benchtime 3x ./cmd/pmx/
func BenchmarkAnalyzeCommand1M(b *testing.B)  { benchCommand(b, 1_000_000, "analyze", "--json") }
func BenchmarkAnalyzeCommand10M(b *testing.B) { benchCommand(b, 10_000_000, "analyze", "--json") }
func BenchmarkReportCommand1M(b *testing.B)   { benchCommand(b, 1_000_000, "report") }
func BenchmarkReportCommand10M(b *testing.B)  { benchCommand(b, 10_000_000, "report") }

// benchChildEnv carries the child's arguments as a JSON array.
const benchChildEnv = "PMX_BENCH_CHILD_ARGS"

// TestBenchChild is the child process of the command benchmarks: it runs
// the command in its environment and exits with its code. Skipped
// otherwise.
func TestBenchChild(t *testing.T) {
	args := os.Getenv(benchChildEnv)
	if args == "" {
		t.Skip("child process of the command benchmarks only")
	}
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil {
		t.Fatal(err)
	}
	e := &env{stdout: os.Stdout, stderr: os.Stderr}
	os.Exit(run(context.Background(), e, argv))
}

func benchCommand(b *testing.B, minEvents int, cmd string, flags ...string) {
	db := cachedBenchWarehouse(b, minEvents)
	args := append([]string{cmd, "--db", db, "--log", "big"}, flags...)
	if cmd == "report" {
		args = append(args, "-o", filepath.Join(b.TempDir(), "report.html"))
	}
	var secs, peak float64
	for i := 0; i < b.N; i++ {
		c := exec.Command(os.Args[0], "-test.run=^TestBenchChild$")
		argv, _ := json.Marshal(args)
		c.Env = append(os.Environ(), benchChildEnv+"="+string(argv))
		var errOut strings.Builder
		c.Stdout, c.Stderr = nil, &errOut // analyze --json's output is discarded
		start := time.Now()
		if err := c.Run(); err != nil {
			b.Fatalf("pmx %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
		}
		d := time.Since(start).Seconds()
		var rss float64
		if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = float64(ru.Maxrss) / 1024 // Maxrss is in KiB on Linux
		}
		b.Logf("pmx %s: %.2f s, peak RSS %.0f MiB", cmd, d, rss)
		secs, peak = secs+d, max(peak, rss)
	}
	b.ReportMetric(secs/float64(b.N), "s/command")
	b.ReportMetric(peak, "peak-rss-MiB") // the largest of the runs
}

// cachedBenchWarehouse returns a warehouse file holding BPIC 2013
// incidents replicated to at least minEvents as log "big", imported once
// and kept in the benchlog cache beside the XES file (keyed by the schema
// version; delete it after changing how imports derive their tables). The
// analysis/analyze benchmarks share the file.
func cachedBenchWarehouse(b *testing.B, minEvents int) string {
	b.Helper()
	src := filepath.Join(benchlog.SharedLogs, "bpic2013_incidents.xes.gz")
	if _, err := os.Stat(src); err != nil {
		b.Skipf("shared logs absent (%s)", benchlog.SharedLogs)
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
