package warehouse

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// An import shows its rows to DuckDB as Append does (appendview.go):
// events as viewSchema (instants as plain timestamps, attrs as arrow.json),
// and cases as casesViewSchema below, so that neither is converted again
// on its way into the tables.

// casesViewSchema is storedCaseSchema with attrs as arrow.json.
var casesViewSchema = func() *arrow.Schema {
	f := storedCaseSchema.Fields()
	f[1].Type = jsonStrings
	return arrow.NewSchema(f, nil)
}()

// asCasesView returns rec (of storedCaseSchema) as a record of
// casesViewSchema sharing its buffers; rec is released.
func asCasesView(rec arrow.Record) arrow.Record {
	defer rec.Release()
	cols := append([]arrow.Array{}, rec.Columns()...)
	cols[1] = array.NewExtensionArrayWithStorage(jsonStrings, cols[1])
	defer cols[1].Release()
	return array.NewRecord(casesViewSchema, cols, rec.NumRows())
}
