package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ChiSquareResult is Pearson's chi-square test of independence on a
// contingency table.
type ChiSquareResult struct {
	Chi2 float64 `json:"chi2"`
	DF   int     `json:"df"`
	P    float64 `json:"p"`
	// CramersV is the effect size sqrt(chi² / (n·(min(rows, cols) − 1))),
	// in [0, 1].
	CramersV float64 `json:"cramers_v"`
}

// ChiSquare tests whether the rows and columns of a contingency table of
// counts are independent: χ² = Σ (O − E)² / E with E = row·column / n,
// (rows − 1)(columns − 1) degrees of freedom, no continuity correction (as
// scipy.stats.chi2_contingency(correction=False)). Rows or columns that sum
// to zero are dropped first.
func ChiSquare(table [][]float64) (ChiSquareResult, error) {
	var rows [][]float64
	for _, r := range table {
		var s float64
		for _, v := range r {
			if v < 0 {
				return ChiSquareResult{}, fmt.Errorf("chi-square: negative count %v: %w", v, ErrNaN)
			}
			s += v
		}
		if s > 0 {
			rows = append(rows, r)
		}
	}
	if len(rows) < 2 {
		return ChiSquareResult{}, fmt.Errorf("chi-square: %d non-empty rows, need 2: %w", len(rows), ErrEmpty)
	}
	nc := len(rows[0])
	colSum := make([]float64, nc)
	rowSum := make([]float64, len(rows))
	var n float64
	for i, r := range rows {
		if len(r) != nc {
			return ChiSquareResult{}, fmt.Errorf("chi-square: ragged table: %w", ErrLength)
		}
		for j, v := range r {
			colSum[j] += v
			rowSum[i] += v
			n += v
		}
	}
	var cols []int
	for j, s := range colSum {
		if s > 0 {
			cols = append(cols, j)
		}
	}
	if len(cols) < 2 {
		return ChiSquareResult{}, fmt.Errorf("chi-square: %d non-empty columns, need 2: %w", len(cols), ErrEmpty)
	}
	var chi2 float64
	for i, r := range rows {
		for _, j := range cols {
			e := rowSum[i] * colSum[j] / n
			d := r[j] - e
			chi2 += d * d / e
		}
	}
	df := (len(rows) - 1) * (len(cols) - 1)
	k := min(len(rows), len(cols)) - 1
	res := ChiSquareResult{Chi2: chi2, DF: df, P: distuv.ChiSquared{K: float64(df)}.Survival(chi2)}
	if k > 0 {
		res.CramersV = math.Sqrt(chi2 / (n * float64(k)))
	}
	return res, nil
}
