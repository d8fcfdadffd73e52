package inductive

import "slices"

// reachability returns r with r[i*n+j] true when a path of length >= 1
// leads from i to j, except i to itself (PM4Py uses networkx's
// descendants, which never contain the source). It closes the edge
// relation transitively on bit rows (Warshall), n^3/64 word operations.
func reachability(g *graph) []bool {
	n := g.n()
	w := (n + 63) / 64
	rows := make([]uint64, n*w)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if g.has(i, j) {
				rows[i*w+j/64] |= 1 << (j % 64)
			}
		}
	}
	for k := 0; k < n; k++ {
		rk := rows[k*w : (k+1)*w]
		for i := 0; i < n; i++ {
			ri := rows[i*w : (i+1)*w]
			if ri[k/64]&(1<<(k%64)) != 0 {
				for x := range ri {
					ri[x] |= rk[x]
				}
			}
		}
	}
	r := make([]bool, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			r[i*n+j] = i != j && rows[i*w+j/64]&(1<<(j%64)) != 0
		}
	}
	return r
}

// sequenceCut is the strict sequence cut (Leemans' thesis, p. 233, as PM4Py
// implements it): activities that are mutually reachable or mutually
// unreachable share a group, the groups are ordered by reachability, then
// groups that can be skipped together are merged.
func sequenceCut(g *graph) [][]int {
	n := g.n()
	if n == 0 {
		return nil
	}
	r := reachability(g)
	u := newUnionFind(n)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if r[i*n+j] == r[j*n+i] {
				u.union(i, j)
			}
		}
	}
	gs := u.groups()
	if len(gs) < 2 {
		return nil
	}
	// Between two groups every pair is reachable in one direction only, and
	// reachability is transitive, so "group X reaches group Y" is a total
	// order: the first group reaches all others.
	of := make([]int, n)
	for k, grp := range gs {
		for _, i := range grp {
			of[i] = k
		}
	}
	reach := make([]int, len(gs))
	seen := make([]bool, len(gs))
	for k, grp := range gs {
		clear(seen)
		for _, i := range grp {
			for j := 0; j < n; j++ {
				if r[i*n+j] && of[j] != k && !seen[of[j]] {
					seen[of[j]] = true
					reach[k]++
				}
			}
		}
	}
	order := make([]int, len(gs))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return reach[b] - reach[a] })
	sorted := make([][]int, len(gs))
	for k, o := range order {
		sorted[k] = gs[o]
	}
	return strictMerge(g, sorted)
}

// strictMerge merges groups that together can be skipped: for each group p
// that can be skipped (an edge jumps over it, or a later group holds a
// start activity, or an earlier one an end activity), the neighbours that
// cannot be left past p (mt) or entered before p (mf) join it. The indices
// mf and mt refer to the groups before merging, and later tests see the
// groups as merged so far, as in the published algorithm.
func strictMerge(g *graph, c [][]int) [][]int {
	n, m := g.n(), len(c)
	cm := make([]int, n)
	for k, grp := range c {
		for _, i := range grp {
			cm[i] = k
		}
	}
	const inf = int(^uint(0) >> 1)
	mf := make([]int, m) // the earliest group that enters group k (-inf: the start)
	mt := make([]int, m) // the latest group that group k leaves to (+inf: the end)
	for k, grp := range c {
		mf[k], mt[k] = inf, -inf
		for _, i := range grp {
			if g.isStart(i) {
				mf[k] = -inf
			}
			if g.isEnd(i) {
				mt[k] = inf
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if g.has(i, j) {
				mf[cm[j]] = min(mf[cm[j]], cm[i])
				mt[cm[i]] = max(mt[cm[i]], cm[j])
			}
		}
	}
	skippable := func(p int) bool {
		for i := 0; i < p; i++ {
			for j := p + 1; j < m; j++ {
				for _, a := range c[i] {
					for _, b := range c[j] {
						if g.has(a, b) {
							return true
						}
					}
				}
			}
		}
		for i := p + 1; i < m; i++ {
			for _, a := range c[i] {
				if g.isStart(a) {
					return true
				}
			}
		}
		for i := 0; i < p; i++ {
			for _, a := range c[i] {
				if g.isEnd(a) {
					return true
				}
			}
		}
		return false
	}
	for p := 0; p < m; p++ {
		if !skippable(p) {
			continue
		}
		for q := p - 1; q >= 0 && mt[q] <= p; q-- {
			c[p] = append(c[p], c[q]...)
			c[q] = nil
		}
		for q := p + 1; q < m && mf[q] >= p; q++ {
			c[p] = append(c[p], c[q]...)
			c[q] = nil
		}
	}
	out := c[:0]
	for _, grp := range c {
		if len(grp) > 0 {
			slices.Sort(grp)
			out = append(out, grp)
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}
