// Package ocel owns pmx's object-centric event logs (OCEL 2.0, and the
// OCEL 1.0 JSON that tools still write): reading the JSON, XML and SQLite
// forms into one in-memory Log, storing a Log in the warehouse in tables of
// its own, reading it back, summarising it and flattening it to a classic
// log per object type.
//
// Invariant: a Log is checked whole before anything is stored. Every event
// and object has a unique id, every relation names a declared event and
// object, every time parses; a file that breaks one of these is refused
// with the place (file:line for JSON and XML, table/row for SQLite), the
// field and the reason. Nothing is dropped: attributes pmx does not
// interpret are kept as JSON.
//
// Warehouse tables (created here with CREATE TABLE IF NOT EXISTS, keyed by
// the logs row's log_id; the logs row has format "ocel-json", "ocel-xml" or
// "ocel-sqlite", its events column the OCEL event count and 0 cases and
// activity instances, so pmx logs lists the log, its kind and its size):
//
//	ocel_event_types  (log_id, type, attributes JSON)  declared event types and their attributes
//	ocel_object_types (log_id, type, attributes JSON)  declared object types and their attributes
//	ocel_events       (log_id, event_id, type, ts, seq, attrs JSON)
//	ocel_objects      (log_id, object_id, type, seq)
//	ocel_object_attrs (log_id, object_id, name, ts, value JSON)  ts NULL = initial value
//	ocel_e2o          (log_id, event_id, object_id, qualifier)
//	ocel_o2o          (log_id, source_id, target_id, qualifier)
//
// The logs row is written by the warehouse's import transaction, the ocel_*
// rows right after it by Save; if they fail the log is dropped again, and
// rows of logs that no longer exist are deleted by the next Save.
//
// SQLite is read with modernc.org/sqlite, a pure-Go translation of SQLite:
// DuckDB's sqlite extension is not built into the embedded DuckDB and
// cannot be downloaded at run time, and mattn/go-sqlite3 would link a
// second C SQLite next to DuckDB's static library. The file is opened
// read-only and immutable (mode=ro&immutable=1): pmx never writes it and no
// journal or lock file appears beside it.
//
// It may import ingest/event and ingest/warehouse; it must not import cmd,
// mining, analysis or report.
package ocel
