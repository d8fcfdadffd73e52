// Package export owns the rendering and serialisation of discovered models:
// Graphviz DOT and SVG for Petri nets and process trees, and BPMN 2.0 XML
// with diagram interchange (BPMNDI) from a process tree or a workflow net.
//
// Every picture and every BPMN coordinate is laid out by Graphviz's dot
// engine running in-process (go-graphviz, WebAssembly), never by hand, so a
// BPMN file opens readable in bpmn.io or Camunda Modeler. Output is
// deterministic: the same model yields the same bytes (ids are numbered in a
// fixed traversal order and Graphviz's layout is deterministic for the same
// DOT text), which the golden files in testdata/ pin. The BPMN written
// validates against the OMG BPMN 2.0 schemas kept in testdata/bpmn20/.
//
// A drawing shows at most MaxLabelRunes characters of a name (ShortLabel);
// the full name stays in the SVG's <title> tooltips and in BPMN names. No
// string handed to Graphviz is longer, because Graphviz parses a string in
// time quadratic in its length: with the cap, drawing is linear in the size
// of the names.
//
// Graphviz calls are serialised by a package mutex: go-graphviz runs one
// process-wide WebAssembly instance that is not safe for concurrent use.
// The report package lays out through RenderSVG, so it shares the lock.
//
// Like the rest of mining it is pure Go over plain values: it must not
// import database/sql, the DuckDB driver, ingest, report or cmd.
package export
