// Package quality evaluates a Petri net against a log in one call — fitness
// by token replay or by alignments, precision, generalization, simplicity,
// and where the log and the model disagree — and returns one typed Result
// that the CLI prints and the report shows.
//
// It composes mining/conformance; it must not import database/sql, the
// DuckDB driver, ingest, report or cmd, and does no I/O.
//
// Invariant: budgets make a Result partial, never an error — variants
// left unaligned with their reason, fitness marked as a lower bound or
// null, precision NaN — and the Result says which. Errors are kept for
// what cannot be checked at all (an invalid net, one without a final
// marking, one too large for the memory budget: conformance.ErrMemory, an
// unknown method) and for cancellation.
package quality
