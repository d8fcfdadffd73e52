package warehouse

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Writing the derived tables: each is an Arrow stream in the table's
// column order, generated batch by batch, so memory holds one batch
// whatever the log's size. Timestamps are plainTimestamp (see insertform.go).

var (
	activitiesSchema = arrow.NewSchema([]arrow.Field{
		{Name: "log_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "act_no", Type: arrow.PrimitiveTypes.Int32},
		{Name: "activity", Type: arrow.BinaryTypes.String},
		{Name: "act_src", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
	stepsSchema = arrow.NewSchema([]arrow.Field{
		{Name: "log_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "case_no", Type: arrow.PrimitiveTypes.Int32},
		{Name: "pos", Type: arrow.PrimitiveTypes.Int32},
		{Name: "act_no", Type: arrow.PrimitiveTypes.Int32},
		{Name: "prev_act_no", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
		{Name: "ts", Type: plainTimestamp},
		{Name: "start_ts", Type: plainTimestamp, Nullable: true},
		{Name: "prev_ts", Type: plainTimestamp, Nullable: true},
		{Name: "seq", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	// case_facts without case_id, which the INSERT takes from cases.
	caseFactsSchema = arrow.NewSchema([]arrow.Field{
		{Name: "log_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "case_no", Type: arrow.PrimitiveTypes.Int32},
		{Name: "variant_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "n", Type: arrow.PrimitiveTypes.Int32},
		{Name: "first_ts", Type: plainTimestamp},
		{Name: "last_ts", Type: plainTimestamp},
		{Name: "first_start_ts", Type: plainTimestamp},
		{Name: "first_act_no", Type: arrow.PrimitiveTypes.Int32},
		{Name: "last_act_no", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
	variantsSchema = arrow.NewSchema([]arrow.Field{
		{Name: "log_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "variant_id", Type: arrow.PrimitiveTypes.Int32},
		{Name: "acts", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)},
		{Name: "cases", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
)

// stepRecordRows is the rows of each steps record: a DuckDB row group (see
// appendview.go for why). Tests lower it to exercise record boundaries.
var stepRecordRows = RowGroupRows

// stepWriter writes the steps of a log range by range, in records of
// exactly stepRecordRows rows; the rows of a last partial record wait for
// the next range, and go out with the final one.
type stepWriter struct {
	b                    *array.RecordBuilder
	logB, caseB, posB    *array.Int32Builder
	actB, prevB          *array.Int32Builder
	tsB, startB, prevTSB *array.TimestampBuilder
	seqB                 *array.Int64Builder
	log                  int32
	rows                 int
	full                 []arrow.Record
}

func newStepWriter(id int64) *stepWriter {
	b := array.NewRecordBuilder(memory.DefaultAllocator, stepsSchema)
	return &stepWriter{b: b, log: int32(id),
		logB: b.Field(0).(*array.Int32Builder), caseB: b.Field(1).(*array.Int32Builder), posB: b.Field(2).(*array.Int32Builder),
		actB: b.Field(3).(*array.Int32Builder), prevB: b.Field(4).(*array.Int32Builder),
		tsB: b.Field(5).(*array.TimestampBuilder), startB: b.Field(6).(*array.TimestampBuilder), prevTSB: b.Field(7).(*array.TimestampBuilder),
		seqB: b.Field(8).(*array.Int64Builder)}
}

func (w *stepWriter) append(s *step) {
	if w.rows == 0 {
		w.b.Reserve(stepRecordRows)
	}
	w.logB.UnsafeAppend(w.log)
	w.caseB.UnsafeAppend(s.caseNo)
	w.posB.UnsafeAppend(s.pos)
	w.actB.UnsafeAppend(s.act)
	if s.prevAct < 0 {
		w.prevB.UnsafeAppendBoolToBitmap(false)
	} else {
		w.prevB.UnsafeAppend(s.prevAct)
	}
	w.tsB.UnsafeAppend(arrow.Timestamp(s.ts))
	appendTime(w.startB, s.start)
	appendTime(w.prevTSB, s.prevTS)
	w.seqB.UnsafeAppend(s.seq)
	if w.rows++; w.rows == stepRecordRows {
		w.full = append(w.full, w.b.NewRecord())
		w.rows = 0
	}
}

// insert stores the steps of cases lo to hi−1, the current range of d,
// and with final the rows still waiting.
func (w *stepWriter) insert(ctx context.Context, tx *txConn, d *deriver, lo, hi int32, final bool) error {
	c := lo
	next := func() arrow.Record {
		for len(w.full) == 0 && c < hi {
			d.walk(c, w.append)
			c++
		}
		if len(w.full) > 0 {
			r := w.full[0]
			w.full = w.full[1:]
			return r
		}
		if final && w.rows > 0 {
			w.rows = 0
			return w.b.NewRecord()
		}
		return nil
	}
	return insertRecords(ctx, tx, "INSERT INTO steps SELECT * FROM %s", stepsSchema, next)
}

func (w *stepWriter) release() {
	releaseAll(w.full)
	w.b.Release()
}

// write stores the log's activities, case facts and variants (d finished).
// case_facts takes each case's id from the cases table.
func (d *deriver) write(ctx context.Context, tx *txConn, id int64) error {
	mem := memory.DefaultAllocator
	log := int32(id)

	ab := array.NewRecordBuilder(mem, activitiesSchema)
	defer ab.Release()
	for no, a := range d.acts {
		ab.Field(0).(*array.Int32Builder).Append(log)
		ab.Field(1).(*array.Int32Builder).Append(int32(no))
		ab.Field(2).(*array.StringBuilder).Append(a.name)
		ab.Field(3).(*array.Int32Builder).Append(a.actSrc)
	}
	if err := insertRecords(ctx, tx, "INSERT INTO activities SELECT * FROM %s", activitiesSchema, onlyBatch(ab.NewRecord())); err != nil {
		return err
	}

	fb := array.NewRecordBuilder(mem, caseFactsSchema)
	defer fb.Release()
	next := 0
	facts := func() arrow.Record {
		if next >= len(d.facts) {
			return nil
		}
		fb.Reserve(RowGroupRows)
		for end := min(next+RowGroupRows, len(d.facts)); next < end; next++ {
			f := &d.facts[next]
			fb.Field(0).(*array.Int32Builder).UnsafeAppend(log)
			fb.Field(1).(*array.Int32Builder).UnsafeAppend(f.caseNo)
			fb.Field(2).(*array.Int32Builder).UnsafeAppend(f.variant + 1)
			fb.Field(3).(*array.Int32Builder).UnsafeAppend(f.n)
			fb.Field(4).(*array.TimestampBuilder).UnsafeAppend(arrow.Timestamp(f.firstTS))
			fb.Field(5).(*array.TimestampBuilder).UnsafeAppend(arrow.Timestamp(f.lastTS))
			fb.Field(6).(*array.TimestampBuilder).UnsafeAppend(arrow.Timestamp(f.firstFrom))
			fb.Field(7).(*array.Int32Builder).UnsafeAppend(f.firstAct)
			fb.Field(8).(*array.Int32Builder).UnsafeAppend(f.lastAct)
		}
		return fb.NewRecord()
	}
	if err := insertRecords(ctx, tx, fmt.Sprintf(`INSERT INTO case_facts SELECT f.log_id, f.case_no, c.case_id, f.variant_id, f.n,
			f.first_ts, f.last_ts, f.first_start_ts, f.first_act_no, f.last_act_no
		FROM %%s f JOIN (SELECT DISTINCT case_no, case_id FROM cases WHERE log_id = %d) c USING (case_no)`, id),
		caseFactsSchema, facts); err != nil {
		return err
	}

	vb := array.NewRecordBuilder(mem, variantsSchema)
	defer vb.Release()
	lb := vb.Field(2).(*array.ListBuilder)
	vals := lb.ValueBuilder().(*array.Int32Builder)
	for i, v := range d.variants {
		vb.Field(0).(*array.Int32Builder).Append(log)
		vb.Field(1).(*array.Int32Builder).Append(int32(i + 1))
		lb.Append(true)
		vals.AppendValues(v.acts, nil)
		vb.Field(3).(*array.Int64Builder).Append(v.cases)
	}
	return insertRecords(ctx, tx, "INSERT INTO variants SELECT * FROM %s", variantsSchema, onlyBatch(vb.NewRecord()))
}

func appendTime(b *array.TimestampBuilder, t int64) {
	if t == event.NoTime {
		b.AppendNull()
	} else {
		b.Append(arrow.Timestamp(t))
	}
}

// onlyBatch is a generator of one record.
func onlyBatch(rec arrow.Record) func() arrow.Record {
	return func() arrow.Record {
		r := rec
		rec = nil
		return r
	}
}

// insertRecords runs query (with %s standing for the records next
// generates until nil, as a view of schema). An empty stream inserts
// nothing. Records are generated a record ahead on a goroutine of their
// own: DuckDB pulls a view's records one at a time, under a lock, so
// generating them inside the pull would leave its threads waiting.
func insertRecords(ctx context.Context, tx *txConn, query string, schema *arrow.Schema, next func() arrow.Record) error {
	first := next()
	if first == nil {
		return nil
	}
	if first.NumRows() == 0 {
		first.Release()
		return nil
	}
	g := &genReader{schema: schema, ch: make(chan arrow.Record, 1), stop: make(chan struct{}), done: make(chan struct{})}
	g.refs.Store(1)
	go func() {
		defer close(g.done)
		defer close(g.ch)
		for rec := first; rec != nil; rec = next() {
			select {
			case g.ch <- rec:
			case <-g.stop:
				rec.Release()
				return
			}
		}
	}()
	err := insertArrow(ctx, tx.conn, tx, g, query)
	// An insert that failed may not have read everything: stop the
	// generator, which uses the caller's state, before returning.
	close(g.stop)
	for rec := range g.ch {
		rec.Release()
	}
	<-g.done
	return err
}

// genReader is an array.RecordReader over generated records.
type genReader struct {
	refs   atomic.Int64
	schema *arrow.Schema
	ch     chan arrow.Record
	stop   chan struct{}
	done   chan struct{}
	cur    arrow.Record
}

func (g *genReader) Retain() { g.refs.Add(1) }
func (g *genReader) Release() {
	if g.refs.Add(-1) == 0 && g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
}
func (g *genReader) Schema() *arrow.Schema          { return g.schema }
func (g *genReader) Record() arrow.Record           { return g.cur }
func (g *genReader) RecordBatch() arrow.RecordBatch { return g.cur }
func (g *genReader) Err() error                     { return nil }
func (g *genReader) Next() bool {
	if g.cur != nil {
		g.cur.Release()
		g.cur = nil
	}
	rec, ok := <-g.ch
	g.cur = rec
	return ok
}

var _ array.RecordReader = (*genReader)(nil)
