// Package alpha discovers Petri nets with the Alpha algorithm (van der
// Aalst, Weijters and Maruster, "Workflow mining: discovering process models
// from event logs", IEEE TKDE 16(9), 2004) and its Alpha+ extension for
// short loops (de Medeiros, van Dongen, van der Aalst and Weijters, "Process
// mining: extending the α-algorithm to mine short loops", BETA WP 113, 2004).
//
// It owns the ordering relations of a log (>, →, ||, #, and Alpha+'s △ and
// ◇), the search for maximal place pairs (A,B) and the construction of the
// resulting net. Both miners read a compact eventlog.Log and return a
// *petri.Net whose initial marking is one token on a source place and whose
// final marking is one token on a sink place, laid out as PM4Py 2.7 lays out
// its nets, so that the two can be compared place by place.
//
// Invariant: every internal place of a classic Alpha net is a maximal pair
// (A,B) with A×B ⊆ →, A#A and B#B; the nets depend only on the set of
// variants, never on their order or counts.
//
// It must not import database/sql, the DuckDB driver, ingest, report or cmd.
package alpha
