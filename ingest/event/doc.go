// Package event owns pmx's canonical event record: the Arrow schema every reader
// produces, the matching DuckDB DDL, and the Builder that turns decoded events
// into Arrow record batches.
//
// Invariants:
//   - The schema is defined here and nowhere else. Readers (ingest/xes,
//     ingest/csv, the Kafka consumer) adapt to it; the warehouse creates its
//     tables from the DDL next to it, so the two cannot drift apart.
//   - Timestamps are UTC instants with microsecond precision (Arrow
//     timestamp[us, UTC], DuckDB TIMESTAMP holding UTC).
//   - Nothing a source carries is dropped: attributes that have no canonical
//     column are kept in a JSON object (attrs), and rows that cannot be read go
//     to the sink's Reject with their source position and the reason.
//
// This package must not import the warehouse, DuckDB, mining, analysis or
// report: it is the vocabulary the rest of ingest shares.
package event
