package xes

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/event"
)

// row is one event read back from the Arrow records a reader emitted.
type row struct {
	Case, Activity      string
	Time, Start         int64 // Start is event.NoTime when null
	Resource, Lifecycle string
	ResNull, LcNull     bool
	Seq                 int64
	Attrs               string
	AttrsNull           bool
}

type caseRow struct {
	ID, Attrs string
	AttrsNull bool
}

type rejectRow struct {
	Line        int64
	Reason, Raw string
}

// collectSink keeps everything, read back from the records, so tests check
// what a warehouse would receive rather than the reader's internals.
type collectSink struct {
	events  []row
	cases   []caseRow
	rejects []rejectRow
	batches int
}

func (s *collectSink) Events(rec arrow.Record) error {
	defer rec.Release()
	if !rec.Schema().Equal(event.Schema) {
		return fmt.Errorf("events record has schema %s", rec.Schema())
	}
	s.batches++
	str := func(c int) *array.String { return rec.Column(c).(*array.String) }
	ts := func(c int) *array.Timestamp { return rec.Column(c).(*array.Timestamp) }
	seq := rec.Column(event.ColSeq).(*array.Int64)
	for i := 0; i < int(rec.NumRows()); i++ {
		r := row{
			Case:     str(event.ColCase).Value(i),
			Activity: str(event.ColActivity).Value(i),
			Time:     int64(ts(event.ColTime).Value(i)),
			Start:    event.NoTime,
			Seq:      seq.Value(i),
		}
		if !ts(event.ColStart).IsNull(i) {
			r.Start = int64(ts(event.ColStart).Value(i))
		}
		r.Resource, r.ResNull = str(event.ColResource).Value(i), str(event.ColResource).IsNull(i)
		r.Lifecycle, r.LcNull = str(event.ColLifecycle).Value(i), str(event.ColLifecycle).IsNull(i)
		r.Attrs, r.AttrsNull = str(event.ColAttrs).Value(i), str(event.ColAttrs).IsNull(i)
		s.events = append(s.events, r)
	}
	return nil
}

func (s *collectSink) Cases(rec arrow.Record) error {
	defer rec.Release()
	if !rec.Schema().Equal(event.CaseSchema) {
		return fmt.Errorf("cases record has schema %s", rec.Schema())
	}
	id := rec.Column(0).(*array.String)
	at := rec.Column(1).(*array.String)
	for i := 0; i < int(rec.NumRows()); i++ {
		s.cases = append(s.cases, caseRow{ID: id.Value(i), Attrs: at.Value(i), AttrsNull: at.IsNull(i)})
	}
	return nil
}

func (s *collectSink) Reject(line int64, reason, raw string) error {
	s.rejects = append(s.rejects, rejectRow{line, reason, raw})
	return nil
}

// countSink only counts, as cheaply as a sink can, for benchmarks.
type countSink struct{ events, cases, rejects int64 }

func (s *countSink) Events(rec arrow.Record) error {
	s.events += rec.NumRows()
	rec.Release()
	return nil
}

func (s *countSink) Cases(rec arrow.Record) error {
	s.cases += rec.NumRows()
	rec.Release()
	return nil
}

func (s *countSink) Reject(int64, string, string) error { s.rejects++; return nil }
