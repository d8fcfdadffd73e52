package stats

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
)

// BootstrapCI returns a percentile-bootstrap confidence interval for
// stat(xs) at the given level (0.95 for 95%). It draws resamples samples of
// len(xs) values from xs with replacement, evaluates stat on each, and
// returns the (1-level)/2 and (1+level)/2 quantiles (Quantile, type 7) of
// those replicates. Replicates for which stat returns NaN are left out.
//
// The result depends only on the arguments: resample r draws from a PCG
// generator seeded from (seed, r) (see indexer). stat is called from the
// calling goroutine only and receives a scratch slice that is reused between
// calls; it may reorder it but must not keep it. xs is not modified.
//
// It returns NaN, NaN for an empty xs, resamples < 1, a level outside
// (0, 1), or when every replicate is NaN. Reference: B. Efron, R. J.
// Tibshirani, An Introduction to the Bootstrap, Chapman & Hall, 1993, ch. 13
// (the percentile interval).
func BootstrapCI(xs []float64, stat func([]float64) float64, level float64, resamples int, seed uint64) (lo, hi float64) {
	n := len(xs)
	if n == 0 || resamples < 1 || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN()
	}
	g := newIndexer(n)
	buf := make([]float64, n)
	reps := make([]float64, 0, resamples)
	for r := range resamples {
		g.seed(seed, r)
		for off := 0; off < n; off += blockSize {
			block := g.fill(min(blockSize, n-off))
			for k, j := range block {
				buf[off+k] = xs[j]
			}
		}
		if v := stat(buf); !math.IsNaN(v) {
			reps = append(reps, v)
		}
	}
	return percentileInterval(reps, level)
}

// BootstrapShareCI returns a percentile-bootstrap confidence interval for
// the ratio Σnum/Σden over paired samples (num[i], den[i]) — for example an
// activity's waiting time and the total waiting time of case i, giving the
// activity's share of all waiting. Each replicate resamples the pairs (the
// cases) with replacement and recomputes Σnum/Σden, so the interval reflects
// the variation between cases rather than between events.
//
// Determinism, the level and the NaN rules are those of BootstrapCI, and
// resample r draws the same cases as BootstrapCI's resample r for the same
// seed; replicates whose Σden is 0 are left out. The replicates run on up to
// GOMAXPROCS goroutines, which changes nothing in the result. It returns
// ErrLength if num and den differ in length and ErrEmpty if they are empty
// (lo and hi are then NaN).
func BootstrapShareCI(num, den []float64, level float64, resamples int, seed uint64) (lo, hi float64, err error) {
	if len(num) != len(den) {
		return math.NaN(), math.NaN(), fmt.Errorf("bootstrap share: %d numerators, %d denominators: %w", len(num), len(den), ErrLength)
	}
	n := len(num)
	if n == 0 {
		return math.NaN(), math.NaN(), fmt.Errorf("bootstrap share: %w", ErrEmpty)
	}
	if resamples < 1 || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN(), nil
	}
	// Interleave the pairs so each draw touches one cache line, not two.
	pairs := make([][2]float64, n)
	for i := range pairs {
		pairs[i] = [2]float64{num[i], den[i]}
	}
	reps := make([]float64, resamples)
	workers := min(runtime.GOMAXPROCS(0), resamples)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			g := newIndexer(n)
			// Worker w takes resamples w, w+workers, …; each writes only
			// its own reps[r], and its draws depend only on (seed, r).
			for r := w; r < resamples; r += workers {
				g.seed(seed, r)
				var sn, sd float64
				for off := 0; off < n; off += blockSize {
					for _, j := range g.fill(min(blockSize, n-off)) {
						p := &pairs[j]
						sn += p[0]
						sd += p[1]
					}
				}
				reps[r] = math.NaN()
				if sd != 0 {
					reps[r] = sn / sd
				}
			}
		})
	}
	wg.Wait()
	reps = slices.DeleteFunc(reps, math.IsNaN)
	lo, hi = percentileInterval(reps, level)
	return lo, hi, nil
}

// percentileInterval sorts reps in place and returns its (1-level)/2 and
// (1+level)/2 quantiles, or NaN, NaN when reps is empty.
func percentileInterval(reps []float64, level float64) (lo, hi float64) {
	if len(reps) == 0 {
		return math.NaN(), math.NaN()
	}
	slices.Sort(reps)
	return Quantile(reps, (1-level)/2), Quantile(reps, (1+level)/2)
}
