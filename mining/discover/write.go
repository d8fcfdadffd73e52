package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/pnml"
)

// Formats are the model formats Write takes.
var Formats = []string{"pnml", "bpmn", "tree", "dot", "svg", "json"}

// FormatFor infers a format from an output file name's extension ("" when
// it says nothing).
func FormatFor(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pnml":
		return "pnml"
	case ".bpmn", ".bpmn2":
		return "bpmn"
	case ".dot", ".gv":
		return "dot"
	case ".svg":
		return "svg"
	case ".json":
		return "json"
	case ".tree", ".ptml", ".txt":
		return "tree"
	}
	return ""
}

// Write serialises the model in format. name titles the model (the log's
// name). Combinations that do not exist (a tree of the Alpha miner, a PNML
// of a directly-follows graph) are errors that say what would work.
func Write(ctx context.Context, w io.Writer, m *Model, format, name string) error {
	var out []byte
	var err error
	switch format {
	case "tree":
		if m.Tree == nil {
			return fmt.Errorf("%s gives no process tree; use --format pnml, bpmn, dot, svg or json", m.Algorithm)
		}
		out = []byte(m.Tree.String() + "\n")
	case "pnml":
		if m.Net == nil {
			return fmt.Errorf("%s gives no Petri net; use --format dot, svg or json", m.Algorithm)
		}
		net := *m.Net
		net.Name = name
		return pnml.Write(w, &net)
	case "bpmn":
		opt := export.BPMNOptions{Name: name}
		switch {
		case m.Tree != nil:
			out, err = export.TreeBPMN(ctx, m.Tree, opt)
		case m.Net != nil:
			out, err = export.PetriNetBPMN(ctx, m.Net, opt)
		default:
			return fmt.Errorf("%s gives no model BPMN can express; use --format dot, svg or json", m.Algorithm)
		}
	case "dot":
		var dot string
		if dot, err = DOT(m); err != nil {
			return err
		}
		out = []byte(dot)
	case "svg":
		// Drawn names are cut short; the SVG's tooltips keep them whole.
		switch {
		case m.DFG != nil:
			out, err = export.DFGSVG(ctx, m.DFG)
		case m.Net != nil:
			out, err = export.PetriNetSVG(ctx, m.Net)
		default:
			return fmt.Errorf("%s: no model to draw", m.Algorithm)
		}
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // a file, not HTML: keep "->(" readable
		return enc.Encode(Describe(m))
	default:
		return fmt.Errorf("unknown model format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// DOT draws the model: the directly-follows graph for dfg, else the Petri
// net.
func DOT(m *Model) (string, error) {
	if m.DFG != nil {
		return export.DFGDOT(m.DFG)
	}
	if m.Net == nil {
		return "", fmt.Errorf("%s: no model to draw", m.Algorithm)
	}
	return export.PetriNetDOT(m.Net)
}

// Description is a model as plain values, for JSON: what pmx discover
// --format json writes (schema in the README).
type Description struct {
	Algorithm   string   `json:"algorithm"`
	Description string   `json:"description"`
	Tree        string   `json:"tree,omitempty"`
	Net         *NetDesc `json:"net,omitempty"`
	DFG         *DFGDesc `json:"dfg,omitempty"`
}

// NetDesc is a Petri net as plain values.
type NetDesc struct {
	Places      []string         `json:"places"`
	Transitions []TransitionDesc `json:"transitions"`
	Arcs        []ArcDesc        `json:"arcs"`
	Initial     map[string]int   `json:"initial_marking"`
	Final       map[string]int   `json:"final_marking"`
}

// TransitionDesc is a transition; Label is null for a silent one.
type TransitionDesc struct {
	ID    string  `json:"id"`
	Label *string `json:"label"`
}

// ArcDesc runs from a place to a transition or back, by id.
type ArcDesc struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Weight int    `json:"weight"`
}

// DFGDesc is a filtered directly-follows graph as plain values.
type DFGDesc struct {
	Activities map[string]int64 `json:"activities"`
	Edges      []EdgeDesc       `json:"edges"`
	Start      map[string]int64 `json:"start"`
	End        map[string]int64 `json:"end"`
}

// EdgeDesc is one directly-follows arc with its count.
type EdgeDesc struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int64  `json:"count"`
}

// Describe turns a model into plain values.
func Describe(m *Model) Description {
	d := Description{Algorithm: m.Algorithm, Description: m.Description}
	if m.Tree != nil {
		d.Tree = m.Tree.String()
	}
	if n := m.Net; n != nil {
		nd := &NetDesc{Initial: map[string]int{}, Final: map[string]int{}}
		for _, p := range n.Places {
			nd.Places = append(nd.Places, p.ID)
		}
		for _, t := range n.Transitions {
			td := TransitionDesc{ID: t.ID}
			if !t.Silent {
				l := t.Label
				td.Label = &l
			}
			nd.Transitions = append(nd.Transitions, td)
		}
		for _, a := range n.Arcs {
			ad := ArcDesc{From: n.Transitions[a.Trans].ID, To: n.Places[a.Place].ID, Weight: a.Weight}
			if a.ToTrans {
				ad.From, ad.To = ad.To, ad.From
			}
			nd.Arcs = append(nd.Arcs, ad)
		}
		for p, k := range n.Initial {
			nd.Initial[n.Places[p].ID] = k
		}
		for p, k := range n.Final {
			nd.Final[n.Places[p].ID] = k
		}
		d.Net = nd
	}
	if g := m.DFG; g != nil {
		dd := &DFGDesc{Activities: map[string]int64{}, Start: map[string]int64{}, End: map[string]int64{}, Edges: []EdgeDesc{}}
		for i, a := range g.Activities {
			dd.Activities[a] = g.Counts[i]
			if g.Start[i] > 0 {
				dd.Start[a] = g.Start[i]
			}
			if g.End[i] > 0 {
				dd.End[a] = g.End[i]
			}
		}
		for _, e := range g.Edges {
			dd.Edges = append(dd.Edges, EdgeDesc{From: g.Activities[e.From], To: g.Activities[e.To], Count: e.Count})
		}
		d.DFG = dd
	}
	return d
}
