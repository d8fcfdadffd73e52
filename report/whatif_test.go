package report

import (
	"strings"
	"testing"
)

func whatIfInput() Input {
	in := runningExample()
	in.WhatIf = &WhatIf{
		Validation: &Validation{Train: 2100, Test: 900, Replications: 10, TestMedianCycleHours: 78.1, Measures: []Measure{
			{"ngram_2_distance", 0.036, 0.033, 0.039}, {"cycle_time_emd_hours", 16.0, 13.4, 18.7}}},
		Scenarios: []Scenario{{Name: hostile, Changes: []string{"add 2 people to " + hostile}, Replications: 10,
			Sentences: []string{"Add 2 people to " + hostile + " cuts the median cycle time from 21 h to 15 h (−24 %, 95 % CI −27 % to −21 %)."},
			KPIs: []ScenarioKPI{
				{KPI: "cycle_time_p50_hours", Baseline: 21, Scenario: 15, Delta: -6, Low: -6.5, High: -5.5, Significant: true},
				{KPI: "sla_breach_rate:P2", Baseline: 0.31, Scenario: 0.18, Delta: -0.13, Low: -0.15, High: -0.11, Significant: true},
				{KPI: "utilisation:" + hostile, Baseline: 0.9, Scenario: 0.7, Delta: -0.2, Low: -0.21, High: -0.19, Significant: true},
				{KPI: "waiting_hours:Check", Baseline: 2, Scenario: 2.1, Delta: 0.1, Low: -0.1, High: 0.3},
			}}},
	}
	return in
}

// The what-if section shows the validation measures, each scenario's
// sentences, a chart of the headline changes and the KPI table; data text
// is escaped.
func TestWhatIfSection(t *testing.T) {
	out := render(t, whatIfInput())
	for _, want := range []string{`id="whatif-section"`, "ngram_2_distance", "0.033–0.039", "the test cases' median duration is 3.3 d",
		"cuts the median cycle time from 21 h to 15 h", `id="chart-whatif-0"`, `"id":"chart-whatif-0"`, "-13.0 pp", "-29 %", `<tr class="sig">`} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>alert") {
		t.Error("a scenario name was not escaped")
	}
	if strings.Contains(render(t, runningExample()), `id="whatif-section"`) {
		t.Error("a what-if section without what-if input")
	}
}

// In a real browser the what-if chart draws one interval box and one mean
// marker per headline KPI, and the page raises no error.
func TestChromiumWhatIfChart(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open(writePage(t, whatIfInput()))
	var got struct {
		Categories []string
		Boxes      int
		Points     int
	}
	b.eval(`(function () {
		var chart = echarts.getInstanceByDom(document.getElementById("chart-whatif-0"));
		var opt = chart.getOption();
		return {Categories: opt.yAxis[0].data, Boxes: opt.series[0].data.length, Points: opt.series[1].data.length};
	})()`, &got)
	// Headline KPIs only: the cycle time and the breach rate, not the
	// utilisation or the per-activity wait.
	if strings.Join(got.Categories, ",") != "cycle_time_p50_hours,sla_breach_rate:P2" || got.Boxes != 2 || got.Points != 2 {
		t.Errorf("what-if chart %+v", got)
	}
	if f := b.failures(); len(f) > 0 {
		t.Errorf("page errors: %v", f)
	}
	b.screenshot("whatif", "#whatif-section")
}
