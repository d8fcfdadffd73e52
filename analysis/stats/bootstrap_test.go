package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func mean(xs []float64) float64 { return stat.Mean(xs, nil) }

// normalSample returns n draws from N(mu, 1) from a PCG seeded with seed.
func normalSample(n int, mu float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 1))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = mu + r.NormFloat64()
	}
	return xs
}

func TestBootstrapCIDeterministic(t *testing.T) {
	xs := normalSample(200, 5, 7)
	lo1, hi1 := BootstrapCI(xs, mean, 0.95, 500, 42)
	lo2, hi2 := BootstrapCI(xs, mean, 0.95, 500, 42)
	if lo1 != lo2 || hi1 != hi2 {
		t.Errorf("same seed: [%v, %v] then [%v, %v]", lo1, hi1, lo2, hi2)
	}
	if lo3, hi3 := BootstrapCI(xs, mean, 0.95, 500, 43); lo3 == lo1 && hi3 == hi1 {
		t.Errorf("seeds 42 and 43 gave the same interval [%v, %v]", lo1, hi1)
	}
}

func TestBootstrapCIContainsEstimate(t *testing.T) {
	median := func(xs []float64) float64 { return Summarize(xs).P50 }
	tests := []struct {
		name string
		xs   []float64
		stat func([]float64) float64
	}{
		{"mean of normal", normalSample(100, 10, 1), mean},
		{"median of normal", normalSample(101, -3, 2), median},
		{"mean with ties", []float64{1, 1, 1, 2, 2, 3, 5, 8, 8, 8, 13}, mean},
	}
	for _, tc := range tests {
		est := tc.stat(tc.xs)
		lo, hi := BootstrapCI(tc.xs, tc.stat, 0.95, 1000, 3)
		if !(lo <= est && est <= hi && lo < hi) {
			t.Errorf("%s: CI [%v, %v] does not contain the estimate %v", tc.name, lo, hi, est)
		}
	}
}

// Coverage sanity: over many normal samples the 95% percentile-bootstrap CI
// of the mean should contain the true mean about 95% of the time (a little
// less at n = 50, where the percentile interval is known to be slightly
// narrow; Efron & Tibshirani 1993, §13.3).
func TestBootstrapCICoverage(t *testing.T) {
	const trials, n, mu = 200, 50, 3.0
	covered := 0
	for i := range trials {
		xs := normalSample(n, mu, uint64(1000+i))
		lo, hi := BootstrapCI(xs, mean, 0.95, 500, uint64(i))
		if lo <= mu && mu <= hi {
			covered++
		}
	}
	if c := float64(covered) / trials; c < 0.88 || c > 0.99 {
		t.Errorf("coverage %v over %d trials, want about 0.95", c, trials)
	}
}

func TestBootstrapCIEdges(t *testing.T) {
	// n = 1: every resample is the single value.
	if lo, hi := BootstrapCI([]float64{7}, mean, 0.95, 100, 1); lo != 7 || hi != 7 {
		t.Errorf("n=1: [%v, %v], want [7, 7]", lo, hi)
	}
	nanStat := func([]float64) float64 { return math.NaN() }
	tests := []struct {
		name      string
		xs        []float64
		stat      func([]float64) float64
		level     float64
		resamples int
	}{
		{"empty", nil, mean, 0.95, 100},
		{"no resamples", []float64{1, 2}, mean, 0.95, 0},
		{"level 0", []float64{1, 2}, mean, 0, 100},
		{"level 1", []float64{1, 2}, mean, 1, 100},
		{"NaN stat", []float64{1, 2}, nanStat, 0.95, 100},
	}
	for _, tc := range tests {
		if lo, hi := BootstrapCI(tc.xs, tc.stat, tc.level, tc.resamples, 1); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("%s: [%v, %v], want NaN", tc.name, lo, hi)
		}
	}
}

// Against scipy.stats.bootstrap(..., method='percentile', n_resamples=20000,
// rng=1) (scipy 1.17.1, testdata/reference.py). The generators differ, so
// the figures agree only up to resampling noise: within 0.01, relative to
// the value when it exceeds 1.
func TestBootstrapAgainstScipy(t *testing.T) {
	approve := []float64{2, 0, 5, 1, 3, 0, 4, 2}
	total := []float64{4, 3, 8, 2, 6, 1, 9, 5}
	lo, hi, err := BootstrapShareCI(approve, total, 0.95, 20000, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkNear(t, "share lo", lo, 0.3103448275862069, 0.01)
	checkNear(t, "share hi", hi, 0.5384615384615384, 0.01)

	xs := []float64{12.1, 3.4, 7.7, 15.0, 9.9, 4.2, 11.8, 6.5, 8.8, 10.3, 2.9, 13.6}
	lo, hi = BootstrapCI(xs, mean, 0.95, 20000, 1)
	checkNear(t, "mean lo", lo, 6.683333333333334, 0.01)
	checkNear(t, "mean hi", hi, 10.958333333333334, 0.01)
}

// shareSample returns n cases whose activity waits (num) are a random
// fraction of their total waits (den).
func shareSample(n int, seed uint64) (num, den []float64) {
	r := rand.New(rand.NewPCG(seed, 2))
	num, den = make([]float64, n), make([]float64, n)
	for i := range num {
		den[i] = r.ExpFloat64() * 3600
		num[i] = den[i] * r.Float64() * 0.6
	}
	return num, den
}

func TestBootstrapShareCI(t *testing.T) {
	num, den := shareSample(2000, 5)
	est := stat.Mean(num, nil) / stat.Mean(den, nil)
	lo, hi, err := BootstrapShareCI(num, den, 0.95, 1000, 9)
	if err != nil {
		t.Fatal(err)
	}
	if !(lo <= est && est <= hi && lo < hi) {
		t.Errorf("CI [%v, %v] does not contain the estimate %v", lo, hi, est)
	}
	lo2, hi2, _ := BootstrapShareCI(num, den, 0.95, 1000, 9)
	if lo2 != lo || hi2 != hi {
		t.Errorf("same seed: [%v, %v] then [%v, %v]", lo, hi, lo2, hi2)
	}

	// It is BootstrapCI over case indices with the ratio statistic: same
	// seed, same draws, same summation order, same bits.
	idx := make([]float64, len(num))
	for i := range idx {
		idx[i] = float64(i)
	}
	ratio := func(ix []float64) float64 {
		var sn, sd float64
		for _, i := range ix {
			sn += num[int(i)]
			sd += den[int(i)]
		}
		return sn / sd
	}
	if blo, bhi := BootstrapCI(idx, ratio, 0.95, 1000, 9); blo != lo || bhi != hi {
		t.Errorf("BootstrapShareCI [%v, %v] != BootstrapCI over cases [%v, %v]", lo, hi, blo, bhi)
	}

	// The worker count does not change the result.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if lo1, hi1, _ := BootstrapShareCI(num, den, 0.95, 1000, 9); lo1 != lo || hi1 != hi {
		t.Errorf("GOMAXPROCS=1: [%v, %v], want [%v, %v]", lo1, hi1, lo, hi)
	}
}

func TestBootstrapShareCIEdges(t *testing.T) {
	if _, _, err := BootstrapShareCI([]float64{1}, []float64{1, 2}, 0.95, 10, 1); !errors.Is(err, ErrLength) {
		t.Errorf("length mismatch: err = %v, want ErrLength", err)
	}
	if lo, hi, err := BootstrapShareCI(nil, nil, 0.95, 10, 1); !errors.Is(err, ErrEmpty) || !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("empty: [%v, %v], %v; want NaN and ErrEmpty", lo, hi, err)
	}
	// Every denominator 0: every replicate undefined.
	if lo, hi, err := BootstrapShareCI([]float64{0, 0}, []float64{0, 0}, 0.95, 10, 1); err != nil || !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("zero denominators: [%v, %v], %v; want NaN, nil", lo, hi, err)
	}
	// n = 1: the only case's ratio.
	if lo, hi, err := BootstrapShareCI([]float64{1}, []float64{4}, 0.95, 10, 1); err != nil || lo != 0.25 || hi != 0.25 {
		t.Errorf("n=1: [%v, %v], %v; want [0.25, 0.25]", lo, hi, err)
	}
}

// BenchmarkBootstrapShareCI is the size the task asks to stay well under a
// second: 100k cases, 1000 resamples.
func BenchmarkBootstrapShareCI(b *testing.B) {
	num, den := shareSample(100_000, 1)
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := BootstrapShareCI(num, den, 0.95, 1000, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBootstrapCIMean is the single-sample counterpart at the same
// size, with the mean as statistic.
func BenchmarkBootstrapCIMean(b *testing.B) {
	xs := normalSample(100_000, 0, 1)
	for b.Loop() {
		BootstrapCI(xs, mean, 0.95, 1000, 1)
	}
}
