package engine

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// tr is a transition in the tests' shorthand: "" label for silent.
func tr(id, label string, in, out []string) model.NetTransition {
	return model.NetTransition{ID: id, Label: label, In: in, Out: out}
}

func ps(names ...string) []string { return names }

// netModel is a model of mode net whose activities take fixed durations
// (seconds) and need no resource, one case every ten hours.
func netModel(w *model.WorkflowNet, durations map[string]float64) *model.Model {
	m := &model.Model{Version: model.Version, Arrivals: flat(0.1), Routing: model.Routing{Mode: model.Net, Net: w}, Acts: model.Activities{}}
	for a, d := range durations {
		m.Acts[a] = &model.Activity{Duration: dist.Dist{Kind: dist.Fixed, Value: d}}
	}
	return m
}

// netRun simulates cases and returns the instances and the result.
func netRun(t *testing.T, m *model.Model, cases int) ([]Instance, *Result) {
	t.Helper()
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	var out []Instance
	res, err := s.Run(Options{Cases: cases, Start: monday, Seed: 7, Emit: func(i Instance) { out = append(out, i) }})
	if err != nil {
		t.Fatal(err)
	}
	return out, res
}

// perCase counts each activity's instances per reported case.
func perCase(s []string, ins []Instance, cases int) map[string]float64 {
	out := map[string]float64{}
	for _, i := range ins {
		out[s[i.Activity]] += 1 / float64(cases)
	}
	return out
}

// Known answers of the token game: a weighted exclusive choice, a
// parallel block, a loop and silent steps.
func TestNetRouting(t *testing.T) {
	const cases = 20_000
	for _, tc := range []struct {
		name      string
		net       *model.WorkflowNet
		durations map[string]float64
		// per case: expected instances of each activity, with tolerance
		want map[string]float64
		tol  float64
		// every case's cycle time (seconds), when it is fixed
		cycle float64
	}{{
		// XOR split 30/70 after A.
		name: "choice",
		net: &model.WorkflowNet{Places: ps("i", "p", "o"),
			Transitions: []model.NetTransition{tr("a", "A", ps("i"), ps("p")), tr("b", "B", ps("p"), ps("o")), tr("c", "C", ps("p"), ps("o"))},
			Initial:     map[string]int{"i": 1}, Final: map[string]int{"o": 1},
			Weights: map[string]map[string]float64{"p": {"b": 30, "c": 70}}},
		durations: map[string]float64{"A": 1, "B": 1, "C": 1},
		want:      map[string]float64{"A": 1, "B": 0.3, "C": 0.7},
		tol:       0.015, // 4.6 standard errors of 20,000 draws
		cycle:     2,
	}, {
		// AND split: A (100 s) and B (300 s) run side by side; the join
		// waits for B, so every case takes 300 s.
		name: "parallel",
		net: &model.WorkflowNet{Places: ps("i", "p1", "p2", "p3", "p4", "o"),
			Transitions: []model.NetTransition{tr("split", "", ps("i"), ps("p1", "p2")), tr("a", "A", ps("p1"), ps("p3")),
				tr("b", "B", ps("p2"), ps("p4")), tr("join", "", ps("p3", "p4"), ps("o"))},
			Initial: map[string]int{"i": 1}, Final: map[string]int{"o": 1}},
		durations: map[string]float64{"A": 100, "B": 300},
		want:      map[string]float64{"A": 1, "B": 1},
		cycle:     300,
	}, {
		// A loop back with weight 0.2: A runs 1/(1 − 0.2) = 1.25 times.
		name: "loop",
		net: &model.WorkflowNet{Places: ps("i", "p", "o"),
			Transitions: []model.NetTransition{tr("a", "A", ps("i"), ps("p")), tr("redo", "", ps("p"), ps("i")), tr("exit", "", ps("p"), ps("o"))},
			Initial:     map[string]int{"i": 1}, Final: map[string]int{"o": 1},
			Weights: map[string]map[string]float64{"p": {"redo": 0.2, "exit": 0.8}}},
		durations: map[string]float64{"A": 10},
		want:      map[string]float64{"A": 1.25},
		tol:       0.015, // the count's sd is 0.56 a case: 5 standard errors
	}, {
		// The same loop beside a parallel branch that takes long (B):
		// the join needs B's token too, yet A's choice keeps its weights
		// (choosing only among enabled transitions would loop until B is
		// done, a hundred times).
		name: "loop beside a join",
		net: &model.WorkflowNet{Places: ps("i", "pa", "pb", "x", "y", "o"),
			Transitions: []model.NetTransition{tr("split", "", ps("i"), ps("pa", "pb")), tr("a", "A", ps("pa"), ps("x")),
				tr("redo", "", ps("x"), ps("pa")), tr("b", "B", ps("pb"), ps("y")), tr("join", "", ps("x", "y"), ps("o"))},
			Initial: map[string]int{"i": 1}, Final: map[string]int{"o": 1},
			Weights: map[string]map[string]float64{"x": {"redo": 0.2, "join": 0.8}}},
		durations: map[string]float64{"A": 1, "B": 100},
		want:      map[string]float64{"A": 1.25, "B": 1},
		tol:       0.015,
		cycle:     100,
	}, {
		// A choice promised to a transition that can never be enabled
		// (it needs a token no path brings) falls back, once the case
		// has nothing left running, to the one that is.
		name: "promise that cannot be kept",
		net: &model.WorkflowNet{Places: ps("i", "x", "y", "o"),
			Transitions: []model.NetTransition{tr("a", "A", ps("i"), ps("x")), tr("t1", "", ps("x", "y"), ps("o")), tr("t2", "", ps("x"), ps("o"))},
			Initial:     map[string]int{"i": 1}, Final: map[string]int{"o": 1},
			Weights: map[string]map[string]float64{"x": {"t1": 0.9, "t2": 0.1}}},
		durations: map[string]float64{"A": 1},
		want:      map[string]float64{"A": 1},
		cycle:     1,
	}, {
		// Silent steps around A take no time.
		name: "silent",
		net: &model.WorkflowNet{Places: ps("i", "p1", "p2", "p3", "o"),
			Transitions: []model.NetTransition{tr("t1", "", ps("i"), ps("p1")), tr("a", "A", ps("p1"), ps("p2")),
				tr("t2", "", ps("p2"), ps("p3")), tr("t3", "", ps("p3"), ps("o"))},
			Initial: map[string]int{"i": 1}, Final: map[string]int{"o": 1}},
		durations: map[string]float64{"A": 60},
		want:      map[string]float64{"A": 1},
		cycle:     60,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			m := netModel(tc.net, tc.durations)
			s, _ := Compile(m)
			ins, res := netRun(t, m, cases)
			got := perCase(s.Activities, ins, cases)
			for a, w := range tc.want {
				if math.Abs(got[a]-w) > tc.tol+1e-9 {
					t.Errorf("%s: %.4f instances a case, want %.4f ± %.3f", a, got[a], w, tc.tol)
				}
			}
			if tc.cycle > 0 {
				for i, ct := range res.CycleTime {
					if math.Abs(ct-tc.cycle) > 1e-6 {
						t.Fatalf("case %d: cycle time %v s, want %v", i, ct, tc.cycle)
					}
				}
			}
		})
	}
}

// Both branches of an AND split start when the split fires: the
// activities overlap in time.
func TestNetParallelBranchesOverlap(t *testing.T) {
	w := &model.WorkflowNet{Places: ps("i", "p1", "p2", "p3", "p4", "o"),
		Transitions: []model.NetTransition{tr("a", "A", ps("i"), ps("p1", "p2")), tr("b", "B", ps("p1"), ps("p3")),
			tr("c", "C", ps("p2"), ps("p4")), tr("d", "D", ps("p3", "p4"), ps("o"))},
		Initial: map[string]int{"i": 1}, Final: map[string]int{"o": 1}}
	m := netModel(w, map[string]float64{"A": 5, "B": 100, "C": 40, "D": 7})
	ins, res := netRun(t, m, 10)
	byCase := map[int]map[int32]Instance{}
	for _, i := range ins {
		if byCase[i.Case] == nil {
			byCase[i.Case] = map[int32]Instance{}
		}
		byCase[i.Case][i.Activity] = i
	}
	for c, acts := range byCase {
		a, b, cc, d := acts[0], acts[1], acts[2], acts[3]
		if b.Start != a.End || cc.Start != a.End {
			t.Errorf("case %d: B and C start at %d and %d, want both at A's end %d", c, b.Start, cc.Start, a.End)
		}
		if d.Start != b.End || d.Enabled != max(b.End, cc.End) {
			t.Errorf("case %d: D enabled at %d, want the later branch's end %d", c, d.Enabled, max(b.End, cc.End))
		}
		if res.CycleTime[c] != 5+100+7 {
			t.Errorf("case %d: cycle time %v, want 112 (A + max(B, C) + D)", c, res.CycleTime[c])
		}
	}
}

// Same seed, same run; the choices of a case do not depend on the
// durations (common random numbers across scenarios).
func TestNetDeterministic(t *testing.T) {
	w := &model.WorkflowNet{Places: ps("i", "p", "q", "o"),
		Transitions: []model.NetTransition{tr("a", "A", ps("i"), ps("p", "q")), tr("b", "B", ps("p"), ps("o")), tr("c", "C", ps("p"), ps("o")),
			tr("d", "D", ps("q"), ps("o")), tr("e", "E", ps("q"), ps("o")), tr("f", "", ps("o", "o"), ps("o2"))},
		Initial: map[string]int{"i": 1}, Final: map[string]int{"o2": 1},
		Weights: map[string]map[string]float64{"p": {"b": 1, "c": 2}, "q": {"d": 1, "e": 1}}}
	w.Places = append(w.Places, "o2")
	paths := func(m *model.Model) []string {
		s, _ := Compile(m)
		ins, _ := netRun(t, m, 300)
		out := make([]string, 300)
		for _, i := range ins {
			out[i.Case] += s.Activities[i.Activity]
		}
		for c := range out {
			b := []byte(out[c])
			// order within a case depends on timing; the set does not
			for i := range b {
				for j := i + 1; j < len(b); j++ {
					if b[j] < b[i] {
						b[i], b[j] = b[j], b[i]
					}
				}
			}
			out[c] = string(b)
		}
		return out
	}
	m := netModel(w, map[string]float64{"A": 1, "B": 10, "C": 20, "D": 30, "E": 40})
	a, b := paths(m), paths(m)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different paths")
	}
	m2 := netModel(w, map[string]float64{"A": 1, "B": 50, "C": 5, "D": 3, "E": 400})
	if c := paths(m2); !reflect.DeepEqual(a, c) {
		t.Error("other durations changed the cases' choices")
	}
}

// A net that is not sound, a loop that cannot be left and a net that is
// not bounded stop the run with ErrStuck and the reason.
func TestNetStuck(t *testing.T) {
	for _, tc := range []struct {
		name string
		net  *model.WorkflowNet
		want string
	}{{
		name: "a branch never joined",
		net: &model.WorkflowNet{Places: ps("i", "p", "q", "o"),
			Transitions: []model.NetTransition{tr("a", "A", ps("i"), ps("p", "q")), tr("b", "B", ps("p"), ps("o"))},
			Initial:     map[string]int{"i": 1}, Final: map[string]int{"o": 1}},
		want: "reached marking {q: 1, o: 1}, which is not the final marking {o: 1}",
	}, {
		name: "a loop whose way out weighs 0",
		net: &model.WorkflowNet{Places: ps("i", "p", "o"),
			Transitions: []model.NetTransition{tr("a", "A", ps("i"), ps("p")), tr("redo", "", ps("p"), ps("i")), tr("exit", "", ps("p"), ps("o"))},
			Initial:     map[string]int{"i": 1}, Final: map[string]int{"o": 1},
			Weights: map[string]map[string]float64{"p": {"redo": 1, "exit": 0}}},
		want: "has started 100000 activities without reaching the final marking",
	}, {
		name: "not bounded",
		net: &model.WorkflowNet{Places: ps("i", "q", "o"),
			Transitions: []model.NetTransition{tr("a", "A", ps("i"), ps("i", "q")), tr("b", "B", ps("i"), ps("o"))},
			Initial:     map[string]int{"i": 1}, Final: map[string]int{"o": 1},
			Weights: map[string]map[string]float64{"i": {"a": 1, "b": 0}}},
		want: "10001 tokens on place q: the net is not bounded",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Compile(netModel(tc.net, map[string]float64{"A": 1, "B": 1}))
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Run(Options{Cases: 5, Start: monday, Seed: 1})
			if !errors.Is(err, ErrStuck) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrStuck: …%s…", err, tc.want)
			}
		})
	}
}
