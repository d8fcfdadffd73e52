package inductive

import (
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/tree"
)

// DefaultNoise is the IMf noise threshold PM4Py uses by default.
const DefaultNoise = 0.2

// maxDepth bounds the recursion; a log still undecided that deep (never
// seen on real logs: each step removes activities or splits traces) gets a
// flower model instead of exhausting the stack.
const maxDepth = 10000

// IM discovers a process tree with the basic Inductive Miner. Every trace
// of the log fits the tree. An empty log gives tau.
func IM(l *eventlog.Log) *tree.Node {
	m := &miner{ac: newActivities(l.Activities)}
	return fold(m.discover(fromEventLog(l), 0))
}

// IMf discovers a process tree with the Inductive Miner - infrequent, in
// PM4Py's scheme. Each step first looks for a cut of the sub-log's full
// directly-follows graph; only where there is none does it filter the graph
// and cut that: an edge a->b stays when it is more frequent than noise
// times the most frequent way of leaving a (an edge, or the end of a
// trace), a start activity when it is at least noise times the most
// frequent start activity. The log is then split by that cut, which drops
// the events and trace parts that disagree with it. Empty traces are
// modelled, as X( tau, ... ), only when they are more than noise of the
// cases; otherwise they are dropped. noise is relative, in [0, 1]; use
// DefaultNoise when in doubt; noise 0 gives IM's tree.
func IMf(l *eventlog.Log, noise float64) *tree.Node {
	m := &miner{ac: newActivities(l.Activities), infrequent: true, noise: noise}
	return fold(m.discover(fromEventLog(l), 0))
}

// miner holds what one discovery shares across the recursion.
type miner struct {
	ac         *activities
	infrequent bool
	noise      float64
}

func (m *miner) leaf(a int32) *tree.Node { return tree.Activity(m.ac.names[a]) }

// discover is one recursion step on a sub-log.
func (m *miner) discover(l *ulog, depth int) *tree.Node {
	// Empty traces first: X( tau, rest ). IMf ignores them while they are
	// at most noise of the cases.
	if e := l.emptyTrace(); e >= 0 {
		rest := l.without(e)
		if rest.empty() {
			return tree.Tau()
		}
		if !m.infrequent || float64(l.cnt[e]) > m.noise*float64(l.total()) {
			return tree.New(tree.Xor, tree.Tau(), m.discover(rest, depth+1))
		}
		l = rest
	}
	// Base cases: no trace, or one activity.
	if l.empty() {
		return tree.Tau()
	}
	if l.len() == 1 && l.traceLen(0) == 1 {
		return m.leaf(l.trace(0)[0])
	}
	g := m.ac.graphOf(l, -1)
	if depth > maxDepth {
		return flower(m.ac.names, g.v)
	}
	if c, ok := findCut(g); ok {
		return m.recurse(c, g, l, depth)
	}
	// IMf: cut the noise-filtered graph and let the split drop what
	// disagrees with the cut.
	if m.infrequent {
		if f := g.filterNoise(m.noise); f.n() > 0 {
			if c, ok := findCut(f); ok {
				return m.recurse(c, f, l, depth)
			}
		}
	}
	return m.fallThrough(l, g, depth)
}

func (m *miner) recurse(c cut, g *graph, l *ulog, depth int) *tree.Node {
	of := groupOf(len(m.ac.names), g, c.groups)
	subs := split(c.op, l, of, len(c.groups))
	return m.node(c.op, subs, depth)
}

func (m *miner) node(op tree.Op, subs []*ulog, depth int) *tree.Node {
	n := tree.New(op)
	for _, s := range subs {
		n.Children = append(n.Children, m.discover(s, depth+1))
	}
	return n
}

func (m *miner) fallThrough(l *ulog, g *graph, depth int) *tree.Node {
	if a, ok := m.onceOrConcurrent(l, g.v); ok {
		return m.node(tree.And, isolate(l, a), depth)
	}
	for _, strict := range []bool{true, false} {
		if body, ok := tauLoop(l, g, len(m.ac.names), strict); ok {
			return tree.New(tree.Loop, m.discover(body, depth+1), tree.Tau())
		}
	}
	return flower(m.ac.names, g.v)
}
