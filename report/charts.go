package report

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pmx-dev/pmx/analysis/facts"
)

// Chart options are built with go-echarts but only as option JSON: its page
// renderer would reference a CDN, so the page inlines echarts itself and
// calls echarts.init/setOption from its own script. Anything that needs a JS
// function (tooltip formatters, label truncation) is added by that script,
// keyed by the chart id, so no executable code travels through JSON.

const (
	topVariantsChart = 10 // bars in the variants chart
	topVariantsTable = 20 // rows in the variants table
	topActivities    = 40 // bars in the activity chart; more would be unreadable
)

const (
	colourPrimary = "#2f6db5"
	colourAccent  = "#e07b39"
	colourTeal    = "#2a9d8f"
)

// chartSpec is one chart as the page script sees it.
type chartSpec struct {
	ID     string          `json:"id"`
	Kind   string          `json:"kind"` // selects the script's decorations
	Height int             `json:"height"`
	Option json.RawMessage `json:"option"`
}

// variantInfo feeds the variants chart tooltip: the activity sequence is too
// long for an axis label, so the axis shows "#1" and the tooltip the rest.
type variantInfo struct {
	Label      string   `json:"label"`
	Count      string   `json:"count"`
	Share      string   `json:"share"`
	Mean       string   `json:"mean"`
	Activities []string `json:"activities"`
}

// optionJSON validates the chart (go-echarts fills axis data there) and
// marshals its option map. encoding/json sorts map keys (determinism) and
// escapes <, > and & (the JSON is embedded in a <script> element).
func optionJSON(c interface {
	Validate()
	JSON() map[string]interface{}
}) (json.RawMessage, error) {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("report: chart option: %w", err)
	}
	return b, nil
}

// newBar returns a bar chart with the report's common look: no title or
// axis name (the page headings say what is counted), no toolbox, integer
// ticks, category axis on the left and #1 on top when horizontal.
func newBar(horizontal bool, categories []string) *charts.Bar {
	bar := charts.NewBar()
	grid := opts.Grid{Left: "8", Right: "24", Top: "12", Bottom: "8", ContainLabel: opts.Bool(true)}
	if horizontal {
		grid.Right = "64" // room for the value label at the end of the longest bar
	}
	bar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(grid),
	)
	if horizontal {
		bar.SetGlobalOptions(
			charts.WithXAxisOpts(opts.XAxis{Type: "value", MinInterval: 1}),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true)}),
		)
		bar.XYReversal()
	} else {
		bar.SetGlobalOptions(
			charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
			charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1}),
		)
	}
	bar.SetXAxis(categories)
	return bar
}

func barData(values []int64, colour string) []opts.BarData {
	out := make([]opts.BarData, len(values))
	for i, v := range values {
		out[i] = opts.BarData{Value: v, ItemStyle: &opts.ItemStyle{Color: colour}}
	}
	return out
}

// variantsChart: the most frequent variants as horizontal bars, #1 on top.
func variantsChart(vs []facts.Variant) (chartSpec, []variantInfo, error) {
	var cats []string
	var vals []int64
	info := []variantInfo{}
	for i, v := range vs {
		if i >= topVariantsChart {
			break
		}
		label := fmt.Sprintf("#%d", i+1)
		cats = append(cats, label)
		vals = append(vals, v.Count)
		info = append(info, variantInfo{Label: label, Count: humanCount(v.Count), Share: percent(v.Share),
			Mean: humanDuration(v.MeanDurationSeconds), Activities: v.Activities})
	}
	bar := newBar(true, cats)
	bar.AddSeries("Cases", barData(vals, colourPrimary), charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "35%"}))
	o, err := optionJSON(bar)
	return chartSpec{ID: "chart-variants", Kind: "variants", Height: 60 + 30*max(len(cats), 3), Option: o}, info, err
}

// durationChart: the case-duration histogram over its log-scale buckets,
// one category per bucket labelled with its humanised bounds.
func durationChart(h facts.Histogram) (chartSpec, error) {
	var cats []string
	var vals []int64
	for _, b := range h.Buckets {
		cats = append(cats, humanDuration(b.Low)+" – "+humanDuration(b.High))
		vals = append(vals, b.Count)
	}
	bar := newBar(false, cats)
	bar.AddSeries("Cases", barData(vals, colourTeal), charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "8%"}))
	o, err := optionJSON(bar)
	return chartSpec{ID: "chart-durations", Kind: "durations", Height: 320, Option: o}, err
}

// activityChart: event count per activity, most frequent first, cut at
// topActivities (the map and its slider still show all of them).
func activityChart(counts map[string]int64) (chartSpec, int, error) {
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
	hidden := 0
	if len(names) > topActivities {
		hidden = len(names) - topActivities
		names = names[:topActivities]
	}
	vals := make([]int64, len(names))
	for i, n := range names {
		vals[i] = counts[n]
	}
	bar := newBar(true, names)
	bar.AddSeries("Events", barData(vals, colourAccent), charts.WithBarChartOpts(opts.BarChart{BarCategoryGap: "35%"}))
	o, err := optionJSON(bar)
	return chartSpec{ID: "chart-activities", Kind: "activities", Height: 60 + 24*max(len(names), 4), Option: o}, hidden, err
}
