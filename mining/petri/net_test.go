package petri

import (
	"slices"
	"testing"
)

// p0 → a → p1 → τ → p2, with a second arc a → p1 (weights sum).
func small() *Net {
	n := &Net{}
	p0, p1, p2 := n.AddPlace("p0"), n.AddPlace("p1"), n.AddPlace("p2")
	a, tau := n.AddTransition("a", "A", false), n.AddTransition("tau", "", true)
	n.AddInput(p0, a)
	n.AddOutput(a, p1)
	n.AddOutput(a, p1)
	n.AddInput(p1, tau)
	n.AddOutput(tau, p2)
	n.Initial, n.Final = Marking{p0: 1}, Marking{p2: 1}
	return n
}

func TestIndexSumsParallelArcs(t *testing.T) {
	ix := small().Index()
	if len(ix.Post[0]) != 1 || ix.Post[0][0] != (Weighted{1, 2}) || len(ix.Pre[1]) != 1 || ix.Pre[1][0] != (Weighted{1, 1}) {
		t.Fatalf("pre/post %+v %+v", ix.Pre, ix.Post)
	}
	if !slices.Equal(ix.PlaceIn[1], []int{0}) || !slices.Equal(ix.PlaceOut[1], []int{1}) || len(ix.PlaceIn[0]) != 0 {
		t.Fatalf("place adjacency %+v %+v", ix.PlaceIn, ix.PlaceOut)
	}
}

func TestValidate(t *testing.T) {
	if err := small().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, broken := range map[string]func(*Net){
		"repeated id":   func(n *Net) { n.Transitions[1].ID = "p0" },
		"empty id":      func(n *Net) { n.Places[2].ID = "" },
		"missing node":  func(n *Net) { n.Arcs[0].Trans = 7 },
		"zero weight":   func(n *Net) { n.Arcs[0].Weight = 0 },
		"marking place": func(n *Net) { n.Final = Marking{9: 1} },
		"huge weight":   func(n *Net) { n.Arcs[0].Weight = MaxTokens + 1 },
		"huge marking":  func(n *Net) { n.Initial = Marking{0: 1 << 33} },
	} {
		n := small()
		broken(n)
		if err := n.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestMarkingEqualIgnoresZeros(t *testing.T) {
	if !(Marking{0: 1, 1: 0}).Equal(Marking{0: 1}) || (Marking{0: 1}).Equal(Marking{0: 2}) || (Marking{}).Equal(Marking{3: 1}) {
		t.Fatal("Marking.Equal is wrong")
	}
	m := Marking{0: 1}
	c := m.Clone()
	c[0] = 5
	if m[0] != 1 {
		t.Fatal("Clone shares storage")
	}
}

// Structure is independent of ids and of the order nodes were added in.
func TestStructureIgnoresIDsAndOrder(t *testing.T) {
	a := small()
	b := &Net{}
	p2, p1, p0 := b.AddPlace("x2"), b.AddPlace("x1"), b.AddPlace("x0")
	tau, x := b.AddTransition("s", "", true), b.AddTransition("y", "A", false)
	b.AddInput(p1, tau)
	b.AddOutput(tau, p2)
	b.AddOutput(x, p1)
	b.AddInput(p0, x)
	if !slices.Equal(a.Structure(), b.Structure()) {
		t.Fatalf("structures differ:\n%v\n%v", a.Structure(), b.Structure())
	}
	b.Transitions[x].Label = "B"
	if slices.Equal(a.Structure(), b.Structure()) {
		t.Fatal("a relabelled transition left the structure unchanged")
	}
}
