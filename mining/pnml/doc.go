// Package pnml reads and writes Petri nets in PNML, the 2009 place/transition
// net grammar as PM4Py and ProM write it: <pnml><net><page> with <place>,
// <transition> and <arc> elements, <name><text> labels, <initialMarking>,
// the <finalmarkings> extension, arc <inscription> weights, and the ProM
// tool-specific marker (activity="$invisible$") for silent transitions.
//
// It owns the mapping between that XML and petri.Net, nothing else: it reads
// from an io.Reader and writes to an io.Writer, and must not import os,
// database/sql, the DuckDB driver, ingest, report or cmd.
//
// Invariant: Write then Read gives back an equal net (same IDs, labels,
// silent flags, arcs, weights and markings), and Read never panics on any
// input; a malformed document yields an *Error naming the line, the element
// and the reason.
package pnml
