package stats

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// Pearson returns the Pearson product-moment correlation of x and y (gonum's
// stat.Correlation). It returns NaN if the lengths differ, there are fewer
// than two pairs, or either variable is constant.
func Pearson(x, y []float64) float64 {
	if len(x) != len(y) || len(x) < 2 {
		return math.NaN()
	}
	return stat.Correlation(x, y, nil)
}

// Spearman returns Spearman's rank correlation of x and y: the Pearson
// correlation of their midranks, so ties are handled as in
// scipy.stats.spearmanr (C. Spearman, Am. J. Psychol. 15(1), 1904). It
// returns NaN if the lengths differ, there are fewer than two pairs, a value
// is NaN, or either variable is constant.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) || len(x) < 2 {
		return math.NaN()
	}
	rx, _, err := midranks(x)
	if err != nil {
		return math.NaN()
	}
	ry, _, err := midranks(y)
	if err != nil {
		return math.NaN()
	}
	return stat.Correlation(rx, ry, nil)
}
