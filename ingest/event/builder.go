package event

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// DefaultBatchRows is the number of rows per record batch: large enough that
// per-batch overhead (cgo crossing, DuckDB vector setup) vanishes, small
// enough that memory stays a few MiB whatever the file size. It is half a
// DuckDB row group (122,880 rows): DuckDB's insert fills a row group per
// thread from whole records, and with records that divide a row group the
// groups come out whole (records that straddle them leave partly filled
// groups, which cost a second compression).
const DefaultBatchRows = 61_440

// NoTime marks an absent optional instant (start_ts).
const NoTime int64 = -1 << 63

// Event is one decoded event. Times are UTC microseconds since the Unix
// epoch. Empty Resource/Lifecycle and nil Attrs are stored as NULL.
type Event struct {
	Case      string
	Activity  string
	Time      int64
	Start     int64 // NoTime when absent
	Resource  string
	Lifecycle string
	Seq       int64
	Attrs     []byte // JSON object or nil
}

// Builder accumulates events and cases into record batches of Schema and
// CaseSchema and hands each full batch to the sink. It is not safe for
// concurrent use.
type Builder struct {
	sink      Sink
	batchRows int
	ev        *array.RecordBuilder
	cs        *array.RecordBuilder

	caseB, actB, resB, lcB, attrB *array.StringBuilder
	tsB, startB                   *array.TimestampBuilder
	seqB                          *array.Int64Builder
	csIDB, csAttrB                *array.StringBuilder
	n, nc                         int
	// dataHint[i] is the string bytes column i used in the last batch; the
	// next batch reserves that much up front instead of regrowing.
	dataHint [numCols]int
}

// NewBuilder returns a Builder flushing every batchRows rows (0 = DefaultBatchRows).
func NewBuilder(sink Sink, batchRows int) *Builder {
	if batchRows <= 0 {
		batchRows = DefaultBatchRows
	}
	mem := memory.DefaultAllocator
	b := &Builder{sink: sink, batchRows: batchRows,
		ev: array.NewRecordBuilder(mem, Schema), cs: array.NewRecordBuilder(mem, CaseSchema)}
	b.caseB = b.ev.Field(ColCase).(*array.StringBuilder)
	b.actB = b.ev.Field(ColActivity).(*array.StringBuilder)
	b.tsB = b.ev.Field(ColTime).(*array.TimestampBuilder)
	b.startB = b.ev.Field(ColStart).(*array.TimestampBuilder)
	b.resB = b.ev.Field(ColResource).(*array.StringBuilder)
	b.lcB = b.ev.Field(ColLifecycle).(*array.StringBuilder)
	b.seqB = b.ev.Field(ColSeq).(*array.Int64Builder)
	b.attrB = b.ev.Field(ColAttrs).(*array.StringBuilder)
	b.csIDB = b.cs.Field(0).(*array.StringBuilder)
	b.csAttrB = b.cs.Field(1).(*array.StringBuilder)
	b.reserve()
	return b
}

func (b *Builder) reserve() {
	b.ev.Reserve(b.batchRows)
	for i, sb := range []*array.StringBuilder{b.caseB, b.actB, b.resB, b.lcB, b.attrB} {
		col := [...]int{ColCase, ColActivity, ColResource, ColLifecycle, ColAttrs}[i]
		if h := b.dataHint[col]; h > 0 {
			sb.ReserveData(h + h/8)
		}
	}
}

// Append adds one event, flushing a full batch to the sink.
func (b *Builder) Append(e *Event) error {
	b.caseB.Append(e.Case)
	b.actB.Append(e.Activity)
	b.tsB.Append(arrow.Timestamp(e.Time))
	if e.Start == NoTime {
		b.startB.AppendNull()
	} else {
		b.startB.Append(arrow.Timestamp(e.Start))
	}
	appendOpt(b.resB, e.Resource)
	appendOpt(b.lcB, e.Lifecycle)
	b.seqB.Append(e.Seq)
	if e.Attrs == nil {
		b.attrB.AppendNull()
	} else {
		b.attrB.BinaryBuilder.Append(e.Attrs)
	}
	b.n++
	if b.n >= b.batchRows {
		return b.flushEvents()
	}
	return nil
}

// AppendCase adds the attributes of one case (attrs: JSON object or nil).
func (b *Builder) AppendCase(id string, attrs []byte) error {
	b.csIDB.Append(id)
	if attrs == nil {
		b.csAttrB.AppendNull()
	} else {
		b.csAttrB.BinaryBuilder.Append(attrs)
	}
	b.nc++
	if b.nc >= b.batchRows {
		return b.flushCases()
	}
	return nil
}

func appendOpt(sb *array.StringBuilder, s string) {
	if s == "" {
		sb.AppendNull()
	} else {
		sb.Append(s)
	}
}

func (b *Builder) flushEvents() error {
	if b.n == 0 {
		return nil
	}
	b.dataHint[ColCase] = b.caseB.DataLen()
	b.dataHint[ColActivity] = b.actB.DataLen()
	b.dataHint[ColResource] = b.resB.DataLen()
	b.dataHint[ColLifecycle] = b.lcB.DataLen()
	b.dataHint[ColAttrs] = b.attrB.DataLen()
	rec := b.ev.NewRecord()
	b.n = 0
	b.reserve()
	return b.sink.Events(rec)
}

func (b *Builder) flushCases() error {
	if b.nc == 0 {
		return nil
	}
	rec := b.cs.NewRecord()
	b.nc = 0
	return b.sink.Cases(rec)
}

// Flush hands any partial batches to the sink. Call it once at the end.
func (b *Builder) Flush() error {
	if err := b.flushEvents(); err != nil {
		return err
	}
	return b.flushCases()
}

// Release frees the builders' buffers.
func (b *Builder) Release() {
	b.ev.Release()
	b.cs.Release()
}

// IsStandardLifecycle reports whether v (any case) is a standard XES transition.
func IsStandardLifecycle(v string) bool {
	for _, s := range StandardLifecycle {
		if len(s) == len(v) && equalFoldASCII(s, v) {
			return true
		}
	}
	return false
}

func equalFoldASCII(a, b string) bool {
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
