// Package inductive discovers process trees with the Inductive Miner
// family (Leemans, Fahland and van der Aalst):
//
//   - IM: the basic Inductive Miner (PN 2013): base cases, then the
//     exclusive-choice, sequence, concurrency and loop cuts of the
//     directly-follows graph, then the fall-throughs (empty traces,
//     activity once per trace, activity concurrent, strict tau loop, tau
//     loop, flower model).
//   - IMf: the infrequent variant (BPI 2013) with a relative noise
//     threshold (DefaultNoise = 0.2).
//   - IMd: the directly-follows variant (2015/2018) that recurses on the
//     graph alone, for logs too large to split.
//
// Results follow PM4Py 2.7 (pm4py.algo.discovery.inductive), which the
// tests compare against: its strict sequence cut, its loop cut with one
// merged redo part, its IMf scheme (cut the unfiltered graph, else cut a
// noise-filtered graph and split the log by that cut, else fall through on
// the unfiltered log), its empty-trace handling (X(tau, ...), under IMf only
// when empty traces exceed the noise share) and its final folding of the
// tree. The code is written from the papers and from that observed
// behaviour; comments name the places where PM4Py deviates from the papers.
//
// Everything works on integer activity indices and variants with case
// counts: a split never expands cases, and equal sub-traces are merged again
// after every split, so the cost depends on the number of distinct traces,
// not on the number of cases.
//
// Invariants: IM returns a tree whose language contains every trace of the
// log (alignment fitness 1); every result is folded (no operator with one
// child, no nested operator of the same kind under ->, X and +, no tau
// under -> and +, at most one tau under X). The package must not import
// database/sql, the DuckDB driver, ingest, report or cmd; it reads a
// mining/eventlog.Log or DFG and returns a mining/tree.Node.
package inductive
