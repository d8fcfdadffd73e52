package xes

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Benchmarks report events/s (wall clock), events/cpu-s (process CPU time:
// what the reader would do alone on a quiet machine, both goroutines
// counted) and the peak live heap, which must not grow with the file.

const benchSource = "bpic2013_incidents.xes.gz"

// benchXESGz returns a cached .xes.gz of at least 1,000,000 events made by
// replicating the traces of the BPIC 2013 log under new case ids.
func benchXESGz(b *testing.B) string {
	src := filepath.Join(logsDir, benchSource)
	if _, err := os.Stat(src); err != nil {
		b.Skipf("benchmark source %s is absent (%v): the shared logs are not installed", src, err)
	}
	dir := filepath.Join(os.TempDir(), "pmx-xes-bench")
	dst := filepath.Join(dir, "bpic2013-x16.xes.gz")
	if _, err := os.Stat(dst); err == nil {
		return dst
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	if _, err := replicateXES(dst, src, 1_000_000); err != nil {
		b.Fatalf("building %s: %v", dst, err)
	}
	return dst
}

// BenchmarkReadXESGz is the import path of a large compressed log: gzip
// inflated in its own goroutine, parsed in the caller's.
func BenchmarkReadXESGz(b *testing.B) {
	big := benchXESGz(b)
	for _, c := range []struct{ name, path string }{
		{"bpic2013-65k", filepath.Join(logsDir, benchSource)},
		{"bpic2013-x16-1M", big},
	} {
		b.Run(c.name, func(b *testing.B) {
			benchRead(b, func() (int64, error) {
				m, err := ReadFile(context.Background(), c.path, Options{}, &countSink{})
				return m.Events, err
			})
		})
	}
}

// BenchmarkReadXES measures the parser alone on one goroutine: plain XES
// streamed from memory (the BPIC 2013 traces repeated 16 times, about
// 1,050,000 events), so no inflating and no disk.
func BenchmarkReadXES(b *testing.B) {
	raw, err := readMaybeGzip(filepath.Join(logsDir, benchSource))
	if err != nil {
		b.Skipf("benchmark source absent (%v): the shared logs are not installed", err)
	}
	first := bytes.Index(raw, []byte("<trace"))
	last := bytes.LastIndex(raw, []byte("</trace>")) + len("</trace>")
	b.SetBytes(int64(first + 16*(last-first) + len(raw) - last))
	benchRead(b, func() (int64, error) {
		parts := []io.Reader{bytes.NewReader(raw[:first])}
		for range 16 {
			parts = append(parts, bytes.NewReader(raw[first:last]))
		}
		parts = append(parts, bytes.NewReader(raw[last:]))
		m, err := Read(context.Background(), io.MultiReader(parts...), "bench", Options{}, &countSink{})
		return m.Events, err
	})
}

func benchRead(b *testing.B, read func() (int64, error)) {
	stop := watchHeap()
	cpu0 := cpuTime()
	var events int64
	for b.Loop() {
		n, err := read()
		if err != nil {
			b.Fatal(err)
		}
		events += n
	}
	cpu := cpuTime() - cpu0
	peak := stop()
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/cpu.Seconds(), "events/cpu-s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	if hwm := vmHWM(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "VmHWM-MiB")
	}
}

// watchHeap samples the live heap (objects plus fragmentation, as
// HeapInuse) every few milliseconds until the returned func is called,
// which returns the peak. runtime/metrics does not stop the world.
func watchHeap() func() uint64 {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			if v := samples[0].Value.Uint64() + samples[1].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmHWM is the process's peak resident set (Linux), 0 where unknown.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
