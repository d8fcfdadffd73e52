package perf

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/pmx-dev/pmx/analysis/units"

	"github.com/pmx-dev/pmx/analysis/stats"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// SegmentTest asks whether a case attribute explains cycle time: a
// Kruskal–Wallis test across its values (EpsilonSquared is the effect size,
// the share of rank variance the attribute explains), and per value a
// Mann–Whitney test against all other cases.
type SegmentTest struct {
	Attribute      string    `json:"attribute"`
	Values         int       `json:"values"`
	Cases          int64     `json:"cases"` // cases having the attribute
	H              float64   `json:"h"`
	P              float64   `json:"p"`
	EpsilonSquared float64   `json:"epsilon_squared"`
	Significant    bool      `json:"significant"`
	Segments       []Segment `json:"segments"` // slowest first
}

// Segment is one attribute value against the other cases with the
// attribute.
type Segment struct {
	Value       string   `json:"value"`
	Cases       int64    `json:"cases"`
	MedianCycle float64  `json:"median_cycle"`
	RestMedian  float64  `json:"rest_median_cycle"`
	P           float64  `json:"p"`
	Effect      float64  `json:"effect"` // rank-biserial: positive = slower than the rest
	Significant bool     `json:"significant"`
	BreachRate  *float64 `json:"breach_rate,omitempty"` // with SLA rules: share of breached cases
}

// Segment analysis limits: an attribute is categorical when it has 2 to
// maxSegmentValues distinct values and at least half the cases carry it.
const maxSegmentValues = 50

// Segments tests every categorical case attribute against cycle time,
// strongest effect first. alpha is the significance level.
func Segments(l *timeline.Log, cycle []float64, alpha float64) []SegmentTest {
	return SegmentsOf(CategoricalAttributes(l), cycle, alpha)
}

// SegmentsOf is Segments on attributes from CategoricalAttributes, for a
// caller that uses them for more than this.
func SegmentsOf(attrs []Attribute, cycle []float64, alpha float64) []SegmentTest {
	var out []SegmentTest
	for _, a := range attrs {
		groups := map[string][]float64{}
		var n int64
		for c, k := range a.Of {
			if k >= 0 {
				groups[a.Values[k]] = append(groups[a.Values[k]], cycle[c])
				n++
			}
		}
		out = appendSegmentTest(out, a.Name, groups, n, alpha)
	}
	slices.SortFunc(out, func(a, b SegmentTest) int {
		return cmp.Or(cmp.Compare(b.EpsilonSquared, a.EpsilonSquared), cmp.Compare(a.Attribute, b.Attribute))
	})
	return out
}

func appendSegmentTest(out []SegmentTest, attr string, groups map[string][]float64, n int64, alpha float64) []SegmentTest {
	names := make([]string, 0, len(groups))
	for v := range groups {
		names = append(names, v)
	}
	slices.Sort(names)
	gs := make([][]float64, len(names))
	for i, v := range names {
		gs[i] = groups[v]
	}
	// The cases ranked once: the Kruskal–Wallis test and each value's test
	// against the rest come from the rank sums.
	rg := rankGroups(gs)
	sizes := make([]int, len(gs))
	for i, g := range gs {
		sizes[i] = len(g)
	}
	kw, err := stats.KruskalWallisRanks(rg.rankSum, sizes, rg.ties)
	if err != nil {
		return out
	}
	st := SegmentTest{Attribute: attr, Values: len(names), Cases: n, H: kw.H, P: kw.P, EpsilonSquared: kw.EpsilonSquared,
		Significant: kw.P < alpha}
	for i, v := range names {
		rest := int(n) - len(gs[i])
		if rest == 0 {
			continue
		}
		mw := stats.MannWhitneyRanks(rg.rankSum[i], len(gs[i]), rest, rg.ties)
		mine, others := rg.medians(i)
		seg := Segment{Value: v, Cases: int64(len(gs[i])), MedianCycle: mine, RestMedian: others,
			P: mw.P, Effect: mw.RankBiserial}
		seg.Significant = st.Significant && mw.P < alpha
		st.Segments = append(st.Segments, seg)
	}
	slices.SortFunc(st.Segments, func(a, b Segment) int { return cmp.Or(cmp.Compare(b.Effect, a.Effect), cmp.Compare(a.Value, b.Value)) })
	out = append(out, st)
	return out
}

func median(xs []float64) float64 {
	s := sortedCopy(xs)
	return stats.Quantile(s, 0.5)
}

// String describes a segment test's strongest finding.
func (s SegmentTest) String() string {
	if len(s.Segments) == 0 {
		return s.Attribute
	}
	top := s.Segments[0]
	return fmt.Sprintf("%s explains %.1f %% of cycle-time rank variance (Kruskal–Wallis p = %.2g); slowest: %s = %s, median %s against %s for the rest",
		s.Attribute, 100*s.EpsilonSquared, s.P, s.Attribute, top.Value, units.Duration(top.MedianCycle), units.Duration(top.RestMedian))
}
