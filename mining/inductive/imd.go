package inductive

import (
	"slices"
	"strconv"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/tree"
)

// IMd discovers a process tree from a directly-follows graph alone (the
// Inductive Miner - directly-follows): the cuts are searched on the graph
// and the graph, not the log, is split, so the cost does not depend on the
// log size. activities names the graph's activity indices (indices without
// a name are called by their number). The empty traces of d (d.Empty) make
// the whole model skippable.
//
// With noise 0 the result is PM4Py's IMd. With noise > 0 a step without a
// cut retries on the graph filtered as IMf filters it before falling back
// to the flower model (PM4Py's IMd has no noise handling).
func IMd(d *eventlog.DFG, activities []string, noise float64) *tree.Node {
	names := activities
	if len(names) < d.N {
		names = append(slices.Clone(names), make([]string, d.N-len(names))...)
		for i := len(activities); i < d.N; i++ {
			names[i] = strconv.Itoa(i)
		}
	}
	ac := newActivities(names)
	v := make([]int32, d.N)
	for i := range v {
		v[i] = int32(i)
	}
	ac.sortByName(v)
	g := newGraph(v)
	pos := make([]int, d.N)
	for i, a := range v {
		pos[a] = i
		g.start[i], g.end[i] = d.Start[a], d.End[a]
	}
	for e, c := range d.Edges {
		if c > 0 {
			g.e[pos[e[0]]*d.N+pos[e[1]]] += c
		}
	}
	m := &miner{ac: ac, infrequent: noise > 0, noise: noise}
	return fold(m.discoverGraph(g.compact(), d.Empty > 0, 0))
}

// discoverGraph is one IMd recursion step. skip says the sub-model must be
// skippable (the graph lost traces that jumped over it).
func (m *miner) discoverGraph(g *graph, skip bool, depth int) *tree.Node {
	if skip {
		if g.n() == 0 {
			return tree.Tau()
		}
		return tree.New(tree.Xor, tree.Tau(), m.discoverGraph(g, false, depth+1))
	}
	edges := g.hasEdges()
	if g.n() == 0 {
		return tree.Tau()
	}
	if !edges && g.n() == 1 {
		// PM4Py names the leaf after the graph's start activity and fails
		// when the one activity is only an end activity; it is the same
		// activity either way.
		return m.leaf(g.v[0])
	}
	if depth > maxDepth {
		return flower(m.ac.names, g.v)
	}
	if c, ok := findCut(g); ok {
		return m.recurseGraph(c, g, depth)
	}
	if m.infrequent {
		if f := g.filterNoise(m.noise); f.n() > 0 {
			if c, ok := findCut(f); ok {
				return m.recurseGraph(c, f, depth)
			}
		}
	}
	return flower(m.ac.names, g.v)
}

func (m *miner) recurseGraph(c cut, g *graph, depth int) *tree.Node {
	var subs []*graph
	var skip []bool
	switch c.op {
	case tree.Seq:
		subs, skip = splitGraphSeq(g, c.groups)
	case tree.Loop:
		subs, skip = splitGraphLoop(g, c.groups)
	default: // X and +: each group keeps its own edges, starts and ends
		for _, grp := range c.groups {
			subs = append(subs, g.sub(grp).compact())
		}
		skip = make([]bool, len(subs))
	}
	n := tree.New(c.op)
	for i, s := range subs {
		n.Children = append(n.Children, m.discoverGraph(s, skip[i], depth+1))
	}
	return n
}

// splitGraphSeq gives group i the edges inside it; its start activities are
// entered from group i-1 (the graph's starts for the first group) and its
// end activities leave to group i+1 (the graph's ends for the last), with
// the summed counts of those edges. A group is skippable when an edge jumps
// over it, or a start (end) activity lies after (before) it. These are
// PM4Py's rules: edges that skip several groups count only for skipping.
func splitGraphSeq(g *graph, groups [][]int) ([]*graph, []bool) {
	n, k := g.n(), len(groups)
	of := make([]int, n)
	for i, grp := range groups {
		for _, x := range grp {
			of[x] = i
		}
	}
	skip := make([]bool, k)
	for a := 0; a < n; a++ {
		if g.isStart(a) {
			for j := 0; j < of[a]; j++ {
				skip[j] = true
			}
		}
		if g.isEnd(a) {
			for j := of[a] + 1; j < k; j++ {
				skip[j] = true
			}
		}
		for b := 0; b < n; b++ {
			if g.has(a, b) {
				for j := of[a] + 1; j < of[b]; j++ {
					skip[j] = true
				}
			}
		}
	}
	subs := make([]*graph, k)
	for i, grp := range groups {
		s := g.sub(grp)
		clear(s.start)
		clear(s.end)
		for x, a := range grp {
			if i == 0 {
				s.start[x] = g.start[a]
			}
			if i == k-1 {
				s.end[x] = g.end[a]
			}
			for b := 0; b < n; b++ {
				if i > 0 && of[b] == i-1 {
					s.start[x] += g.edge(b, a)
				}
				if i < k-1 && of[b] == i+1 {
					s.end[x] += g.edge(a, b)
				}
			}
		}
		subs[i] = s.compact()
	}
	return subs, skip
}

// splitGraphLoop: the do part keeps its edges and the graph's start and end
// activities; in the redo part every activity is a start and an end
// activity; the redo part is skippable when an end activity directly
// precedes a start activity.
func splitGraphLoop(g *graph, groups [][]int) ([]*graph, []bool) {
	n := g.n()
	do := g.sub(groups[0]).compact()
	redo := g.sub(groups[1])
	for x := range groups[1] {
		redo.start[x], redo.end[x] = 1, 1
	}
	skipRedo := false
	for a := 0; a < n && !skipRedo; a++ {
		for b := 0; b < n; b++ {
			if g.has(a, b) && g.isEnd(a) && g.isStart(b) {
				skipRedo = true
				break
			}
		}
	}
	return []*graph{do, redo}, []bool{false, skipRedo}
}
