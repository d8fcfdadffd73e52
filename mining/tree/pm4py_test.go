package tree

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/pnml"
)

// TestToNetMatchesPM4Py converts PM4Py's IM and IMf trees of every
// reference log (reference.json) and compares the net with the one
// PM4Py's convert_to_petri_net gave for the same tree (imf.pnml, im.pnml,
// written by testdata/pm4py/reference.py): the same places, transitions
// and arcs, by ID, and the same markings. Only the files under testdata
// are read, so this runs without the shared logs.
func TestToNetMatchesPM4Py(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		for _, model := range []string{"imf", "im"} {
			t.Run(stem+"/"+model, func(t *testing.T) {
				var ref map[string]any
				testlogs.LoadReference(t, stem, &ref)
				s, ok := ref[model+"_tree"].(string)
				if !ok {
					t.Skipf("reference has no %s_tree", model)
				}
				tr, err := Parse(s)
				if err != nil {
					t.Fatal(err)
				}
				f, err := os.Open(testlogs.ReferenceFile(stem, model+".pnml"))
				if err != nil {
					t.Skipf("no %s.pnml for %s", model, stem)
				}
				defer f.Close()
				want, err := pnml.Read(f)
				if err != nil {
					t.Fatal(err)
				}
				got := tr.ToNet()
				if err := got.Validate(); err != nil {
					t.Fatal(err)
				}
				if d := netDiff(got, want); d != "" {
					t.Fatalf("net differs from PM4Py's (%d/%d/%d places/transitions/arcs, PM4Py %d/%d/%d):\n%s",
						len(got.Places), len(got.Transitions), len(got.Arcs), len(want.Places), len(want.Transitions), len(want.Arcs), d)
				}
			})
		}
	}
}

// netDiff describes how two nets differ as sets of named elements; "" when
// they are equal.
func netDiff(a, b *petri.Net) string {
	describe := func(n *petri.Net) []string {
		var out []string
		for p, pl := range n.Places {
			out = append(out, fmt.Sprintf("place %s initial %d final %d", pl.ID, n.Initial[p], n.Final[p]))
		}
		for _, t := range n.Transitions {
			out = append(out, fmt.Sprintf("transition %s label %q silent %v", t.ID, t.Label, t.Silent))
		}
		for _, a := range n.Arcs {
			p, t := n.Places[a.Place].ID, n.Transitions[a.Trans].ID
			if a.ToTrans {
				out = append(out, fmt.Sprintf("arc %s -> %s weight %d", p, t, a.Weight))
			} else {
				out = append(out, fmt.Sprintf("arc %s -> %s weight %d", t, p, a.Weight))
			}
		}
		slices.Sort(out)
		return out
	}
	x, y := describe(a), describe(b)
	var d string
	for _, s := range x {
		if !slices.Contains(y, s) {
			d += "  only pmx:   " + s + "\n"
		}
	}
	for _, s := range y {
		if !slices.Contains(x, s) {
			d += "  only PM4Py: " + s + "\n"
		}
	}
	return d
}

// TestPM4PyOrder scrambles the children of every X and + of PM4Py's
// trees and checks that PM4PyOrder restores PM4Py's own order, the one its
// inductive miner leaves (tree_sort), so that a tree discovered by pmx
// converts to PM4Py's net whatever order its children came in.
func TestPM4PyOrder(t *testing.T) {
	var reverse func(n *Node)
	reverse = func(n *Node) {
		if n.Op == Xor || n.Op == And {
			slices.Reverse(n.Children)
		}
		for _, c := range n.Children {
			reverse(c)
		}
	}
	for _, stem := range testlogs.Stems() {
		for _, key := range []string{"imf_tree", "im_tree", "imd_tree"} {
			t.Run(stem+"/"+key, func(t *testing.T) {
				var ref map[string]any
				testlogs.LoadReference(t, stem, &ref)
				s, ok := ref[key].(string)
				if !ok {
					t.Skipf("reference has no %s", key)
				}
				tr, err := Parse(s)
				if err != nil {
					t.Fatal(err)
				}
				if got := tr.PM4PyOrder().String(); got != s {
					t.Fatalf("PM4Py's own tree reordered:\n got  %s\n want %s", got, s)
				}
				reverse(tr)
				if got := tr.PM4PyOrder().String(); got != s {
					t.Fatalf("scrambled tree ordered\n  %s\nPM4Py's is\n  %s", got, s)
				}
				if tr.String() == s && tr.Canonical() != tr.PM4PyOrder().Canonical() {
					t.Fatal("PM4PyOrder changed the tree itself")
				}
			})
		}
	}
}
