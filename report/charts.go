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
	// Ticks are the category-axis labels to show, when not all of them:
	// the script hides the others (echarts takes that as a function).
	Ticks []axisTick `json:"ticks,omitempty"`
}

// axisTick labels category Index with Label.
type axisTick struct {
	Index int    `json:"index"`
	Label string `json:"label"`
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
// one category per bucket named by its humanised bounds (the tooltip), the
// axis labelled by durationTicks.
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
	return chartSpec{ID: "chart-durations", Kind: "durations", Height: 320, Option: o, Ticks: durationTicks(h.Buckets)}, err
}

// Duration landmarks for the histogram's axis, the ones a reader thinks in
// first. A bucket containing a landmark is labelled with it; first the
// major ones, then the minor ones where there is room.
var (
	majorLandmarks = []float64{1, 60, 3600, 86400, 30 * 86400, 365 * 86400, 3650 * 86400}
	minorLandmarks = []float64{10, 600, 6 * 3600, 7 * 86400, 90 * 86400}
)

const (
	rangeTicks = 5  // up to this many buckets, every bucket shows its range
	maxTicks   = 10 // else at most about this many labels, so none overlap
)

// durationTicks picks the histogram's axis labels: a few round durations
// ("1 min", "1 h", "1 d", "30 d") on the buckets that contain them, at
// least minGap buckets apart, instead of ~30 rotated, overlapping ranges.
// Few buckets keep their full "low – high" labels.
func durationTicks(bs []facts.Bucket) []axisTick {
	var ticks []axisTick
	if len(bs) <= rangeTicks {
		for i, b := range bs {
			ticks = append(ticks, axisTick{i, humanDuration(b.Low) + " – " + humanDuration(b.High)})
		}
		return ticks
	}
	minGap := max(2, (len(bs)+maxTicks-1)/maxTicks)
	free := func(i int) bool {
		for _, t := range ticks {
			if i-t.Index < minGap && t.Index-i < minGap {
				return false
			}
		}
		return true
	}
	for _, marks := range [][]float64{majorLandmarks, minorLandmarks} {
		for _, v := range marks {
			for i, b := range bs {
				if b.Low <= v && v < b.High && free(i) {
					ticks = append(ticks, axisTick{i, humanDuration(v)})
				}
			}
		}
	}
	if len(ticks) < 2 { // a narrow range without landmarks: lower bounds, evenly
		ticks = ticks[:0]
		for i := 0; i < len(bs); i += minGap {
			ticks = append(ticks, axisTick{i, humanDuration(bs[i].Low)})
		}
	}
	sort.Slice(ticks, func(a, b int) bool { return ticks[a].Index < ticks[b].Index })
	return ticks
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
