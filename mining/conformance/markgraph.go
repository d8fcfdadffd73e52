package conformance

import (
	"encoding/binary"
	"slices"
)

// mgraph is the reachability graph of a net, explored from the initial
// marking. Markings are interned as dense token vectors; each marking's
// enabled transitions and their target markings are computed once.
//
// A complete graph (every reachable marking explored within a size bound)
// is read-only and shared by all workers, and carries two exact facts per
// marking that make the alignment heuristic strong: dist, the least number
// of visible transitions on a path to the final marking (-1 when the final
// marking cannot be reached), and fire, the activities that some path from
// the marking to the final marking can fire. When the net is too large or
// unbounded the graph is lazy, owned by one worker, and fire is the
// structural over-approximation (transitions whose input places can all be
// marked from the marked places), with dist unknown (0).
type mgraph struct {
	m        *model
	complete bool
	index    map[string]int32
	counts   []int32 // nP per marking
	succ     [][]edge
	expanded []bool
	final    int32 // id of the final marking, -1 until met

	words int      // activity bitset words per marking
	fire  []uint64 // words per marking; valid where fireDone
	// fireDone says fire has been computed (lazy graphs).
	fireDone []bool
	dist     []int32 // complete graphs only
	// bySupport caches fire sets of lazy graphs by the set of marked places.
	bySupport map[string][]uint64

	key     []byte
	scratch []int32
}

type edge struct {
	t  int32
	to int32
}

func newGraph(m *model) *mgraph {
	g := &mgraph{m: m, index: map[string]int32{}, final: -1, words: (len(m.byAct) + 63) / 64}
	if g.words == 0 {
		g.words = 1
	}
	init := make([]int32, m.nP)
	for p, k := range m.initial {
		init[p] = int32(k)
	}
	g.intern(init)
	return g
}

// intern returns the id of the marking c (copying it when new).
func (g *mgraph) intern(c []int32) int32 {
	g.key = g.key[:0]
	for _, k := range c {
		g.key = binary.AppendUvarint(g.key, uint64(k))
	}
	if id, ok := g.index[string(g.key)]; ok {
		return id
	}
	id := int32(len(g.succ))
	g.index[string(g.key)] = id
	g.counts = append(g.counts, c...)
	g.succ = append(g.succ, nil)
	g.expanded = append(g.expanded, false)
	g.fireDone = append(g.fireDone, false)
	for range g.words {
		g.fire = append(g.fire, 0)
	}
	final := true
	for p, k := range c {
		if int(k) != g.m.final[p] {
			final = false
			break
		}
	}
	if final {
		g.final = id
	}
	return id
}

func (g *mgraph) size() int { return len(g.succ) }

func (g *mgraph) marking(id int32) []int32 {
	n := g.m.nP
	return g.counts[int(id)*n : int(id)*n+n]
}

// successors returns the enabled transitions of marking id with their
// targets, in transition order.
func (g *mgraph) successors(id int32) []edge {
	if g.expanded[id] {
		return g.succ[id]
	}
	m := g.m
	var out []edge
	for t := 0; t < m.nT; t++ {
		cur := g.marking(id)
		ok := true
		for _, w := range m.pre[t] {
			if int(cur[w.Place]) < w.Weight {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		next := append(g.scratch[:0], cur...)
		for _, w := range m.pre[t] {
			next[w.Place] -= int32(w.Weight)
		}
		for _, w := range m.post[t] {
			next[w.Place] += int32(w.Weight)
		}
		g.scratch = next
		out = append(out, edge{int32(t), g.intern(next)})
	}
	g.succ[id] = out
	g.expanded[id] = true
	return out
}

// explore builds the whole reachability graph, giving up (and leaving a
// lazy graph) beyond maxMarkings markings or maxEdges edges.
func (g *mgraph) explore(maxMarkings, maxEdges int) bool {
	edges := 0
	for id := int32(0); int(id) < g.size(); id++ {
		edges += len(g.successors(id))
		if g.size() > maxMarkings || edges > maxEdges {
			return false
		}
	}
	g.complete = true
	g.computeDist()
	g.computeFire()
	return true
}

// computeDist is a backward 0-1 breadth-first search from the final marking
// (silent transitions cost 0, visible ones 1).
func (g *mgraph) computeDist() {
	n := g.size()
	g.dist = make([]int32, n)
	for i := range g.dist {
		g.dist[i] = -1
	}
	if g.final < 0 {
		return
	}
	pred := make([][]edge, n) // pred[to] = (t, from)
	for from := 0; from < n; from++ {
		for _, e := range g.succ[from] {
			pred[e.to] = append(pred[e.to], edge{e.t, int32(from)})
		}
	}
	// Level by level: zero-cost predecessors join the current level.
	done := make([]bool, n)
	g.dist[g.final] = 0
	cur := []int32{g.final}
	for level := int32(0); len(cur) > 0; level++ {
		var nxt []int32
		for len(cur) > 0 {
			v := cur[len(cur)-1]
			cur = cur[:len(cur)-1]
			if done[v] || g.dist[v] != level {
				continue
			}
			done[v] = true
			for _, e := range pred[v] {
				w := int32(1)
				if g.m.silent[e.t] {
					w = 0
				}
				if d := level + w; g.dist[e.to] < 0 || d < g.dist[e.to] {
					g.dist[e.to] = d
					if w == 0 {
						cur = append(cur, e.to)
					} else {
						nxt = append(nxt, e.to)
					}
				}
			}
		}
		cur = nxt
	}
}

// computeFire sets fire[m] to the activities of the transitions on paths
// from m that stay within markings that can reach the final marking:
// strongly connected components (Tarjan, iterative), then unions in
// reverse topological order.
func (g *mgraph) computeFire() {
	n := g.size()
	alive := func(v int32) bool { return g.dist[v] >= 0 }
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	comp := make([]int32, n)
	for i := range index {
		index[i] = -1
		comp[i] = -1
	}
	var stack, order []int32 // order: components in completion (reverse topological) order
	var next int32
	type frame struct {
		v int32
		i int
	}
	var ncomp int32
	for root := int32(0); int(root) < n; root++ {
		if index[root] >= 0 || !alive(root) {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.i < len(g.succ[v]) {
				w := g.succ[v][f.i].to
				f.i++
				if !alive(w) {
					continue
				}
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] {
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] == index[v] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = ncomp
					if w == v {
						break
					}
				}
				order = append(order, ncomp)
				ncomp++
			}
		}
	}
	// Components complete in reverse topological order: successors first.
	cf := make([]uint64, int(ncomp)*g.words)
	members := make([][]int32, ncomp)
	for v := int32(0); int(v) < n; v++ {
		if comp[v] >= 0 {
			members[comp[v]] = append(members[comp[v]], v)
		}
	}
	for _, c := range order {
		bits := cf[int(c)*g.words : int(c+1)*g.words]
		for _, v := range members[c] {
			for _, e := range g.succ[v] {
				if !alive(e.to) {
					continue
				}
				if a := g.m.labelAct[e.t]; a >= 0 {
					bits[a/64] |= 1 << (a % 64)
				}
				if d := comp[e.to]; d != c {
					for i, x := range cf[int(d)*g.words : int(d+1)*g.words] {
						bits[i] |= x
					}
				}
			}
		}
		for _, v := range members[c] {
			copy(g.fire[int(v)*g.words:], bits)
			g.fireDone[v] = true
		}
	}
	for v := range g.fireDone {
		g.fireDone[v] = true // dead markings keep an empty set
	}
}

// fireable returns the activity bitset of marking id (computing the
// structural over-approximation on lazy graphs).
func (g *mgraph) fireable(id int32) []uint64 {
	bits := g.fire[int(id)*g.words : int(id+1)*g.words]
	if g.fireDone[id] {
		return bits
	}
	// The set depends only on which places are marked; unbounded nets
	// reach many markings with the same support.
	m := g.m
	g.key = g.key[:0]
	for p, k := range g.marking(id) {
		if k > 0 {
			g.key = binary.AppendUvarint(g.key, uint64(p))
		}
	}
	if cached, ok := g.bySupport[string(g.key)]; ok {
		copy(bits, cached)
		g.fireDone[id] = true
		return bits
	}
	support := string(g.key)
	markable := make([]bool, m.nP)
	for p, k := range g.marking(id) {
		markable[p] = k > 0
	}
	fired := make([]bool, m.nT)
	for changed := true; changed; {
		changed = false
		for t := 0; t < m.nT; t++ {
			if fired[t] {
				continue
			}
			ok := true
			for _, w := range m.pre[t] {
				if !markable[w.Place] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			fired[t], changed = true, true
			for _, w := range m.post[t] {
				markable[w.Place] = true
			}
			if a := m.labelAct[t]; a >= 0 {
				bits[a/64] |= 1 << (a % 64)
			}
		}
	}
	if g.bySupport == nil {
		g.bySupport = map[string][]uint64{}
	}
	g.bySupport[support] = slices.Clone(bits)
	g.fireDone[id] = true
	return bits
}

// distance is the least number of visible transitions from id to the final
// marking: exact on complete graphs (-1 = unreachable), 0 on lazy ones.
func (g *mgraph) distance(id int32) int32 {
	if !g.complete {
		return 0
	}
	return g.dist[id]
}

// enabledSorted lists the transitions enabled in id in ID order.
func (g *mgraph) enabledSorted(id int32) []edge {
	out := slices.Clone(g.successors(id))
	slices.SortFunc(out, func(a, b edge) int { return g.m.transRank[a.t] - g.m.transRank[b.t] })
	return out
}
