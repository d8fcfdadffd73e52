package stats

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// Series drawn with numpy.random.default_rng(1979), rounded to 2 decimals
// (testdata/reference.py): shift is 25 values from N(10, 1) then 15 from
// N(13, 1); flat is 40 values from N(10, 1).
var (
	shiftSeries = []float64{9.95, 9.89, 8.46, 10.51, 10.98, 9.78, 11.35, 8.57, 10.26, 11.02,
		8.85, 9.3, 12.02, 8.49, 10.22, 9.28, 11.13, 9.1, 9.69, 9.34, 10.26, 11.44, 10.8, 11.32,
		10.55, 12.55, 13.2, 12.58, 13.13, 13.61, 14.43, 13.76, 15.04, 12.51, 13.4, 14.3, 13.29,
		13.37, 13.27, 14.03}
	flatSeries = []float64{9.68, 11.05, 10.03, 11.11, 8.58, 10.45, 10.98, 8.71, 9.81, 10.27,
		9.15, 8.94, 9.52, 10.84, 10.81, 9.96, 9.22, 7.92, 8.74, 8.97, 9.08, 10.84, 8.47, 10.3,
		9.5, 8.23, 10.31, 9.85, 10.21, 11.77, 8.92, 8.47, 10.42, 10.04, 8.2, 9.28, 9.52, 11.02,
		10.47, 8.28}
)

func TestChangePoint(t *testing.T) {
	// Expected values: a brute-force O(n²) numpy implementation of Pettitt's
	// U_t = Σ_{i<t} Σ_{j≥t} sgn(x_i - x_j), first argmax of |U_t|, and
	// P = min(1, 2·exp(-6K²/(n³+n²))) (testdata/reference.py).
	tests := []struct {
		name          string
		xs            []float64
		index         int
		k, p          float64
		before, after float64
	}{
		{"clear shift", shiftSeries, 25, 375, 5.189384286723011e-06, 10.1024, 13.498000000000001},
		{"flat noise", flatSeries, 16, 114, 0.6092592792231791, 9.993125, 9.50125},
		{"ties", []float64{1, 1, 2, 1, 1, 5, 5, 4, 5, 5}, 5, 25, 0.06614250297660204, 1.2, 4.8},
		// n = 2: U_1 = sgn(1-3) = -1, K = 1, P = 2·exp(-6/12) > 1 → 1.
		{"n=2", []float64{1, 3}, 1, 1, 1, 1, 3},
		// No change at all: K = 0, P = 1, Index = 1 by convention.
		{"constant", []float64{4, 4, 4, 4}, 1, 0, 1, 4, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ChangePoint(tc.xs)
			if err != nil {
				t.Fatal(err)
			}
			if got.Index != tc.index {
				t.Errorf("Index = %d, want %d", got.Index, tc.index)
			}
			checkNear(t, "K", got.K, tc.k, 1e-12)
			checkNear(t, "P", got.P, tc.p, 1e-12)
			checkNear(t, "MeanBefore", got.MeanBefore, tc.before, 1e-12)
			checkNear(t, "MeanAfter", got.MeanAfter, tc.after, 1e-12)
			if _, err := json.Marshal(got); err != nil {
				t.Errorf("json.Marshal: %v", err)
			}
		})
	}
}

// The acceptance criteria of the task: a clear shift is found where it is
// and is significant; flat noise is not.
func TestChangePointSignificance(t *testing.T) {
	if r, _ := ChangePoint(shiftSeries); r.Index != 25 || r.P >= 0.01 {
		t.Errorf("shift: Index %d, P %v; want 25 and P < 0.01", r.Index, r.P)
	}
	if r, _ := ChangePoint(flatSeries); r.P <= 0.05 {
		t.Errorf("flat: P %v, want > 0.05", r.P)
	}
}

func TestChangePointErrors(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		want error
	}{
		{"empty", nil, ErrEmpty},
		{"n=1", []float64{3}, ErrEmpty},
		{"NaN", []float64{1, math.NaN(), 2}, ErrNaN},
	}
	for _, tc := range tests {
		if _, err := ChangePoint(tc.xs); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}
