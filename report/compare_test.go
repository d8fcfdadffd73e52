package report

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/compare"
)

// compareInput is the running example with a hand-built comparison: B's
// cases take longer and take a hostile-named path more often.
func compareInput() Input {
	in := runningExample()
	in.Compare = &compare.Result{A: "incidents", B: "incidents " + hostile, Alpha: 0.01,
		KPIs: []compare.KPI{
			{Name: "cases", A: 1000, B: 250, Diff: -750, P: 1},
			{Name: "instances_per_case_median", A: 5, B: 7, Diff: 2, Test: "mann-whitney", P: 1e-9, Significant: true},
			{Name: "instances_per_case_mean", A: 5.2, B: 5.3, Diff: 0.1, Test: "welch-t", P: 0.2},
			{Name: "throughput_seconds_median", A: 3.9 * 86400, B: 5.6 * 86400, Diff: 1.7 * 86400, Test: "mann-whitney", P: 0.0004, Significant: true},
			{Name: "throughput_seconds_mean", A: 4 * 86400, B: 3 * 86400, Diff: -86400, Test: "welch-t", P: 0.004, Significant: true},
		},
		Variants: []compare.VariantDiff{
			{Activities: []string{"register", "decide"}, ShareA: 0.5, ShareB: 0.48, Diff: -0.02, P: 0.5},
			{Activities: []string{"register", hostile, "decide"}, ShareA: 0.1, ShareB: 0.3, Diff: 0.2, P: 1e-6, Significant: true},
		},
		Edges: []compare.EdgeDiff{
			{From: "register", To: "decide", PerCaseA: 0.5, PerCaseB: 0.48, P: 0.5, CountA: 500, CountB: 120,
				MeanSecondsA: 3600, MeanSecondsB: 7200, MeanDiffSeconds: 3600, MeanP: 0.001, MeanSignificant: true},
			{From: "register", To: hostile, PerCaseA: 0.1, PerCaseB: 0.3, P: 1e-6, Significant: true, CountA: 100, CountB: 75,
				MeanSecondsA: 7200, MeanSecondsB: 3600, MeanDiffSeconds: -3600 * 1.5, MeanP: 0.002, MeanSignificant: true},
			{From: "decide", To: "close", PerCaseA: 1, PerCaseB: 1, P: 1, CountA: 1000, CountB: 250,
				MeanSecondsA: 60, MeanSecondsB: 61, MeanDiffSeconds: 1, MeanP: 0.9},
		},
	}
	return in
}

// rowsOf returns the text of each body row of the table with class cls,
// cells joined by "|", tags stripped and entities decoded.
func rowsOf(t *testing.T, page, cls string) []string {
	t.Helper()
	i := strings.Index(page, `<table class="compare `+cls+`">`)
	if i < 0 {
		t.Fatalf("no table %s", cls)
	}
	tbl := page[i : i+strings.Index(page[i:], "</table>")]
	tags := regexp.MustCompile(`<[^>]*>`)
	var rows []string
	for _, tr := range strings.Split(tbl, "<tr")[2:] { // [0] before thead, [1] the header
		cells := strings.Split(tr, "</td>")
		for j := range cells {
			cells[j] = html.UnescapeString(strings.TrimSpace(tags.ReplaceAllString("<tr"+cells[j], "")))
		}
		rows = append(rows, strings.Join(cells[:len(cells)-1], "|"))
	}
	return rows
}

// The comparison section words each significant KPI difference, tables
// the KPIs, the variants by the size of their change and the significant
// edges, charts the edge times, and escapes every name; without a
// comparison it is absent.
func TestComparisonSection(t *testing.T) {
	out := render(t, compareInput())
	text := html.UnescapeString(out)
	for _, want := range []string{`id="compare-section"`,
		"Cases in B take longer: median throughput time 3.9 d → 5.6 d (p < 0.001).",
		"Cases in B are faster: mean throughput time 4 d → 3 d (p = 0.004).",
		"Cases in B have more steps: median activity instances per case 5.00 → 7.00 (p < 0.001).",
		`id="chart-compare-edges"`, `"kind":"compare-edges"`} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(out, "instances per case 5.20") {
		t.Error("a sentence for a difference that is not significant")
	}
	checkRows := func(cls string, want []string) {
		t.Helper()
		got := rowsOf(t, out, cls)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s rows:\n%s\nwant:\n%s", cls, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	const h = hostile
	checkRows("compare-kpis", []string{
		"Cases|1,000|250|-750|–|–|no",
		"Activity instances per case (median)|5.00|7.00|+2.00|mann-whitney|p < 0.001|yes",
		"Activity instances per case (mean)|5.20|5.30|+0.10|welch-t|p = 0.2|no",
		"Throughput time (median)|3.9 d|5.6 d|1.7 d longer|mann-whitney|p < 0.001|yes",
		"Throughput time (mean)|4 d|3 d|1 d shorter|welch-t|p = 0.004|yes",
	})
	checkRows("compare-variants", []string{
		"10.0 %|30.0 %|+20.0 pp|p < 0.001 *|register → " + h + " → decide",
		"50.0 %|48.0 %|-2.0 pp|p = 0.5|register → decide",
	})
	checkRows("compare-freq", []string{"register|" + h + "|0.100|0.300|+0.200|p < 0.001"})
	checkRows("compare-time", []string{
		"register|" + h + "|2 h|1 h|1.5 h shorter|p = 0.002",
		"register|decide|1 h|2 h|1 h longer|p = 0.001",
	})
	if strings.Contains(out, "<script>alert") || !strings.Contains(out, "B = incidents &lt;script&gt;") {
		t.Error("a name was not escaped")
	}
	if strings.Contains(render(t, runningExample()), `id="compare-section"`) {
		t.Error("a comparison section without a comparison")
	}
}

// In a real browser the comparison chart draws a bar per edge whose mean
// time differs significantly, slower in B in the accent colour, the
// tooltip shows a hostile edge name as text, and the page raises no error.
func TestChromiumComparisonChart(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open(writePage(t, compareInput()))
	var got struct {
		Bars    int
		Names   []string
		Values  []float64
		Colours []string
		Tip     string
		Left    float64
	}
	b.eval(`(function () {
		var chart = echarts.getInstanceByDom(document.getElementById("chart-compare-edges"));
		var opt = chart.getOption();
		var d = opt.series[0].data;
		var names = opt.yAxis[0].data;
		var tip = opt.tooltip[0].formatter([{name: names[0], value: d[0].value}]);
		return {Bars: d.length, Names: names, Values: d.map(function (x) { return x.value; }),
			Colours: d.map(function (x) { return x.itemStyle.color; }), Tip: tip, Left: opt.grid[0].left};
	})()`, &got)
	if got.Bars != 2 || len(got.Names) != 2 || got.Names[0] != "register → "+hostile || got.Values[0] != -1.5 || got.Values[1] != 1 ||
		got.Colours[0] != colourPrimary || got.Colours[1] != colourAccent {
		t.Errorf("comparison chart %+v", got)
	}
	if !strings.Contains(got.Tip, "&lt;script&gt;") || strings.Contains(got.Tip, "<script>") || !strings.Contains(got.Tip, "-1.5 h") {
		t.Errorf("tooltip %q", got.Tip)
	}
	if f := b.failures(); len(f) > 0 {
		t.Errorf("page errors: %v", f)
	}
	b.screenshot("comparison", "#compare-section")
}
