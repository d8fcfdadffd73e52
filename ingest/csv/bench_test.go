package csv

import (
	"bufio"
	"context"
	stdcsv "encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// benchFile returns a CSV of receipt.csv's rows replicated `copies` times
// with fresh case ids (8577 rows per copy), built once and cached in
// os.TempDir() across runs.
func benchFile(b *testing.B, copies int) string {
	src := realLog(b, "receipt.csv")
	dst := filepath.Join(os.TempDir(), fmt.Sprintf("pmx-csv-bench-receipt-x%d.csv", copies))
	if _, err := os.Stat(dst); err == nil {
		return dst
	}
	f, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	recs, err := stdcsv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	tmp, err := os.CreateTemp(os.TempDir(), "pmx-csv-bench-*.tmp")
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(tmp, 1<<20)
	w := stdcsv.NewWriter(bw)
	_ = w.Write(recs[0])
	for k := range copies {
		for _, r := range recs[1:] {
			r2 := append([]string(nil), r...)
			r2[1] = fmt.Sprintf("%s-r%d", r[1], k)
			_ = w.Write(r2)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := tmp.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		b.Fatal(err)
	}
	return dst
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakHeap samples the live heap (as the last GC marked it) every few
// milliseconds until stop is called, and returns the peak in bytes.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 { close(done); <-finished; return peak.Load() }
}

// BenchmarkReadCSV reads receipt.csv replicated to ~257k and ~1M rows into
// a discarding sink. The peak live heap is reported per size to show that
// memory is flat in file size: what grows is only the set of case ids seen
// (about 100 bytes per case; the copies have 43k and 167k cases).
func BenchmarkReadCSV(b *testing.B) {
	for _, copies := range []int{30, 117} {
		path := benchFile(b, copies)
		rows := int64(copies * 8577)
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			st, _ := os.Stat(path)
			b.SetBytes(st.Size())
			runtime.GC()
			stop := peakHeap()
			start, cpu0 := time.Now(), cpuTime()
			for b.Loop() {
				var sink discardSink
				m, err := ReadFile(context.Background(), path, Options{}, &sink)
				if err != nil || m.Events != rows || sink.events != rows {
					b.Fatalf("events %d/%d, err %v", m.Events, sink.events, err)
				}
			}
			el, cpu := time.Since(start), cpuTime()-cpu0
			b.ReportMetric(float64(rows)*float64(b.N)/el.Seconds(), "events/s")
			// CPU time per event is steadier than wall time on a shared
			// machine; with the splitter on its own goroutine a run uses a
			// bit more CPU than wall time.
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(rows)/float64(b.N), "cpu-ns/event")
			b.ReportMetric(float64(stop())/(1<<20), "peak-live-MiB")
		})
	}
}

// BenchmarkBuilderOnly is the floor under BenchmarkReadCSV: appending an
// already decoded receipt-like event to event.Builder (no CSV at all), with
// and without the batch size hints the reader gives it.
func BenchmarkBuilderOnly(b *testing.B) {
	ev := event.Event{Case: "case-10011-r12", Activity: "T02 Check confirmation of receipt", Time: 1318333540276000,
		Start: event.NoTime, Resource: "Resource21", Lifecycle: "complete",
		Attrs: []byte(`{"concept:instance":"task-42933","org:group":"Group 1"}`)}
	for _, hint := range []bool{false, true} {
		b.Run(fmt.Sprintf("hints=%v", hint), func(b *testing.B) {
			bl := event.NewBuilder(&discardSink{}, 0)
			defer bl.Release()
			sizes := []int{len(ev.Case), len(ev.Activity), len(ev.Resource), len(ev.Lifecycle), len(ev.Attrs)}
			for b.Loop() {
				if n, _ := bl.Pending(); hint && n == 0 {
					for i, col := range dataCols {
						bl.ReserveData(col, sizes[i]*event.DefaultBatchRows)
					}
				}
				ev.Seq++
				if err := bl.Append(&ev); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
