// Package report renders pmx results as one self-contained HTML page: header
// KPIs, an interactive process map, top variants, the findings of pmx
// analyze, the process model with its conformance, a designed BPMN model
// as its author drew it with the log's deviations on it (Designed, built
// by report/bpmnview, which imports this package and not the reverse),
// the case-duration histogram and activity frequencies. The map and the model pan and zoom
// (one script for both) and open fitted to the page width; printed, the page
// drops its controls and shows every drawing and chart whole.
//
// It owns presentation only. It takes the typed results of analysis/facts
// (facts.Stats, facts.Variant, facts.DFG, facts.Histogram) and computes no
// statistics itself; sorting, formatting and cutting to a top-N for display
// are the only transformations. It must not import ingest, the DuckDB driver,
// database/sql, mining, or any analysis internals beyond the result types
// of analysis/facts, analysis/analyze and analysis/compare, so a report can
// be rendered from saved JSON as well as from a live warehouse. The
// comparison section shows a compare.Result as given (the tests ran in
// pmx compare); it only picks the largest differences and words them.
//
// The page works offline and fetches nothing: CSS, the page script, Apache
// ECharts (assets/echarts.min.js, see assets/README.md) and the process-map
// SVG are inlined. go-echarts is used only to build chart option JSON, since
// its page renderer points at a CDN. The map is laid out by Graphviz's dot
// engine running in-process (go-graphviz, WebAssembly), never by hand. A
// drawing shows at most export.MaxLabelRunes characters of a name (Graphviz
// parses a label in quadratic time); tooltips, tables and the page data keep
// it whole.
//
// Output is deterministic: the same Input yields the same bytes (map keys are
// sorted, ids are derived from sorted data, the time comes from Input), which
// the golden tests in testdata/ pin. Text from data is escaped for every
// context it lands in: html/template for HTML, dotLabel for Graphviz labels,
// json.Marshal for the data the page script reads, and esc() in that script
// before any innerHTML. The SVG Graphviz writes is parsed and written anew
// before it is inlined (cleanSVG): only allowlisted elements and attributes
// survive, links become plain groups, and every text and attribute value is
// escaped again, so a name that looks like markup is always drawn as text.
package report
