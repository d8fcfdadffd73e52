package export

import (
	"context"

	"github.com/pmx-dev/pmx/mining/tree"
)

var gatewayFor = map[tree.Op]kind{tree.Xor: exclusiveGateway, tree.And: parallelGateway, tree.Or: inclusiveGateway}

// TreeBPMN writes a process tree as a BPMN 2.0 process with one start and
// one end event, laid out by Graphviz (BPMNDI shapes and waypoints). The
// mapping is the natural one: an activity is a task; -> chains its
// children with sequence flows; X, + and O open and close their children
// between a pair of exclusive, parallel or inclusive gateways; *(do, redo)
// is an exclusive merge before do and an exclusive split after it, whose
// branches are leaving and redo leading back to the merge (several redo
// children are alternatives); tau is no task, only the sequence flow that
// skips it. Gateways left with one incoming and one outgoing flow are
// dropped.
func TreeBPMN(ctx context.Context, t *tree.Node, opt BPMNOptions) ([]byte, error) {
	if err := checkTree(t); err != nil {
		return nil, err
	}
	g := &graph{}
	start := g.add(startEvent, "")
	last := g.addTree(t, start)
	g.connect(last, g.add(endEvent, ""))
	return g.encode(ctx, opt)
}

// addTree appends the fragment for n after element from and returns the
// element the fragment ends in, which the caller connects onward exactly
// once. A silent fragment adds nothing and returns from.
func (g *graph) addTree(n *tree.Node, from int) int {
	if n.Op != tree.Leaf && silent(n) {
		return from // e.g. X( tau, tau ) or *( tau, tau ): no behaviour
	}
	switch n.Op {
	case tree.Leaf:
		if n.Tau {
			return from
		}
		t := g.add(task, n.Label)
		g.connect(from, t)
		return t
	case tree.Seq:
		for _, c := range n.Children {
			from = g.addTree(c, from)
		}
		return from
	case tree.Loop:
		merge := g.add(exclusiveGateway, "")
		g.connect(from, merge)
		doEnd := g.addTree(n.Children[0], merge)
		split := g.add(exclusiveGateway, "")
		g.connect(doEnd, split)
		redos := n.Children[1:]
		if len(redos) == 0 {
			redos = []*tree.Node{tree.Tau()}
		}
		for _, r := range redos {
			g.connect(g.addTree(r, split), merge)
		}
		return split
	}
	k := gatewayFor[n.Op]
	split := g.add(k, "")
	g.connect(from, split)
	ends := make([]int, len(n.Children))
	for i, c := range n.Children {
		ends[i] = g.addTree(c, split)
	}
	join := g.add(k, "")
	for _, e := range ends {
		g.connect(e, join)
	}
	return join
}

// silent reports whether n contains no activity.
func silent(n *tree.Node) bool { return len(n.Leaves()) == 0 }
