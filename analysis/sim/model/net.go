package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/mining/petri"
)

// WorkflowNet is the routing of mode net: a workflow net played as a token
// game. A transition with a label is an instance of that activity; one
// without is silent (a gateway, an event) and takes no time.
type WorkflowNet struct {
	Places      []string        `yaml:"places,flow" json:"places"`
	Transitions []NetTransition `yaml:"transitions" json:"transitions"`
	// Initial and Final are markings: place → tokens. A case starts with
	// Initial and ends when its marking is Final.
	Initial map[string]int `yaml:"initial,flow" json:"initial"`
	Final   map[string]int `yaml:"final,flow" json:"final"`
	// Weights decide which of the transitions that take from a place takes
	// each of its tokens: place → output transition → relative weight. A
	// place left out weighs its transitions equally; a place listed must
	// weigh every transition that takes from it.
	Weights map[string]map[string]float64 `yaml:"weights,omitempty" json:"weights,omitempty"`
}

// NetTransition is one transition with its input and output places (a
// place listed twice is an arc of weight 2).
type NetTransition struct {
	ID    string   `yaml:"id" json:"id"`
	Label string   `yaml:"label,omitempty" json:"label,omitempty"`
	In    []string `yaml:"in,flow" json:"in"`
	Out   []string `yaml:"out,flow" json:"out"`
}

// MarshalYAML writes each transition and each place's weights on a line
// of its own, as a person writes them: a net of fifty transitions stays
// readable.
func (w *WorkflowNet) MarshalYAML() (any, error) {
	type plain WorkflowNet // without this method
	var n yaml.Node
	if err := n.Encode((*plain)(w)); err != nil {
		return nil, err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch v := n.Content[i+1]; n.Content[i].Value {
		case "transitions", "weights":
			for j, c := range v.Content {
				if v.Kind == yaml.SequenceNode || j%2 == 1 {
					c.Style = yaml.FlowStyle
				}
			}
		}
	}
	return &n, nil
}

// NetOf writes a Petri net in the model's form: labelled transitions are
// activities (by label), silent ones keep only their ID. Weights are left
// empty.
func NetOf(n *petri.Net) *WorkflowNet {
	w := &WorkflowNet{Initial: map[string]int{}, Final: map[string]int{}}
	for _, p := range n.Places {
		w.Places = append(w.Places, p.ID)
	}
	w.Transitions = make([]NetTransition, len(n.Transitions))
	for i, t := range n.Transitions {
		w.Transitions[i] = NetTransition{ID: t.ID}
		if !t.Silent {
			w.Transitions[i].Label = t.Label
		}
	}
	for _, a := range n.Arcs {
		t := &w.Transitions[a.Trans]
		for range max(a.Weight, 1) {
			if a.ToTrans {
				t.In = append(t.In, n.Places[a.Place].ID)
			} else {
				t.Out = append(t.Out, n.Places[a.Place].ID)
			}
		}
	}
	for p, k := range n.Initial {
		if k > 0 {
			w.Initial[n.Places[p].ID] = k
		}
	}
	for p, k := range n.Final {
		if k > 0 {
			w.Final[n.Places[p].ID] = k
		}
	}
	return w
}

// Petri returns the net as a petri.Net (for alignments), transitions and
// places in the model's order. It expects a net that passed validation.
func (w *WorkflowNet) Petri() *petri.Net {
	n := &petri.Net{Initial: petri.Marking{}, Final: petri.Marking{}}
	place := map[string]int{}
	for _, p := range w.Places {
		place[p] = n.AddPlace(p)
	}
	for i, t := range w.Transitions {
		n.AddTransition(t.ID, t.Label, t.Label == "")
		for _, p := range t.In {
			n.AddInput(place[p], i)
		}
		for _, p := range t.Out {
			n.AddOutput(i, place[p])
		}
	}
	for p, k := range w.Initial {
		n.Initial[place[p]] = k
	}
	for p, k := range w.Final {
		n.Final[place[p]] = k
	}
	return n
}

// Labels lists the net's activity labels, sorted, once each.
func (w *WorkflowNet) Labels() []string {
	var out []string
	for _, t := range w.Transitions {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (w *WorkflowNet) clone() *WorkflowNet {
	if w == nil {
		return nil
	}
	c := &WorkflowNet{Places: slices.Clone(w.Places), Initial: cloneMap(w.Initial), Final: cloneMap(w.Final)}
	for _, t := range w.Transitions {
		t.In, t.Out = slices.Clone(t.In), slices.Clone(t.Out)
		c.Transitions = append(c.Transitions, t)
	}
	if w.Weights != nil {
		c.Weights = make(map[string]map[string]float64, len(w.Weights))
		for p, ws := range w.Weights {
			c.Weights[p] = cloneMap(ws)
		}
	}
	return c
}

func cloneMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return nil
	}
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// validateNet checks mode net's routing: names that resolve, a transition
// that takes tokens from somewhere, markings, weights, and no loop of
// silent transitions (a case could go round it forever without time
// passing).
func (m *Model) validateNet(bad func(path, format string, args ...any)) {
	w := m.Routing.Net
	if w == nil {
		bad("routing.net", "missing: mode net needs places, transitions, initial and final")
		return
	}
	const at = "routing.net"
	places := map[string]bool{}
	for i, p := range w.Places {
		switch {
		case p == "":
			bad(fmt.Sprintf("%s.places.%d", at, i), "a place needs a name")
		case places[p]:
			bad(fmt.Sprintf("%s.places.%d", at, i), "place %q is listed twice", p)
		}
		places[p] = true
	}
	if len(w.Places) == 0 {
		bad(at+".places", "no places")
	}
	if len(w.Transitions) == 0 {
		bad(at+".transitions", "no transitions")
	}
	trans := map[string]int{}
	outs := map[string][]string{} // place → transitions taking from it
	for i, t := range w.Transitions {
		tp := fmt.Sprintf("%s.transitions.%d", at, i)
		switch _, dup := trans[t.ID]; {
		case t.ID == "":
			bad(tp+".id", "a transition needs an id")
		case dup:
			bad(tp+".id", "transition %q is listed twice", t.ID)
		case places[t.ID]:
			bad(tp+".id", "%q names a place too; ids must be unique", t.ID)
		}
		trans[t.ID] = i
		if t.Label != "" {
			if _, ok := m.Acts[t.Label]; !ok {
				bad(tp+".label", "activity %q is not under activities (%s)", t.Label, list(sortedKeys(m.Acts)))
			}
		}
		if len(t.In) == 0 {
			bad(tp+".in", "transition %q takes no token: it could fire without end", t.ID)
		}
		for j, p := range t.In {
			if !places[p] {
				bad(fmt.Sprintf("%s.in.%d", tp, j), "no place %q", p)
			} else if !slices.Contains(outs[p], t.ID) {
				outs[p] = append(outs[p], t.ID)
			}
		}
		for j, p := range t.Out {
			if !places[p] {
				bad(fmt.Sprintf("%s.out.%d", tp, j), "no place %q", p)
			}
		}
	}
	for field, mk := range map[string]map[string]int{"initial": w.Initial, "final": w.Final} {
		if len(mk) == 0 {
			bad(at+"."+field, "empty: name the place(s) that hold the case's tokens, e.g. {start: 1}")
		}
		for _, p := range sortedKeys(mk) {
			if !places[p] {
				bad(at+"."+field+"."+p, "no place %q", p)
			} else if k := mk[p]; k < 1 || k > petri.MaxTokens {
				bad(at+"."+field+"."+p, "%d tokens: want 1 to %d", k, petri.MaxTokens)
			}
		}
	}
	for _, p := range sortedKeys(w.Weights) {
		wp := at + ".weights." + p
		if !places[p] {
			bad(wp, "no place %q", p)
			continue
		}
		ws := w.Weights[p]
		vals := make([]float64, 0, len(ws))
		for _, t := range sortedKeys(ws) {
			if !slices.Contains(outs[p], t) {
				bad(wp+"."+t, "transition %q does not take tokens from %q (it takes: %s)", t, p, list(outs[p]))
			}
			vals = append(vals, ws[t])
		}
		for _, t := range outs[p] {
			if _, ok := ws[t]; !ok {
				bad(wp, "no weight for transition %q, which takes tokens from %q too", t, p)
			}
		}
		if err := weights(vals); err != nil {
			bad(wp, "%v", err)
		}
	}
	if cycle := silentCycle(w, trans); cycle != "" {
		bad(at+".transitions", "silent transitions form a loop (%s): a case could go round it without end and without time passing; put an activity on it", cycle)
	}
}

// silentCycle finds a cycle of silent transitions (through places) and
// returns it as "t1 → p → t2 → q → t1", or "".
func silentCycle(w *WorkflowNet, trans map[string]int) string {
	// Silent transition → silent transitions fed by one of its outputs.
	takers := map[string][]int{}
	for i, t := range w.Transitions {
		if t.Label == "" {
			for _, p := range t.In {
				takers[p] = append(takers[p], i)
			}
		}
	}
	const (
		white = iota
		grey
		black
	)
	color := make([]int, len(w.Transitions))
	var path []string
	var found string
	var visit func(i int) bool
	visit = func(i int) bool {
		color[i] = grey
		path = append(path, w.Transitions[i].ID)
		for _, p := range w.Transitions[i].Out {
			for _, j := range takers[p] {
				switch color[j] {
				case grey:
					k := slices.Index(path, w.Transitions[j].ID)
					cyc := append(slices.Clone(path[k:]), w.Transitions[j].ID)
					found = strings.Join(cyc, " → ")
					return true
				case white:
					if visit(j) {
						return true
					}
				}
			}
		}
		path = path[:len(path)-1]
		color[i] = black
		return false
	}
	for i, t := range w.Transitions {
		if t.Label == "" && color[i] == white && visit(i) {
			return found
		}
	}
	return ""
}

// ParseDist reads a distribution written as in the model file — a YAML
// mapping such as "{dist: lognormal, mu: 6.2, sigma: 0.9}" — or as a plain
// number of seconds (a fixed duration), as a BPMN file's "duration"
// property gives it.
func ParseDist(text string) (dist.Dist, error) {
	text = strings.TrimSpace(text)
	if v, err := strconv.ParseFloat(text, 64); err == nil {
		d := dist.Dist{Kind: dist.Fixed, Value: v}
		return d, d.Validate()
	}
	var d dist.Dist
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("%q: want seconds or {dist: KIND, ...} as in the model file (%v)",
			text, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if d.Kind == "" {
		return d, fmt.Errorf("%q: no dist: want one of %s", text, strings.Join(dist.Kinds, ", "))
	}
	return d, d.Validate()
}
