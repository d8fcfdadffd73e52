// Package mining is the home of pmx's process-discovery and conformance
// algorithms (DFG filtering, Alpha, Heuristics, Inductive Miner; token
// replay and alignments), one sub-package per algorithm family.
//
// Invariant: algorithms are pure Go over a compact in-memory log (activity
// dictionary, variants as integer sequences with counts) and return plain
// values. No SQL, no files, no printing: mining must not import
// database/sql, the DuckDB driver, ingest, report or cmd (the one exception
// is the test-support package mining/internal/testlogs, which reads the
// shared XES logs for tests and benchmarks).
package mining
