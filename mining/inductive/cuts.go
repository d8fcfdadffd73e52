package inductive

import (
	"slices"

	"github.com/pmx-dev/pmx/mining/tree"
)

// A cut is an operator and a partition of the graph's vertices (positions
// into graph.v); the order of the groups is the order of the children.
type cut struct {
	op     tree.Op
	groups [][]int
}

// findCut tries the cuts in the order of the Inductive Miner: exclusive
// choice, (strict) sequence, concurrency, loop.
func findCut(g *graph) (cut, bool) {
	if gs := xorCut(g); gs != nil {
		return cut{tree.Xor, gs}, true
	}
	if gs := sequenceCut(g); gs != nil {
		return cut{tree.Seq, gs}, true
	}
	if gs := concurrencyCut(g); gs != nil {
		return cut{tree.And, gs}, true
	}
	if gs := loopCut(g); gs != nil {
		return cut{tree.Loop, gs}, true
	}
	return cut{}, false
}

// unionFind is a disjoint-set forest over vertex positions.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(i, j int) {
	a, b := u.find(i), u.find(j)
	if a < b {
		u[b] = a
	} else if b < a {
		u[a] = b
	}
}

// groups lists the sets, each ascending, ordered by their smallest member.
func (u unionFind) groups() [][]int {
	at := make([]int, len(u)) // root -> group number + 1
	var out [][]int
	for i := range u {
		r := u.find(i)
		if at[r] == 0 {
			out = append(out, nil)
			at[r] = len(out)
		}
		out[at[r]-1] = append(out[at[r]-1], i)
	}
	return out
}

// xorCut: the connected components of the undirected graph. Groups are
// ordered by their sorted activity names, as PM4Py orders them (the order
// decides ties when IMf splits a trace that touches several groups).
func xorCut(g *graph) [][]int {
	n := g.n()
	u := newUnionFind(n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if g.has(i, j) {
				u.union(i, j)
			}
		}
	}
	gs := u.groups()
	if len(gs) < 2 {
		return nil
	}
	// Positions are in name order, so comparing position lists compares the
	// sorted name lists.
	slices.SortFunc(gs, slices.Compare)
	return gs
}

// concurrencyCut: activities not connected in both directions share a
// group. PM4Py then orders the groups by size (ties: by their first
// activity name) and merges every group lacking a start or an end activity
// into its predecessor (the first group into its successor), where the
// paper would reject the cut.
func concurrencyCut(g *graph) [][]int {
	n := g.n()
	if n == 0 {
		return nil
	}
	u := newUnionFind(n)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if !g.has(i, j) || !g.has(j, i) {
				u.union(i, j)
			}
		}
	}
	gs := u.groups()
	slices.SortStableFunc(gs, func(a, b []int) int { return len(a) - len(b) })
	complete := func(grp []int) bool {
		s, e := false, false
		for _, i := range grp {
			s = s || g.isStart(i)
			e = e || g.isEnd(i)
		}
		return s && e
	}
	for i := 0; i < len(gs) && len(gs) > 1; {
		if complete(gs[i]) {
			i++
			continue
		}
		grp := gs[i]
		gs = slices.Delete(gs, i, i+1)
		k := max(i-1, 0)
		gs[k] = append(gs[k], grp...)
	}
	if len(gs) < 2 {
		return nil
	}
	for _, grp := range gs {
		slices.Sort(grp)
	}
	return gs
}
