package report

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/pmx-dev/pmx/analysis/analyze"
	"github.com/pmx-dev/pmx/analysis/compare"
	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/mining/export"
)

// Input is everything one report shows. The report renders these results as
// given and computes no statistics of its own.
type Input struct {
	Title     string          // e.g. "pmx report — incidents"
	Source    string          // log name / file shown in the header
	Generated time.Time       // passed in (not time.Now inside) so output is deterministic
	Stats     facts.Stats     // header KPIs and activity frequencies
	Variants  []facts.Variant // already sorted by count desc
	DFG       facts.DFG       // the process map
	Durations facts.Histogram // case-duration histogram (log-scale buckets)
	Model     *Model          // optional process-model section
	Designed  *Designed       // optional designed-model section (a BPMN file; report/bpmnview.Section)
	Analysis  *analyze.Report // optional findings section (pmx analyze)
	WhatIf    *WhatIf         // optional what-if section (pmx simulate)
	Optimize  *Optimization   // optional optimisation section (pmx optimize)
	Compare   *compare.Result // optional comparison section (pmx compare; A is this log)
}

//go:embed assets/report.html.tmpl assets/report.css assets/report.js assets/echarts.min.js
var assets embed.FS

// echartsVersion is shown in the footer; keep in step with assets/README.md.
const echartsVersion = "5.6.0"

// pageAssets parses the template and loads the inlined CSS/JS once. Inlined
// code is checked for "</script" / "</style": either would end its element
// early and turn the rest into markup.
var pageAssets = sync.OnceValues(func() (*pageParts, error) {
	read := func(name string) (string, error) {
		b, err := assets.ReadFile("assets/" + name)
		return string(b), err
	}
	p := &pageParts{}
	var tmpl, css, js, ech string
	var err error
	for _, f := range []struct {
		name string
		dst  *string
	}{{"report.html.tmpl", &tmpl}, {"report.css", &css}, {"report.js", &js}, {"echarts.min.js", &ech}} {
		if *f.dst, err = read(f.name); err != nil {
			return nil, fmt.Errorf("report: embedded asset: %w", err)
		}
	}
	if strings.Contains(strings.ToLower(js+ech), "</script") || strings.Contains(strings.ToLower(css), "</style") {
		return nil, fmt.Errorf("report: an embedded asset would close its own element")
	}
	p.css, p.js, p.echarts = template.CSS(css), template.JS(js), template.JS(ech)
	p.tmpl, err = template.New("report").Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("report: template: %w", err)
	}
	return p, nil
})

type pageParts struct {
	tmpl    *template.Template
	css     template.CSS
	js      template.JS
	echarts template.JS
}

// page is the template's view of one report. Everything derived from data
// is a plain string here so html/template escapes it in context; only the
// embedded assets, the Graphviz SVG and the json.Marshal output are trusted.
type page struct {
	Title, Source, Generated string
	KPIs                     []kpi
	MapSVG                   template.HTML
	HasMap                   bool
	ActivityCount, PathCount int
	Variants                 []variantRow
	VariantsHidden           int
	ActivitiesHidden         int
	ChartCount               int
	Data                     template.JS
	CSS                      template.CSS
	Script, Echarts          template.JS
	EchartsVersion           string
	Model                    *modelPage
	Designed                 *designedPage
	Analysis                 *analysisPage
	WhatIf                   *whatIfPage
	Optimize                 *optimizationPage
	Compare                  *comparisonPage
}

type kpi struct{ Label, Value, Hint string }

type variantRow struct {
	Rank, Steps, More  int
	Count, Share, Mean string
	ShareWidth         float64 // bar width in percent of the top variant
	Activities         []shortName
	FullText           string
}

// shortName is a name as a table shows it: cut to export.MaxLabelRunes, the
// whole name in Full (the cell's title) when it was cut, else Full is "".
type shortName struct{ Name, Full string }

func short(name string) shortName {
	if s := export.ShortLabel(name); s != name {
		return shortName{Name: s, Full: name}
	}
	return shortName{Name: name}
}

// pageData is the JSON the page script reads from <script id="pmx-data">.
type pageData struct {
	Map      processMap    `json:"map"`
	Charts   []chartSpec   `json:"charts"`
	Variants []variantInfo `json:"variants"`
}

// variantSteps is how many activities a table row shows before "+N more";
// the full sequence stays in the row's title.
const variantSteps = 14

// Write renders the report as one self-contained HTML document: CSS, the
// page script, echarts and the process-map SVG are all inlined, so the file
// opens offline and fetches nothing. The same Input always yields the same
// bytes. Nothing is written to w if rendering fails.
func Write(w io.Writer, in Input) error {
	parts, err := pageAssets()
	if err != nil {
		return err
	}
	p := page{Title: in.Title, Source: in.Source, CSS: parts.css, Script: parts.js,
		Echarts: parts.echarts, EchartsVersion: echartsVersion}
	if p.Title == "" {
		p.Title = "pmx report"
	}
	if !in.Generated.IsZero() {
		p.Generated = in.Generated.UTC().Format("2006-01-02 15:04 UTC")
	}
	p.KPIs = kpis(in.Stats)

	pm := buildProcessMap(in.DFG, in.Stats)
	p.PathCount = len(pm.Edges)
	for _, n := range pm.Nodes {
		if n.Kind == "activity" {
			p.ActivityCount++
		}
	}
	if len(pm.Nodes) > 0 {
		svg, err := renderSVG(context.Background(), pm.dot(), svgOptions{})
		if err != nil {
			return err
		}
		p.MapSVG, p.HasMap = template.HTML(svg), true
	}

	p.Analysis = analysisSection(in.Analysis)
	if p.Model, err = modelSection(in.Model, in.Stats.Cases); err != nil {
		return err
	}
	if p.Designed, err = designedSection(in.Designed, in.Stats.Cases); err != nil {
		return err
	}

	p.Variants, p.VariantsHidden = variantRows(in.Variants)
	data := pageData{Map: pm}
	vc, vinfo, err := variantsChart(in.Variants)
	if err != nil {
		return err
	}
	dc, err := durationChart(in.Durations)
	if err != nil {
		return err
	}
	ac, hidden, err := activityChart(firstNonEmpty(in.Stats.ActivityCounts, in.DFG.ActivityCounts))
	if err != nil {
		return err
	}
	data.Charts, data.Variants, p.ActivitiesHidden = []chartSpec{vc, dc, ac}, vinfo, hidden
	wp, wcharts, err := whatIfSection(in.WhatIf)
	if err != nil {
		return err
	}
	p.WhatIf, data.Charts = wp, append(data.Charts, wcharts...)
	op, ocharts, err := optimizationSection(in.Optimize)
	if err != nil {
		return err
	}
	p.Optimize, data.Charts = op, append(data.Charts, ocharts...)
	cp, ccharts, err := comparisonSection(in.Compare)
	if err != nil {
		return err
	}
	p.Compare, data.Charts = cp, append(data.Charts, ccharts...)
	p.ChartCount = len(data.Charts)
	// json.Marshal escapes <, >, &, U+2028 and U+2029, so the blob cannot end
	// its <script> element or break the JS parser whatever the data holds.
	blob, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("report: page data: %w", err)
	}
	p.Data = template.JS(blob)

	var buf bytes.Buffer
	if err := parts.tmpl.Execute(&buf, p); err != nil {
		return fmt.Errorf("report: render: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func kpis(s facts.Stats) []kpi {
	median, mean := humanDuration(s.CaseDuration.Median), humanDuration(s.CaseDuration.Mean)
	if s.Cases == 0 {
		median, mean = "–", "–"
	}
	per, span := period(s.FirstEvent, s.LastEvent)
	return []kpi{
		{Label: "Cases", Value: humanCount(s.Cases)},
		{Label: "Events", Value: humanCount(s.Events)},
		{Label: "Activities", Value: humanCount(s.Activities)},
		{Label: "Variants", Value: humanCount(s.Variants)},
		{Label: "Resources", Value: humanCount(s.Resources)},
		{Label: "Median case duration", Value: median},
		{Label: "Mean case duration", Value: mean},
		{Label: "Period", Value: per, Hint: span},
	}
}

func variantRows(vs []facts.Variant) ([]variantRow, int) {
	var rows []variantRow
	var top int64 // share bars are relative to the largest row shown
	for i, v := range vs {
		if i < topVariantsTable {
			top = max(top, v.Count)
		}
	}
	for i, v := range vs {
		if i >= topVariantsTable {
			return rows, len(vs) - topVariantsTable
		}
		r := variantRow{Rank: i + 1, Steps: len(v.Activities), Count: humanCount(v.Count),
			Share: percent(v.Share), Mean: humanDuration(v.MeanDurationSeconds),
			FullText: strings.Join(v.Activities, " → ")}
		acts := v.Activities
		if len(acts) > variantSteps {
			r.More = len(acts) - variantSteps
			acts = acts[:variantSteps]
		}
		for _, a := range acts {
			r.Activities = append(r.Activities, short(a))
		}
		if top > 0 {
			r.ShareWidth = float64(v.Count) / float64(top) * 100
		}
		rows = append(rows, r)
	}
	return rows, 0
}
