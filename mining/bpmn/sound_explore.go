package bpmn

import (
	"encoding/binary"
	"fmt"

	"github.com/pmx-dev/pmx/mining/petri"
)

// reach is a net's reachability graph, breadth first: state 0 is the
// initial marking and states are numbered in the order they were met, so
// following parent gives a shortest firing sequence.
type reach struct {
	net    *petri.Net
	keys   []string // encoded markings (see encode)
	index  map[string]int32
	succ   [][]edge
	parent []int32 // -1 for the initial marking
	via    []int32 // the transition from parent
}

type edge struct{ t, to int32 }

// encode appends a marking as (place, count) uvarint pairs in place order:
// equal markings encode equally, so the encoding is a map key.
func encode(dst []byte, m petri.Marking) []byte {
	for _, p := range sortedPlaces(m) {
		dst = binary.AppendUvarint(dst, uint64(p))
		dst = binary.AppendUvarint(dst, uint64(m[p]))
	}
	return dst
}

func decode(key string) petri.Marking {
	m := petri.Marking{}
	b := []byte(key)
	for len(b) > 0 {
		p, n := binary.Uvarint(b)
		b = b[n:]
		k, n := binary.Uvarint(b)
		b = b[n:]
		m[int(p)] = int(k)
	}
	return m
}

func (g *reach) marking(s int32) petri.Marking { return decode(g.keys[s]) }

func (g *reach) path(s int32) []int {
	var p []int
	for ; g.parent[s] >= 0; s = g.parent[s] {
		p = append(p, int(g.via[s]))
	}
	for i, j := 0, len(p)-1; i < j; i, j = i+1, j-1 {
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// explore builds the reachability graph from init, firing only the
// transitions allowed says (all when nil), up to maxStates markings
// (DefaultMaxStates when 0); transitions past the end of allowed are not
// allowed. It fails with an *Unsoundness (Unbounded) when
// a marking covers one of its own ancestors, as then the run between them
// can repeat forever, each time adding tokens; and with an error wrapping
// ErrStateLimit at the bound.
func explore(n *petri.Net, init petri.Marking, allowed []bool, maxStates int) (*reach, error) {
	if maxStates <= 0 {
		maxStates = DefaultMaxStates
	}
	ix := n.Index()
	g := &reach{net: n, index: map[string]int32{}}
	var key []byte
	add := func(parent, via int32) (int32, bool) {
		if s, ok := g.index[string(key)]; ok {
			return s, false
		}
		s := int32(len(g.keys))
		k := string(key)
		g.index[k] = s
		g.keys = append(g.keys, k)
		g.succ = append(g.succ, nil)
		g.parent = append(g.parent, parent)
		g.via = append(g.via, via)
		return s, true
	}
	key = encode(key[:0], init)
	add(-1, -1)
	// Markings are dense while a state is expanded: cur is the state's,
	// next a successor's, encoded in place order (as encode does).
	cur, next := make([]int, len(n.Places)), make([]int, len(n.Places))
	for s := int32(0); int(s) < len(g.keys); s++ {
		clear(cur)
		for p, k := range decode(g.keys[s]) {
			cur[p] = k
		}
		for t := range n.Transitions {
			if allowed != nil && (t >= len(allowed) || !allowed[t]) {
				continue
			}
			enabled := true
			for _, w := range ix.Pre[t] {
				if cur[w.Place] < w.Weight {
					enabled = false
					break
				}
			}
			if !enabled {
				continue
			}
			copy(next, cur)
			for _, w := range ix.Pre[t] {
				next[w.Place] -= w.Weight
			}
			multi := false
			for _, w := range ix.Post[t] {
				if next[w.Place] += w.Weight; next[w.Place] > 1 {
					multi = true
				}
			}
			key = key[:0]
			for p, k := range next {
				if k > 0 {
					key = binary.AppendUvarint(key, uint64(p))
					key = binary.AppendUvarint(key, uint64(k))
				}
			}
			to, added := add(s, int32(t))
			g.succ[s] = append(g.succ[s], edge{int32(t), to})
			if !added {
				continue
			}
			// A run that grows without bound passes, sooner or later,
			// markings with a place holding two tokens, and among those
			// one covers an ancestor (Dickson's lemma); safe nets never
			// pay for the walk.
			if multi {
				if u := g.coveredAncestor(to); u != nil {
					return nil, u
				}
			}
			if len(g.keys) > maxStates {
				return nil, fmt.Errorf("reachability: %w (%d)", ErrStateLimit, maxStates)
			}
		}
	}
	return g, nil
}

// coveredAncestor returns an Unbounded witness when state s strictly covers
// a marking on its own path from the initial marking.
func (g *reach) coveredAncestor(s int32) *Unsoundness {
	m := g.marking(s)
	total := 0
	for _, k := range m {
		total += k
	}
	for a := g.parent[s]; a >= 0; a = g.parent[a] {
		am := g.marking(a)
		sum := 0
		for _, k := range am {
			sum += k
		}
		if sum >= total || !covers(m, am) {
			continue
		}
		full := g.path(s)
		return &Unsoundness{Problem: Unbounded, Marking: m, Grown: am, Path: full,
			Repeat: full[len(g.path(a)):], net: g.net}
	}
	return nil
}
