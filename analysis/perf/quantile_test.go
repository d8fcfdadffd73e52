package perf

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pmx-dev/pmx/analysis/stats"
)

// quantiles must equal interpolation over the sorted data for any input,
// including ties and tiny slices.
func TestQuantilesMatchSorting(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 500; trial++ {
		n := 1 + r.IntN(200)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(r.IntN(1 + trial%20)) // many ties when trial%20 is small
		}
		s := slices.Clone(xs)
		slices.Sort(s)
		ps := []float64{0, 0.1, 0.5, 0.9, 0.95, 1}
		got := quantiles(slices.Clone(xs), ps...)
		for i, p := range ps {
			if want := stats.Quantile(s, p); got[i] != want {
				t.Fatalf("n=%d p=%v: %v, want %v (data %v)", n, p, got[i], want, xs)
			}
		}
	}
}
