package export

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pmx-dev/pmx/mining/tree"
)

// TreeDOT writes a process tree as Graphviz DOT, top-down: operators are
// circles showing PM4Py's operator symbols (->, X, +, *, O), activities are
// rounded boxes, silent steps (tau) small black boxes. Children keep their
// order left to right (ordering=out), which matters for -> and *.
//
// DOT node names are n<i> in pre-order, so the same tree always yields the
// same text. Activity labels are cut to MaxLabelRunes (see ShortLabel).
func TreeDOT(t *tree.Node) (string, error) {
	if err := checkTree(t); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("digraph \"process tree\" {\n")
	b.WriteString("\tgraph [ordering=out, nodesep=0.3, ranksep=0.4];\n")
	b.WriteString("\tnode [fontname=\"Helvetica\", fontsize=12];\n")
	b.WriteString("\tedge [arrowhead=none];\n")
	next := 0
	var walk func(n *tree.Node) int
	walk = func(n *tree.Node) int {
		id := next
		next++
		switch {
		case n.Op != tree.Leaf:
			fmt.Fprintf(&b, "\tn%d [shape=circle, fixedsize=true, width=0.45, label=%s];\n", id, dotString(n.Op.String()))
		case n.Tau:
			fmt.Fprintf(&b, "\tn%d [shape=box, style=filled, fillcolor=black, fixedsize=true, width=0.25, height=0.25, label=\" \", tooltip=\"tau\"];\n", id)
		default:
			fmt.Fprintf(&b, "\tn%d [shape=box, style=rounded, label=%s];\n", id, dotString(ShortLabel(n.Label)))
		}
		for _, c := range n.Children {
			fmt.Fprintf(&b, "\tn%d -> n%d;\n", id, next) // c is numbered next
			walk(c)
		}
		return id
	}
	walk(t)
	b.WriteString("}\n")
	return b.String(), nil
}

// TreeSVG renders TreeDOT with Graphviz, each activity's full label as the
// <title> tooltip of its box.
func TreeSVG(ctx context.Context, t *tree.Node) ([]byte, error) {
	dot, err := TreeDOT(t)
	if err != nil {
		return nil, err
	}
	svg, err := RenderSVG(ctx, dot)
	if err != nil {
		return nil, err
	}
	titles := map[string]string{}
	next := 0
	var walk func(n *tree.Node) // the pre-order numbering of TreeDOT
	walk = func(n *tree.Node) {
		if n.Op == tree.Leaf && !n.Tau {
			titles["n"+strconv.Itoa(next)] = n.Label
		}
		next++
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(t)
	return setTitles(svg, titles), nil
}

// checkTree rejects what no export can draw: a nil tree or an operator
// without children (tree.Parse never builds one, hand-made trees might).
func checkTree(t *tree.Node) error {
	if t == nil {
		return fmt.Errorf("export: nil process tree")
	}
	if t.Op > tree.Or {
		return fmt.Errorf("export: unknown process tree operator %d", t.Op)
	}
	if t.Op != tree.Leaf && len(t.Children) == 0 {
		return fmt.Errorf("export: process tree operator %s has no children", t.Op)
	}
	for _, c := range t.Children {
		if err := checkTree(c); err != nil {
			return err
		}
	}
	return nil
}
