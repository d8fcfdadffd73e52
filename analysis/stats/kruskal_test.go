package stats

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

func TestKruskalWallis(t *testing.T) {
	// H and P: scipy.stats.kruskal(*groups) (scipy 1.17.1,
	// testdata/reference.py); ε² = H/(N-1).
	tests := []struct {
		name   string
		groups [][]float64
		h, p   float64
		df     int
		eps2   float64
	}{
		{
			// The example of scipy's kruskal documentation.
			name:   "interleaved",
			groups: [][]float64{{1, 3, 5, 7, 9}, {2, 4, 6, 8, 10}},
			h:      0.2727272727272734, p: 0.6015081344405895, df: 1, eps2: 0.030303030303030373,
		},
		{
			// scipy documentation, heavy ties: H = 7.0 exactly.
			name:   "ties",
			groups: [][]float64{{1, 1, 1}, {2, 2, 2}, {2, 2}},
			h:      7, p: 0.0301973834223185, df: 2, eps2: 1,
		},
		{
			// Hollander & Wolfe (1973) p. 116, the example of R's
			// kruskal.test: chi-squared = 0.77143, df = 2, p = 0.68.
			name: "Hollander-Wolfe",
			groups: [][]float64{
				{2.9, 3.0, 2.5, 2.6, 3.2}, {3.8, 2.7, 4.0, 2.4}, {2.8, 3.4, 3.7, 2.2, 2.0},
			},
			h: 0.7714285714285722, p: 0.6799647735788936, df: 2, eps2: 0.0593406593406594,
		},
		{
			name: "four groups with ties",
			groups: [][]float64{
				{3, 3, 3, 1, 8, 8, 2}, {5, 6, 6, 6, 7, 2, 9, 9}, {8, 8, 5, 4, 7, 10}, {1, 2, 2},
			},
			h: 9.169389592256659, p: 0.027121508703484946, df: 3, eps2: 0.39866911270681127,
		},
		{
			// Empty groups are dropped (as R does): same as "interleaved".
			name:   "empty group dropped",
			groups: [][]float64{{}, {1, 3, 5, 7, 9}, nil, {2, 4, 6, 8, 10}},
			h:      0.2727272727272734, p: 0.6015081344405895, df: 1, eps2: 0.030303030303030373,
		},
		{
			name:   "all tied",
			groups: [][]float64{{4, 4}, {4}, {4, 4, 4}},
			h:      0, p: 1, df: 2, eps2: 0,
		},
		{
			name:   "n=1 groups",
			groups: [][]float64{{1}, {2}},
			// 12/(2·3)·(1+4) - 9 = 1; ε² = 1/1.
			h: 1, p: 0.31731050786291115, df: 1, eps2: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := KruskalWallis(tc.groups)
			if err != nil {
				t.Fatal(err)
			}
			checkNear(t, "H", got.H, tc.h, 1e-12)
			checkNear(t, "P", got.P, tc.p, 1e-12)
			checkNear(t, "EpsilonSquared", got.EpsilonSquared, tc.eps2, 1e-12)
			if got.DF != tc.df {
				t.Errorf("DF = %d, want %d", got.DF, tc.df)
			}
			if _, err := json.Marshal(got); err != nil {
				t.Errorf("json.Marshal: %v", err)
			}
		})
	}
}

func TestKruskalWallisErrors(t *testing.T) {
	tests := []struct {
		name   string
		groups [][]float64
		want   error
	}{
		{"no groups", nil, ErrEmpty},
		{"one group", [][]float64{{1, 2, 3}}, ErrEmpty},
		{"one non-empty group", [][]float64{{1, 2, 3}, {}}, ErrEmpty},
		{"NaN", [][]float64{{1, 2}, {math.NaN()}}, ErrNaN},
	}
	for _, tc := range tests {
		if _, err := KruskalWallis(tc.groups); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}
