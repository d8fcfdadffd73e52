package dfg

import (
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

func BenchmarkFilter(b *testing.B) {
	log := testlogs.Load(b, "bpic2013_incidents")
	b.ResetTimer()
	for b.Loop() {
		if _, err := Filter(log, 0.8, 0.2); err != nil {
			b.Fatal(err)
		}
	}
}
