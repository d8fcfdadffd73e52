package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/pmx-dev/pmx/analysis/units"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

func newJSONEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc
}

// importWithProgress imports a file, showing a one-line progress display on
// a terminal once the import has run for a second (short imports stay quiet).
func importWithProgress(ctx context.Context, e *env, w *warehouse.Warehouse, path string, opt ingest.FileOptions) (warehouse.LogInfo, error) {
	if !e.interactive {
		return ingest.ImportFile(ctx, w, path, opt)
	}
	var events atomic.Int64
	var phase atomic.Value
	phase.Store("")
	opt.OnBatch = func(n int64) { events.Store(n) }
	opt.OnPhase = func(p string) { phase.Store(p) }
	done := make(chan struct{})
	stopped := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(stopped)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(e.stderr, "\r\033[K")
				}
				return
			case <-tick.C:
				el := time.Since(start)
				if el < time.Second {
					continue
				}
				n := events.Load()
				if p := phase.Load().(string); p != "" {
					fmt.Fprintf(e.stderr, "\r\033[Kimporting %s: %s events read; %s, %.0fs", path, thousands(n), p, el.Seconds())
				} else {
					fmt.Fprintf(e.stderr, "\r\033[Kimporting %s: %s events read, %s events/s, %.0fs",
						path, thousands(n), thousands(int64(float64(n)/el.Seconds())), el.Seconds())
				}
				shown = true
			}
		}
	}()
	info, err := ingest.ImportFile(ctx, w, path, opt)
	close(done)
	<-stopped
	return info, err
}

// thousands formats n with thousands separators: 1234567 → "1,234,567".
func thousands(n int64) string { return units.Count(n) }
