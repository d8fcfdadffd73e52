package conformance

import (
	"encoding/binary"
	"slices"
)

// mgraph is the reachability graph of a net, explored from the initial
// marking. Markings are interned sparsely: a marking is the list of its
// marked places with their tokens, encoded as varints (place deltas and
// counts), so that it costs bytes in proportion to the places it marks,
// not to the net (a chain of 20,000 places marks one place at a time).
// Each marking's enabled transitions and their target markings are computed
// once, from the transitions that consume from its marked places.
//
// A complete graph (every reachable marking explored within a size bound)
// is read-only and shared by all workers, and carries two exact facts per
// marking that make the alignment heuristic strong: dist, the least number
// of visible transitions on a path to the final marking (-1 when the final
// marking cannot be reached), and fire, the activities that some path from
// the marking to the final marking can fire. When the net is too large or
// unbounded the graph is lazy, owned by one worker, and dist is unknown (0);
// on small nets (smallNet) fire is then the structural over-approximation
// (transitions whose input places can all be marked from the marked
// places), on larger ones it is not computed (fireable returns nil) and the
// heuristic only counts events of activities no transition carries.
//
// Every byte the graph allocates is added to bytes (see budget.go), so that
// callers can bound it.
type mgraph struct {
	m        *model
	complete bool
	index    map[string]int32
	keys     []string // per marking: its encoding (see encode)
	succ     [][]edge
	expanded []bool
	final    int32 // id of the final marking, -1 until met
	finalKey string

	words int      // activity bitset words per marking
	fire  []uint64 // complete graphs: words per marking
	dist  []int32  // complete graphs only
	// bySupport caches the structural fire sets of lazy graphs of small
	// nets by the set of marked places.
	bySupport map[string][]uint64

	bytes int64 // accounted size

	// scratch, for one operation at a time
	cnt   []int64  // per place: tokens of the marking being expanded, else 0
	seen  []uint32 // per place and per transition (offset nP): epoch last touched
	epoch uint32
	toks  []tok
	next  []tok
	key   []byte
	cands []int32
}

// tok is a marked place and its tokens.
type tok struct {
	p int32
	k int64
}

type edge struct {
	t  int32
	to int32
}

// maxCount bounds the tokens of a place during replay. petri.Validate caps
// counts and weights at 2^31-1, so reaching it takes more than 2^31
// firings; a transition that would exceed it is treated as not enabled.
const maxCount = 1 << 62

func newGraph(m *model) *mgraph {
	g := &mgraph{m: m, index: map[string]int32{}, final: -1, words: (len(m.byAct) + 63) / 64,
		cnt: make([]int64, m.nP), seen: make([]uint32, m.nP+m.nT)}
	if g.words == 0 {
		g.words = 1
	}
	g.bytes = graphScratchBytes(m)
	g.finalKey = string(encode(nil, denseToks(m.final)))
	g.intern(denseToks(m.initial))
	return g
}

func denseToks(d []int) []tok {
	var out []tok
	for p, k := range d {
		if k > 0 {
			out = append(out, tok{int32(p), int64(k)})
		}
	}
	return out
}

// encode appends the encoding of toks (sorted by place) to dst.
func encode(dst []byte, toks []tok) []byte {
	prev := int32(0)
	for _, t := range toks {
		dst = binary.AppendUvarint(dst, uint64(t.p-prev))
		dst = binary.AppendUvarint(dst, uint64(t.k))
		prev = t.p
	}
	return dst
}

// decode appends the marking encoded in key to dst.
func decode(dst []tok, key string) []tok {
	p := int32(0)
	for i := 0; i < len(key); {
		d, n := uvarint(key[i:])
		i += n
		k, n := uvarint(key[i:])
		i += n
		p += int32(d)
		dst = append(dst, tok{p, int64(k)})
	}
	return dst
}

func uvarint(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b < 0x80 {
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return x, len(s)
}

// intern returns the id of the marking toks (sorted by place), adding it
// when new.
func (g *mgraph) intern(toks []tok) int32 {
	g.key = encode(g.key[:0], toks)
	if id, ok := g.index[string(g.key)]; ok {
		return id
	}
	id := int32(len(g.keys))
	k := string(g.key)
	g.index[k] = id
	g.keys = append(g.keys, k)
	g.succ = append(g.succ, nil)
	g.expanded = append(g.expanded, false)
	g.bytes += markingBytes(len(k))
	if k == g.finalKey {
		g.final = id
	}
	return id
}

// internOmark interns a replay marking.
func (g *mgraph) internOmark(o *omark) int32 {
	g.toks = g.toks[:0]
	for i, p := range o.place {
		g.toks = append(g.toks, tok{p, o.count[i]})
	}
	slices.SortFunc(g.toks, func(a, b tok) int { return int(a.p - b.p) })
	return g.intern(g.toks)
}

func (g *mgraph) size() int { return len(g.keys) }

// marking returns the marked places of id and their tokens, in place order
// (valid until the next call).
func (g *mgraph) marking(id int32) []tok {
	g.toks = decode(g.toks[:0], g.keys[id])
	return g.toks
}

// successors returns the enabled transitions of marking id with their
// targets, in transition order. Only transitions consuming from a marked
// place (and those without input places) can be enabled, so the work is
// proportional to the neighbourhood of the marked places.
func (g *mgraph) successors(id int32) []edge {
	if g.expanded[id] {
		return g.succ[id]
	}
	m := g.m
	toks := g.marking(id) // g.toks: intern and fireable1 leave it alone
	g.epoch++
	if g.epoch == 0 { // wrapped: clear the stamps
		clear(g.seen)
		g.epoch = 1
	}
	ep := g.epoch
	g.cands = g.cands[:0]
	for _, t := range toks {
		g.cnt[t.p] = t.k
		g.seen[t.p] = ep
		for _, tr := range m.placeOut[t.p] {
			if g.seen[m.nP+tr] != ep {
				g.seen[m.nP+tr] = ep
				g.cands = append(g.cands, int32(tr))
			}
		}
	}
	for _, tr := range m.noInput {
		if g.seen[m.nP+tr] != ep {
			g.seen[m.nP+tr] = ep
			g.cands = append(g.cands, int32(tr))
		}
	}
	slices.Sort(g.cands)
	var out []edge
	for _, t := range g.cands {
		if !g.fireable1(t) {
			continue
		}
		for _, w := range m.pre[t] {
			g.cnt[w.Place] -= int64(w.Weight)
		}
		for _, w := range m.post[t] {
			g.cnt[w.Place] += int64(w.Weight)
		}
		g.next = g.next[:0]
		for _, x := range toks {
			if k := g.cnt[x.p]; k > 0 {
				g.next = append(g.next, tok{x.p, k})
			}
		}
		grown := false
		for _, w := range m.post[t] {
			if g.seen[w.Place] != ep {
				g.next = append(g.next, tok{int32(w.Place), g.cnt[w.Place]})
				grown = true
			}
		}
		if grown {
			slices.SortFunc(g.next, func(a, b tok) int { return int(a.p - b.p) })
		}
		for _, w := range m.pre[t] {
			g.cnt[w.Place] += int64(w.Weight)
		}
		for _, w := range m.post[t] {
			g.cnt[w.Place] -= int64(w.Weight)
		}
		out = append(out, edge{t, g.intern(g.next)})
	}
	for _, x := range toks {
		g.cnt[x.p] = 0
	}
	g.succ[id] = out
	g.expanded[id] = true
	g.bytes += edgesBytes(len(out))
	return out
}

// fireable1 reports whether t is enabled in the marking loaded into cnt
// and its firing keeps every count within maxCount.
func (g *mgraph) fireable1(t int32) bool {
	m := g.m
	for _, w := range m.pre[t] {
		if g.cnt[w.Place] < int64(w.Weight) {
			return false
		}
	}
	for _, w := range m.post[t] {
		if g.cnt[w.Place] > maxCount-int64(w.Weight) {
			return false
		}
	}
	return true
}

// explore builds the whole reachability graph, giving up (and leaving a
// lazy graph) beyond maxMarkings markings, maxEdges edges or maxBytes
// bytes, counting what the dist and fire tables will take.
func (g *mgraph) explore(maxMarkings, maxEdges int, maxBytes int64) bool {
	edges := 0
	for id := int32(0); int(id) < g.size(); id++ {
		edges += len(g.successors(id))
		if g.size() > maxMarkings || edges > maxEdges || g.bytes+completeBytes(g.size(), edges, g.words) > maxBytes {
			return false
		}
	}
	g.complete = true
	g.computeDist()
	g.computeFire()
	g.bytes += completeBytes(g.size(), edges, g.words)
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
	g.fire = make([]uint64, n*g.words)
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
		}
	}
}

// smallNet bounds the nets (places + transitions + arcs) whose lazy graphs
// compute structural fire sets: each costs a pass over the net.
const smallNet = 1 << 13

// fireable returns the activity bitset of marking id: exact on complete
// graphs, the structural over-approximation on lazy graphs of small nets,
// nil on lazy graphs of larger ones (no activity known fireable or not).
func (g *mgraph) fireable(id int32) []uint64 {
	if g.complete {
		return g.fire[int(id)*g.words : int(id+1)*g.words]
	}
	m := g.m
	if m.nP+m.nT+m.nArcs > smallNet {
		return nil
	}
	// The set depends only on which places are marked; unbounded nets
	// reach many markings with the same support.
	toks := g.marking(id)
	g.key = g.key[:0]
	for _, t := range toks {
		g.key = binary.AppendUvarint(g.key, uint64(t.p))
	}
	if cached, ok := g.bySupport[string(g.key)]; ok {
		return cached
	}
	support := string(g.key)
	bits := make([]uint64, g.words)
	markable := make([]bool, m.nP)
	for _, t := range toks {
		markable[t.p] = true
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
	g.bySupport[support] = bits
	g.bytes += supportBytes(len(support), g.words)
	return bits
}

// lazyFireBytes is what a new marking of a lazy graph may add to the
// structural fire cache.
func (g *mgraph) lazyFireBytes() int64 {
	if g.complete || g.m.nP+g.m.nT+g.m.nArcs > smallNet {
		return 0
	}
	return supportBytes(0, g.words)
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
