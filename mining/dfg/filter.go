package dfg

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/pmx-dev/pmx/mining/eventlog"
)

// ErrFraction is returned for a slider value outside [0, 1].
var ErrFraction = errors.New("dfg: slider values must lie in [0, 1]")

// Graph is a filtered directly-follows graph. Indices in Edges, Counts,
// Start and End refer to Activities.
type Graph struct {
	// Activities are the kept activities, in the log's dictionary order.
	Activities []string
	// Counts are their occurrences in the log.
	Counts []int64
	// Edges are the kept arcs between activities, sorted by (From, To).
	Edges []Edge
	// Start[i] is the number of cases whose first kept event is activity i
	// if that start arc is kept, else 0; End likewise for the last event.
	Start, End []int64
	// Cases is the number of cases; Empty those without a kept event.
	Cases, Empty int64
}

// Edge is a kept directly-follows arc with the number of times it occurs.
type Edge struct {
	From, To int
	Count    int64
}

// Filter applies the two sliders to a log: activities and paths are the
// fractions (0..1) of activities and of paths to keep.
//
// Activities: the activities are ranked by frequency (ties by dictionary
// order) and the first ⌈activities·n⌉ are kept, but never fewer than one.
// The others are removed from the traces before the graph is built, so a
// case a x b with x removed contributes an arc a→b, and a case starting
// with x starts at its first kept activity (Disco computes its filtered map
// from the log in the same way).
//
// Paths: the arcs of that graph — start arcs, edges and end arcs — are
// ranked by frequency (ties: start arcs, edges, end arcs, then by activity
// order) and the first ⌈paths·m⌉ are kept. Then, so that no kept activity
// is stranded, the arcs of two widest-path trees are added: for every
// activity the path from the start whose least frequent arc is as frequent
// as possible, and the same towards the end. At paths = 0 the graph is
// exactly those two trees (the process "backbone"); at 1 it has every arc.
func Filter(log *eventlog.Log, activities, paths float64) (*Graph, error) {
	for _, f := range []float64{activities, paths} {
		if !(f >= 0 && f <= 1) {
			return nil, fmt.Errorf("%w: got %v", ErrFraction, f)
		}
	}
	n := len(log.Activities)
	count := make([]int64, n)
	for _, v := range log.Variants {
		for _, a := range v.Acts {
			count[a] += v.Count
		}
	}
	var ranked []int
	for a, c := range count {
		if c > 0 {
			ranked = append(ranked, a)
		}
	}
	slices.SortStableFunc(ranked, func(x, y int) int { return cmp.Compare(count[y], count[x]) })
	keep := make([]bool, n)
	for _, a := range ranked[:fraction(activities, len(ranked), 1)] {
		keep[a] = true
	}

	g := &Graph{Cases: log.Cases()}
	index := make([]int, n) // log activity -> Graph activity
	for a := range n {
		index[a] = -1
		if keep[a] {
			index[a] = len(g.Activities)
			g.Activities = append(g.Activities, log.Activities[a])
			g.Counts = append(g.Counts, count[a])
		}
	}
	k := len(g.Activities)
	start, end := make([]int64, k), make([]int64, k)
	// Edge counts go to a dense k×k matrix when that is small (a map
	// update per event would dominate), else to the map directly.
	edges := map[[2]int]int64{}
	var dense []int64
	if k <= 1024 {
		dense = make([]int64, k*k)
	}
	for _, v := range log.Variants {
		prev := -1
		for _, a := range v.Acts {
			i := index[a]
			if i < 0 {
				continue
			}
			switch {
			case prev < 0:
				start[i] += v.Count
			case dense != nil:
				dense[prev*k+i] += v.Count
			default:
				edges[[2]int{prev, i}] += v.Count
			}
			prev = i
		}
		if prev < 0 {
			g.Empty += v.Count
		} else {
			end[prev] += v.Count
		}
	}
	for i, c := range dense {
		if c > 0 {
			edges[[2]int{i / k, i % k}] = c
		}
	}

	all := arcs(start, end, edges)
	kept := map[arc]bool{}
	for _, a := range all[:fraction(paths, len(all), 0)] {
		kept[a] = true
	}
	for _, a := range widestTree(k, all, false) {
		kept[a] = true
	}
	for _, a := range widestTree(k, all, true) {
		kept[a] = true
	}
	g.Start, g.End = make([]int64, k), make([]int64, k)
	for a := range kept {
		switch a.kind {
		case startArc:
			g.Start[a.to] = a.count
		case endArc:
			g.End[a.from] = a.count
		default:
			g.Edges = append(g.Edges, Edge{From: a.from, To: a.to, Count: a.count})
		}
	}
	slices.SortFunc(g.Edges, func(x, y Edge) int { return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To)) })
	return g, nil
}

// fraction is ⌈f·n⌉ clamped to [lo, n]; the small tolerance keeps 0.3·10
// at 3 despite floating-point rounding.
func fraction(f float64, n, lo int) int {
	k := int(math.Ceil(f*float64(n) - 1e-9))
	return max(min(k, n), min(lo, n))
}

type arcKind uint8

const (
	startArc arcKind = iota
	edgeArc
	endArc
)

// arc is a start arc (to), an edge (from, to) or an end arc (from).
type arc struct {
	kind     arcKind
	from, to int
	count    int64
}

// arcs lists every arc, most frequent first.
func arcs(start, end []int64, edges map[[2]int]int64) []arc {
	var out []arc
	for i, c := range start {
		if c > 0 {
			out = append(out, arc{kind: startArc, from: -1, to: i, count: c})
		}
	}
	for e, c := range edges {
		out = append(out, arc{kind: edgeArc, from: e[0], to: e[1], count: c})
	}
	for i, c := range end {
		if c > 0 {
			out = append(out, arc{kind: endArc, from: i, to: -1, count: c})
		}
	}
	slices.SortFunc(out, func(x, y arc) int {
		return cmp.Or(cmp.Compare(y.count, x.count), cmp.Compare(x.kind, y.kind),
			cmp.Compare(x.from, y.from), cmp.Compare(x.to, y.to))
	})
	return out
}

// widestTree returns, for every activity, the last arc of a widest path
// from the start (or, reverse, the first arc of a widest path to the end):
// the path maximising its least frequent arc. It is Dijkstra's algorithm
// with (min, max) for (+, min); ties go to the lower activity index, so the
// tree is deterministic. Every activity of a projected log lies on some
// start-to-end path, so every activity gets an arc.
func widestTree(k int, all []arc, reverse bool) []arc {
	// Vertex k is the start (or the end, reversed).
	width := make([]int64, k+1)
	via := make([]arc, k+1)
	done := make([]bool, k+1)
	out := make([][]arc, k+1) // arcs leaving each vertex in search direction
	for _, a := range all {
		from, to := a.from, a.to
		if reverse {
			from, to = to, from
		}
		if from < 0 {
			from = k
		}
		if to < 0 {
			continue // an arc into the terminal of the other direction
		}
		out[from] = append(out[from], a)
	}
	width[k] = math.MaxInt64
	var tree []arc
	for {
		u := -1
		for v := range k + 1 {
			if !done[v] && width[v] > 0 && (u < 0 || width[v] > width[u]) {
				u = v
			}
		}
		if u < 0 {
			return tree
		}
		done[u] = true
		if u != k {
			tree = append(tree, via[u])
		}
		for _, a := range out[u] {
			v := a.to
			if reverse {
				v = a.from
			}
			if w := min(width[u], a.count); !done[v] && w > width[v] {
				width[v], via[v] = w, a
			}
		}
	}
}
