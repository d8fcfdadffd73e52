package stats

import (
	"math/bits"
	"math/rand/v2"
)

// blockSize is how many indices indexer.fill draws at a time: small enough
// to stay in L1 cache, large enough that the call costs nothing.
const blockSize = 256

// indexer draws the uniform indices in [0, n) of bootstrap resamples from a
// math/rand/v2 PCG generator, called directly rather than through rand.Rand
// so the loop inlines it.
//
// Each resample r gets its own generator, seeded with two SplitMix64 outputs
// of (seed, r) (G. L. Steele, D. Lea, C. H. Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014): the draws of a resample
// depend only on seed and r, so resamples can run in any order or in
// parallel, and nearby seeds or r still give unrelated PCG states.
//
// For n < 2³² (every realistic log) one 64-bit draw yields two indices, one
// per 32-bit half, which halves the generator's cost, the larger part of a
// resample. Each half is mapped to [0, n) by Lemire's multiply-shift with
// rejection: the top 32 bits of x·n, redrawing the rare x whose low 32 bits
// fall below 2³² mod n, which keeps every index exactly uniform (D. Lemire,
// "Fast random integer generation in an interval", ACM TOMACS 29(1), 2019).
// Larger n use the same method on 64-bit words.
type indexer struct {
	src   rand.PCG
	n     uint64
	wide  bool   // n ≥ 2³²: one 64-bit draw per index
	t32   uint64 // 2³² mod n when !wide
	t64   uint64 // 2⁶⁴ mod n when wide
	block [blockSize]int
}

func newIndexer(n int) *indexer {
	g := &indexer{n: uint64(n)}
	if g.n >= 1<<32 {
		g.wide = true
		g.t64 = -g.n % g.n
	} else {
		g.t32 = (1 << 32) % g.n
	}
	return g
}

// seed positions the generator at the start of resample r's draws.
func (g *indexer) seed(seed uint64, r int) {
	s := seed
	a := splitMix64(&s) ^ uint64(r)*0x9e3779b97f4a7c15
	g.src.Seed(splitMix64(&a), splitMix64(&a))
}

// splitMix64 advances *s and returns the next SplitMix64 output.
func splitMix64(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// fill returns m (≤ blockSize) independent uniform indices in [0, n) in a
// buffer that the next call overwrites.
func (g *indexer) fill(m int) []int {
	dst := g.block[:m]
	if g.wide {
		for i := range dst {
			hi, lo := bits.Mul64(g.src.Uint64(), g.n)
			for lo < g.t64 {
				hi, lo = bits.Mul64(g.src.Uint64(), g.n)
			}
			dst[i] = int(hi)
		}
		return dst
	}
	n, t := g.n, g.t32
	i := 0
	for ; i+1 < len(dst); i += 2 {
		x := g.src.Uint64()
		a, b := (x>>32)*n, (x&0xffffffff)*n
		if a&0xffffffff < t || b&0xffffffff < t {
			a, b = g.redraw(a), g.redraw(b)
		}
		dst[i], dst[i+1] = int(a>>32), int(b>>32)
	}
	if i < len(dst) {
		dst[i] = int(g.redraw((g.src.Uint64()>>32)*n) >> 32)
	}
	return dst
}

// redraw returns m = x·n, or a fresh one while its low 32 bits are below
// 2³² mod n (Lemire's rejection step).
func (g *indexer) redraw(m uint64) uint64 {
	for m&0xffffffff < g.t32 {
		m = (g.src.Uint64() >> 32) * g.n
	}
	return m
}
