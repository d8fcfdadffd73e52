package report

import (
	"math"
	"strings"
	"testing"
)

// modelInput is runningExample with a model section whose labels, notation
// and deviations carry the hostile name.
func modelInput() Input {
	in := runningExample()
	in.Model = &Model{
		Algorithm: "Inductive Miner – infrequent (noise 0.20)",
		Notation:  "->( 'register request', X( '" + hostile + "', tau ) )",
		DOT: `digraph { rankdir=LR; p0 [shape=circle label="●"]; t0 [shape=box label="register request"];
			t1 [shape=box label="` + strings.ReplaceAll(hostile, `"`, `\"`) + `"]; p1 [shape=circle label=""];
			p0 -> t0; t0 -> p1; p1 -> t1 }`,
		Places: 2, Transitions: 2, Arcs: 3,
		Conformance: &Conformance{Method: "alignments", Fitness: 0.93456, FittingShare: 0.5, Precision: 0.81,
			Generalization: math.NaN(), Simplicity: 1, Unaligned: 2,
			Deviations: []Deviation{{Activity: hostile, LogMoves: 3, ModelMoves: 1}, {Activity: "decide", LogMoves: 0, ModelMoves: 2}}},
	}
	return in
}

func TestModelSection(t *testing.T) {
	out := render(t, modelInput())
	for _, want := range []string{
		`id="model-section"`, "Inductive Miner – infrequent (noise 0.20)",
		"2 transitions, 2 places and 3 arcs", "conformance by alignments",
		">0.935<", ">50.0 %<", ">0.810<", ">–<", // NaN generalization shows a dash
		"2 cases could not be aligned", "register request",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("model section lacks %q", want)
		}
	}
	if strings.Contains(out, "<script>alert") {
		t.Error("hostile label reached the page unescaped")
	}
	if got := strings.Count(out, "<svg"); got != 2 {
		t.Errorf("%d <svg> elements, want 2 (map and model)", got)
	}
	// Without a model the section is absent.
	if strings.Contains(render(t, runningExample()), `id="model-section"`) {
		t.Error("model section shown without a model")
	}
}

func TestModelSectionNoDeviations(t *testing.T) {
	in := runningExample()
	in.Model = &Model{Algorithm: "Alpha", Conformance: &Conformance{Method: "token replay", Fitness: 1, FittingShare: 1,
		Precision: math.NaN(), Generalization: math.NaN(), Simplicity: math.NaN()}}
	out := render(t, in)
	if !strings.Contains(out, "No deviations: every case fits the model.") || strings.Contains(out, `id="pmx-model"`) {
		t.Error("a model without DOT and deviations renders wrongly")
	}
}

// TestModelSectionUnaligned: the section renders whatever the alignment
// budget left out, and says how much in plain words.
func TestModelSectionUnaligned(t *testing.T) {
	for _, c := range []struct {
		name              string
		cases, unaligned  int64
		variants          int
		fitness           float64
		want, wantFitness string
	}{
		{"some cases and variants", 2000, 12, 3, 0.9,
			"12 cases (3 variants) could not be aligned within the budget; fitness and precision are computed over the rest.", ">0.900<"},
		{"one case", 2000, 1, 1, 0.9, "1 case (1 variant) could not be aligned within the budget; fitness and precision are computed over the rest.", ">0.900<"},
		{"variants unknown", 2000, 1500, 0, 0.9, "1,500 cases could not be aligned within the budget; fitness and precision are computed over the rest.", ">0.900<"},
		{"all cases", 6, 6, 5, math.NaN(), "None of the 6 cases could be aligned within the budget. Fitness is not available.", ">–<"},
		{"none", 6, 0, 0, 1, "", ">1.000<"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := modelInput()
			in.Stats.Cases = c.cases
			in.Model.Conformance.Unaligned, in.Model.Conformance.UnalignedVariants = c.unaligned, c.variants
			in.Model.Conformance.Fitness = c.fitness
			out := render(t, in)
			if !strings.Contains(out, `id="pmx-model"`) || !strings.Contains(out, c.wantFitness) {
				t.Errorf("model section without its drawing or fitness %q", c.wantFitness)
			}
			has := strings.Contains(out, `<p class="warn">`)
			if c.want == "" && has {
				t.Error("a gap is stated where there is none")
			}
			if c.want != "" && !strings.Contains(out, `<p class="warn">`+c.want+`</p>`) {
				t.Errorf("page lacks %q", c.want)
			}
		})
	}
}

// The gap's reason, a fitness that is only a lower bound, and a model whose
// conformance could not be checked at all are each said in words.
func TestModelSectionBoundsAndReasons(t *testing.T) {
	in := modelInput()
	in.Stats.Cases = 6
	c := in.Model.Conformance
	c.Unaligned, c.UnalignedReason, c.Fitness = 6, "the final marking cannot be reached", math.NaN()
	out := render(t, in)
	if !strings.Contains(out, "None of the 6 cases could be aligned: the final marking cannot be reached. Fitness is not available.") {
		t.Error("unaligned reason not stated")
	}
	in = modelInput()
	c = in.Model.Conformance
	c.Unaligned, c.FitnessIsLowerBound, c.FitnessBoundReason, c.Fitness = 0, true, "empty trace over budget", 0.8
	out = render(t, in)
	if !strings.Contains(out, ">≥ 0.800<") || !strings.Contains(out, "Fitness is a lower bound") || !strings.Contains(out, "empty trace over budget") {
		t.Error("lower-bound fitness not marked")
	}
	in = modelInput()
	in.Model.Conformance.NotChecked = "memory budget too small for the net"
	out = render(t, in)
	if !strings.Contains(out, "Conformance was not checked: memory budget too small for the net") || !strings.Contains(out, `id="pmx-model"`) ||
		strings.Contains(out, "No deviations") {
		t.Error("a model whose conformance was not checked renders wrongly")
	}
}
