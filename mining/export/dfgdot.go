package export

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pmx-dev/pmx/mining/dfg"
)

// DFGDOT writes a (filtered) directly-follows graph as Graphviz DOT, left to
// right: a start and an end circle, activities as rounded boxes labelled
// with their name and count, arcs labelled with their count and drawn
// thicker the more often they occur. DOT node names are a<i> (the index in
// g.Activities), "start" and "end". Activity names are cut to MaxLabelRunes
// (see ShortLabel).
func DFGDOT(g *dfg.Graph) (string, error) {
	if g == nil {
		return "", fmt.Errorf("export: nil directly-follows graph")
	}
	var b strings.Builder
	b.WriteString("digraph \"directly-follows graph\" {\n")
	b.WriteString("\tgraph [rankdir=LR, nodesep=0.35, ranksep=0.5];\n")
	b.WriteString("\tnode [fontname=\"Helvetica\", fontsize=12];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=10, arrowsize=0.7];\n")
	b.WriteString("\tstart [shape=circle, style=filled, fillcolor=\"#3c9a5f\", label=\" \", width=0.3, fixedsize=true, tooltip=\"start\"];\n")
	b.WriteString("\tend [shape=doublecircle, style=filled, fillcolor=\"#b04a4a\", label=\" \", width=0.25, fixedsize=true, tooltip=\"end\"];\n")
	var max int64 = 1
	for _, e := range g.Edges {
		max = maxInt64(max, e.Count)
	}
	for i := range g.Start {
		max = maxInt64(max, maxInt64(g.Start[i], g.End[i]))
	}
	width := func(c int64) float64 { return 0.6 + 3.4*float64(c)/float64(max) }
	for i, a := range g.Activities {
		var n int64
		if i < len(g.Counts) {
			n = g.Counts[i]
		}
		fmt.Fprintf(&b, "\ta%d [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fa\", label=%s];\n", i,
			dotString(ShortLabel(a)+"\n"+strconv.FormatInt(n, 10)))
	}
	for i := range g.Activities {
		if i < len(g.Start) && g.Start[i] > 0 {
			fmt.Fprintf(&b, "\tstart -> a%d [style=dashed, label=\"%d\", penwidth=%.2f];\n", i, g.Start[i], width(g.Start[i]))
		}
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "\ta%d -> a%d [label=\"%d\", penwidth=%.2f];\n", e.From, e.To, e.Count, width(e.Count))
	}
	for i := range g.Activities {
		if i < len(g.End) && g.End[i] > 0 {
			fmt.Fprintf(&b, "\ta%d -> end [style=dashed, label=\"%d\", penwidth=%.2f];\n", i, g.End[i], width(g.End[i]))
		}
	}
	b.WriteString("}\n")
	return b.String(), nil
}

// DFGSVG renders DFGDOT with Graphviz, each activity's full name as the
// <title> tooltip of its box.
func DFGSVG(ctx context.Context, g *dfg.Graph) ([]byte, error) {
	dot, err := DFGDOT(g)
	if err != nil {
		return nil, err
	}
	svg, err := RenderSVG(ctx, dot)
	if err != nil {
		return nil, err
	}
	titles := make(map[string]string, len(g.Activities))
	for i, a := range g.Activities {
		titles["a"+strconv.Itoa(i)] = a
	}
	return setTitles(svg, titles), nil
}

func maxInt64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}
