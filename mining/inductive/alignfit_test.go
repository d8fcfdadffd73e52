package inductive_test

import (
	"context"
	"testing"

	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/inductive"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

// IM guarantees perfect fitness: on every shared log and the demo log, the
// optimal alignment of every variant with IM's net has no log or model
// move, so every case's alignment fitness is 1.0 and none is unaligned.
// (PM4Py's log_fitness, 1 - cost/best-worst cost, stays a hair below 1:
// its cost counts 1 per silent move against 10000 per deviation.)
func TestIMAlignmentFitnessIsOne(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			l := testlogs.Load(t, stem)
			net := inductive.IM(l).ToNet()
			al, err := conformance.Align(context.Background(), l, net, conformance.AlignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if al.UnalignedCases != 0 || al.AverageTraceFitness != 1 || al.PercentageFitting != 100 || al.LogFitness < 0.999 {
				t.Fatalf("IM alignment fitness %v (log %v), %v%% fitting, %d unaligned; want 1, 100%%, 0",
					al.AverageTraceFitness, al.LogFitness, al.PercentageFitting, al.UnalignedCases)
			}
			for i, v := range al.Variants {
				if v.Deviations != 0 || v.Fitness != 1 {
					t.Fatalf("variant %d: %d deviations, fitness %v", i, v.Deviations, v.Fitness)
				}
			}
		})
	}
}
