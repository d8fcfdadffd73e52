// Package units owns how pmx writes quantities for people: durations, counts
// and shares, in the CLI's text output, in the sentences analyses state as
// findings, and in the HTML report. One helper for all three, so the same
// figure reads the same everywhere ("2.8 d" on the terminal and in the
// report, never "39.9d" next to "2.8 d").
//
// It is a leaf: it imports only the standard library, and must not import
// ingest, mining, report, cmd or any other analysis package.
//
// Invariant: every function is total. NaN and ±Inf render as "–" and never
// panic, negative values keep their sign, and the same value always gives the
// same bytes.
package units
