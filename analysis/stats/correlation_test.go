package stats

import (
	"math"
	"testing"
)

func TestCorrelation(t *testing.T) {
	// scipy.stats.pearsonr(x, y).statistic and spearmanr(x, y).statistic
	// (scipy 1.17.1, testdata/reference.py); y has a tie.
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	y := []float64{2, 1, 4, 3, 7, 7, 6, 9}
	checkNear(t, "Pearson", Pearson(x, y), 0.9061025343737694, 1e-12)
	checkNear(t, "Spearman", Spearman(x, y), 0.8742671711966791, 1e-12)

	nan := []struct {
		name string
		x, y []float64
	}{
		{"empty", nil, nil},
		{"one pair", []float64{1}, []float64{2}},
		{"length mismatch", []float64{1, 2}, []float64{1, 2, 3}},
		{"constant", []float64{1, 1, 1}, []float64{1, 2, 3}},
	}
	for _, tc := range nan {
		if p, s := Pearson(tc.x, tc.y), Spearman(tc.x, tc.y); !math.IsNaN(p) || !math.IsNaN(s) {
			t.Errorf("%s: Pearson %v, Spearman %v, want NaN", tc.name, p, s)
		}
	}
}
