package serve

import (
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/pmx-dev/pmx/analysis/live"
	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

type recordSink struct{ recs []arrow.Record }

func (s *recordSink) Events(r arrow.Record) error                 { r.Retain(); s.recs = append(s.recs, r); return nil }
func (s *recordSink) Cases(r arrow.Record) error                  { return nil }
func (s *recordSink) Reject(line int64, reason, raw string) error { return nil }

// BatchOf copies what it keeps out of the records (their buffers go back
// to the ingester when OnCommit returns) and reads records that are slices
// of larger ones (their offsets do not start at 0).
func TestBatchOf(t *testing.T) {
	sink := &recordSink{}
	bld := event.NewBuilder(sink, 0)
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC).UnixMicro()
	in := []event.Event{
		{Case: "first", Activity: "Open", Time: t0, Start: event.NoTime},
		{Case: "case-β", Activity: "Work", Time: t0 + 1, Start: t0, Resource: "ann", Lifecycle: "complete"},
		{Case: "", Activity: "Work", Time: t0 + 2, Start: event.NoTime, Resource: "bob"},
		{Case: "c3", Activity: "Close", Time: t0 + 3, Start: event.NoTime, Lifecycle: "start"},
	}
	for i := range in {
		if err := bld.Append(&in[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := bld.Flush(); err != nil {
		t.Fatal(err)
	}
	if len(sink.recs) != 1 {
		t.Fatalf("%d records", len(sink.recs))
	}
	whole := sink.recs[0]
	slice := whole.NewSlice(1, 4)
	at := time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC)
	b, err := BatchOf([]arrow.Record{slice}, []warehouse.DeadLetter{{Topic: "t", Partition: 2, Offset: 7, Reason: "not JSON"}}, at)
	if err != nil {
		t.Fatal(err)
	}
	// The ingester reuses its buffers: scribble over them.
	for _, buf := range whole.Column(event.ColCase).Data().Buffers() {
		if buf != nil {
			clear(buf.Bytes())
		}
	}
	slice.Release()
	whole.Release()
	want := live.Batch{
		Events: []live.Event{
			{Case: "case-β", Activity: "Work", Time: t0 + 1, Start: t0, Resource: "ann", Lifecycle: "complete"},
			{Case: "", Activity: "Work", Time: t0 + 2, Resource: "bob"},
			{Case: "c3", Activity: "Close", Time: t0 + 3, Lifecycle: "start"},
		},
		DeadLetters: []live.DeadLetter{{Where: "t/2/7", Reason: "not JSON", At: at.UnixMicro()}},
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("BatchOf\n got %+v\nwant %+v", b, want)
	}
	if _, err := BatchOf([]arrow.Record{}, nil, at); err != nil {
		t.Errorf("no records: %v", err)
	}
}
