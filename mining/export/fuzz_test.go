package export

import (
	"context"
	"testing"

	"github.com/pmx-dev/pmx/mining/tree"
)

// FuzzTreeBPMN: every tree that parses (up to a size that keeps one
// Graphviz layout fast) gives a BPMN file that passes checkBPMN, and DOT.
func FuzzTreeBPMN(f *testing.F) {
	for _, c := range treeCases {
		f.Add(c.build().String())
	}
	f.Add("*( X( tau, 'a' ), +( 'a', tau ), O( tau, tau ) )")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := tree.Parse(s)
		if err != nil || size(n) > 60 {
			return
		}
		out, err := TreeBPMN(context.Background(), n, BPMNOptions{})
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		checkBPMN(t, out)
		if _, err := TreeDOT(n); err != nil {
			t.Fatalf("%s: DOT: %v", s, err)
		}
	})
}

func size(n *tree.Node) int {
	s := 1
	for _, c := range n.Children {
		s += size(c)
	}
	return s
}
