package alpha

import (
	"math/bits"
	"slices"
)

// pair is a candidate place (A,B): every a in A is causally followed by
// every b in B, and the members of A (and of B) are pairwise unrelated.
// Both sides are sorted activity indices.
type pair struct {
	A, B []int32
}

// relations is what the pair search needs to know about n activities.
// causal[a][b] is a→b; unrelated[a][b] is a#b for a≠b. Only activities
// with eligible[a] (a#a: no direct self-loop) may appear in a pair.
type relations struct {
	n         int
	causal    [][]bool
	unrelated [][]bool
	eligible  []bool
}

// maximalPairs returns every maximal pair, sorted by (A, B).
//
// A pair (A,B) is a clique in the "compatibility graph" on two copies of
// the activities — a left copy for membership in A and a right copy for B —
// where left copies of a and a' are adjacent when a#a', right copies when
// b#b', and left a with right b when a→b. Maximal pairs are exactly the
// maximal cliques with at least one vertex on each side (a pair contained in
// a larger clique with both sides non-empty is not maximal, and a maximal
// clique with both sides non-empty cannot grow into a larger pair), so they
// are enumerated with Bron–Kerbosch with pivoting over bitsets, pruning
// branches that can no longer reach both sides. Unlike the textbook
// formulation this never materialises the (exponential) set of all pairs.
func maximalPairs(r relations) []pair {
	n := r.n
	hasSucc := make([]bool, n)
	hasPred := make([]bool, n)
	for a := range n {
		for b := range n {
			if r.eligible[a] && r.eligible[b] && r.causal[a][b] {
				hasSucc[a], hasPred[b] = true, true
			}
		}
	}
	v := 2 * n
	words := (v + 63) / 64
	adj := make([]bitset, v)
	for i := range adj {
		adj[i] = make(bitset, words)
	}
	link := func(x, y int) { adj[x].set(y); adj[y].set(x) }
	for a := range n {
		for b := a + 1; b < n; b++ {
			if r.unrelated[a][b] {
				if hasSucc[a] && hasSucc[b] {
					link(a, b)
				}
				if hasPred[a] && hasPred[b] {
					link(n+a, n+b)
				}
			}
		}
		for b := range n {
			if hasSucc[a] && hasPred[b] && r.causal[a][b] {
				link(a, n+b)
			}
		}
	}
	left, right := make(bitset, words), make(bitset, words)
	all := make(bitset, words)
	for a := range n {
		if hasSucc[a] {
			left.set(a)
			all.set(a)
		}
		if hasPred[a] {
			right.set(n + a)
			all.set(n + a)
		}
	}
	s := &cliqueSearch{adj: adj, left: left, right: right, words: words}
	s.run(make(bitset, words), all, make(bitset, words))
	out := make([]pair, 0, len(s.found))
	for _, c := range s.found {
		var p pair
		for _, x := range c.members() {
			if x < n {
				p.A = append(p.A, int32(x))
			} else {
				p.B = append(p.B, int32(x-n))
			}
		}
		out = append(out, p)
	}
	slices.SortFunc(out, comparePairs)
	return out
}

func comparePairs(x, y pair) int {
	if c := slices.Compare(x.A, y.A); c != 0 {
		return c
	}
	return slices.Compare(x.B, y.B)
}

type cliqueSearch struct {
	adj         []bitset
	left, right bitset
	words       int
	found       []bitset
}

// run is Bron–Kerbosch with Tomita pivoting: r is the clique so far, p the
// candidates, x the vertices already explored from this clique.
func (s *cliqueSearch) run(r, p, x bitset) {
	if p.empty() {
		if x.empty() && r.intersects(s.left) && r.intersects(s.right) {
			s.found = append(s.found, r.clone())
		}
		return
	}
	// A clique grown from here lies within r ∪ p; without both sides it
	// is no pair.
	if !(r.intersects(s.left) || p.intersects(s.left)) || !(r.intersects(s.right) || p.intersects(s.right)) {
		return
	}
	pivot, best := -1, -1
	for _, set := range []bitset{p, x} {
		for _, u := range set.members() {
			if c := p.andCount(s.adj[u]); c > best {
				pivot, best = u, c
			}
		}
	}
	cand := p.andNot(s.adj[pivot])
	for _, u := range cand.members() {
		r.set(u)
		s.run(r, p.and(s.adj[u]), x.and(s.adj[u]))
		r.clear(u)
		p.clear(u)
		x.set(u)
	}
}

type bitset []uint64

func (b bitset) set(i int)   { b[i>>6] |= 1 << (i & 63) }
func (b bitset) clear(i int) { b[i>>6] &^= 1 << (i & 63) }
func (b bitset) clone() bitset {
	return slices.Clone(b)
}

func (b bitset) empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

func (b bitset) intersects(o bitset) bool {
	for i, w := range b {
		if w&o[i] != 0 {
			return true
		}
	}
	return false
}

func (b bitset) andCount(o bitset) int {
	c := 0
	for i, w := range b {
		c += bits.OnesCount64(w & o[i])
	}
	return c
}

func (b bitset) and(o bitset) bitset {
	out := make(bitset, len(b))
	for i, w := range b {
		out[i] = w & o[i]
	}
	return out
}

func (b bitset) andNot(o bitset) bitset {
	out := make(bitset, len(b))
	for i, w := range b {
		out[i] = w &^ o[i]
	}
	return out
}

func (b bitset) members() []int {
	var out []int
	for i, w := range b {
		for w != 0 {
			t := bits.TrailingZeros64(w)
			out = append(out, i*64+t)
			w &= w - 1
		}
	}
	return out
}
