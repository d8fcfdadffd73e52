package inductive

import "slices"

// graph is a directly-follows graph over a subset of the activities, the
// structure every cut is searched on. Vertices are global activity indices
// in name order (v); edges, start and end counts are indexed by vertex
// position. A vertex is kept only when it has an edge, or is a start or an
// end activity: PM4Py takes a DFG's vertices from exactly these, so an
// activity whose edges are all filtered away leaves the graph.
type graph struct {
	v     []int32
	e     []int64 // e[i*len(v)+j]: how often v[j] directly follows v[i]
	start []int64
	end   []int64
}

func (g *graph) n() int                { return len(g.v) }
func (g *graph) edge(i, j int) int64   { return g.e[i*len(g.v)+j] }
func (g *graph) has(i, j int) bool     { return g.e[i*len(g.v)+j] > 0 }
func (g *graph) isStart(i int) bool    { return g.start[i] > 0 }
func (g *graph) isEnd(i int) bool      { return g.end[i] > 0 }
func (g *graph) isBoundary(i int) bool { return g.start[i] > 0 || g.end[i] > 0 }

func (g *graph) hasEdges() bool {
	for _, c := range g.e {
		if c > 0 {
			return true
		}
	}
	return false
}

// newGraph allocates a graph over vertices v (in name order).
func newGraph(v []int32) *graph {
	n := len(v)
	return &graph{v: v, e: make([]int64, n*n), start: make([]int64, n), end: make([]int64, n)}
}

// compact drops the vertices without edges that are neither start nor end.
func (g *graph) compact() *graph {
	n := g.n()
	keep := make([]int, 0, n)
	for i := 0; i < n; i++ {
		ok := g.isBoundary(i)
		for j := 0; j < n && !ok; j++ {
			ok = g.has(i, j) || g.has(j, i)
		}
		if ok {
			keep = append(keep, i)
		}
	}
	if len(keep) == n {
		return g
	}
	return g.sub(keep)
}

// sub is the graph restricted to the given vertex positions (ascending).
func (g *graph) sub(pos []int) *graph {
	v := make([]int32, len(pos))
	for k, i := range pos {
		v[k] = g.v[i]
	}
	h := newGraph(v)
	m := len(pos)
	for a, i := range pos {
		h.start[a], h.end[a] = g.start[i], g.end[i]
		for b, j := range pos {
			h.e[a*m+b] = g.edge(i, j)
		}
	}
	return h
}

// activities is a helper shared by the miners: the activity dictionary and
// each activity's rank in name order, which fixes every tie-break.
type activities struct {
	names []string
	rank  []int32
	local []int32 // scratch: global activity -> vertex position, -1 if absent
}

func newActivities(names []string) *activities {
	order := make([]int32, len(names))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		switch {
		case names[a] < names[b]:
			return -1
		case names[a] > names[b]:
			return 1
		}
		return 0
	})
	rank := make([]int32, len(names))
	for r, a := range order {
		rank[a] = int32(r)
	}
	local := make([]int32, len(names))
	for i := range local {
		local[i] = -1
	}
	return &activities{names: names, rank: rank, local: local}
}

// sortByName orders activity indices by name.
func (ac *activities) sortByName(v []int32) {
	slices.SortFunc(v, func(a, b int32) int { return int(ac.rank[a]) - int(ac.rank[b]) })
}

// alphabet lists the activities of a log in name order.
func (ac *activities) alphabet(l *ulog) []int32 {
	var v []int32
	for _, a := range l.acts {
		if ac.local[a] < 0 {
			ac.local[a] = 0
			v = append(v, a)
		}
	}
	for _, a := range v {
		ac.local[a] = -1
	}
	ac.sortByName(v)
	return v
}

// graphOf computes the directly-follows graph of a log. When drop >= 0,
// that activity is treated as absent (its neighbours become adjacent), as
// the activity-concurrent fall-through needs.
func (ac *activities) graphOf(l *ulog, drop int32) *graph {
	v := ac.alphabet(l)
	if drop >= 0 {
		if k := slices.Index(v, drop); k >= 0 {
			v = slices.Delete(v, k, k+1)
		}
	}
	g := newGraph(v)
	for i, a := range v {
		ac.local[a] = int32(i)
	}
	n := len(v)
	for i := 0; i < l.len(); i++ {
		c := l.cnt[i]
		prev := int32(-1)
		for _, a := range l.trace(i) {
			if a == drop {
				continue
			}
			x := ac.local[a]
			if prev < 0 {
				g.start[x] += c
			} else {
				g.e[int(prev)*n+int(x)] += c
			}
			prev = x
		}
		if prev >= 0 {
			g.end[prev] += c
		}
	}
	for _, a := range v {
		ac.local[a] = -1
	}
	return g
}

// filterNoise is PM4Py's IMf graph filter: an edge a->b stays when its
// count exceeds noise times the largest outgoing count of a (the end count
// of a included), a start activity stays when its count is at least noise
// times the largest start count; end activities all stay. Vertices left
// without edges that are neither start nor end disappear.
func (g *graph) filterNoise(noise float64) *graph {
	n := g.n()
	h := newGraph(g.v)
	copy(h.end, g.end)
	var maxStart int64
	for i := 0; i < n; i++ {
		maxStart = max(maxStart, g.start[i])
	}
	for i := 0; i < n; i++ {
		if float64(g.start[i]) >= float64(maxStart)*noise && g.start[i] > 0 {
			h.start[i] = g.start[i]
		}
		maxOut, any := g.end[i], false
		for j := 0; j < n; j++ {
			if g.has(i, j) {
				maxOut = max(maxOut, g.edge(i, j))
				any = true
			}
		}
		if !any {
			continue
		}
		for j := 0; j < n; j++ {
			if c := g.edge(i, j); c > 0 && float64(c) > noise*float64(maxOut) {
				h.e[i*n+j] = c
			}
		}
	}
	return h.compact()
}
