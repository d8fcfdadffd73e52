package heuristics

import (
	"cmp"
	"errors"
	"slices"

	"github.com/pmx-dev/pmx/mining/eventlog"
)

// ErrEmptyLog is returned when a log has no events.
var ErrEmptyLog = errors.New("heuristics: the log has no events")

// Net is a heuristics net: a causal net (C-net) over the activities.
type Net struct {
	// Activities is the log's activity dictionary; nodes and arcs refer
	// to activities by their index in it.
	Activities []string
	// Nodes are the activities in the net, in index order.
	Nodes []Node
	// Arcs is the dependency graph, sorted by (From, To).
	Arcs []Arc
}

// Node is one activity of the net with its bindings. Bindings are
// alternatives (an exclusive choice); the activities inside one binding go
// together (an AND-join or AND-split). Every predecessor (successor) of the
// node is in at least one input (output) binding.
type Node struct {
	Activity int32
	Count    int64 // occurrences in the log
	Start    int64 // cases that begin with the activity; > 0 lets it start a case
	End      int64 // cases that end with it; > 0 lets it end a case
	Inputs   []Binding
	Outputs  []Binding
}

// Binding is a sorted set of activities.
type Binding []int32

// Arc is a dependency a→b: Count is |a>b| after noise cleaning and
// Dependency the measure a⇒b. LoopTwo marks the arcs added for a
// length-two loop, whose dependency is below the threshold.
type Arc struct {
	From, To   int32
	Count      int64
	Dependency float64
	LoopTwo    bool
}

// Discover mines a heuristics net with PM4Py's variant of the algorithm.
// With |a>b| the number of times a is directly followed by b (after the
// noise pre-cleaning, see Options.NoiseThreshold) and |a>>b| the number of
// times "a b a" occurs (a≠b):
//
//	dependency   a⇒b  = (|a>b| − |b>a|) / (|a>b| + |b>a| + 1)   (a ≠ b)
//	             a⇒a  = |a>a| / (|a>a| + 1)
//	AND (split)  a→{b,c} = (|b>c| + |c>b|) / (|a>b| + |a>c| + 1)
//	AND (join)   {b,c}→a = (|b>c| + |c>b|) / (|b>a| + |c>a| + 1)
//	loop two     a⇒₂b = (|a>>b| + |b>>a|) / (|a>>b| + |b>>a| + 1)
//
// An arc a→b (self-loops included) is kept when both activities occur at
// least MinActivityCount times, |a>b| ≥ MinDFGOccurrences and a⇒b ≥
// DependencyThreshold; its ends become nodes. Unlike the paper there is no
// "all tasks connected" step: an activity with no kept arc is not in the
// net (unless no arc is kept at all, then every activity is a node without
// arcs). For a node a and an activity b such that "a b a" occurs,
// a⇒₂b ≥ LoopTwoThreshold, |a>b| ≥ MinDFGOccurrences and neither a⇒b nor
// b⇒a reaches the dependency threshold, the arcs a→b and b→a are added
// (LoopTwo). Two outputs (inputs)
// of a node are parallel when their AND measure reaches AndThreshold,
// measured over the arcs before the loop-two ones; the bindings are the
// maximal cliques of that relation plus a single-activity binding for each
// neighbour in no clique.
func Discover(log *eventlog.Log, opt Options) (*Net, error) {
	opt = opt.withDefaults()
	n := len(log.Activities)
	d := directlyFollows(log)
	if !slices.ContainsFunc(d.Counts, func(c int64) bool { return c > 0 }) {
		return nil, ErrEmptyLog
	}
	dfg := clean(d, opt.NoiseThreshold)
	count := func(a, b int32) int64 { return dfg[[2]int32{a, b}] }
	dep := func(a, b int32) float64 {
		if a == b {
			c := count(a, a)
			return float64(c) / float64(c+1)
		}
		c1, c2 := count(a, b), count(b, a)
		return float64(c1-c2) / float64(c1+c2+1)
	}
	// The dependency graph.
	isNode := make([]bool, n)
	arcs := map[[2]int32]Arc{}
	for e, c := range dfg {
		a, b := e[0], e[1]
		if d.Counts[a] >= opt.MinActivityCount && d.Counts[b] >= opt.MinActivityCount &&
			c >= opt.MinDFGOccurrences && dep(a, b) >= opt.DependencyThreshold {
			arcs[e] = Arc{From: a, To: b, Count: c, Dependency: dep(a, b)}
			isNode[a], isNode[b] = true, true
		}
	}
	// AND relations over the arcs found so far.
	succ, pred := neighbours(n, arcs)
	andOut := make([][][2]int32, n)
	andIn := make([][][2]int32, n)
	for a := range int32(n) {
		if !isNode[a] {
			continue
		}
		andOut[a] = andPairs(succ[a], func(b, c int32) float64 {
			return float64(count(b, c)+count(c, b)) / float64(count(a, b)+count(a, c)+1)
		}, opt.AndThreshold)
		andIn[a] = andPairs(pred[a], func(b, c int32) float64 {
			return float64(count(b, c)+count(c, b)) / float64(count(b, a)+count(c, a)+1)
		}, opt.AndThreshold)
	}
	// Length-two loops.
	tri := triples(log)
	for a := range int32(n) {
		if !isNode[a] {
			continue
		}
		for b := range int32(n) {
			v1, v2 := tri[[2]int32{a, b}], tri[[2]int32{b, a}]
			if a == b || v1 == 0 || float64(v1+v2)/float64(v1+v2+1) < opt.LoopTwoThreshold {
				continue
			}
			_, ab := dfg[[2]int32{a, b}]
			_, ba := dfg[[2]int32{b, a}]
			if !ab || count(a, b) < opt.MinDFGOccurrences || d.Counts[a] < opt.MinActivityCount ||
				d.Counts[b] < opt.MinActivityCount || (dep(a, b) >= opt.DependencyThreshold) ||
				(ba && dep(b, a) >= opt.DependencyThreshold) {
				continue
			}
			isNode[b] = true
			for _, e := range [][2]int32{{a, b}, {b, a}} {
				if _, ok := arcs[e]; !ok {
					arcs[e] = Arc{From: e[0], To: e[1], Count: count(e[0], e[1]), Dependency: dep(e[0], e[1]), LoopTwo: true}
				}
			}
		}
	}
	if !slices.Contains(isNode, true) {
		for a, c := range d.Counts {
			isNode[a] = c > 0
		}
	}
	succ, pred = neighbours(n, arcs)
	net := &Net{Activities: slices.Clone(log.Activities)}
	for a := range int32(n) {
		if !isNode[a] {
			continue
		}
		net.Nodes = append(net.Nodes, Node{Activity: a, Count: d.Counts[a], Start: d.Start[a], End: d.End[a],
			Inputs: bindings(pred[a], andIn[a]), Outputs: bindings(succ[a], andOut[a])})
	}
	for _, a := range arcs {
		net.Arcs = append(net.Arcs, a)
	}
	slices.SortFunc(net.Arcs, func(x, y Arc) int {
		return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
	})
	return net, nil
}
