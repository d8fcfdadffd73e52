package quality

import (
	"math"
	"testing"

	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

// TestIMfEndToEndMatchesPM4Py runs pmx's whole pipeline on every reference
// log — IMf discovery (noise 0.2), the tree's Petri net, then alignments
// with align-ETC precision and token replay with token-based precision,
// generalization and simplicity — and compares the figures with PM4Py's
// own pipeline on the same log (pm4py.discover_petri_net_inductive, i.e.
// its tree converted by convert_to_petri_net, then fitness_alignments,
// precision_alignments, fitness_token_based_replay, …), as
// testdata/pm4py/reference.py recorded them. The logs come from
// ../shared/logs; the test skips when they are absent.
func TestIMfEndToEndMatchesPM4Py(t *testing.T) {
	const tol = 1e-6
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			var ref struct {
				Noise    float64 `json:"imf_noise"`
				Tree     string  `json:"imf_tree"`
				NetShape struct {
					Counts struct{ Places, Transitions, Arcs int } `json:"counts"`
				} `json:"imf_net"`
				Align struct {
					Fitness struct {
						Log float64 `json:"log_fitness"`
						Avg float64 `json:"average_trace_fitness"`
					} `json:"fitness"`
				} `json:"imf_alignments"`
				Tokens struct {
					Fitness struct {
						Log float64 `json:"log_fitness"`
						Avg float64 `json:"average_trace_fitness"`
					} `json:"fitness"`
				} `json:"imf_token_replay"`
				AlignPrecision float64 `json:"imf_precision_alignments"`
				TokenPrecision float64 `json:"imf_precision_token_based_replay"`
				Generalization float64 `json:"imf_generalization_tbr"`
				Simplicity     float64 `json:"imf_simplicity"`
			}
			testlogs.LoadReference(t, stem, &ref)
			l := testlogs.Load(t, stem)
			m, err := discover.Discover(l, discover.Options{Algorithm: "imf", Noise: ref.Noise, NoiseSet: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Tree.String(); got != ref.Tree {
				t.Logf("tree %s\nPM4Py %s", got, ref.Tree) // the net comparison below says whether it matters
			}
			c := ref.NetShape.Counts
			if len(m.Net.Places) != c.Places || len(m.Net.Transitions) != c.Transitions || len(m.Net.Arcs) != c.Arcs {
				t.Errorf("net has %d places, %d transitions, %d arcs; PM4Py's %d, %d, %d", len(m.Net.Places),
					len(m.Net.Transitions), len(m.Net.Arcs), c.Places, c.Transitions, c.Arcs)
			}
			for _, w := range []struct {
				method        string
				fit, avg, prc float64
			}{
				{"alignments", ref.Align.Fitness.Log, ref.Align.Fitness.Avg, ref.AlignPrecision},
				{"tokens", ref.Tokens.Fitness.Log, ref.Tokens.Fitness.Avg, ref.TokenPrecision},
			} {
				r, err := Evaluate(t.Context(), l, m.Net, Options{Method: w.method, Precision: true, Generalization: w.method == "tokens"})
				if err != nil {
					t.Fatalf("%s: %v", w.method, err)
				}
				if math.Abs(float64(r.Fitness)-w.fit) > tol || math.Abs(float64(r.AverageTraceFitness)-w.avg) > tol || math.Abs(float64(r.Precision)-w.prc) > tol {
					t.Errorf("%s: fitness %.9f (per case %.9f), precision %.9f; PM4Py %.9f (%.9f), %.9f", w.method,
						r.Fitness, r.AverageTraceFitness, float64(r.Precision), w.fit, w.avg, w.prc)
				}
				if math.Abs(float64(r.Simplicity)-ref.Simplicity) > tol {
					t.Errorf("simplicity %.9f, PM4Py %.9f", float64(r.Simplicity), ref.Simplicity)
				}
				if w.method == "tokens" && math.Abs(float64(r.Generalization)-ref.Generalization) > tol {
					t.Errorf("generalization %.9f, PM4Py %.9f", float64(r.Generalization), ref.Generalization)
				}
			}
		})
	}
}
