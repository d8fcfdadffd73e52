package report

import (
	"strings"
	"testing"
)

func optimizeInput() Input {
	in := runningExample()
	in.Optimize = &Optimization{Objective: "share of cases breaching an SLA rule", Unit: "share", CostUnit: "staff hours",
		Baseline: 0.53, BaselineCost: 1992, Evaluated: 62, Simulations: 480, Replications: 10, Seconds: 41, SimulationShare: 0.95,
		Stopped: "no combination improves significantly",
		Recommendations: []Recommendation{
			{Rank: 1, Changes: []string{"automate Assign", "add 1 person to " + hostile}, Objective: 0.21, GainLow: 0.30, GainHigh: 0.34, Cost: 40,
				Sentences: []string{"These 2 changes together cut the share of cases breaching an SLA from 53 % to 21 %."}},
			{Rank: 2, Changes: []string{"remove the rework loop through Reassign"}, Objective: 0.51, GainLow: 0.01, GainHigh: 0.03},
		},
		Pareto: []ParetoPoint{{Objective: 0.53}, {Changes: []string{"remove the rework loop through Reassign"}, Objective: 0.51, Rank: 2},
			{Changes: []string{"automate Assign", "add 1 person to " + hostile}, Objective: 0.21, Cost: 40, Rank: 1}},
	}
	return in
}

// The optimisation section lists the recommendations with their gain and
// cost, states the search, and escapes the data; without results it is
// absent.
func TestOptimizeSection(t *testing.T) {
	out := render(t, optimizeInput())
	for _, want := range []string{`id="optimize-section"`, "now 53.0 %", "staff cost 1992 staff hours a week", "62 candidates in 480 simulations",
		"30.0 pp to 34.0 pp", "40 staff hours a week", "no extra cost", "These 2 changes together", `id="chart-pareto"`, `"kind":"pareto"`, `"formatter":"#1"`} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>alert") {
		t.Error("a change was not escaped")
	}
	if strings.Contains(render(t, runningExample()), `id="optimize-section"`) {
		t.Error("an optimisation section without results")
	}
}

// In a real browser the Pareto chart draws every front point, the tooltip
// names a point's changes as text, and the page raises no error.
func TestChromiumParetoChart(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open(writePage(t, optimizeInput()))
	var got struct {
		Points int
		Names  []string
		Tip    string
	}
	b.eval(`(function () {
		var chart = echarts.getInstanceByDom(document.getElementById("chart-pareto"));
		var opt = chart.getOption();
		var d = opt.series[0].data;
		var tip = opt.tooltip[0].formatter({name: d[2].name, value: d[2].value});
		return {Points: d.length, Names: d.map(function (p) { return p.name; }), Tip: tip};
	})()`, &got)
	if got.Points != 3 || got.Names[0] != "as it is" || !strings.Contains(got.Tip, "&lt;script&gt;") || strings.Contains(got.Tip, "<script>") {
		t.Errorf("Pareto chart %+v", got)
	}
	if f := b.failures(); len(f) > 0 {
		t.Errorf("page errors: %v", f)
	}
	b.screenshot("pareto", "#optimize-section")
}
