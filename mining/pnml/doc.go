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
// Token counts (<initialMarking>, <finalmarkings>) and arc weights
// (<inscription>) are integers from 0 (weights: 1) to petri.MaxTokens,
// 2^31-1. A larger number is refused with an *Error naming its line and
// element, never wrapped or truncated: PNML tools store counts in 32 bits,
// and a count that changed silently (2^33 read as 0) would make the final
// marking unreachable or invent missing tokens. Within the limit,
// conformance checking counts tokens in 64 bits and is exact.
//
// Read streams the document: it keeps the net it builds, the arcs until
// every node is known, and the final marking, never a tree of the whole
// document, so its memory follows the net (a 4 MB chain of 20,000
// transitions peaks at about 16 MB of heap; the tree took three times
// that).
//
// A document that is not PNML is named for what it is: text that is not
// XML ("not XML: text ... where a <pnml> element should start"), a BPMN 2.0
// model (root in the BPMN model namespace; such errors also wrap ErrBPMN,
// and callers read the document with mining/bpmn instead), or another XML
// root element.
//
// Invariant: Write then Read gives back an equal net (same IDs, labels,
// silent flags, arcs, weights and markings), and Read never panics on any
// input; a malformed document yields an *Error naming the line, the element
// and the reason.
package pnml
