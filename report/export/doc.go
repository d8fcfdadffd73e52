// Package export writes a warehouse log to files other tools read: XES
// (IEEE 1849, plain or gzip), CSV (plain or gzip) and Parquet (one file, or
// a hive-partitioned data set log=NAME/month=YYYY-MM/ through DuckDB's COPY).
//
// Invariant: importing an exported file gives back the log: the same
// activity instances (activity, completion and start instants to the
// microsecond, resource, case order), so the same statistics, variants and
// DFG, and the same case and event attributes. XES and Parquet keep the
// attributes' types (numbers, booleans, dates, lists and nested attributes
// in XES; JSON values in Parquet); CSV has no types, so numbers stay numbers
// and every other value becomes its text. Every stored event is written,
// including lifecycle transitions that are not activity instances; an event
// with a start instant on its row becomes a start/complete pair in XES.
//
// It reads the warehouse and writes to the io.Writer or path it is given;
// output files are made safe by report/outfile. It must not import mining,
// analysis or cmd.
package export
