package stats

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
)

func TestQuantile(t *testing.T) {
	// Expected values: numpy.quantile(xs, p) with the default
	// method='linear' (testdata/reference.py, numpy 2.4.6). For p = 0.5 they
	// also equal Python's statistics.median(xs).
	tests := []struct {
		xs   []float64
		p    float64
		want float64
	}{
		{[]float64{1, 2, 3, 4}, 0, 1},
		{[]float64{1, 2, 3, 4}, 0.1, 1.3},
		{[]float64{1, 2, 3, 4}, 0.25, 1.75},
		{[]float64{1, 2, 3, 4}, 0.5, 2.5}, // even n: mean of the middle two
		{[]float64{1, 2, 3, 4}, 0.9, 3.7},
		{[]float64{1, 2, 3, 4}, 0.95, 3.8499999999999996},
		{[]float64{1, 2, 3, 4}, 1, 4},
		{[]float64{7}, 0, 7}, // n = 1
		{[]float64{7}, 0.5, 7},
		{[]float64{7}, 0.95, 7},
		{[]float64{7}, 1, 7},
		{[]float64{1, 2, 2, 2, 10}, 0.1, 1.4}, // ties
		{[]float64{1, 2, 2, 2, 10}, 0.25, 2},
		{[]float64{1, 2, 2, 2, 10}, 0.5, 2},
		{[]float64{1, 2, 2, 2, 10}, 0.9, 6.800000000000001},
		{[]float64{1, 2, 2, 2, 10}, 0.95, 8.399999999999999},
		{[]float64{0.5, 1.25, 3, 3, 8.75, 13.5, 21}, 0.1, 0.9500000000000001},
		{[]float64{0.5, 1.25, 3, 3, 8.75, 13.5, 21}, 0.25, 2.125},
		{[]float64{0.5, 1.25, 3, 3, 8.75, 13.5, 21}, 0.5, 3},
		{[]float64{0.5, 1.25, 3, 3, 8.75, 13.5, 21}, 0.9, 16.500000000000004},
		{[]float64{0.5, 1.25, 3, 3, 8.75, 13.5, 21}, 0.95, 18.749999999999993},
		{[]float64{0.5, 1.25, 3, 3, 8.75, 13.5, 21}, 1, 21},
		// Exact order statistics stay exact next to an infinity.
		{[]float64{1, 2, math.Inf(1)}, 0.5, 2},
		// No answer: empty input, p out of range or NaN.
		{nil, 0.5, math.NaN()},
		{[]float64{}, 0, math.NaN()},
		{[]float64{1, 2}, -0.1, math.NaN()},
		{[]float64{1, 2}, 1.1, math.NaN()},
		{[]float64{1, 2}, math.NaN(), math.NaN()},
	}
	for _, tc := range tests {
		got := Quantile(tc.xs, tc.p)
		if !near(got, tc.want, 1e-12) {
			t.Errorf("Quantile(%v, %v) = %.17g, want %.17g", tc.xs, tc.p, got, tc.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want Summary
	}{
		{
			// numpy: mean, std(ddof=1), std/mean, quantile(…, .5/.9/.95)
			// (testdata/reference.py).
			name: "numpy",
			xs:   []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3},
			want: Summary{N: 10, Mean: 3.9, StdDev: 2.4698178070456938, CV: 0.6332866171912035,
				Min: 1, P50: 3.5, P90: 6.299999999999999, P95: 7.649999999999997, Max: 9},
		},
		{
			name: "single value",
			xs:   []float64{42},
			want: Summary{N: 1, Mean: 42, Min: 42, P50: 42, P90: 42, P95: 42, Max: 42},
		},
		{
			name: "NaN skipped",
			xs:   []float64{math.NaN(), 2, 4, math.NaN()},
			want: Summary{N: 2, Mean: 3, StdDev: math.Sqrt2, CV: math.Sqrt2 / 3,
				Min: 2, P50: 3, P90: 3.8, P95: 3.9, Max: 4},
		},
		{
			name: "zero mean",
			xs:   []float64{0, 0, 0},
			want: Summary{N: 3},
		},
		{name: "empty", xs: nil, want: Summary{}},
		{name: "only NaN", xs: []float64{math.NaN()}, want: Summary{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.xs)
			got := Summarize(in)
			if got.N != tc.want.N {
				t.Errorf("N = %d, want %d", got.N, tc.want.N)
			}
			for _, f := range []struct {
				name      string
				got, want float64
			}{
				{"Mean", got.Mean, tc.want.Mean}, {"StdDev", got.StdDev, tc.want.StdDev},
				{"CV", got.CV, tc.want.CV}, {"Min", got.Min, tc.want.Min},
				{"P50", got.P50, tc.want.P50}, {"P90", got.P90, tc.want.P90},
				{"P95", got.P95, tc.want.P95}, {"Max", got.Max, tc.want.Max},
			} {
				checkNear(t, f.name, f.got, f.want, 1e-12)
			}
			// NaN-free: the summary of any input marshals to JSON.
			if _, err := json.Marshal(got); err != nil {
				t.Errorf("json.Marshal: %v", err)
			}
			if !slices.EqualFunc(in, tc.xs, func(a, b float64) bool {
				return a == b || math.IsNaN(a) && math.IsNaN(b)
			}) {
				t.Errorf("input modified: %v", in)
			}
		})
	}
}
