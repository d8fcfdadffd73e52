// Package conformance checks an event log against a Petri net: token-based
// replay, optimal alignments, and the quality measures built on them
// (ETConformance precision on alignments and on token replay, token-based
// generalization, arc-degree simplicity).
//
// The figures are PM4Py's (2.7.23), reproduced from its published
// definitions and observable behaviour, so that a pmx number can be checked
// against a PM4Py number: token replay follows PM4Py's replay heuristics
// (shortest invisible paths to enable a transition, missing tokens inserted
// otherwise, invisible paths to the final marking at the end); alignments use
// PM4Py's standard cost function (10000 per log or visible model move, 1 per
// silent move, 0 per synchronous move) and its fitness formulas.
//
// Alignments are found by A* over (marking, trace position). When the net's
// reachability graph is small enough it is built once and gives an exact,
// cheap heuristic (see searcher); otherwise a weaker structural one is used.
// Every variant search has a state budget (and optionally a time budget): a
// variant that exceeds it is reported unaligned, never a hang.
//
// It owns conformance algorithms over plain values (eventlog.Log,
// petri.Net) and returns plain values. It must not import database/sql, the
// DuckDB driver, ingest, report or cmd, and does no I/O.
//
// Invariants: every variant of the log is replayed or aligned exactly once,
// and results are weighted by the variant's case count; the same log and net
// give the same numbers on every run and any number of workers.
package conformance
