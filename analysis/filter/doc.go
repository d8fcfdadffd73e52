// Package filter owns pmx's log filters: the criteria a user can combine
// (time frame, variants, activities, attribute expressions, case
// performance, directly-follows, rework), the small expression language of
// --where, and their translation to the SQL that ingest/warehouse.Derive
// runs to copy the kept rows into a new, derived log.
//
// Invariant: no text the user gives is ever spliced into SQL. Activity
// names, attribute names and values, instants and numbers reach DuckDB only
// as bound parameters; the SQL text is built from fixed fragments chosen by
// the parsed criteria. An attribute expression can therefore read attribute
// values and nothing else: no functions, no subqueries, no other tables.
//
// Criteria combine with AND. A case is kept when it meets every case
// criterion; --trim and --keep-activities then choose which of a kept
// case's events are copied (a case left with none is dropped).
//
// It imports ingest/warehouse (to run the copy) and must not import cmd,
// mining or report.
package filter
