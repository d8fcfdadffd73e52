package export

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pmx-dev/pmx/mining/petri"
)

// PetriNetDOT writes the net as Graphviz DOT, laid out left to right in the
// usual Petri net notation: places are circles, a place of the initial
// marking shows its tokens ("●" for one, the count for more), a place of the
// final marking is a double circle (with "×n" beside it when it must hold
// n > 1 tokens); transitions are boxes labelled with their activity, silent
// ones small black boxes; arcs of weight above one carry the weight.
//
// DOT node names are p<i> and t<i> (the index in Places / Transitions); the
// net's own ids are kept as tooltips. The net must pass Validate.
func PetriNetDOT(n *petri.Net) (string, error) {
	if n == nil {
		return "", fmt.Errorf("export: nil Petri net")
	}
	if err := n.Validate(); err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	name := n.Name
	if name == "" {
		name = "petri net"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n", dotString(name))
	b.WriteString("\tgraph [rankdir=LR, nodesep=0.35, ranksep=0.45];\n")
	b.WriteString("\tnode [fontname=\"Helvetica\", fontsize=12];\n")
	b.WriteString("\tedge [arrowsize=0.7];\n")
	for i, p := range n.Places {
		attrs := []string{"shape=circle", "fixedsize=true", "width=0.4"}
		label := ""
		switch k := n.Initial[i]; {
		case k == 1:
			label = "●"
		case k > 1:
			label = strconv.Itoa(k)
		}
		attrs = append(attrs, "label="+dotString(label))
		if k := n.Final[i]; k > 0 {
			attrs[0] = "shape=doublecircle"
			attrs[2] = "width=0.32" // the outer ring adds 8pt; keep places one size
			if k > 1 {
				attrs = append(attrs, "xlabel="+dotString("×"+strconv.Itoa(k)))
			}
		}
		attrs = append(attrs, "tooltip="+dotString(p.ID))
		fmt.Fprintf(&b, "\tp%d [%s];\n", i, strings.Join(attrs, ", "))
	}
	for i, t := range n.Transitions {
		var attrs string
		if t.Silent {
			tip := t.Label
			if tip == "" {
				tip = "τ"
			}
			attrs = "shape=box, style=filled, fillcolor=black, fixedsize=true, width=0.15, height=0.45, label=\" \", tooltip=" +
				dotString(tip+" ("+t.ID+")")
		} else {
			label := t.Label
			if label == "" {
				label = t.ID
			}
			attrs = "shape=box, label=" + dotString(label) + ", tooltip=" + dotString(t.ID)
		}
		fmt.Fprintf(&b, "\tt%d [%s];\n", i, attrs)
	}
	for _, a := range n.Arcs {
		from, to := fmt.Sprintf("t%d", a.Trans), fmt.Sprintf("p%d", a.Place)
		if a.ToTrans {
			from, to = to, from
		}
		if a.Weight > 1 {
			fmt.Fprintf(&b, "\t%s -> %s [label=%q];\n", from, to, strconv.Itoa(a.Weight))
		} else {
			fmt.Fprintf(&b, "\t%s -> %s;\n", from, to)
		}
	}
	b.WriteString("}\n")
	return b.String(), nil
}

// PetriNetSVG renders PetriNetDOT with Graphviz.
func PetriNetSVG(ctx context.Context, n *petri.Net) ([]byte, error) {
	dot, err := PetriNetDOT(n)
	if err != nil {
		return nil, err
	}
	return RenderSVG(ctx, dot)
}
