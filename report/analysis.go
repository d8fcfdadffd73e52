package report

import (
	"fmt"

	"github.com/pmx-dev/pmx/analysis/analyze"
)

// analysisPage is the template's view of the findings of pmx analyze: the
// report shows the same typed values the CLI prints.
type analysisPage struct {
	Clock       string
	Bottlenecks []findingRow
	Rework      []string
	Segments    []string
	Slow        []string
	SLA         *slaPage
}

type findingRow struct {
	Kind, Where, Share, CI, Slow, Total string
	Width                               float64 // share bar, percent of the largest share shown
	Significant                         bool
}

type slaPage struct {
	Calendar, Now string
	Rules         []slaRow
}

type slaRow struct {
	Name, Measured, Breaches, Rate, CI, Median, Open, Lost, Change string
	Width                                                          float64
}

// maxFindingRows keeps the section to what a manager reads.
const maxFindingRows = 8

func analysisSection(r *analyze.Report) *analysisPage {
	if r == nil {
		return nil
	}
	p := &analysisPage{Clock: "calendar time"}
	if r.BusinessTimes != nil {
		p.Clock = "business time (" + r.BusinessTimes.Clock + ")"
	}
	var top float64
	for i, f := range r.Findings {
		if i < maxFindingRows {
			top = max(top, f.Share)
		}
	}
	for i, f := range r.Findings {
		if i == maxFindingRows {
			break
		}
		kind := "activity"
		if f.Kind == "bottleneck-handover" {
			kind = "handover"
		}
		row := findingRow{Kind: kind, Where: f.Where, Share: percent(f.Share),
			CI:   fmt.Sprintf("%.1f–%.1f %%", 100*f.ShareCI[0], 100*f.ShareCI[1]),
			Slow: percent(f.SlowShare), Total: humanDuration(f.Seconds), Significant: f.Significant}
		if top > 0 {
			row.Width = 100 * f.Share / top
		}
		p.Bottlenecks = append(p.Bottlenecks, row)
	}
	for i, rw := range r.Rework {
		if i == 5 {
			break
		}
		p.Rework = append(p.Rework, rw.String())
	}
	for _, s := range r.Segments {
		if s.Significant && len(s.Segments) > 0 && len(p.Segments) < 5 {
			p.Segments = append(p.Segments, s.String())
		}
	}
	for _, s := range r.Speeds {
		if s.Significant && s.Effect > 0 && len(p.Slow) < 5 {
			p.Slow = append(p.Slow, fmt.Sprintf("%s on %s: median %s against %s for the others (%.1f×)",
				s.Resource, s.Activity, humanDuration(s.MedianService), humanDuration(s.OthersMedian), s.Ratio))
		}
	}
	if r.SLA != nil {
		sp := &slaPage{Calendar: r.SLA.Calendar, Now: r.SLA.Now.UTC().Format("2006-01-02 15:04 UTC")}
		for _, x := range r.SLA.Rules {
			row := slaRow{Name: x.Name, Measured: humanCount(x.Measured), Breaches: humanCount(x.Breaches),
				Rate: percent(x.BreachRate), CI: fmt.Sprintf("%.1f–%.1f %%", 100*x.RateLow, 100*x.RateHigh),
				Median: humanDuration(x.MedianSeconds), Width: 100 * x.BreachRate}
			if x.OpenBreached+x.OpenAtRisk > 0 {
				row.Open = fmt.Sprintf("%d breached, %d at risk", x.OpenBreached, x.OpenAtRisk)
			}
			if x.Lost != nil && len(x.Lost.Handovers) > 0 {
				h := x.Lost.Handovers[0]
				row.Lost = fmt.Sprintf("%s → %s (%.0f %% of their waiting, others %.0f %%)", h.From, h.To, 100*h.BreachedShare, 100*h.OtherShare)
			}
			if x.Change != nil && x.Change.Significant {
				row.Change = x.Change.Text
			}
			sp.Rules = append(sp.Rules, row)
		}
		p.SLA = sp
	}
	return p
}
