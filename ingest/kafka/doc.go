// Package kafka ingests JSON events from Kafka topics into the warehouse,
// exactly once.
//
// Invariant: the warehouse, not the broker, owns consumption progress. Every
// flushed batch is one DuckDB transaction holding its events, its dead
// letters and the next offset of every partition it covers; on start and on
// every partition assignment the consumer resumes from those stored offsets.
// A crash at any moment therefore loses nothing and duplicates nothing.
// Offsets are also committed to the group afterwards, only so that standard
// lag tooling sees progress.
//
// Catching up, a batch is whole DuckDB row groups (buffer.go), which DuckDB
// compresses and writes to the file once, at commit, with a thread per row
// group (settings.go), while the next batch is decoded, partitions in
// parallel (decoders.go). A stream slower than a row group per flush
// interval is flushed as it comes, on one DuckDB thread.
//
// Messages that cannot become events (not JSON, missing case, activity or
// timestamp, unparseable timestamp) go to the dead_letters table with topic,
// partition, offset, key, raw bytes and the reason, in the same transaction;
// they never stop the stream.
//
// The ingester is a static group member by default (member.go): its
// instance id is derived from the group, the warehouse file and the host,
// so a restart after a crash takes its partitions back at once instead of
// after the session timeout; the DuckDB file lock keeps two processes with
// the same id from running at once. Transient group and broker errors are
// retried until the context ends; start-up fails fast, and failures that
// retrying cannot mend stop the ingestion, worded with the broker and the
// cause (failure.go).
//
// It builds on franz-go (kgo) and ingest/warehouse; it must not import
// mining, analysis, report or cmd.
package kafka
