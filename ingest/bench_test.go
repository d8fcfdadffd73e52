package ingest_test

import (
	"bufio"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/benchlog"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

const sharedLogs = "../../shared/logs"

// resetPeakRSS makes VmHWM start again from the current RSS, so each
// benchmark reports its own peak rather than the file generator's.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMiB reads the process's peak resident set size (Linux).
func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// benchImport imports path into a fresh warehouse file per iteration and
// reports events/s (over the source's events) and peak RSS.
func benchImport(b *testing.B, path string, events int, opt ingest.FileOptions) {
	ctx := context.Background()
	resetPeakRSS()
	b.ResetTimer()
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := filepath.Join(b.TempDir(), "bench.duckdb")
		w, err := warehouse.Open(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		info, err := ingest.ImportFile(ctx, w, path, opt)
		elapsed += time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if info.Events != int64(events) {
			b.Fatalf("imported %d events, want %d", info.Events, events)
		}
		b.StopTimer()
		w.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(events)*float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}

func skipWithoutShared(b *testing.B) {
	if _, err := os.Stat(sharedLogs); err != nil {
		b.Skipf("shared logs absent (%s): benchmark needs them to build its input", sharedLogs)
	}
}

// BenchmarkImportXESGz imports BPIC 2013 incidents replicated to 250k and 1M
// events; equal peak RSS at both sizes shows memory is flat in file size.
func BenchmarkImportXESGz(b *testing.B) {
	skipWithoutShared(b)
	for _, n := range []int{250_000, 1_000_000} {
		path, events, err := benchlog.XESGz(filepath.Join(sharedLogs, "bpic2013_incidents.xes.gz"), n)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("events="+strconv.Itoa(events), func(b *testing.B) { benchImport(b, path, events, ingest.FileOptions{}) })
	}
}

func BenchmarkImportCSV(b *testing.B) {
	skipWithoutShared(b)
	path, rows, err := benchlog.CSV(filepath.Join(sharedLogs, "receipt.csv"), "case:concept:name", 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("events="+strconv.Itoa(rows), func(b *testing.B) { benchImport(b, path, rows, ingest.FileOptions{}) })
}

func BenchmarkImportParquet(b *testing.B) {
	skipWithoutShared(b)
	csvPath, rows, err := benchlog.CSV(filepath.Join(sharedLogs, "receipt.csv"), "case:concept:name", 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	pq := strings.TrimSuffix(csvPath, ".csv") + ".parquet"
	if fi, err := os.Stat(pq); err != nil || fi.Size() == 0 {
		db, err := sql.Open("duckdb", "")
		if err != nil {
			b.Fatal(err)
		}
		// Typed like the shared receipt.parquet: timestamps as TIMESTAMP_NS (here in UTC).
		tmp := pq + ".tmp"
		_, err = db.Exec(`COPY (SELECT * REPLACE (CAST(CAST(CAST("time:timestamp" AS TIMESTAMPTZ) AS TIMESTAMP) AS TIMESTAMP_NS) AS "time:timestamp")
			FROM read_csv('` + csvPath + `', all_varchar = true)) TO '` + tmp + `' (FORMAT parquet)`)
		db.Close()
		if err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, pq); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("events="+strconv.Itoa(rows), func(b *testing.B) { benchImport(b, pq, rows, ingest.FileOptions{}) })
}

// BenchmarkImport10M imports ten million events, from XES.gz (BPIC 2013
// ×153) and from CSV (receipt ×1166, every attribute kept), into a file
// and reports the peak RSS: an import's memory must not grow with the
// file (the aim: under 1 GiB). The inputs are built on first use (about
// 280 MB and 2.8 GB in the temp directory).
func BenchmarkImport10M(b *testing.B) {
	skipWithoutShared(b)
	xesPath, xesEvents, err := benchlog.XESGz(filepath.Join(sharedLogs, "bpic2013_incidents.xes.gz"), 10_000_000)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("xes.gz/events="+strconv.Itoa(xesEvents), func(b *testing.B) { benchImport(b, xesPath, xesEvents, ingest.FileOptions{}) })
	csvPath, rows, err := benchlog.CSV(filepath.Join(sharedLogs, "receipt.csv"), "case:concept:name", 10_000_000)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("csv/events="+strconv.Itoa(rows), func(b *testing.B) { benchImport(b, csvPath, rows, ingest.FileOptions{}) })
}
