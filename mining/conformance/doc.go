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
// Every variant search has a state budget, a memory share and optionally a
// time budget: a variant that exceeds one is reported unaligned, with the
// reason and its case count, never a hang. The cheapest model run (the
// alignment of the empty trace, which every fitness formula needs) falls
// back to a lower bound when its own search is over budget; the fitness
// figures are then lower bounds, and the result says so (see Align). A
// final marking that no run can reach (structurally, or by the marking
// equation) is found up front: every variant is then unaligned.
//
// Memory is bounded by a budget (MaxMemory in every options struct,
// DefaultMaxMemory when zero) and by the net's size, as budget.go
// documents: markings are stored sparsely, per-net tables are lazy, and a
// net whose compiled form alone does not fit is refused with ErrMemory.
//
// It owns conformance algorithms over plain values (eventlog.Log,
// petri.Net) and returns plain values. It must not import database/sql, the
// DuckDB driver, ingest, report or cmd, and does no I/O.
//
// Invariants: every variant of the log is replayed or aligned exactly once,
// and results are weighted by the variant's case count; the same log and net
// give the same numbers on every run and any number of workers.
package conformance
