package alpha

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
	"github.com/pmx-dev/pmx/mining/petri"
)

const benchStem = "bpic2013_incidents"

// pm4pySeconds reports PM4Py's wall time for a step of the reference run
// (reference.json "seconds"), as a metric beside ours; PM4Py's figure
// starts from its dataframe, ours from the compact log, both including
// the directly-follows graph.
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

func benchmark(b *testing.B, discover func(*eventlog.Log) (*petri.Net, error), step string) {
	log := testlogs.Load(b, benchStem)
	b.ResetTimer()
	for b.Loop() {
		if _, err := discover(log); err != nil {
			b.Fatal(err)
		}
	}
	pm4pySeconds(b, benchStem, step) // after the loop: ResetTimer drops reported metrics
}

func BenchmarkAlpha(b *testing.B)     { benchmark(b, Discover, "alpha") }
func BenchmarkAlphaPlus(b *testing.B) { benchmark(b, DiscoverPlus, "alpha_plus") }
