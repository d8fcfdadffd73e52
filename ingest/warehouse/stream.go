package warehouse

import (
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/pmx-dev/pmx/ingest/event"
)

// stream is the event.Sink an import hands to its reader. Event batches flow
// through a small channel into DuckDB's Arrow scan while the reader is still
// decoding, so decoding and inserting overlap and memory holds only a few
// batches. Cases and rejects are few; they are kept until the events are in.
type stream struct {
	ch   chan arrow.Record
	done chan struct{} // closed when the consumer stops early (DuckDB error)

	cases   []arrow.Record
	rejects *array.RecordBuilder
	nRej    int64
	source  string
	logName string

	mu      sync.Mutex // guards dict, cases and rejects
	dict    *dict
	events  atomic.Int64
	onBatch func(int64)

	collect collector // used by the reader's goroutine only
}

var rejectSchema = arrow.NewSchema([]arrow.Field{
	{Name: "log_name", Type: arrow.BinaryTypes.String},
	{Name: "source", Type: arrow.BinaryTypes.String},
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "reason", Type: arrow.BinaryTypes.String},
	{Name: "raw", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// colCaseNo is the position of case_no in storedSchema; act_src follows it.
var colCaseNo = event.Schema.NumFields()

func newStream(logName, source string) *stream {
	return &stream{
		ch: make(chan arrow.Record, 1), done: make(chan struct{}),
		rejects: array.NewRecordBuilder(memory.DefaultAllocator, rejectSchema),
		source:  source, logName: logName, dict: newDict(),
	}
}

func (s *stream) Events(rec arrow.Record) error {
	s.mu.Lock()
	enc := s.dict.encodeEvents(rec)
	s.mu.Unlock()
	rec.Release()
	s.collect.add(enc)
	rec = asView(enc)
	enc.Release()
	n := s.events.Add(rec.NumRows())
	if s.onBatch != nil {
		s.onBatch(n)
	}
	select {
	case s.ch <- rec:
		return nil
	case <-s.done:
		rec.Release()
		return errConsumerStopped
	}
}

func (s *stream) Cases(rec arrow.Record) error {
	s.mu.Lock()
	s.cases = append(s.cases, asCasesView(s.dict.encodeCases(rec)))
	s.mu.Unlock()
	return nil
}

func (s *stream) Reject(line int64, reason, raw string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejects.Field(0).(*array.StringBuilder).Append(s.logName)
	s.rejects.Field(1).(*array.StringBuilder).Append(s.source)
	s.rejects.Field(2).(*array.Int64Builder).Append(line)
	s.rejects.Field(3).(*array.StringBuilder).Append(reason)
	s.rejects.Field(4).(*array.StringBuilder).Append(raw)
	s.nRej++
	return nil
}

// closeEvents ends the event stream: the reader has returned. Cases seen
// only in events get their cases row now.
func (s *stream) closeEvents() {
	close(s.ch)
	s.mu.Lock()
	if rec := s.dict.missingCases(); rec != nil {
		s.cases = append(s.cases, asCasesView(rec))
	}
	s.mu.Unlock()
}

// stop tells a reader still producing that nobody will consume any more, and
// drains what is buffered.
func (s *stream) stop() {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
}

// prepare derives the log from the events collected (nil when they were
// too many); call it once the reader is done.
func (s *stream) prepare() *prepared {
	s.mu.Lock()
	names := make([]string, len(s.dict.acts))
	for a, no := range s.dict.acts {
		names[no] = a
	}
	cases := int32(len(s.dict.caseNames))
	s.mu.Unlock()
	return s.collect.prepare(names, cases)
}

// takeCases hands over the cases rows gathered so far, and takeRejects
// the rejects (nil when none).
func (s *stream) takeCases() []arrow.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.cases
	s.cases = nil
	return c
}

func (s *stream) takeRejects() arrow.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rejects.Field(0).Len() == 0 {
		return nil
	}
	return s.rejects.NewRecord()
}

func (s *stream) release() {
	for _, r := range s.cases {
		r.Release()
	}
	s.cases = nil
	s.rejects.Release()
}

// chanReader adapts the event channel to array.RecordReader, the shape
// duckdb-go's RegisterView scans. It ends after about budget rows (the
// record that reaches it is the last), or when the channel closes.
type chanReader struct {
	refs   atomic.Int64
	ch     <-chan arrow.Record
	cur    arrow.Record
	budget int64
	closed bool // the channel is closed: the stream has ended
}

func newChanReader(ch <-chan arrow.Record, budget int64) *chanReader {
	r := &chanReader{ch: ch, budget: budget}
	r.refs.Store(1)
	return r
}

func (r *chanReader) Retain() { r.refs.Add(1) }
func (r *chanReader) Release() {
	if r.refs.Add(-1) == 0 && r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}
func (r *chanReader) Schema() *arrow.Schema { return viewSchema }
func (r *chanReader) Record() arrow.Record  { return r.cur }

// RecordBatch is Record under arrow-go v18's name.
func (r *chanReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *chanReader) Err() error                     { return nil }
func (r *chanReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.budget <= 0 {
		return false
	}
	rec, ok := <-r.ch
	if !ok {
		r.closed = true
		return false
	}
	r.cur = rec
	r.budget -= rec.NumRows()
	return true
}

var _ array.RecordReader = (*chanReader)(nil)
