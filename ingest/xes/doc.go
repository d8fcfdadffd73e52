// Package xes reads XES (IEEE 1849) event logs, plain or gzip-compressed,
// into pmx's canonical event records (ingest/event).
//
// It owns the XES-to-canonical mapping (case = trace concept:name, activity =
// concept:name or a declared classifier, ts = time:timestamp in UTC µs,
// resource, lifecycle, every other attribute as typed JSON) and the
// streaming XML scanner underneath it.
//
// Invariants:
//   - Memory is flat in file size: the scanner holds one buffer that grows
//     only to the largest single event, and events leave in Arrow batches as
//     they are read. Only events of a trace whose concept:name has not been
//     seen yet are held back, until it appears.
//   - Entities are never expanded beyond the five predefined ones and
//     numeric character references. A DOCTYPE declaring entities is refused,
//     any other DOCTYPE is ignored, and nothing outside the input is read.
//   - No input panics: malformed XML is an *event.SourceError with its line,
//     an event that cannot become canonical is a reject or an error, as the
//     caller chose.
//
// It must not import the warehouse, DuckDB, mining, analysis or report: it
// hands record batches to an event.Sink and knows nothing of where they go.
package xes
