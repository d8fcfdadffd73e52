package analyze

import (
	"cmp"
	"slices"

	"github.com/pmx-dev/pmx/analysis/perf"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/stats"
)

// BreachSegments breaks one SLA rule's breach rate down by one case
// attribute: a chi-square test of independence between the attribute's
// value and breaching (Cramér's V the effect size), and each value's
// breach rate with its Wilson interval, highest first.
type BreachSegments struct {
	Rule        string        `json:"rule"`
	Attribute   string        `json:"attribute"`
	Chi2        float64       `json:"chi2"`
	P           float64       `json:"p"`
	CramersV    float64       `json:"cramers_v"`
	Significant bool          `json:"significant"`
	Values      []BreachValue `json:"values"`
}

// BreachValue is the breach rate of the measured cases with one value.
type BreachValue struct {
	Value    string  `json:"value"`
	Measured int64   `json:"measured"`
	Breaches int64   `json:"breaches"`
	Rate     float64 `json:"rate"`
	RateLow  float64 `json:"rate_low"`
	RateHigh float64 `json:"rate_high"`
}

// breachSegments tests every categorical case attribute (attrs, by name)
// against every case or between rule's breaches; strongest association
// first.
func breachSegments(attrs []perf.Attribute, rep *sla.Report, alpha, level float64) []BreachSegments {
	var out []BreachSegments
	for _, r := range rep.Rules {
		if len(r.Outcomes) == 0 || r.Breaches == 0 || r.Breaches == r.Measured {
			continue
		}
		for _, attr := range attrs {
			a := attr.Name
			byVal := map[string]*BreachValue{}
			for _, o := range r.Outcomes {
				v := attr.Value(int(o.Case))
				if v == "" {
					continue
				}
				bv := byVal[v]
				if bv == nil {
					bv = &BreachValue{Value: v}
					byVal[v] = bv
				}
				bv.Measured++
				if o.Breached {
					bv.Breaches++
				}
			}
			if len(byVal) < 2 {
				continue
			}
			bs := BreachSegments{Rule: r.Name, Attribute: a}
			var table [][]float64
			for _, bv := range byVal {
				bv.Rate = float64(bv.Breaches) / float64(bv.Measured)
				bv.RateLow, bv.RateHigh = stats.Wilson(bv.Breaches, bv.Measured, level)
				bs.Values = append(bs.Values, *bv)
			}
			slices.SortFunc(bs.Values, func(x, y BreachValue) int { return cmp.Or(cmp.Compare(y.Rate, x.Rate), cmp.Compare(x.Value, y.Value)) })
			for _, bv := range bs.Values {
				table = append(table, []float64{float64(bv.Breaches), float64(bv.Measured - bv.Breaches)})
			}
			cs, err := stats.ChiSquare(table)
			if err != nil {
				continue
			}
			bs.Chi2, bs.P, bs.CramersV, bs.Significant = cs.Chi2, cs.P, cs.CramersV, cs.P < alpha
			out = append(out, bs)
		}
	}
	// Significant associations first (a large V on a handful of cases is
	// noise), then the strongest.
	slices.SortFunc(out, func(x, y BreachSegments) int {
		return cmp.Or(cmp.Compare(b2i(y.Significant), b2i(x.Significant)), cmp.Compare(y.CramersV, x.CramersV),
			cmp.Compare(x.Rule, y.Rule), cmp.Compare(x.Attribute, y.Attribute))
	})
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
