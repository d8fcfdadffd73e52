// Package testlogs loads the shared real event logs (../shared/logs) and
// the bundled demo log into eventlog.Log values for mining tests and
// benchmarks, without a warehouse. It is test support only: production
// code loads logs from the warehouse (analysis/minelog.Load), and this
// package is the one place under mining/ allowed to import ingest.
//
// Event selection is the oracle's (../shared/logs/README.md): where every
// lifecycle value is a standard XES transition only 'complete' events are
// kept, else every event; events are ordered by time within a case
// (stable), activity = concept:name.
package testlogs

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/xes"
	"github.com/pmx-dev/pmx/mining/eventlog"
)

// Root is the repository root (found from this file's location).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// SharedDir is ../shared/logs next to the repository.
func SharedDir() string { return filepath.Join(Root(), "..", "shared", "logs") }

// XESLogs are the shared XES logs by their stem (the name of their
// testdata/pm4py/<stem> directory).
var XESLogs = map[string]string{
	"bpic2013_incidents":   "bpic2013_incidents.xes.gz",
	"helpdesk":             "helpdesk.xes.gz",
	"interval_event_log":   "interval_event_log.xes",
	"receipt":              "receipt.xes.gz",
	"repair_example":       "repair_example.xes.gz",
	"reviewing":            "reviewing.xes",
	"roadtraffic100traces": "roadtraffic100traces.xes",
	"running-example":      "running-example.xes",
}

// Path returns the file of a log stem: "demo" is the bundled demo log, the
// others are shared logs. ok is false when the file is absent.
func Path(stem string) (string, bool) {
	p := filepath.Join(SharedDir(), XESLogs[stem])
	if stem == "demo" {
		p = filepath.Join(Root(), "ingest", "demo", "incidents.xes.gz")
	}
	_, err := os.Stat(p)
	return p, err == nil && (stem == "demo" || XESLogs[stem] != "")
}

// Load reads a log by stem, skipping the test when it is absent.
func Load(tb testing.TB, stem string) *eventlog.Log {
	tb.Helper()
	p, ok := Path(stem)
	if !ok {
		tb.Skipf("log %s not found at %s (the shared logs live in ../shared/logs next to the repository)", stem, p)
	}
	l, err := ReadXES(p)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

// Stems lists the logs with PM4Py references: the shared XES logs and demo.
func Stems() []string {
	var out []string
	for s := range XESLogs {
		out = append(out, s)
	}
	slices.Sort(out)
	return append(out, "demo")
}

// LoadReference reads testdata/pm4py/<stem>/reference.json into v, skipping
// the test when it is absent.
func LoadReference(tb testing.TB, stem string, v any) {
	tb.Helper()
	p := filepath.Join(Root(), "testdata", "pm4py", stem, "reference.json")
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Skipf("no PM4Py reference %s (generate with testdata/pm4py/reference.py)", p)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("%s: %v", p, err)
	}
}

// ReferenceFile is testdata/pm4py/<stem>/<name>.
func ReferenceFile(stem, name string) string {
	return filepath.Join(Root(), "testdata", "pm4py", stem, name)
}

type ev struct {
	act       string
	ts        int64
	lifecycle string
	seq       int64
}

type sink struct {
	cases map[string][]ev
	order []string
}

func (s *sink) Events(r arrow.Record) error {
	defer r.Release()
	c := r.Column(0).(*array.String)
	a := r.Column(1).(*array.String)
	ts := r.Column(2).(*array.Timestamp)
	lc := r.Column(5).(*array.String)
	seq := r.Column(6).(*array.Int64)
	for i := 0; i < int(r.NumRows()); i++ {
		id := c.Value(i)
		if _, ok := s.cases[id]; !ok {
			s.order = append(s.order, id)
		}
		l := ""
		if lc.IsValid(i) {
			l = lc.Value(i)
		}
		s.cases[id] = append(s.cases[id], ev{a.Value(i), int64(ts.Value(i)), l, seq.Value(i)})
	}
	return nil
}
func (s *sink) Cases(r arrow.Record) error         { r.Release(); return nil }
func (s *sink) Reject(int64, string, string) error { return nil }

// ReadXES reads an XES file and applies the oracle's event selection.
func ReadXES(path string) (*eventlog.Log, error) {
	s := &sink{cases: map[string][]ev{}}
	if _, err := xes.ReadFile(context.Background(), path, xes.Options{}, s); err != nil {
		return nil, err
	}
	standard := true
	for _, evs := range s.cases {
		for _, e := range evs {
			if e.lifecycle != "" && !event.IsStandardLifecycle(e.lifecycle) {
				standard = false
			}
		}
	}
	var traces [][]string
	for _, id := range s.order {
		evs := s.cases[id]
		slices.SortStableFunc(evs, func(x, y ev) int {
			if x.ts != y.ts {
				if x.ts < y.ts {
					return -1
				}
				return 1
			}
			return 0
		})
		var t []string
		for _, e := range evs {
			if standard && e.lifecycle != "" && !equalFold(e.lifecycle, "complete") {
				continue
			}
			t = append(t, e.act)
		}
		traces = append(traces, t)
	}
	return eventlog.FromTraces(traces), nil
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i]|0x20, b[i]|0x20
		if x != y {
			return false
		}
	}
	return true
}
