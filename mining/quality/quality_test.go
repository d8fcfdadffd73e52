package quality

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/tree"
)

// The model is ->( 'a', 'b', 'c' ). Trace a b c fits; a c skips b (one
// model move, -b); a x b c has an activity the model lacks (one log move).
func TestEvaluateAlignments(t *testing.T) {
	net := tree.New(tree.Seq, tree.Activity("a"), tree.Activity("b"), tree.Activity("c")).ToNet()
	l := eventlog.FromTraces([][]string{{"a", "b", "c"}, {"a", "b", "c"}, {"a", "c"}, {"a", "x", "b", "c"}})
	r, err := Evaluate(context.Background(), l, net, Options{Method: "alignments", Precision: true, Generalization: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Cases != 4 || r.FittingShare != 0.5 || r.UnalignedCases != 0 {
		t.Fatalf("cases %d fitting %v unaligned %d", r.Cases, r.FittingShare, r.UnalignedCases)
	}
	// PM4Py's per-trace fitness: 1 - deviations / (len(trace) + 3).
	wantAvg := (1 + 1 + (1 - 1.0/5) + (1 - 1.0/7)) / 4
	if math.Abs(float64(r.AverageTraceFitness)-wantAvg) > 1e-9 {
		t.Errorf("average trace fitness %v, want %v", r.AverageTraceFitness, wantAvg)
	}
	dev := map[string]ActivityDeviation{}
	for _, a := range r.Activities {
		dev[a.Activity] = a
	}
	if dev["b"].ModelMoves != 1 || dev["x"].LogMoves != 1 || len(dev) != 2 {
		t.Errorf("deviations %+v", r.Activities)
	}
	if len(r.NotInModel) != 1 || r.NotInModel[0] != "x" {
		t.Errorf("not in model %v", r.NotInModel)
	}
	var sawSkip bool
	for _, v := range r.Variants {
		if strings.Join(v.Activities, " ") == "a c" {
			sawSkip = strings.Join(v.Deviations, " ") == "-b" && !v.Fitting
		}
	}
	if !sawSkip {
		t.Errorf("variant a c lacks its model move: %+v", r.Variants)
	}
	if p := float64(r.Precision); math.IsNaN(p) || p <= 0 || p > 1 {
		t.Errorf("precision %v", p)
	}
	if g := float64(r.Generalization); math.IsNaN(g) || g <= 0 || g > 1 {
		t.Errorf("generalization %v", g)
	}
	if _, ok := r.Seconds["alignments"]; !ok {
		t.Error("no timing for alignments")
	}
}

func TestEvaluateTokensAndJSON(t *testing.T) {
	net := tree.New(tree.Seq, tree.Activity("a"), tree.Activity("b")).ToNet()
	l := eventlog.FromTraces([][]string{{"a", "b"}, {"b"}})
	r, err := Evaluate(context.Background(), l, net, Options{Method: "tokens"})
	if err != nil {
		t.Fatal(err)
	}
	if r.FittingShare != 0.5 || r.Fitness >= 1 || len(r.Activities) == 0 || r.Activities[0].Activity != "b" {
		t.Fatalf("token replay %+v", r)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// Measures not computed are null, not NaN (which JSON cannot carry).
	if !strings.Contains(string(b), `"precision":null`) || !strings.Contains(string(b), `"generalization":null`) {
		t.Errorf("JSON %s", b)
	}
	if _, err := Evaluate(context.Background(), l, net, Options{Method: "magic"}); err == nil {
		t.Error("unknown method: no error")
	}
}

// Progress names the variant-by-variant steps and counts each from 0 to
// the number of variants.
func TestEvaluateProgress(t *testing.T) {
	net := tree.New(tree.Seq, tree.Activity("a"), tree.Activity("b")).ToNet()
	l := eventlog.FromTraces([][]string{{"a", "b"}, {"b"}, {"a"}})
	for _, method := range Methods {
		last := map[string]int{}
		_, err := Evaluate(context.Background(), l, net, Options{Method: method, Generalization: true, Progress: func(step string, done, total int) {
			if total != len(l.Variants) || done != last[step] {
				t.Errorf("%s: %s %d/%d after %d", method, step, done, total, last[step])
			}
			last[step] = done + 1
		}})
		want := map[string]int{"alignments": 4, "generalization": 4}
		if method == "tokens" {
			want = map[string]int{"token_replay": 4, "generalization": 4}
		}
		if err != nil || len(last) != 2 || last["generalization"] != want["generalization"] || (last["alignments"]+last["token_replay"]) != 4 {
			t.Errorf("%s: %v, steps %v, want %v", method, err, last, want)
		}
	}
}
