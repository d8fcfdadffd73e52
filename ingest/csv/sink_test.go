package csv

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/event"
)

// row is one event as read back from the Arrow records.
type row struct {
	Case, Activity      string
	Time, Start         int64 // Start: event.NoTime when null
	Resource, Lifecycle string
	Seq                 int64
	Attrs               string // "" when null
}

type rejected struct {
	Line   int64
	Reason string
	Raw    string
}

// collectSink implements event.Sink by reading every record back.
type collectSink struct {
	events    []row
	cases     map[string]string // case id -> attrs JSON ("" when null)
	caseOrder []string
	dupCases  int // AppendCase calls for an id already seen
	rejects   []rejected
}

func newCollectSink() *collectSink { return &collectSink{cases: map[string]string{}} }

func (s *collectSink) Events(rec arrow.Record) error {
	defer rec.Release()
	str := func(c int) *array.String { return rec.Column(c).(*array.String) }
	cs, act, res, lc, at := str(event.ColCase), str(event.ColActivity), str(event.ColResource),
		str(event.ColLifecycle), str(event.ColAttrs)
	ts := rec.Column(event.ColTime).(*array.Timestamp)
	st := rec.Column(event.ColStart).(*array.Timestamp)
	seq := rec.Column(event.ColSeq).(*array.Int64)
	for i := 0; i < int(rec.NumRows()); i++ {
		r := row{Case: cs.Value(i), Activity: act.Value(i), Time: int64(ts.Value(i)), Start: event.NoTime,
			Seq: seq.Value(i)}
		if st.IsValid(i) {
			r.Start = int64(st.Value(i))
		}
		if res.IsValid(i) {
			r.Resource = res.Value(i)
		}
		if lc.IsValid(i) {
			r.Lifecycle = lc.Value(i)
		}
		if at.IsValid(i) {
			r.Attrs = at.Value(i)
		}
		s.events = append(s.events, r)
	}
	return nil
}

func (s *collectSink) Cases(rec arrow.Record) error {
	defer rec.Release()
	id, at := rec.Column(0).(*array.String), rec.Column(1).(*array.String)
	for i := 0; i < int(rec.NumRows()); i++ {
		if _, ok := s.cases[id.Value(i)]; ok {
			s.dupCases++
		} else {
			s.caseOrder = append(s.caseOrder, id.Value(i))
		}
		a := ""
		if at.IsValid(i) {
			a = at.Value(i)
		}
		s.cases[id.Value(i)] = a
	}
	return nil
}

func (s *collectSink) Reject(line int64, reason, raw string) error {
	s.rejects = append(s.rejects, rejected{line, reason, raw})
	return nil
}

// discardSink drops everything (benchmarks, fuzzing).
type discardSink struct{ events, rejects int64 }

func (d *discardSink) Events(rec arrow.Record) error {
	d.events += rec.NumRows()
	rec.Release()
	return nil
}
func (d *discardSink) Cases(rec arrow.Record) error { rec.Release(); return nil }
func (d *discardSink) Reject(int64, string, string) error {
	d.rejects++
	return nil
}

// readString reads src with opt into a fresh collectSink.
func readString(t testing.TB, src string, opt Options) (*collectSink, event.Meta, error) {
	t.Helper()
	s := newCollectSink()
	m, err := Read(context.Background(), strings.NewReader(src), "test.csv", opt, s)
	return s, m, err
}
