package inductive

// loopCut returns the do part (start and end activities and what must stay
// with them) and one redo part (PM4Py merges all redo components into one
// child, so the loop always has two children).
func loopCut(g *graph) [][]int {
	n := g.n()
	if !g.hasEdges() {
		return nil
	}
	// Components of the graph without the start and end activities.
	u := newUnionFind(n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if g.has(i, j) && !g.isBoundary(i) && !g.isBoundary(j) {
				u.union(i, j)
			}
		}
	}
	inDo := make([]bool, n) // by component root
	for i := 0; i < n; i++ {
		if g.isBoundary(i) {
			inDo[u.find(i)] = true
		}
	}
	do := func(i int) bool { return inDo[u.find(i)] }
	// A component entered from a start activity that is not an end activity,
	// or leaving to an end activity that is not a start activity, belongs to
	// the do part.
	for a := 0; a < n; a++ {
		if g.isStart(a) && !g.isEnd(a) {
			for b := 0; b < n; b++ {
				if g.has(a, b) {
					inDo[u.find(b)] = true
				}
			}
		}
		if g.isEnd(a) && !g.isStart(a) {
			for b := 0; b < n; b++ {
				if g.has(b, a) {
					inDo[u.find(b)] = true
				}
			}
		}
	}
	// A redo component with an activity that goes back to some start
	// activity but not to all of them, or is entered from some end activity
	// but not from all of them, belongs to the do part. The test looks at a
	// component's own activities only, so the order does not matter.
	bad := make([]bool, n)
	for a := 0; a < n; a++ {
		if do(a) {
			continue
		}
		toStart, toAll, fromEnd, fromAll := false, true, false, true
		for s := 0; s < n; s++ {
			if g.isStart(s) {
				if g.has(a, s) {
					toStart = true
				} else {
					toAll = false
				}
			}
			if g.isEnd(s) {
				if g.has(s, a) {
					fromEnd = true
				} else {
					fromAll = false
				}
			}
		}
		if (toStart && !toAll) || (fromEnd && !fromAll) {
			bad[u.find(a)] = true
		}
	}
	var doPart, redo []int
	for i := 0; i < n; i++ {
		if do(i) || bad[u.find(i)] {
			doPart = append(doPart, i)
		} else {
			redo = append(redo, i)
		}
	}
	if len(redo) == 0 || len(doPart) == 0 {
		// An empty do part happens only on graphs without start and end
		// activities (IMd sub-graphs); PM4Py then takes the first remaining
		// component as do part.
		if len(redo) == 0 {
			return nil
		}
		return firstComponentAsDo(u, redo)
	}
	return [][]int{doPart, redo}
}

func firstComponentAsDo(u unionFind, redo []int) [][]int {
	r := u.find(redo[0])
	var do, rest []int
	for _, i := range redo {
		if u.find(i) == r {
			do = append(do, i)
		} else {
			rest = append(rest, i)
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return [][]int{do, rest}
}
