package quality

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

// One hard variant, or the empty trace, must not abort the evaluation
// (issue 9): the reproductions were `pmx report receipt --model-algo alpha`
// and `pmx conformance helpdesk --algo imf --max-states 1`, both failing
// with "aligning the empty trace: state budget exhausted". Now every
// variant over the budget is unaligned with its case count, the other
// figures are computed, and the result says what it lacks.
func TestEvaluateOverBudget(t *testing.T) {
	for _, tc := range []struct {
		stem, algo string
		opt        Options
		// allUnaligned: no case aligned, fitness null
		allUnaligned bool
	}{
		{"helpdesk", "imf", Options{Method: "alignments", Precision: true, Generalization: true, Align: alignStates(1)}, true},
		{"receipt", "alpha", Options{Method: "alignments", Precision: true, Generalization: true,
			Align: alignTimeout(2 * time.Second)}, true},
	} {
		t.Run(tc.stem+"/"+tc.algo, func(t *testing.T) {
			l := testlogs.Load(t, tc.stem)
			m, err := discover.Discover(l, discover.Options{Algorithm: tc.algo})
			if err != nil {
				t.Fatal(err)
			}
			r, err := Evaluate(t.Context(), l, m.Net, tc.opt)
			if err != nil {
				t.Fatalf("evaluate: %v", err)
			}
			if r.UnalignedCases == 0 || r.UnalignedVariants == 0 {
				t.Fatalf("nothing unaligned: %+v", r)
			}
			for _, v := range r.Variants {
				if !v.Aligned && (v.Reason == "" || v.Cases == 0) {
					t.Fatalf("unaligned variant without reason or cases: %+v", v)
				}
			}
			if got := math.IsNaN(float64(r.Fitness)); got != tc.allUnaligned {
				t.Errorf("fitness %v with %d of %d cases unaligned", r.Fitness, r.UnalignedCases, r.Cases)
			}
			if math.IsNaN(float64(r.Simplicity)) {
				t.Error("no simplicity")
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if tc.allUnaligned && !strings.Contains(string(b), `"fitness":null`) {
				t.Errorf("JSON lacks a null fitness: %.300s", b)
			}
		})
	}
}

func alignStates(n int) conformanceAlign { return conformanceAlign{MaxStates: n} }

func alignTimeout(d time.Duration) conformanceAlign { return conformanceAlign{VariantTimeout: d} }

type conformanceAlign = conformance.AlignOptions
