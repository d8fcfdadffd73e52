package perf

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/pmx-dev/pmx/analysis/units"

	"github.com/pmx-dev/pmx/analysis/stats"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Involvement compares the cases that involve one value of an event-level
// attribute (a group, a resource) with the cases that do not: an event
// attribute can take several values in one case, so its values are tested
// one by one (Mann–Whitney on cycle time), not as a partition.
type Involvement struct {
	Attribute     string  `json:"attribute"`
	Value         string  `json:"value"`
	Cases         int64   `json:"cases"` // cases with at least one instance of the value
	MedianWith    float64 `json:"median_with"`
	MedianWithout float64 `json:"median_without"`
	P             float64 `json:"p"`
	Effect        float64 `json:"effect"` // rank-biserial: positive = cases with the value are slower
	Significant   bool    `json:"significant"`
}

// Involvements tests every value of an event dimension (l.Group or
// l.Resource with its names) that occurs in 1–99 % of cases (and in and
// outside at least 10); slowest
// (largest effect) first. The p-values are per value; with many values,
// read them with a multiple-testing correction in mind (alpha is divided by
// the number of values tested: Bonferroni).
func Involvements(l *timeline.Log, attr string, dim []int32, names []string, cycle []float64, alpha float64) []Involvement {
	if len(dim) != l.Steps() || len(names) == 0 {
		return nil
	}
	involved := make([][]bool, len(names))
	for v := range involved {
		involved[v] = make([]bool, l.Cases())
	}
	for i, v := range dim {
		if v >= 0 {
			involved[v][l.Case[i]] = true
		}
	}
	var out []Involvement
	tested := 0
	for v, cs := range involved {
		var with, without []float64
		for c, in := range cs {
			if in {
				with = append(with, cycle[c])
			} else {
				without = append(without, cycle[c])
			}
		}
		// A value in (almost) every case or (almost) none compares nothing.
		if n := l.Cases(); len(with) < max(10, n/100) || len(without) < max(10, n/100) {
			continue
		}
		mw, err := stats.MannWhitney(with, without)
		if err != nil {
			continue
		}
		tested++
		out = append(out, Involvement{Attribute: attr, Value: names[v], Cases: int64(len(with)), MedianWith: median(with),
			MedianWithout: median(without), P: mw.P, Effect: mw.RankBiserial})
	}
	for i := range out {
		out[i].Significant = out[i].P < alpha/float64(max(tested, 1)) && out[i].Effect > 0
	}
	slices.SortFunc(out, func(a, b Involvement) int {
		return cmp.Or(cmp.Compare(b.Effect, a.Effect), cmp.Compare(a.Value, b.Value))
	})
	return out
}

// String describes an involvement in one sentence.
func (v Involvement) String() string {
	return fmt.Sprintf("cases involving %s %s (%d) take a median %s against %s without (p = %.2g)",
		v.Attribute, v.Value, v.Cases, units.Duration(v.MedianWith), units.Duration(v.MedianWithout), v.P)
}
