// Package warehouse owns pmx's embedded DuckDB event warehouse: opening the
// database file, schema versions and migrations, atomic per-file imports of
// Arrow record batches, and the derived tables analyses read; and the ways
// out: a log's events as Arrow (ScanEvents, ReadArrow), as Parquet files
// (WriteParquet, WriteParquetDir: the columns of pmx export), and the
// read-only connection for analysts' SQL (OpenReadOnly: no writes, no
// access to other files, the views and macros of AnalystSQL).
//
// Invariants:
//   - An import is one transaction: either the whole log (events, cases,
//     derived facts, its logs row and its rejects) is visible, or none of it.
//   - Rows arrive as Arrow record batches through duckdb-go's Arrow interface (build tag duckdb_arrow)
//     (streaming INSERT ... SELECT statements of up to eight row groups each), never as row-by-row INSERTs.
//   - Derived columns (instance, start_ts pairing, pos, prev_activity,
//     prev_ts) and the case_facts/variants tables are recomputed from the
//     stored canonical columns (read back through Arrow, derived in Go:
//     instances.go); they are never written by readers.
//   - A ReadOnly never changes the file: DuckDB attaches it read-only, with
//     external access off and the configuration locked.
//
// It imports the canonical schema from ingest/event and must not import the
// readers' callers (cmd), mining, analysis or report.
package warehouse
