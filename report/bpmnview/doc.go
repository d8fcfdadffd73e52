// Package bpmnview draws a person's own BPMN diagram with how the log
// actually ran over it: the report's "Designed model vs reality" section.
//
// It owns three steps. Compute turns the alignments of the log with the
// diagram's workflow net (mining/conformance over the net mining/bpmn
// converted, unreduced: its places stand for the sequence flows) into an
// Overlay: per task how often it ran in step with the log and how often
// the log skipped it, per log-only activity where in the diagram it
// happened, per sequence flow how many cases passed it and the mean time
// on it (from event to event along the aligned run's tokens, see
// FlowStat). SVG draws the diagram from the file's own diagram
// interchange (its shapes and waypoints, untouched) and paints the
// overlay on it; a file without DI is laid out by Graphviz through
// mining/export (export.LayoutBPMN), as pmx lays out the BPMN it writes,
// never by an algorithm of its own. Section does both and adds the tables
// and figures the report shows (report.Designed).
//
// Invariants: the Overlay is a plain JSON-able value, and the same inputs
// give the same Overlay and the same SVG bytes (everything is listed in
// diagram or sorted order, never map order). Every string from the file
// or the log reaches the SVG escaped, as text or an attribute value; the
// SVG uses only the static elements and attributes the report's SVG
// allowlist keeps (no scripts, styles, links, markers or external
// references), so it inlines under a strict Content-Security-Policy and
// the report's rewrite changes nothing that shows.
//
// It may import mining (bpmn, petri, eventlog, conformance, export),
// analysis/timeline, analysis/units and report, whose section value
// (report.Designed) Section builds; report never imports it, so the
// report package stays free of mining and renders plain values. It must
// not import cmd, ingest or the DuckDB driver directly.
package bpmnview
