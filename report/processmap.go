package report

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/mining/export"
)

// mapNode and mapEdge are what the page script needs to drive the map:
// ids match the SVG element ids Graphviz writes (we set them in DOT), the
// rest feeds tooltips and the frequency sliders. Durations are humanised here
// so the page never re-implements the formatting rules.
type mapNode struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Kind  string `json:"kind"` // "activity", "start" or "end"
	Count int64  `json:"count"`
	Start int64  `json:"start"`
	End   int64  `json:"end"`
}

type mapEdge struct {
	ID     string `json:"id"`
	From   string `json:"from"`
	To     string `json:"to"`
	Count  int64  `json:"count"`
	Timed  bool   `json:"timed"` // false for the artificial start/end edges
	Freq   string `json:"freq"`
	Mean   string `json:"mean"`
	Median string `json:"median"`
	P90    string `json:"p90"`
	// MeanSec lets the page shade edges by waiting time in "mean time" mode.
	MeanSec float64 `json:"meanSec"`
}

type processMap struct {
	Nodes []mapNode `json:"nodes"`
	Edges []mapEdge `json:"edges"`
	// DefaultPaths is the initial "paths" slider position in percent, chosen
	// so a big log opens on its main flow instead of a hairball.
	DefaultPaths int `json:"defaultPaths"`
}

// defaultVisiblePaths is how many paths the map opens with at most (plus
// whatever keeps every activity connected); about what stays legible on a
// laptop screen.
const defaultVisiblePaths = 40

// buildProcessMap turns the DFG into nodes and edges with stable ids. Node
// order is by count desc then name, edge order is the DFG's (from, to) order
// followed by start and end edges, so ids do not depend on map iteration.
func buildProcessMap(d facts.DFG, s facts.Stats) processMap {
	counts := firstNonEmpty(d.ActivityCounts, s.ActivityCounts)
	starts := firstNonEmpty(d.StartActivities, s.StartActivities)
	ends := firstNonEmpty(d.EndActivities, s.EndActivities)

	// Every name that occurs anywhere becomes a node, so an edge never points
	// at a missing activity even if the inputs disagree.
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, m := range []map[string]int64{counts, starts, ends} {
		for n := range m {
			add(n)
		}
	}
	for _, e := range d.Edges {
		add(e.From)
		add(e.To)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})

	pm := processMap{Nodes: []mapNode{}, Edges: []mapEdge{}}
	id := map[string]string{}
	for i, n := range names {
		id[n] = fmt.Sprintf("n%d", i)
		pm.Nodes = append(pm.Nodes, mapNode{ID: id[n], Name: n, Kind: "activity",
			Count: counts[n], Start: starts[n], End: ends[n]})
	}
	var caseStarts, caseEnds int64
	for _, n := range names {
		caseStarts += starts[n]
		caseEnds += ends[n]
	}
	if caseStarts > 0 {
		pm.Nodes = append(pm.Nodes, mapNode{ID: "start", Name: "Start", Kind: "start", Count: caseStarts})
	}
	if caseEnds > 0 {
		pm.Nodes = append(pm.Nodes, mapNode{ID: "end", Name: "End", Kind: "end", Count: caseEnds})
	}

	for i, e := range d.Edges {
		pm.Edges = append(pm.Edges, mapEdge{ID: fmt.Sprintf("e%d", i), From: id[e.From], To: id[e.To],
			Count: e.Count, Timed: true, Freq: humanCount(e.Count), Mean: humanDuration(e.MeanSeconds),
			Median: humanDuration(e.MedianSeconds), P90: humanDuration(e.P90Seconds), MeanSec: finite(e.MeanSeconds)})
	}
	for i, n := range names {
		if c := starts[n]; c > 0 {
			pm.Edges = append(pm.Edges, mapEdge{ID: fmt.Sprintf("s%d", i), From: "start", To: id[n],
				Count: c, Freq: humanCount(c)})
		}
	}
	for i, n := range names {
		if c := ends[n]; c > 0 {
			pm.Edges = append(pm.Edges, mapEdge{ID: fmt.Sprintf("t%d", i), From: id[n], To: "end",
				Count: c, Freq: humanCount(c)})
		}
	}

	pm.DefaultPaths = 100
	if len(pm.Edges) > defaultVisiblePaths {
		pm.DefaultPaths = int(math.Ceil(100 * float64(defaultVisiblePaths) / float64(len(pm.Edges))))
	}
	return pm
}

// finite maps NaN and ±Inf to 0: encoding/json refuses them, and one odd
// value must not cost the whole report.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

func firstNonEmpty(a, b map[string]int64) map[string]int64 {
	if len(a) > 0 {
		return a
	}
	return b
}

// backbone marks the edges that drive the Graphviz ranking: the strongest
// incoming and outgoing edge of every node plus the most frequent paths. All
// other edges get constraint=false, so hundreds of rare back-and-forth paths
// do not scramble the top-to-bottom order of the main flow.
func backbone(pm processMap) map[string]bool {
	keep := map[string]bool{}
	bestIn, bestOut := map[string]int{}, map[string]int{}
	for i, e := range pm.Edges {
		if j, ok := bestOut[e.From]; !ok || e.Count > pm.Edges[j].Count {
			bestOut[e.From] = i
		}
		if j, ok := bestIn[e.To]; !ok || e.Count > pm.Edges[j].Count {
			bestIn[e.To] = i
		}
	}
	for _, i := range bestIn {
		keep[pm.Edges[i].ID] = true
	}
	for _, i := range bestOut {
		keep[pm.Edges[i].ID] = true
	}
	order := make([]int, len(pm.Edges))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return pm.Edges[order[a]].Count > pm.Edges[order[b]].Count })
	for k, i := range order {
		if k >= defaultVisiblePaths {
			break
		}
		keep[pm.Edges[i].ID] = true
	}
	return keep
}

// dotLabel makes a DOT double-quoted label that renders exactly the given
// lines. Besides the DOT-level escape of '"', Graphviz expands \N-style
// escapes and HTML entities in plain labels, so backslashes are doubled and
// '&' becomes "&amp;"; control characters become spaces, and lines are joined
// with DOT's own "\n" line break.
func dotLabel(lines ...string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i, l := range lines {
		if i > 0 {
			b.WriteString(`\n`)
		}
		dotEscape(&b, l)
	}
	b.WriteByte('"')
	return b.String()
}

func dotEscape(b *strings.Builder, s string) {
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '&':
			b.WriteString("&amp;")
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
}

// nodeColours shades activities from pale to dark blue by frequency; the
// square root keeps mid-frequency activities distinguishable when one
// activity dominates.
func nodeColours(count, max int64) (fill, font string) {
	t := 0.0
	if max > 0 {
		t = math.Sqrt(float64(count) / float64(max))
	}
	lo, hi := [3]float64{0xe8, 0xf0, 0xfa}, [3]float64{0x1f, 0x4e, 0x8c}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(lo[i] + (hi[i]-lo[i])*t))
	}
	font = "#1b2a41"
	if t > 0.55 {
		font = "#ffffff"
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2]), font
}

// dot renders the map as DOT text. Every value that comes from data goes
// through dotLabel; ids and numbers are generated here. Activity names are
// cut to export.MaxLabelRunes: a long one would be unreadable, and Graphviz
// parses a string in time quadratic in its length. The page script shows
// the whole name in the tooltip, from the page data.
func (pm processMap) dot() string {
	var maxNode, maxEdge int64
	for _, n := range pm.Nodes {
		if n.Kind == "activity" && n.Count > maxNode {
			maxNode = n.Count
		}
	}
	for _, e := range pm.Edges {
		maxEdge = max(maxEdge, e.Count)
	}
	spine := backbone(pm)

	var b strings.Builder
	b.WriteString("digraph pmx {\n")
	b.WriteString(`graph [rankdir=TB, nodesep=0.3, ranksep=0.35, bgcolor="transparent", pad=0.25, fontname="Helvetica"];` + "\n")
	b.WriteString(`node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12, color="#4a6fa5", penwidth=1, margin="0.16,0.06"];` + "\n")
	b.WriteString(`edge [fontname="Helvetica", fontsize=10, color="#8793a8", fontcolor="#3d4a63", arrowsize=0.7];` + "\n")
	for _, n := range pm.Nodes {
		switch n.Kind {
		case "start":
			fmt.Fprintf(&b, `%s [id="start", class="pmx-node pmx-start", label="start", shape=circle, fixedsize=true, width=0.5, fontsize=9, fontcolor="#ffffff", style=filled, fillcolor="#2f9e5f", color="#217346"];`+"\n", n.ID)
		case "end":
			fmt.Fprintf(&b, `%s [id="end", class="pmx-node pmx-end", label="end", shape=doublecircle, fixedsize=true, width=0.5, fontsize=9, fontcolor="#ffffff", style=filled, fillcolor="#c0392b", color="#8e2a20"];`+"\n", n.ID)
		default:
			fill, font := nodeColours(n.Count, maxNode)
			fmt.Fprintf(&b, `%s [id="%s", class="pmx-node", label=%s, fillcolor="%s", fontcolor="%s"];`+"\n",
				n.ID, n.ID, dotLabel(export.ShortLabel(n.Name), humanCount(n.Count)), fill, font)
		}
	}
	for _, e := range pm.Edges {
		t := 0.0
		if maxEdge > 0 {
			t = float64(e.Count) / float64(maxEdge)
		}
		pen := 0.8 + 5.2*t
		label := dotLabel(edgeLabel(e, pen))
		// Backbone edges get a real label, which dot reserves room for. The
		// rest get an xlabel placed after layout: with ~150 edges, reserved
		// label space would otherwise spread the main flow across the canvas.
		attrs := fmt.Sprintf("label=%s, weight=%d", label, 1+int(math.Round(9*t)))
		if !spine[e.ID] {
			attrs = fmt.Sprintf("xlabel=%s, constraint=false, weight=0", label)
		}
		if !e.Timed {
			attrs += ", style=dashed"
		}
		fmt.Fprintf(&b, `%s -> %s [id="%s", class="pmx-edge", penwidth=%.2f, %s];`+"\n",
			e.From, e.To, e.ID, pen, attrs)
	}
	b.WriteString("}\n")
	return b.String()
}

// edgeLabel is the frequency label of an edge, padded with spaces that
// Graphviz counts when it places the label beside the edge but that SVG
// does not draw (it centres the trimmed text in the label's box). The
// padding keeps the first digit clear of the edge's stroke — half the pen
// width plus 2 pt, a space being about 2.8 pt at 10 pt — and makes the box
// wide enough for the mean-time text the page may swap in: a missing
// character is about two spaces, one on each side.
func edgeLabel(e mapEdge, pen float64) string {
	const space = 2.78 // pt, Helvetica at the edge font size of 10
	pad := int(math.Ceil((pen/2 + 2) / space))
	if e.Timed {
		pad += max(0, len([]rune(e.Mean))-len([]rune(e.Freq)))
	}
	sp := strings.Repeat(" ", pad)
	return sp + e.Freq + sp
}

// renderSVG lays the DOT text out with Graphviz's dot engine in-process
// (through mining/export, whose lock serialises every Graphviz call in the
// process: go-graphviz's one wasm instance is not safe for concurrent use)
// and returns the bare <svg> element, rewritten by cleanSVG for inlining.
func renderSVG(ctx context.Context, dot string, opt svgOptions) (string, error) {
	svg, err := export.RenderSVG(ctx, dot)
	if err != nil {
		return "", fmt.Errorf("report: %w", err)
	}
	return cleanSVG(string(svg), opt)
}
