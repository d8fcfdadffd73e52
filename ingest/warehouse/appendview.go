package warehouse

import (
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/pmx-dev/pmx/ingest/event"
)

// How Append shows a batch to DuckDB. Three things decide what an append
// costs, measured with perf on DuckDB 1.5.6 (2 cores, 1M events of the
// Kafka benchmark's shape):
//
//   - Row groups. A transaction that appends at least RowGroupRows rows has
//     them compressed and written to the file as whole row groups while it
//     runs; a smaller one goes through the write-ahead log and is compressed
//     at the next checkpoint. DuckDB's insert hands each Arrow record to one
//     of its threads, and every thread fills row groups of its own, so
//     records that straddle row groups leave partly filled groups behind:
//     those are compressed again at commit, and the next checkpoint reads
//     them back and rewrites them merged ("vacuum"). Records of exactly
//     RowGroupRows rows avoid both: 1M events in batches of two row groups
//     take 1.1–1.4 s with them against 3.5–5.9 s in 64k-row records.
//   - Time zones. A UTC-zoned Arrow timestamp arrives as TIMESTAMPTZ and is
//     cast to the TIMESTAMP columns through ICU calendar arithmetic, a
//     tenth of the insert's CPU. The instants are UTC already, so the view
//     shows them as plain timestamps: same microseconds, no cast.
//   - JSON. A string inserted into the JSON column attrs is parsed again to
//     validate it (5 % of the CPU). The view marks attrs with the canonical
//     arrow.json extension type, which DuckDB takes as JSON as it is: what
//     pmx's readers put in attrs is valid JSON by construction (the Kafka
//     decoder validates every message as DuckDB would, and its fuzz test
//     holds it to that).

// RowGroupRows is the number of rows in a DuckDB row group. Append writes a
// batch of at least this many events straight to the file; callers that
// choose their batch size (the Kafka consumer catching up) make it a
// multiple, built in records of this many rows, which Append then passes
// on without copying.
const RowGroupRows = 122_880

// jsonType is the canonical Arrow extension type arrow.json over strings.
type jsonType struct{ arrow.ExtensionBase }

type jsonArray struct{ array.ExtensionArrayBase }

var jsonStrings = &jsonType{arrow.ExtensionBase{Storage: arrow.BinaryTypes.String}}

func (*jsonType) ArrayType() reflect.Type { return reflect.TypeOf(jsonArray{}) }
func (*jsonType) ExtensionName() string   { return "arrow.json" }
func (*jsonType) Serialize() string       { return "" }
func (t *jsonType) ExtensionEquals(o arrow.ExtensionType) bool {
	return o.ExtensionName() == t.ExtensionName() && arrow.TypeEqual(t.StorageType(), o.StorageType())
}
func (*jsonType) Deserialize(storage arrow.DataType, _ string) (arrow.ExtensionType, error) {
	return &jsonType{arrow.ExtensionBase{Storage: storage}}, nil
}

// plainTimestamp is event.Timestamp without its zone.
var plainTimestamp = &arrow.TimestampType{Unit: arrow.Microsecond}

// viewSchema is storedSchema as Append shows it to DuckDB.
var viewSchema = func() *arrow.Schema {
	fields := append([]arrow.Field{}, storedSchema.Fields()...)
	fields[event.ColTime].Type = plainTimestamp
	fields[event.ColStart].Type = plainTimestamp
	fields[event.ColAttrs].Type = jsonStrings
	return arrow.NewSchema(fields, nil)
}()

// asView returns rec (of storedSchema) as a record of viewSchema sharing
// its buffers; rec stays the caller's to release.
func asView(rec arrow.Record) arrow.Record {
	cols := append([]arrow.Array{}, rec.Columns()...)
	for _, c := range []int{event.ColTime, event.ColStart} {
		d := cols[c].Data()
		nd := array.NewData(plainTimestamp, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
		cols[c] = array.MakeFromData(nd)
		nd.Release()
		defer cols[c].Release()
	}
	cols[event.ColAttrs] = array.NewExtensionArrayWithStorage(jsonStrings, cols[event.ColAttrs])
	defer cols[event.ColAttrs].Release()
	return array.NewRecord(viewSchema, cols, rec.NumRows())
}

// rowGroups cuts recs (of storedSchema, released here) into records of
// RowGroupRows rows and a shorter remainder. A record that already is a
// row group, or holds whole ones, is sliced without copying; only pieces
// that straddle a boundary are copied together.
func rowGroups(recs []arrow.Record) ([]arrow.Record, error) {
	var out, pieces []arrow.Record
	have := 0
	emit := func() error {
		defer func() {
			for _, p := range pieces {
				p.Release()
			}
			pieces, have = pieces[:0], 0
		}()
		if len(pieces) == 1 {
			pieces[0].Retain()
			out = append(out, pieces[0])
			return nil
		}
		rec, err := concatRecords(pieces)
		if err != nil {
			return err
		}
		out = append(out, rec)
		return nil
	}
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	for _, r := range recs {
		n := int(r.NumRows())
		for off := 0; off < n; {
			take := min(RowGroupRows-have, n-off)
			if off == 0 && take == n {
				r.Retain()
				pieces = append(pieces, r)
			} else {
				pieces = append(pieces, r.NewSlice(int64(off), int64(off+take)))
			}
			off += take
			have += take
			if have == RowGroupRows {
				if err := emit(); err != nil {
					releaseAll(out)
					return nil, err
				}
			}
		}
	}
	// The remainder is less than a row group: DuckDB gathers it in one
	// group whatever the records, so it is passed on as it is.
	out = append(out, pieces...)
	return out, nil
}

func concatRecords(recs []arrow.Record) (arrow.Record, error) {
	cols := make([]arrow.Array, recs[0].NumCols())
	parts := make([]arrow.Array, len(recs))
	var n int64
	for _, r := range recs {
		n += r.NumRows()
	}
	for c := range cols {
		for i, r := range recs {
			parts[i] = r.Column(c)
		}
		col, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			releaseAll(cols[:c])
			return nil, err
		}
		cols[c] = col
	}
	defer releaseAll(cols)
	return array.NewRecord(recs[0].Schema(), cols, n), nil
}

func releaseAll[T interface{ Release() }](xs []T) {
	for _, x := range xs {
		x.Release()
	}
}
