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
// net's own ids are kept as tooltips. Labels, tooltips and the graph name are
// cut to MaxLabelRunes (see ShortLabel); PetriNetTitles has them in full.
// The net must pass Validate.
func PetriNetDOT(n *petri.Net) (string, error) {
	return petriNetDOT(n, true)
}

// petriNetDOT writes the DOT, with the tooltip attributes or without them:
// PetriNetSVG puts the full names into the nodes' <title>s instead, which
// a Graphviz tooltip (an <a xlink:title> around the shape) would hide.
func petriNetDOT(n *petri.Net, tooltips bool) (string, error) {
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
	fmt.Fprintf(&b, "digraph %s {\n", dotString(ShortLabel(name)))
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
		if tooltips {
			attrs = append(attrs, "tooltip="+dotString(ShortLabel(p.ID)))
		}
		fmt.Fprintf(&b, "\tp%d [%s];\n", i, strings.Join(attrs, ", "))
	}
	for i, t := range n.Transitions {
		var attrs string
		if t.Silent {
			attrs = "shape=box, style=filled, fillcolor=black, fixedsize=true, width=0.15, height=0.45, label=\" \""
			if tooltips {
				attrs += ", tooltip=" + dotString(ShortLabel(silentTitle(t)))
			}
		} else {
			attrs = "shape=box, label=" + dotString(ShortLabel(transitionLabel(t)))
			if tooltips {
				attrs += ", tooltip=" + dotString(ShortLabel(t.ID))
			}
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

// transitionLabel is what a visible transition shows: its label, or its id
// when it has none.
func transitionLabel(t petri.Transition) string {
	if t.Label == "" {
		return t.ID
	}
	return t.Label
}

// silentTitle describes a silent transition: "τ (id)", or its label and id
// when it has a label.
func silentTitle(t petri.Transition) string {
	tip := t.Label
	if tip == "" {
		tip = "τ"
	}
	return tip + " (" + t.ID + ")"
}

// PetriNetTitles maps the DOT node names of PetriNetDOT to the full text of
// each node, uncut: a visible transition's label (its id when unlabelled),
// a silent transition's label or τ with its id, a place's id. A page that
// renders the DOT itself sets these as the nodes' <title> tooltips, as
// PetriNetSVG does.
func PetriNetTitles(n *petri.Net) map[string]string {
	if n == nil {
		return nil
	}
	titles := make(map[string]string, len(n.Places)+len(n.Transitions))
	for i, p := range n.Places {
		titles["p"+strconv.Itoa(i)] = p.ID
	}
	for i, t := range n.Transitions {
		if t.Silent {
			titles["t"+strconv.Itoa(i)] = silentTitle(t)
		} else {
			titles["t"+strconv.Itoa(i)] = transitionLabel(t)
		}
	}
	return titles
}

// PetriNetSVG renders the net with Graphviz: the drawing of PetriNetDOT,
// with each node's full text (PetriNetTitles) as its <title> tooltip.
func PetriNetSVG(ctx context.Context, n *petri.Net) ([]byte, error) {
	dot, err := petriNetDOT(n, false)
	if err != nil {
		return nil, err
	}
	svg, err := RenderSVG(ctx, dot)
	if err != nil {
		return nil, err
	}
	return setTitles(svg, PetriNetTitles(n)), nil
}
