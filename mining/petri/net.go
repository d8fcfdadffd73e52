package petri

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// MaxTokens is the largest token count of a marking and the largest arc
// weight a Net may hold (2^31-1, the limit PNML tools agree on). Validate
// refuses larger ones, so that replay, which counts tokens in 64 bits, never
// overflows within any search budget.
const MaxTokens = 1<<31 - 1

// Net is a labelled Petri net. Places and transitions are addressed by
// their index; IDs are what exports write and must be unique.
type Net struct {
	Name        string
	Places      []Place
	Transitions []Transition
	Arcs        []Arc
	Initial     Marking
	Final       Marking
}

// Place is a condition holding tokens.
type Place struct {
	ID string
}

// Transition is an activity occurrence (Label) or, when Silent, a step the
// log does not record (tau); a silent transition's Label may still carry a
// name for display.
type Transition struct {
	ID     string
	Label  string
	Silent bool
}

// Arc connects a place and a transition; ToTrans says it runs from the
// place to the transition (an input arc), else from the transition to the
// place (an output arc). Weight is at least 1.
type Arc struct {
	Place   int
	Trans   int
	ToTrans bool
	Weight  int
}

// Marking maps place indices to token counts (zero counts are absent).
type Marking map[int]int

// Clone copies a marking.
func (m Marking) Clone() Marking { return maps.Clone(m) }

// Equal reports whether two markings hold the same tokens.
func (m Marking) Equal(o Marking) bool {
	for p, n := range m {
		if n != 0 && o[p] != n {
			return false
		}
	}
	for p, n := range o {
		if n != 0 && m[p] != n {
			return false
		}
	}
	return true
}

// AddPlace appends a place and returns its index.
func (n *Net) AddPlace(id string) int {
	n.Places = append(n.Places, Place{ID: id})
	return len(n.Places) - 1
}

// AddTransition appends a transition and returns its index.
func (n *Net) AddTransition(id, label string, silent bool) int {
	n.Transitions = append(n.Transitions, Transition{ID: id, Label: label, Silent: silent})
	return len(n.Transitions) - 1
}

// AddInput adds an arc from place p to transition t.
func (n *Net) AddInput(p, t int) {
	n.Arcs = append(n.Arcs, Arc{Place: p, Trans: t, ToTrans: true, Weight: 1})
}

// AddOutput adds an arc from transition t to place p.
func (n *Net) AddOutput(t, p int) { n.Arcs = append(n.Arcs, Arc{Place: p, Trans: t, Weight: 1}) }

// Index is a precomputed adjacency view of a net for replay and search.
type Index struct {
	Pre, Post [][]Weighted // per transition: input and output places
	PlaceIn   [][]int      // per place: transitions producing into it
	PlaceOut  [][]int      // per place: transitions consuming from it
}

// Weighted is a place with an arc weight.
type Weighted struct {
	Place  int
	Weight int
}

// Index builds the adjacency view. Parallel arcs are summed.
func (n *Net) Index() *Index {
	ix := &Index{Pre: make([][]Weighted, len(n.Transitions)), Post: make([][]Weighted, len(n.Transitions)),
		PlaceIn: make([][]int, len(n.Places)), PlaceOut: make([][]int, len(n.Places))}
	add := func(list []Weighted, p, w int) []Weighted {
		for i := range list {
			if list[i].Place == p {
				list[i].Weight += w
				return list
			}
		}
		return append(list, Weighted{p, w})
	}
	for _, a := range n.Arcs {
		w := max(a.Weight, 1)
		if a.ToTrans {
			ix.Pre[a.Trans] = add(ix.Pre[a.Trans], a.Place, w)
			if !slices.Contains(ix.PlaceOut[a.Place], a.Trans) {
				ix.PlaceOut[a.Place] = append(ix.PlaceOut[a.Place], a.Trans)
			}
		} else {
			ix.Post[a.Trans] = add(ix.Post[a.Trans], a.Place, w)
			if !slices.Contains(ix.PlaceIn[a.Place], a.Trans) {
				ix.PlaceIn[a.Place] = append(ix.PlaceIn[a.Place], a.Trans)
			}
		}
	}
	return ix
}

// Validate checks that indices are in range, IDs unique and weights
// positive.
func (n *Net) Validate() error {
	ids := map[string]bool{}
	for _, p := range n.Places {
		if p.ID == "" || ids[p.ID] {
			return fmt.Errorf("petri net: place id %q empty or repeated", p.ID)
		}
		ids[p.ID] = true
	}
	for _, t := range n.Transitions {
		if t.ID == "" || ids[t.ID] {
			return fmt.Errorf("petri net: transition id %q empty or repeated", t.ID)
		}
		ids[t.ID] = true
	}
	for i, a := range n.Arcs {
		if a.Place < 0 || a.Place >= len(n.Places) || a.Trans < 0 || a.Trans >= len(n.Transitions) {
			return fmt.Errorf("petri net: arc %d refers to a missing node", i)
		}
		if a.Weight < 1 || a.Weight > MaxTokens {
			return fmt.Errorf("petri net: arc %d has weight %d (want 1 to %d)", i, a.Weight, MaxTokens)
		}
	}
	for _, m := range []Marking{n.Initial, n.Final} {
		for p, k := range m {
			if p < 0 || p >= len(n.Places) || k < 0 || k > MaxTokens {
				return fmt.Errorf("petri net: marking refers to place %d with %d tokens", p, k)
			}
		}
	}
	return nil
}

// Structure is an ID-independent description of a net: the sorted
// transition labels ("" for silent ones) and, per place, the sorted labels
// of its input and output transitions. Two nets with equal structures have
// the same transitions and places, up to renaming (silent transitions are
// told apart only by their neighbourhoods).
func (n *Net) Structure() []string {
	ix := n.Index()
	label := func(t int) string {
		if n.Transitions[t].Silent {
			return "τ"
		}
		return n.Transitions[t].Label
	}
	var out []string
	for t := range n.Transitions {
		out = append(out, "t:"+label(t))
	}
	for p := range n.Places {
		var in, outs []string
		for _, t := range ix.PlaceIn[p] {
			in = append(in, label(t))
		}
		for _, t := range ix.PlaceOut[p] {
			outs = append(outs, label(t))
		}
		slices.Sort(in)
		slices.Sort(outs)
		out = append(out, fmt.Sprintf("p:{%s}->{%s}", strings.Join(in, ","), strings.Join(outs, ",")))
	}
	slices.Sort(out)
	return out
}
