package report

import (
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/stats"

	"github.com/pmx-dev/pmx/analysis/analyze"
	"github.com/pmx-dev/pmx/analysis/perf"
	"github.com/pmx-dev/pmx/analysis/sla"
)

// analysisInput is modelInput with findings and service levels whose
// names carry the hostile string.
func analysisInput() Input {
	in := modelInput()
	in.Analysis = &analyze.Report{
		Findings: []perf.Finding{
			{Kind: "bottleneck-activity", Where: hostile, Share: 0.6, ShareCI: [2]stats.Float{0.55, 0.65}, SlowShare: 0.4, Seconds: 86400 * 3, Significant: true},
			{Kind: "bottleneck-handover", Where: "decide → " + hostile, Share: 0.2, ShareCI: [2]stats.Float{0.15, 0.25}, Seconds: 3600},
		},
		Rework: []perf.Rework{{Activity: hostile, Cases: 3, Share: 0.5, CycleShare: 0.1, ExtraCycle: 7200}},
		SLA: &sla.Report{Calendar: "desk <hours>", Now: time.Date(2026, 7, 3, 15, 0, 0, 0, time.UTC), Level: 0.95,
			Rules: []*sla.Result{{Name: hostile + " within 4h", Measured: 97, Breaches: 17, BreachRate: 0.175, RateLow: 0.112, RateHigh: 0.263,
				MedianSeconds: 7920, OpenBreached: 1, OpenAtRisk: 2}}},
	}
	return in
}

func TestAnalysisSections(t *testing.T) {
	out := render(t, analysisInput())
	for _, want := range []string{`id="findings-section"`, `id="sla-section"`, "60.0 %", "55.0–65.0 %", "17.5 %", "11.2–26.3 %",
		"1 breached, 2 at risk", "desk &lt;hours&gt;", "Rework"} {
		if !strings.Contains(out, want) {
			t.Errorf("analysis sections lack %q", want)
		}
	}
	if strings.Contains(out, "<script>alert") {
		t.Error("hostile name reached the page unescaped")
	}
	if strings.Contains(render(t, runningExample()), `id="findings-section"`) {
		t.Error("findings shown without an analysis")
	}
}
