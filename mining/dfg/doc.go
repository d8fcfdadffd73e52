// Package dfg filters directly-follows graphs the way Disco's two sliders
// do: keep the most frequent activities, then the most frequent paths, while
// every activity that stays remains on some path from the start of the
// process to its end.
//
// It owns the filtering rule (Filter) and the filtered graph value (Graph).
// Turning a graph into a Petri net is not its job.
//
// Invariant: in every Graph that Filter returns, each activity can be
// reached from the start through kept start arcs and edges, and can reach
// the end through kept edges and end arcs.
//
// It must not import database/sql, the DuckDB driver, ingest, report or cmd.
package dfg
