package stats

import (
	"errors"
	"math"
	"testing"
)

// Reference values: scipy.stats.chi2_contingency(table, correction=False),
// scipy 1.17.1.
func TestChiSquare(t *testing.T) {
	for _, c := range []struct {
		table   [][]float64
		chi2, p float64
		df      int
	}{
		{[][]float64{{10, 20}, {30, 15}, {5, 5}}, 8.06712962962963, 0.017711080562081885, 2},
		{[][]float64{{17, 80}, {113, 252}}, 6.838795743520725, 0.00891989514310333, 1},
		// An all-zero row is dropped: same as the 2×2 above.
		{[][]float64{{17, 80}, {0, 0}, {113, 252}}, 6.838795743520725, 0.00891989514310333, 1},
	} {
		r, err := ChiSquare(c.table)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.Chi2-c.chi2) > 1e-9 || math.Abs(r.P-c.p) > 1e-9 || r.DF != c.df || r.CramersV <= 0 || r.CramersV > 1 {
			t.Errorf("%v: %+v, want chi2 %v p %v df %d", c.table, r, c.chi2, c.p, c.df)
		}
	}
	for _, bad := range [][][]float64{{{1, 2}}, {{1, 0}, {2, 0}}, {{1, 2}, {3}}, {{-1, 2}, {3, 4}}} {
		if _, err := ChiSquare(bad); err == nil || !(errors.Is(err, ErrEmpty) || errors.Is(err, ErrLength) || errors.Is(err, ErrNaN)) {
			t.Errorf("%v: error %v", bad, err)
		}
	}
}
