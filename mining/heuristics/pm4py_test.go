package heuristics

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"

	"github.com/pmx-dev/pmx/mining/petri"
)

// refNet is a net as testdata/pm4py/reference.py describes it: transition
// labels (null = silent) and, per place, the labels of its preset and
// postset and its tokens in the initial and final markings.
type refNet struct {
	Transitions []*string `json:"transitions"`
	Places      []struct {
		Preset  []*string `json:"preset"`
		Postset []*string `json:"postset"`
		Initial int       `json:"initial"`
		Final   int       `json:"final"`
	} `json:"places"`
}

type reference struct {
	Heuristics json.RawMessage    `json:"heuristics_net"`
	Params     map[string]float64 `json:"heuristics_params"`
	Seconds    map[string]any     `json:"seconds"`
}

func label(s *string) string {
	if s == nil {
		return "τ"
	}
	return *s
}

func placeLine(in, out []string, initial, final int) string {
	slices.Sort(in)
	slices.Sort(out)
	s := fmt.Sprintf("p:{%s}->{%s}", strings.Join(in, ","), strings.Join(out, ","))
	if initial > 0 {
		s += fmt.Sprintf(" initial=%d", initial)
	}
	if final > 0 {
		s += fmt.Sprintf(" final=%d", final)
	}
	return s
}

// describe is the reference's description in petri.Net.Structure's
// notation, with the markings appended to the places that hold tokens.
func (r *refNet) describe() []string {
	var out []string
	for _, t := range r.Transitions {
		out = append(out, "t:"+label(t))
	}
	for _, p := range r.Places {
		var in, o []string
		for _, x := range p.Preset {
			in = append(in, label(x))
		}
		for _, x := range p.Postset {
			o = append(o, label(x))
		}
		out = append(out, placeLine(in, o, p.Initial, p.Final))
	}
	slices.Sort(out)
	return out
}

// describe is Structure plus markings (see refNet.describe).
func describe(n *petri.Net) []string {
	ix := n.Index()
	lab := func(t int) string {
		if n.Transitions[t].Silent {
			return "τ"
		}
		return n.Transitions[t].Label
	}
	var out []string
	for t := range n.Transitions {
		out = append(out, "t:"+lab(t))
	}
	for p := range n.Places {
		var in, o []string
		for _, t := range ix.PlaceIn[p] {
			in = append(in, lab(t))
		}
		for _, t := range ix.PlaceOut[p] {
			o = append(o, lab(t))
		}
		out = append(out, placeLine(in, o, n.Initial[p], n.Final[p]))
	}
	slices.Sort(out)
	return out
}

// diff lists the lines only in got ("+") and only in want ("-").
func diff(got, want []string) []string {
	count := map[string]int{}
	for _, s := range got {
		count[s]++
	}
	for _, s := range want {
		count[s]--
	}
	var out []string
	for s, c := range count {
		for ; c > 0; c-- {
			out = append(out, "+ "+s)
		}
		for ; c < 0; c++ {
			out = append(out, "- "+s)
		}
	}
	slices.Sort(out)
	return out
}

// TestHeuristicsMatchesPM4Py: on every shared log the Petri net has the
// same transitions and places (with their markings) as
// pm4py.discover_petri_net_heuristics with the reference's parameters.
func TestHeuristicsMatchesPM4Py(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			var ref reference
			testlogs.LoadReference(t, stem, &ref)
			var want refNet
			if err := json.Unmarshal(ref.Heuristics, &want); err != nil {
				t.Skipf("reference for %s has no usable heuristics_net: %.200s", stem, ref.Heuristics)
			}
			opt := Options{
				DependencyThreshold: ref.Params["dependency_threshold"],
				AndThreshold:        ref.Params["and_threshold"],
				LoopTwoThreshold:    ref.Params["loop_two_threshold"],
			}
			h, err := Discover(testlogs.Load(t, stem), opt)
			if err != nil {
				t.Fatal(err)
			}
			net := h.Petri()
			if err := net.Validate(); err != nil {
				t.Fatal(err)
			}
			if d := diff(describe(net), want.describe()); len(d) > 0 {
				t.Errorf("heuristics net differs from PM4Py's (+ only ours, - only PM4Py's):\n%s", strings.Join(d, "\n"))
			}
		})
	}
}
