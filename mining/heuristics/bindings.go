package heuristics

import "slices"

// neighbours lists successors and predecessors per activity, sorted.
func neighbours(n int, arcs map[[2]int32]Arc) (succ, pred [][]int32) {
	succ, pred = make([][]int32, n), make([][]int32, n)
	for e := range arcs {
		succ[e[0]] = append(succ[e[0]], e[1])
		pred[e[1]] = append(pred[e[1]], e[0])
	}
	for i := range n {
		slices.Sort(succ[i])
		slices.Sort(pred[i])
	}
	return succ, pred
}

// andPairs lists the pairs of xs whose AND measure reaches thr.
func andPairs(xs []int32, measure func(b, c int32) float64, thr float64) [][2]int32 {
	var out [][2]int32
	for i, b := range xs {
		for _, c := range xs[i+1:] {
			if measure(b, c) >= thr {
				out = append(out, [2]int32{b, c})
			}
		}
	}
	return out
}

// bindings are the maximal cliques of the AND pairs among xs, then every
// member of xs in no clique on its own; sorted.
func bindings(xs []int32, and [][2]int32) []Binding {
	var out []Binding
	inClique := map[int32]bool{}
	for _, c := range maximalCliques(and) {
		out = append(out, c)
		for _, x := range c {
			inClique[x] = true
		}
	}
	for _, x := range xs {
		if !inClique[x] {
			out = append(out, Binding{x})
		}
	}
	slices.SortFunc(out, func(a, b Binding) int { return slices.Compare(a, b) })
	return out
}

// maximalCliques enumerates the maximal cliques (Bron–Kerbosch with
// pivoting) of the undirected graph given by its edges.
func maximalCliques(edges [][2]int32) []Binding {
	if len(edges) == 0 {
		return nil
	}
	adj := map[int32]map[int32]bool{}
	for _, e := range edges {
		for _, x := range e {
			if adj[x] == nil {
				adj[x] = map[int32]bool{}
			}
		}
		adj[e[0]][e[1]], adj[e[1]][e[0]] = true, true
	}
	var all []int32
	for x := range adj {
		all = append(all, x)
	}
	slices.Sort(all)
	var out []Binding
	var rec func(r, p, x []int32)
	rec = func(r, p, x []int32) {
		if len(p) == 0 {
			if len(x) == 0 {
				c := slices.Clone(r)
				slices.Sort(c)
				out = append(out, c)
			}
			return
		}
		pivot, best := int32(-1), -1
		for _, u := range append(slices.Clone(p), x...) {
			k := 0
			for _, v := range p {
				if adj[u][v] {
					k++
				}
			}
			if k > best {
				pivot, best = u, k
			}
		}
		for _, u := range slices.Clone(p) {
			if adj[pivot][u] {
				continue
			}
			keep := func(s []int32) []int32 {
				var o []int32
				for _, v := range s {
					if adj[u][v] {
						o = append(o, v)
					}
				}
				return o
			}
			rec(append(r, u), keep(p), keep(x))
			p = slices.DeleteFunc(p, func(v int32) bool { return v == u })
			x = append(x, u)
		}
	}
	rec(nil, all, nil)
	return out
}
