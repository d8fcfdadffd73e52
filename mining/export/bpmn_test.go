package export

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/petri"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")

func TestTreeBPMN(t *testing.T) {
	ctx := context.Background()
	for _, c := range treeCases {
		t.Run(c.name, func(t *testing.T) {
			n := c.build()
			out, err := TreeBPMN(ctx, n, BPMNOptions{})
			if err != nil {
				t.Fatal(err)
			}
			m := checkBPMN(t, out)
			checkCounts(t, m, c.tasks, c.xor, c.and, c.ior)
			want := n.Leaves()
			slices.Sort(want)
			if got := m.taskNames(); !slices.Equal(got, want) {
				t.Errorf("task names %q, want %q", got, want)
			}
			checkReadable(t, m)
			again, err := TreeBPMN(ctx, n, BPMNOptions{})
			if err != nil || !bytes.Equal(out, again) {
				t.Errorf("second run differs (err %v)", err)
			}
		})
	}
}

func TestPetriNetBPMN(t *testing.T) {
	ctx := context.Background()
	for _, c := range netCases() {
		t.Run(c.name, func(t *testing.T) {
			out, err := PetriNetBPMN(ctx, c.net, BPMNOptions{})
			if err != nil {
				t.Fatal(err)
			}
			m := checkBPMN(t, out)
			checkCounts(t, m, c.tasks, c.xor, c.and, 0)
			var want []string
			for _, tr := range c.net.Transitions {
				if !tr.Silent {
					want = append(want, tr.Label)
				}
			}
			slices.Sort(want)
			if got := m.taskNames(); !slices.Equal(got, want) {
				t.Errorf("task names %q, want %q", got, want)
			}
			if m.doc.Process.Name != c.net.Name {
				t.Errorf("process name %q, want the net's %q", m.doc.Process.Name, c.net.Name)
			}
			checkReadable(t, m)
		})
	}
}

func TestPetriNetBPMNRejects(t *testing.T) {
	bad := func(edit func(n *petri.Net)) *petri.Net {
		n := wfnet("bad", "i a p1", "p1 b o")
		edit(n)
		return n
	}
	for _, c := range []struct {
		name     string
		net      *petri.Net
		workflow bool // the error is ErrNotWorkflowNet (else a Validate error)
		msg      string
	}{
		{"two sources", wfnet("n", "i a o", "j b o"), true, "2 source"},
		{"two sinks", wfnet("n", "i a o", "i b q"), true, "2 sink"},
		{"one place", &petri.Net{Places: []petri.Place{{ID: "p"}}}, true, "both source and sink"},
		{"spontaneous transition", bad(func(n *petri.Net) { n.AddOutput(n.AddTransition("x", "x", false), 2) }), true, "transition x is not on a path"},
		{"unreachable cycle", wfnet("n", "i a o", "p1 b p2", "p2 c p1"), true, "not on a path"},
		{"weight", bad(func(n *petri.Net) { n.Arcs[0].Weight = 2 }), true, "weight 2"},
		{"initial marking", bad(func(n *petri.Net) { n.Initial = petri.Marking{1: 1} }), true, "initial marking"},
		{"final marking", bad(func(n *petri.Net) { n.Final = petri.Marking{2: 2} }), true, "final marking"},
		{"invalid", bad(func(n *petri.Net) { n.Arcs[0].Trans = 9 }), false, "missing node"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := PetriNetBPMN(context.Background(), c.net, BPMNOptions{})
			if err == nil {
				t.Fatal("no error")
			}
			if errors.Is(err, ErrNotWorkflowNet) != c.workflow || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q: want ErrNotWorkflowNet=%v and %q in it", err, c.workflow, c.msg)
			}
		})
	}
}

func TestTreeBPMNRejects(t *testing.T) {
	for _, n := range []*struct {
		name string
		err  string
	}{{"nil", "nil process tree"}} {
		if _, err := TreeBPMN(context.Background(), nil, BPMNOptions{}); err == nil || !strings.Contains(err.Error(), n.err) {
			t.Errorf("%s: error %v", n.name, err)
		}
	}
	if _, err := TreeBPMN(context.Background(), mustTree(t, "->( 'a', 'b' )").Children[0], BPMNOptions{}); err != nil {
		t.Errorf("leaf: %v", err)
	}
	hollow := mustTree(t, "->( 'a', X( 'b', 'c' ) )")
	hollow.Children[1].Children = nil
	if _, err := TreeBPMN(context.Background(), hollow, BPMNOptions{}); err == nil || !strings.Contains(err.Error(), "no children") {
		t.Errorf("operator without children: error %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TreeBPMN(ctx, mustTree(t, "'a'"), BPMNOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: error %v", err)
	}
}

func TestBPMNGolden(t *testing.T) {
	out, err := TreeBPMN(context.Background(), mustTree(t, "->( 'a', X( 'b', 'c' ), 'd' )"), BPMNOptions{Name: "small tree"})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "small_tree.bpmn", out)
}

func TestBPMNOptions(t *testing.T) {
	n := mustTree(t, "->( 'a', X( 'b', +( 'c', 'd' ) ), *( 'e', 'f' ), 'g' )")
	name := `orders <EU> & "returns"`
	out, err := TreeBPMN(context.Background(), n, BPMNOptions{Name: name, Routing: RoutingPolyline})
	if err != nil {
		t.Fatal(err)
	}
	m := checkBPMN(t, out)
	checkReadable(t, m)
	if m.doc.Process.Name != name {
		t.Errorf("process name %q, want %q", m.doc.Process.Name, name)
	}
	ortho, err := TreeBPMN(context.Background(), n, BPMNOptions{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(out, ortho) {
		t.Error("polyline and orthogonal routing gave the same diagram")
	}
}

// checkCounts compares the number of tasks and gateways of each type.
func checkCounts(t *testing.T, m *bpmnModel, tasks, xor, and, ior int) {
	t.Helper()
	for _, c := range []struct {
		tag  string
		want int
	}{{"task", tasks}, {"exclusiveGateway", xor}, {"parallelGateway", and}, {"inclusiveGateway", ior}} {
		if got := m.tagCount(c.tag); got != c.want {
			t.Errorf("%d %s elements, want %d", got, c.tag, c.want)
		}
	}
}

// checkReadable checks the diagram a person would see: no two shapes
// overlap (with a 10px margin), no flow runs through a shape other than its
// own ends, and the flow reads left to right (the start event is the
// leftmost shape, the end event the rightmost).
func checkReadable(t *testing.T, m *bpmnModel) {
	t.Helper()
	ids := make([]string, 0, len(m.shapes))
	for id := range m.shapes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for i, a := range ids {
		for _, b := range ids[i+1:] {
			if overlap(grow(m.shapes[a], 5), grow(m.shapes[b], 5)) {
				t.Errorf("shapes %s %+v and %s %+v overlap", a, m.shapes[a], b, m.shapes[b])
			}
		}
	}
	for id, wp := range m.edges {
		f := m.elems[id]
		for _, s := range ids {
			if s == f.SourceRef || s == f.TargetRef {
				continue
			}
			for i := 1; i < len(wp); i++ {
				if segmentHits(wp[i-1], wp[i], grow(m.shapes[s], -2)) {
					t.Errorf("flow %s (%s -> %s) runs through %s", id, f.SourceRef, f.TargetRef, s)
				}
			}
		}
	}
	var start, end string
	for id, e := range m.elems {
		switch e.XMLName.Local {
		case "startEvent":
			start = id
		case "endEvent":
			end = id
		}
	}
	for _, id := range ids {
		b := m.shapes[id]
		if id != start && b.X < m.shapes[start].X {
			t.Errorf("%s lies left of the start event", id)
		}
		if id != end && b.X+b.W > m.shapes[end].X+m.shapes[end].W {
			t.Errorf("%s lies right of the end event", id)
		}
	}
}

func grow(b bounds, d float64) bounds { return bounds{b.X - d, b.Y - d, b.W + 2*d, b.H + 2*d} }

func overlap(a, b bounds) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

// segmentHits reports whether the segment p-q meets the rectangle r
// (Liang-Barsky clipping).
func segmentHits(p, q point, r bounds) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := q.X-p.X, q.Y-p.Y
	for _, c := range [][2]float64{{-dx, p.X - r.X}, {dx, r.X + r.W - p.X}, {-dy, p.Y - r.Y}, {dy, r.Y + r.H - p.Y}} {
		pk, qk := c[0], c[1]
		if pk == 0 {
			if qk < 0 {
				return false
			}
			continue
		}
		t := qk / pk
		if pk < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// TestRandomTreesReadable lays out seeded random trees, small ones routed
// orthogonally and a large one (past AutoOrthogonalLimit) with polylines,
// and checks them like the hand-written cases.
func TestRandomTreesReadable(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out large models")
	}
	for _, c := range []struct{ seed, leaves int }{{1, 12}, {2, 20}, {3, 30}, {4, 40}, {5, 250}} {
		n := randomTree(rand.New(rand.NewPCG(uint64(c.seed), uint64(c.leaves))), c.leaves)
		t.Run(fmt.Sprintf("seed=%d/leaves=%d", c.seed, c.leaves), func(t *testing.T) {
			out, err := TreeBPMN(context.Background(), n, BPMNOptions{})
			if err != nil {
				t.Fatal(err)
			}
			m := checkBPMN(t, out)
			want := n.Leaves()
			slices.Sort(want)
			if got := m.taskNames(); !slices.Equal(got, want) {
				t.Errorf("task names %q, want %q", got, want)
			}
			checkReadable(t, m)
		})
	}
}
