package heuristics

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

const benchStem = "bpic2013_incidents"

// pm4pySeconds reports PM4Py's wall time for discover_petri_net_heuristics
// on the same log (reference.json "seconds"), from its dataframe; ours
// starts from the compact log and includes the conversion to a Petri net.
func pm4pySeconds(b *testing.B, stem, step string) {
	raw, err := os.ReadFile(testlogs.ReferenceFile(stem, "reference.json"))
	if err != nil {
		return
	}
	var ref struct {
		Seconds map[string]any `json:"seconds"`
	}
	if json.Unmarshal(raw, &ref) == nil {
		if s, ok := ref.Seconds[step].(float64); ok {
			b.ReportMetric(s*1e3, "pm4py-ms")
		}
	}
}

func BenchmarkHeuristics(b *testing.B) {
	log := testlogs.Load(b, benchStem)
	b.ResetTimer()
	for b.Loop() {
		h, err := Discover(log, Options{})
		if err != nil {
			b.Fatal(err)
		}
		h.Petri()
	}
	pm4pySeconds(b, benchStem, "heuristics") // after the loop: ResetTimer drops reported metrics
}
