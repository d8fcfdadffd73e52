// Package outfile writes the files pmx produces (reports, models, exported
// logs) without ever destroying something else: a path that is one of the
// command's inputs, the warehouse or its write-ahead log, or any DuckDB
// database is refused before anything is written, and the content goes to a
// temporary file in the target's directory that is synced and renamed into
// place, so a failure or a kill leaves the old file (or none), never half a
// file.
//
// It owns that rule and nothing else; it knows no file format beyond
// recognising a DuckDB database by its header. It must not import ingest,
// mining, analysis or cmd.
//
// Invariant: Write either replaces path with the complete new content, or
// returns an error and leaves every existing file as it was.
package outfile
