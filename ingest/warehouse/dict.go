package warehouse

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Dictionary encoding at the stream. Deriving activity instances orders
// every case's events; keyed by strings that costs DuckDB a join of every
// event against the case list, keyed by integers it is a plain window. A Go
// map lookup per event on the reader's goroutine is far cheaper, so the
// stream numbers cases and activities in order of first appearance and adds
// them to each batch as case_no and act_src.

// storedSchema is event.Schema plus the dictionary columns, in the column
// order of the events table after log_id.
var storedSchema = arrow.NewSchema(append(append([]arrow.Field{}, event.Schema.Fields()...),
	arrow.Field{Name: "case_no", Type: arrow.PrimitiveTypes.Int32},
	arrow.Field{Name: "act_src", Type: arrow.PrimitiveTypes.Int32},
), nil)

// storedCaseSchema is event.CaseSchema plus case_no.
var storedCaseSchema = arrow.NewSchema(append(append([]arrow.Field{}, event.CaseSchema.Fields()...),
	arrow.Field{Name: "case_no", Type: arrow.PrimitiveTypes.Int32},
), nil)

type dict struct {
	cases     map[string]int32
	acts      map[string]int32
	caseNames []string // case_no → case id
	hasRow    []bool   // case_no → a cases row was written
	pending   []int32  // case_nos numbered since the last markCases
	lastCase  string
	lastNo    int32
}

func newDict() *dict {
	return &dict{cases: map[string]int32{}, acts: map[string]int32{}, lastNo: -1}
}

func (d *dict) caseNo(id string) int32 {
	// Events of a case mostly arrive together: skip the map for repeats.
	if d.lastNo >= 0 && id == d.lastCase {
		return d.lastNo
	}
	no, ok := d.cases[id]
	if !ok {
		no = int32(len(d.caseNames))
		id = string([]byte(id)) // own the bytes: the record's buffer is released later
		d.cases[id] = no
		d.caseNames = append(d.caseNames, id)
		d.hasRow = append(d.hasRow, false)
		d.pending = append(d.pending, no)
	}
	d.lastCase, d.lastNo = id, no
	return no
}

func (d *dict) actNo(a string) int32 {
	no, ok := d.acts[a]
	if !ok {
		no = int32(len(d.acts))
		d.acts[string([]byte(a))] = no
	}
	return no
}

// encodeEvents returns rec with case_no and act_src appended; rec stays the
// caller's to release.
func (d *dict) encodeEvents(rec arrow.Record) arrow.Record {
	n := int(rec.NumRows())
	cases := rec.Column(event.ColCase).(*array.String)
	acts := rec.Column(event.ColActivity).(*array.String)
	cb := array.NewInt32Builder(memory.DefaultAllocator)
	ab := array.NewInt32Builder(memory.DefaultAllocator)
	defer cb.Release()
	defer ab.Release()
	cb.Reserve(n)
	ab.Reserve(n)
	var lastAct string
	var lastActNo int32 = -1
	for i := 0; i < n; i++ {
		cb.UnsafeAppend(d.caseNo(cases.Value(i)))
		a := acts.Value(i)
		if lastActNo < 0 || a != lastAct {
			lastAct, lastActNo = a, d.actNo(a)
		}
		ab.UnsafeAppend(lastActNo)
	}
	cn, an := cb.NewArray(), ab.NewArray()
	defer cn.Release()
	defer an.Release()
	cols := append(append([]arrow.Array{}, rec.Columns()...), cn, an)
	return array.NewRecord(storedSchema, cols, int64(n))
}

// encodeCases returns rec with case_no appended and marks those cases as
// having a row (rec is released).
func (d *dict) encodeCases(rec arrow.Record) arrow.Record {
	defer rec.Release()
	n := int(rec.NumRows())
	ids := rec.Column(0).(*array.String)
	b := array.NewInt32Builder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		no := d.caseNo(ids.Value(i))
		d.hasRow[no] = true
		b.UnsafeAppend(no)
	}
	arr := b.NewArray()
	defer arr.Release()
	return array.NewRecord(storedCaseSchema, []arrow.Array{rec.Column(0), rec.Column(1), arr}, int64(n))
}

// restoreCase registers a stored case under its stored number (an Appender
// continuing a log).
func (d *dict) restoreCase(id string, no int32) {
	d.cases[id] = no
	for int(no) >= len(d.caseNames) {
		d.caseNames = append(d.caseNames, "")
		d.hasRow = append(d.hasRow, false)
	}
	d.caseNames[no], d.hasRow[no] = id, true
}

// pendingCases is missingCases for an Appender: the record of cases without
// a row and their numbers, to be marked once the rows are committed.
func (d *dict) pendingCases() (arrow.Record, []int32) {
	rec := d.missingCases()
	if rec == nil {
		return nil, nil
	}
	return rec, append([]int32(nil), d.pending...)
}

func (d *dict) markCases(nos []int32) {
	for _, no := range nos {
		d.hasRow[no] = true
	}
	d.pending = d.pending[:0]
}

// missingCases returns a record with a row (no attributes) for every case
// that has events but no cases row, or nil when there is none: every case
// must be in the cases table, whatever the reader did.
func (d *dict) missingCases() arrow.Record {
	b := array.NewRecordBuilder(memory.DefaultAllocator, storedCaseSchema)
	defer b.Release()
	for _, no := range d.pending {
		if !d.hasRow[no] {
			b.Field(0).(*array.StringBuilder).Append(d.caseNames[no])
			b.Field(1).AppendNull()
			b.Field(2).(*array.Int32Builder).Append(no)
		}
	}
	if b.Field(0).Len() == 0 {
		return nil
	}
	return b.NewRecord()
}

// dictMark is a dictionary state to roll back to when a batch that numbered
// new cases or activities is not stored.
type dictMark struct{ cases, acts, pending int }

func (d *dict) mark() dictMark { return dictMark{len(d.caseNames), len(d.acts), len(d.pending)} }

func (d *dict) rollback(m dictMark) {
	for _, id := range d.caseNames[m.cases:] {
		delete(d.cases, id)
	}
	d.caseNames, d.hasRow, d.pending = d.caseNames[:m.cases], d.hasRow[:m.cases], d.pending[:m.pending]
	for a, no := range d.acts {
		if int(no) >= m.acts {
			delete(d.acts, a)
		}
	}
	d.lastNo = -1
}
