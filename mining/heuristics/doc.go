// Package heuristics discovers process models with the Heuristics Miner
// (A.J.M.M. Weijters, W.M.P. van der Aalst and A.K. Alves de Medeiros,
// "Process Mining with the HeuristicsMiner Algorithm", BETA WP 166, 2006),
// in the variant PM4Py 2.7 implements, and converts the result into a Petri
// net the way PM4Py's heuristics-net converter does.
//
// It owns the frequency-based measures (dependency, AND, length-two loop),
// the causal net they define (Net: activities, dependency arcs and the
// input/output bindings of every activity) and its translation into a
// labelled Petri net with silent transitions for the splits and joins.
//
// Invariant: Discover depends only on the variants and their counts (never
// on their order), and Net.Petri on the Net alone; the same log gives the
// same net, with the same IDs, every time.
//
// It must not import database/sql, the DuckDB driver, ingest, report or cmd.
package heuristics
