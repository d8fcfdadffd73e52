// Package tree holds process trees (the Inductive Miner's models): leaves
// are activities or silent steps (tau), inner nodes are sequence, exclusive
// choice, parallel, loop or inclusive-or operators. It prints and parses
// PM4Py's textual notation, compares trees up to the order of the children
// of commutative operators, and converts a tree into a workflow net.
//
// It must not import database/sql, the DuckDB driver, ingest or report.
//
// Invariant: ToNet gives the net PM4Py 2.7.23's convert_to_petri_net gives
// for the same tree in PM4Py's child order (PM4PyOrder) — the same places,
// transitions and arcs by ID — so that every measure of a discovered model
// equals PM4Py's; testdata/pm4py/*/{imf,im}.pnml are the goldens.
package tree
