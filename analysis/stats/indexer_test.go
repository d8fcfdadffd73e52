package stats

import (
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func TestIndexerRange(t *testing.T) {
	// 1<<33 exercises the 64-bit path; 1<<31+1 rejects almost half the
	// 32-bit draws.
	for _, n := range []int{1, 2, 3, 7, 100_000, 1<<31 + 1, 1 << 33} {
		g := newIndexer(n)
		for r := range 4 {
			g.seed(1, r)
			for _, m := range []int{blockSize, 1, 3} {
				for _, j := range g.fill(m) {
					if j < 0 || j >= n {
						t.Fatalf("n=%d: index %d out of range", n, j)
					}
				}
			}
		}
	}
}

// The indices are uniform: Pearson's χ² goodness of fit over 70,000 draws
// in [0, 7) is far from rejecting (fixed seed, so the test is stable).
func TestIndexerUniform(t *testing.T) {
	const n, draws = 7, 70_000
	counts := make([]float64, n)
	g := newIndexer(n)
	for r := range draws / 1000 {
		g.seed(42, r)
		for off := 0; off < 1000; off += blockSize {
			for _, j := range g.fill(min(blockSize, 1000-off)) {
				counts[j]++
			}
		}
	}
	var chi2 float64
	for _, c := range counts {
		d := c - draws/n
		chi2 += d * d / (draws / n)
	}
	if p := (distuv.ChiSquared{K: n - 1}).Survival(chi2); p < 0.001 {
		t.Errorf("counts %v: χ² = %v, p = %v", counts, chi2, p)
	}
}

func TestIndexerSeeds(t *testing.T) {
	first := func(seed uint64, r int) [8]int {
		g := newIndexer(1 << 20)
		g.seed(seed, r)
		return [8]int(g.fill(8))
	}
	if first(1, 0) != first(1, 0) {
		t.Error("same (seed, r) gave different draws")
	}
	if first(1, 0) == first(1, 1) || first(1, 0) == first(2, 0) {
		t.Error("different (seed, r) gave the same draws")
	}
}
