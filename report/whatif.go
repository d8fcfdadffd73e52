package report

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// WhatIf is the what-if section: how close the simulation model comes to
// the log it was fitted on (validation), and each scenario against the
// baseline. The report shows these results as given (pmx simulate computes
// them).
type WhatIf struct {
	Validation *Validation
	Scenarios  []Scenario
}

// Validation is a model's distance to the real log, measure by measure.
type Validation struct {
	Train, Test, Replications int
	TestMedianCycleHours      float64
	Measures                  []Measure
}

// Measure is one validation measure's mean with its 95 % interval.
type Measure struct {
	Name            string
	Mean, Low, High float64
}

// Scenario is one scenario compared with the baseline.
type Scenario struct {
	Name         string
	Changes      []string
	Sentences    []string
	Replications int
	KPIs         []ScenarioKPI
}

// ScenarioKPI is one KPI, baseline and scenario means, and the 95 %
// interval of the paired difference.
type ScenarioKPI struct {
	KPI                string
	Baseline, Scenario float64
	Delta, Low, High   float64
	Significant        bool
}

// whatIfPage is the template's view.
type whatIfPage struct {
	Validation *validationPage
	Scenarios  []scenarioPage
}

type validationPage struct {
	Train, Test, Replications, Median string
	Rows                              []measureRow
}

type measureRow struct{ Name, Mean, CI, Hint string }

type scenarioPage struct {
	Name, Changes string
	Sentences     []string
	ChartID       string
	Rows          []kpiRow
}

type kpiRow struct {
	KPI, Baseline, Scenario, Change, CI string
	Significant                         bool
}

// measureHints say what each validation measure compares.
var measureHints = map[string]string{
	"ngram_2_distance":         "control flow: pairs of consecutive activities (0 = same, 1 = disjoint)",
	"ngram_3_distance":         "control flow: triples of consecutive activities",
	"cycle_time_emd_hours":     "how far case durations are apart (hours)",
	"relative_event_emd_hours": "event times within their case (hours)",
	"absolute_event_emd_hours": "event times on the calendar (hours)",
	"circadian_emd":            "hours of the day events happen at, per weekday",
	"arrival_emd_hours":        "when cases arrive (hours)",
}

func whatIfSection(w *WhatIf) (*whatIfPage, []chartSpec, error) {
	if w == nil {
		return nil, nil, nil
	}
	p := &whatIfPage{}
	if v := w.Validation; v != nil {
		vp := &validationPage{Train: humanCount(int64(v.Train)), Test: humanCount(int64(v.Test)),
			Replications: fmt.Sprint(v.Replications), Median: humanDuration(3600 * v.TestMedianCycleHours)}
		for _, m := range v.Measures {
			vp.Rows = append(vp.Rows, measureRow{Name: m.Name, Mean: fmt.Sprintf("%.3f", m.Mean),
				CI: fmt.Sprintf("%.3f–%.3f", m.Low, m.High), Hint: measureHints[m.Name]})
		}
		p.Validation = vp
	}
	var specs []chartSpec
	for i, s := range w.Scenarios {
		sp := scenarioPage{Name: s.Name, Changes: strings.Join(s.Changes, "; "), Sentences: s.Sentences,
			ChartID: fmt.Sprintf("chart-whatif-%d", i)}
		for _, k := range s.KPIs {
			sp.Rows = append(sp.Rows, kpiRow{KPI: k.KPI, Baseline: number(k.Baseline), Scenario: number(k.Scenario),
				Change: relative(k.Delta, k.Baseline, k.KPI), CI: relative(k.Low, k.Baseline, k.KPI) + " to " + relative(k.High, k.Baseline, k.KPI),
				Significant: k.Significant})
		}
		spec, err := whatIfChart(sp.ChartID, s)
		if err != nil {
			return nil, nil, err
		}
		if spec != nil {
			specs = append(specs, *spec)
		}
		p.Scenarios = append(p.Scenarios, sp)
	}
	return p, specs, nil
}

func number(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.4g", v)
}

// relative is a change as a share of the baseline ("−24 %"); rates and
// shares change in percentage points instead.
func relative(d, base float64, kpi string) string {
	if isRate(kpi) {
		return fmt.Sprintf("%+.1f pp", 100*d)
	}
	if base == 0 || math.IsNaN(d) {
		return number(d)
	}
	return fmt.Sprintf("%+.0f %%", 100*d/base)
}

func isRate(kpi string) bool {
	return strings.HasPrefix(kpi, "sla_breach_rate") || kpi == "sla_cases_breached" || strings.HasPrefix(kpi, "utilisation:")
}

// chartKPIs are the headline KPIs the chart shows.
func chartKPI(k string) bool {
	switch {
	case strings.HasPrefix(k, "cycle_time_"), k == "throughput_cases_per_day", k == "waiting_mean_hours", k == "cost",
		strings.HasPrefix(k, "sla_breach_rate"), k == "sla_cases_breached":
		return true
	}
	return false
}

// whatIfChart draws each headline KPI's change (percent of the baseline,
// percentage points for rates) as a box from the interval's low to high end
// (echarts' boxplot, whiskers folded onto the box) with the mean marked: a
// box clear of zero is a significant change.
func whatIfChart(id string, s Scenario) (*chartSpec, error) {
	var cats []string
	var boxes [][5]float64
	var means [][2]any
	for _, k := range s.KPIs {
		if !chartKPI(k.KPI) {
			continue
		}
		scale := 100.0
		if !isRate(k.KPI) {
			if k.Baseline == 0 {
				continue
			}
			scale = 100 / k.Baseline
		}
		lo, hi, m := k.Low*scale, k.High*scale, k.Delta*scale
		cats = append(cats, k.KPI)
		boxes = append(boxes, [5]float64{round1(lo), round1(lo), round1(m), round1(hi), round1(hi)})
		means = append(means, [2]any{round1(m), k.KPI})
	}
	if len(cats) == 0 {
		return nil, nil
	}
	opt := map[string]any{
		"animation": false,
		"grid":      map[string]any{"left": 230, "right": 30, "top": 20, "bottom": 40},
		"yAxis":     []any{map[string]any{"type": "category", "data": cats, "inverse": true}},
		"xAxis":     []any{map[string]any{"type": "value", "name": "change (% of baseline; pp for rates)", "nameLocation": "middle", "nameGap": 25}},
		"series": []any{
			map[string]any{"type": "boxplot", "name": "95 % interval", "data": boxes, "boxWidth": []int{8, 14},
				"itemStyle": map[string]any{"color": colourAccent, "borderColor": colourAccent}},
			map[string]any{"type": "scatter", "name": "mean change", "data": means, "symbolSize": 9, "itemStyle": map[string]any{"color": colourPrimary}},
		},
	}
	b, err := json.Marshal(opt)
	if err != nil {
		return nil, err
	}
	return &chartSpec{ID: id, Kind: "whatif", Height: 60 + 34*len(cats), Option: b}, nil
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
