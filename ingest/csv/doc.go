// Package csv reads CSV event logs into pmx's canonical events: it owns
// the CSV dialect (delimiter detection, RFC 4180 quoting, BOM, CRLF, gzip
// input), the mapping of columns to event fields, timestamp detection and
// parsing, and the split of the remaining columns into case and event
// attributes. It hands what it decodes to an event.Builder, which batches
// it into Arrow records for an event.Sink.
//
// Columns. Mapping names the case, activity, time, start, resource and
// lifecycle columns; an empty name is auto-detected from the header
// (case-insensitively, ignoring spaces, underscores and dashes) by the
// alias lists in columns.go, e.g. case:concept:name / Case ID / caseid,
// concept:name / Activity / Event, time:timestamp / Complete Timestamp /
// Timestamp / Date, start_timestamp / Start Time, org:resource / Resource /
// User, lifecycle:transition / Event Type. A header missing a required
// column (case, activity, time) is an error that lists the header.
// Mapping "-" for an optional role keeps detection from claiming a column.
// Nothing is dropped: every other column named case:<x> is a case
// attribute <x>, emitted once per case (Builder.AppendCase at the case's
// first good row, with nil attributes when it has none; later rows do not
// change them), and every other column is an event attribute under its
// header name. Empty cells are omitted; a cell that is a JSON number is
// stored as a number with its text verbatim, any other cell as a string.
//
// Timestamps. Options.TimeFormat is a Go layout (or "unix", "unixms",
// "unixus"). A numeric layout is parsed by the fast parser below in the
// layout's day/month order, which also accepts the other forms of that
// family (any fraction, any offset form); every value the layout itself
// accepts is accepted. When TimeFormat is empty, the format is detected
// from the first 1000
// non-empty values of the column: ISO 8601 / RFC 3339 with 'T' or space,
// any number of fraction digits, with an offset (Z, ±hh:mm, ±hhmm, ±hh,
// UTC) or without; 2006/01/02 15:04:05; day-first and month-first dates
// with '/', '-' or '.' (02-01-2006 15:04, 01/02/2006 15:04:05,
// 1/2/2006 3:04:05 PM, two-digit years); date only; Unix seconds or
// milliseconds; and a list of Go layouts with month names. The order of
// day and month is settled by the sample: a first field above 12 means
// day-first, a second field above 12 month-first. While every value
// sampled fits both, sampling continues (up to 16 MiB of input) until one
// settles it; if none does, day-first is chosen (ISO is preferred over
// both whenever it fits). Values with an offset become that instant;
// values without one are read in Options.Location (UTC when nil), with
// time.Date's choice in DST gaps and overlaps. Events carry UTC
// microseconds; further fraction digits are truncated. A start column
// uses the time column's format whenever that fits its values as well.
//
// Rows. Line numbers are physical lines of the input (the header is line
// 1), right across quoted fields holding line breaks. A row with the wrong
// number of fields, an empty case, activity or timestamp, or a timestamp
// that does not parse fails the read with an *event.SourceError (Unit
// "line") or, with Options.Rejects, goes to Sink.Reject with its line,
// the reason and its raw text, and reading goes on. Empty lines are
// skipped. Seq is the data row's index (0-based, rejected rows included).
// Strings that are not valid UTF-8 get U+FFFD for the bad bytes.
//
// Speed. Read is a pipeline: one goroutine reads and splits the input
// into blocks of records (lines without quotes are cut eight bytes at a
// time; lines with quotes take the RFC 4180 path), workers turn blocks into
// events (hand-rolled timestamp parsing with value and date caches,
// zero-copy strings, attribute JSON with pre-encoded keys; no state across
// blocks), and the calling goroutine hands them in input order to the
// Builder and the sink, keeping the set of case ids seen and sizing each
// Arrow batch from the rows so far (event.Builder.ReserveData). Sink
// methods are only ever called from the calling goroutine. Memory is a few
// 512 KiB blocks in flight, one batch being built and the set of case ids.
//
// This package must not import the warehouse, DuckDB, mining, analysis or
// report: readers only produce canonical events.
package csv
