// Package ingest brings event logs from files into the warehouse: it picks
// the reader for a file's format (XES, CSV, Parquet), names the log, and runs
// the import as one transaction.
//
// The readers live in sub-packages (ingest/xes, ingest/csv), the canonical
// schema in ingest/event and the store in ingest/warehouse. This package
// wires them; it must not import mining, analysis, report or cmd.
package ingest
