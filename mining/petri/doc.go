// Package petri holds the Petri net (workflow net) model shared by
// discovery, conformance checking and the model exports: places,
// transitions (labelled with an activity, or silent), weighted arcs, and
// initial and final markings.
//
// It must not import database/sql, the DuckDB driver, ingest or report.
//
// Invariant: a Net that passes Validate has unique non-empty IDs, arcs
// between existing nodes, and token counts and arc weights from 1 (weights)
// or 0 (tokens) to MaxTokens, so that replay never overflows.
package petri
