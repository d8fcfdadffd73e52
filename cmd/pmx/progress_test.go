package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// Issue 9, item 17: progress says the share done and the time left where
// the amount of work is known.
func TestProgressLine(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progress{what: "importing x.xes.gz", start: t0}
	p.Phase("reading", "bytes", 100e6)
	p.phaseStart = t0
	p.Count(45e6, 0)
	p.Extra(func() string { return "1,000 events" })
	got := p.line(t0.Add(10 * time.Second))
	for _, want := range []string{"importing x.xes.gz: reading 45 % (45.0 MB of 100.0 MB)", "about 12 s left", "1,000 events", "; 10 s"} {
		if !strings.Contains(got, want) {
			t.Errorf("line %q lacks %q", got, want)
		}
	}
	p.Phase("deriving activity instances", "", 0)
	if got := p.line(t0.Add(20 * time.Second)); strings.Contains(got, "%") || !strings.Contains(got, "deriving") {
		t.Errorf("a phase of unknown size: %q", got)
	}
}

// syncBuffer is a bytes.Buffer safe for the display goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Not on a terminal, a long command writes plain lines (no carriage
// returns or escape sequences) every progressEvery.
func TestProgressPlainLinesWhenNotATerminal(t *testing.T) {
	every, tick := progressEvery, progressTick
	progressEvery, progressTick = 20*time.Millisecond, 2*time.Millisecond
	defer func() { progressEvery, progressTick = every, tick }()
	var buf syncBuffer
	p := startProgress(&env{stderr: &buf}, "aligning x")
	p.Phase("variants", "variants", 10)
	p.Count(3, 0)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "\n") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	p.Stop()
	out := buf.String()
	if !strings.HasPrefix(out, "pmx: aligning x: variants 30 % (3 variants of 10 variants)") || strings.ContainsAny(out, "\r\x1b") {
		t.Errorf("plain progress %q", out)
	}
}
