package stats

import (
	"math"
	"testing"
)

func TestWilson(t *testing.T) {
	// statsmodels.stats.proportion.proportion_confint(x, n, alpha=1-level,
	// method='wilson') (statsmodels 0.15.0, testdata/reference.py). 81/263 is
	// Newcombe (1998)'s worked example, published as 0.2553–0.3662.
	tests := []struct {
		x, n   int64
		level  float64
		lo, hi float64
	}{
		{0, 10, 0.95, 0, 0.2775327998628892},
		{10, 10, 0.95, 0.7224672001371107, 1}, // statsmodels: 0.9999999999999999
		{5, 10, 0.95, 0.236593090512564, 0.7634069094874361},
		{81, 263, 0.95, 0.2552885198782742, 0.36620957698280004},
		{1, 1, 0.95, 0.20654931437723745, 1}, // n = 1
		{3, 40, 0.99, 0.019163255329385148, 0.2517689761520616},
		{950, 1000, 0.90, 0.9373997965803905, 0.9601717845038248},
	}
	for _, tc := range tests {
		lo, hi := Wilson(tc.x, tc.n, tc.level)
		if !near(lo, tc.lo, 1e-12) || !near(hi, tc.hi, 1e-12) {
			t.Errorf("Wilson(%d, %d, %v) = [%.17g, %.17g], want [%.17g, %.17g]",
				tc.x, tc.n, tc.level, lo, hi, tc.lo, tc.hi)
		}
		if p := float64(tc.x) / float64(tc.n); lo > p || hi < p {
			t.Errorf("Wilson(%d, %d, %v) = [%v, %v] misses p̂ = %v", tc.x, tc.n, tc.level, lo, hi, p)
		}
	}
}

func TestWilsonInvalid(t *testing.T) {
	tests := []struct {
		x, n  int64
		level float64
	}{
		{0, 0, 0.95}, // empty
		{-1, 10, 0.95},
		{11, 10, 0.95},
		{5, 10, 0},
		{5, 10, 1},
		{5, 10, math.NaN()},
	}
	for _, tc := range tests {
		if lo, hi := Wilson(tc.x, tc.n, tc.level); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("Wilson(%d, %d, %v) = [%v, %v], want NaN", tc.x, tc.n, tc.level, lo, hi)
		}
	}
}
