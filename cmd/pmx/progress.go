package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
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

// When a long command says what it is doing. On a terminal a line is
// redrawn in place once the command has run for progressAfter; elsewhere
// (a log file, CI) a plain line is written every progressEvery, so short
// commands in scripts stay silent and long ones leave a trace.
var (
	progressAfter = time.Second
	progressEvery = 10 * time.Second
	progressTick  = 200 * time.Millisecond
)

// progress shows the phase a command is in and, where the amount of work
// is known, the share done and the time left. Safe for concurrent use: the
// work reports with Phase and Count from any goroutine, the display runs
// on its own.
type progress struct {
	e     *env
	what  string // "importing x.xes.gz"
	start time.Time

	mu         sync.Mutex
	phase      string
	phaseStart time.Time
	unit       string // of done/total: "bytes", "variants"
	extra      func() string

	done, total atomic.Int64
	stop        chan struct{}
	stopped     chan struct{}
	stopOnce    sync.Once
}

// startProgress starts the display of what; call stop when the work ends
// (it clears a terminal line).
func startProgress(e *env, what string) *progress {
	p := &progress{e: e, what: termText(what), start: time.Now(), stop: make(chan struct{}), stopped: make(chan struct{})}
	p.phaseStart = p.start
	go p.run()
	return p
}

// Phase starts a phase whose amount of work is total units (0: unknown).
func (p *progress) Phase(name, unit string, total int64) {
	p.mu.Lock()
	p.phase, p.unit, p.phaseStart = name, unit, time.Now()
	p.mu.Unlock()
	p.done.Store(0)
	p.total.Store(total)
}

// Count sets the work done in the current phase (and its total, if now
// known).
func (p *progress) Count(done, total int64) {
	p.done.Store(done)
	if total > 0 {
		p.total.Store(total)
	}
}

// Extra adds a figure to the line (e.g. events read and their rate).
func (p *progress) Extra(f func() string) {
	p.mu.Lock()
	p.extra = f
	p.mu.Unlock()
}

// Stop ends the display; calling it again (a deferred Stop after an
// explicit one) does nothing.
func (p *progress) Stop() {
	p.stopOnce.Do(func() { close(p.stop) })
	<-p.stopped
}

func (p *progress) run() {
	defer close(p.stopped)
	tick := time.NewTicker(progressTick)
	defer tick.Stop()
	shown, last := false, time.Time{}
	for {
		select {
		case <-p.stop:
			if shown && p.e.interactive {
				fmt.Fprint(p.e.stderr, "\r\033[K")
			}
			return
		case now := <-tick.C:
			el := now.Sub(p.start)
			switch {
			case p.e.interactive && el >= progressAfter:
				fmt.Fprint(p.e.stderr, "\r\033[K"+p.line(now))
				shown = true
			case !p.e.interactive && el >= progressEvery && now.Sub(last) >= progressEvery:
				fmt.Fprintln(p.e.stderr, "pmx: "+p.line(now))
				last = now
			}
		}
	}
}

// line is the progress text: "importing x.xes.gz: reading 45 % (12 of 27
// MB), 254,000 events/s, about 8 s left; 6 s".
func (p *progress) line(now time.Time) string {
	p.mu.Lock()
	phase, unit, since, extra := p.phase, p.unit, p.phaseStart, p.extra
	p.mu.Unlock()
	var b strings.Builder
	b.WriteString(p.what)
	if phase != "" {
		b.WriteString(": " + phase)
	}
	done, total := p.done.Load(), p.total.Load()
	if total > 0 && done > 0 {
		share := min(float64(done)/float64(total), 1)
		fmt.Fprintf(&b, " %.0f %% (%s of %s)", 100*share, amount(done, unit), amount(total, unit))
		if el := now.Sub(since).Seconds(); share < 1 && el > 1 {
			fmt.Fprintf(&b, ", about %s left", units.Duration(el*(1-share)/share))
		}
	} else if done > 0 {
		b.WriteString(" " + amount(done, unit))
	}
	if extra != nil {
		if s := extra(); s != "" {
			b.WriteString(", " + s)
		}
	}
	fmt.Fprintf(&b, "; %s", units.Duration(now.Sub(p.start).Round(time.Second).Seconds()))
	return b.String()
}

// amount writes n units: bytes in MB, other things counted.
func amount(n int64, unit string) string {
	if unit == "bytes" {
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return units.Count(n) + " " + unit
}

// importWithProgress imports a file, showing progress (share of the file
// read, events/s, time left, then the derive phase) for long imports.
func importWithProgress(ctx context.Context, e *env, w *warehouse.Warehouse, path string, opt ingest.FileOptions) (warehouse.LogInfo, error) {
	p := startProgress(e, "importing "+path)
	defer p.Stop()
	var size int64
	if fi, err := os.Stat(path); err == nil {
		size = fi.Size()
	}
	var read, events atomic.Int64
	opt.BytesRead = &read
	start := time.Now()
	p.Phase("reading", "bytes", size)
	p.Extra(func() string {
		p.Count(read.Load(), 0)
		n := events.Load()
		if n == 0 {
			return ""
		}
		return units.Count(n) + " events, " + units.Rate(float64(n)/time.Since(start).Seconds()) + " events/s"
	})
	opt.OnBatch = func(n int64) { events.Store(n) }
	opt.OnPhase = func(ph string) {
		p.Extra(func() string { return units.Count(events.Load()) + " events read" })
		p.Phase(ph, "", 0)
	}
	return ingest.ImportFile(ctx, w, path, opt)
}

// thousands formats n with thousands separators: 1234567 → "1,234,567".
func thousands(n int64) string { return units.Count(n) }
