package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pmx-dev/pmx/analysis/compare"
	"github.com/pmx-dev/pmx/analysis/units"
)

// topCompared is how many variants, and how many edges of each kind, the
// comparison section lists (pmx compare --top's default).
const topCompared = 10

// comparisonPage is the template's view of a compare.Result. The result is
// shown as given: the section picks, sorts and formats, and tests nothing.
type comparisonPage struct {
	A, B, Alpha string
	Sentences   []string
	KPIs        []compareKPIRow
	Variants    []compareVariantRow
	VariantsAll int
	Freq, Time  []compareEdgeRow
	ChartID     string
}

type compareKPIRow struct {
	Name, A, B, Diff, Test, P string
	Significant               bool
}

type compareVariantRow struct {
	ShareA, ShareB, Diff, P string
	Activities              string
	Significant             bool
}

type compareEdgeRow struct {
	From, To      shortName
	A, B, Diff, P string
	Significant   bool
}

// kpiLabels name compare's KPIs on the page.
var kpiLabels = map[string]string{
	"cases":                     "Cases",
	"instances_per_case_median": "Activity instances per case (median)",
	"instances_per_case_mean":   "Activity instances per case (mean)",
	"throughput_seconds_median": "Throughput time (median)",
	"throughput_seconds_mean":   "Throughput time (mean)",
}

func comparisonSection(r *compare.Result) (*comparisonPage, []chartSpec, error) {
	if r == nil {
		return nil, nil, nil
	}
	p := &comparisonPage{A: r.A, B: r.B, Alpha: fmt.Sprintf("%g", r.Alpha), VariantsAll: len(r.Variants), ChartID: "chart-compare-edges"}
	for _, k := range r.KPIs {
		a, b, d := kpiValues(k)
		name := kpiLabels[k.Name]
		if name == "" {
			name = k.Name
		}
		p.KPIs = append(p.KPIs, compareKPIRow{Name: name, A: a, B: b, Diff: d, Test: orDash(k.Test),
			P: pText(k.P, k.Test != ""), Significant: k.Significant})
		if s := kpiSentence(k); s != "" {
			p.Sentences = append(p.Sentences, s)
		}
	}
	vs := slices.Clone(r.Variants)
	slices.SortStableFunc(vs, func(x, y compare.VariantDiff) int { return cmp.Compare(math.Abs(y.Diff), math.Abs(x.Diff)) })
	for _, v := range vs[:min(topCompared, len(vs))] {
		p.Variants = append(p.Variants, compareVariantRow{ShareA: percent(v.ShareA), ShareB: percent(v.ShareB),
			Diff: fmt.Sprintf("%+.1f pp", 100*v.Diff), P: pText(v.P, true), Activities: strings.Join(v.Activities, " → "),
			Significant: v.Significant})
	}
	freq := significantEdges(r.Edges, func(e compare.EdgeDiff) (bool, float64) { return e.Significant, e.PerCaseB - e.PerCaseA })
	for _, e := range freq {
		p.Freq = append(p.Freq, compareEdgeRow{From: short(e.From), To: short(e.To), A: fmt.Sprintf("%.3f", e.PerCaseA),
			B: fmt.Sprintf("%.3f", e.PerCaseB), Diff: fmt.Sprintf("%+.3f", e.PerCaseB-e.PerCaseA), P: pText(e.P, true), Significant: true})
	}
	times := significantEdges(r.Edges, func(e compare.EdgeDiff) (bool, float64) { return e.MeanSignificant, e.MeanDiffSeconds })
	for _, e := range times {
		p.Time = append(p.Time, compareEdgeRow{From: short(e.From), To: short(e.To), A: humanDuration(e.MeanSecondsA),
			B: humanDuration(e.MeanSecondsB), Diff: units.Change(e.MeanDiffSeconds), P: pText(e.MeanP, true), Significant: true})
	}
	spec, err := edgeTimeChart(p.ChartID, times)
	if err != nil || spec == nil {
		return p, nil, err
	}
	return p, []chartSpec{*spec}, nil
}

// significantEdges are the edges whose chosen difference is significant,
// the largest |difference| first (ties keep compare's (from, to) order),
// cut to topCompared.
func significantEdges(es []compare.EdgeDiff, f func(compare.EdgeDiff) (bool, float64)) []compare.EdgeDiff {
	var out []compare.EdgeDiff
	for _, e := range es {
		if sig, _ := f(e); sig {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(x, y compare.EdgeDiff) int {
		_, dx := f(x)
		_, dy := f(y)
		return cmp.Compare(math.Abs(dy), math.Abs(dx))
	})
	return out[:min(topCompared, len(out))]
}

// kpiValues formats a KPI's A, B and B − A in its unit.
func kpiValues(k compare.KPI) (a, b, d string) {
	switch {
	case strings.HasPrefix(k.Name, "throughput"):
		return humanDuration(k.A), humanDuration(k.B), units.Change(k.Diff)
	case strings.HasPrefix(k.Name, "instances"):
		return fmt.Sprintf("%.2f", k.A), fmt.Sprintf("%.2f", k.B), fmt.Sprintf("%+.2f", k.Diff)
	}
	d = humanCount(int64(math.Round(k.Diff)))
	if k.Diff > 0 {
		d = "+" + d
	}
	return humanCount(int64(math.Round(k.A))), humanCount(int64(math.Round(k.B))), d
}

// kpiSentence says a significant KPI difference in plain words ("" when it
// is not significant): "Cases in B take longer: median throughput time
// 3.9 d → 5.6 d (p < 0.001)".
func kpiSentence(k compare.KPI) string {
	if !k.Significant || k.Diff == 0 {
		return ""
	}
	stat := "mean"
	if strings.HasSuffix(k.Name, "_median") {
		stat = "median"
	}
	a, b, _ := kpiValues(k)
	more := k.Diff > 0
	switch {
	case strings.HasPrefix(k.Name, "throughput"):
		head := "Cases in B are faster"
		if more {
			head = "Cases in B take longer"
		}
		return fmt.Sprintf("%s: %s throughput time %s → %s (%s).", head, stat, a, b, pText(k.P, true))
	case strings.HasPrefix(k.Name, "instances"):
		head := "Cases in B have fewer steps"
		if more {
			head = "Cases in B have more steps"
		}
		return fmt.Sprintf("%s: %s activity instances per case %s → %s (%s).", head, stat, a, b, pText(k.P, true))
	}
	return fmt.Sprintf("%s differs: %s → %s (%s).", k.Name, a, b, pText(k.P, true))
}

// pText is a p-value as a sentence reads it; "–" when no test ran.
func pText(p float64, tested bool) string {
	switch {
	case !tested:
		return "–"
	case p < 0.001:
		return "p < 0.001"
	}
	return fmt.Sprintf("p = %.2g", p)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// edgeTimeChart draws the edges whose mean time differs significantly as
// horizontal bars of B − A in hours, the largest first; slower in B is
// orange, faster blue. The labels are "from → to", cut by the page script.
func edgeTimeChart(id string, es []compare.EdgeDiff) (*chartSpec, error) {
	if len(es) == 0 {
		return nil, nil
	}
	cats := make([]string, len(es))
	data := make([]opts.BarData, len(es))
	for i, e := range es {
		cats[i] = e.From + " → " + e.To
		colour := colourPrimary
		if e.MeanDiffSeconds > 0 {
			colour = colourAccent
		}
		data[i] = opts.BarData{Value: math.Round(e.MeanDiffSeconds/3600*100) / 100, ItemStyle: &opts.ItemStyle{Color: colour}}
	}
	bar := newBar(true, cats)
	bar.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: "B − A mean time (hours)", NameLocation: "middle", NameGap: 25}))
	bar.AddSeries("B − A", data, charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "35%"}))
	o, err := optionJSON(bar)
	if err != nil {
		return nil, err
	}
	return &chartSpec{ID: id, Kind: "compare-edges", Height: 80 + 28*max(len(cats), 3), Option: o}, nil
}
