package scenario

import (
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// netBase is a designed net: A, then B redone with weight 0.2.
func netBase() *model.Model {
	m := base()
	m.Priority = nil
	m.Routing = model.Routing{Mode: model.Net, Net: &model.WorkflowNet{
		Places: []string{"i", "p", "q", "o"},
		Transitions: []model.NetTransition{
			{ID: "a", Label: "A", In: []string{"i"}, Out: []string{"p"}},
			{ID: "b", Label: "B", In: []string{"p"}, Out: []string{"q"}},
			{ID: "redo", In: []string{"q"}, Out: []string{"p"}},
			{ID: "exit", In: []string{"q"}, Out: []string{"o"}},
		},
		Initial: map[string]int{"i": 1}, Final: map[string]int{"o": 1},
		Weights: map[string]map[string]float64{"q": {"redo": 0.2, "exit": 0.8}},
	}}
	m.Acts = model.Activities{"A": {Duration: dist.Dist{Kind: dist.Fixed, Value: 60}}, "B": {Duration: dist.Dist{Kind: dist.Fixed, Value: 60}}}
	m.Pools = nil
	return m
}

// Path changes on a designed net: removing an activity makes its
// transitions silent steps; a removal that leaves a loop of silent steps,
// and the changes a net does not support, are refused with the reason.
func TestApplyNet(t *testing.T) {
	for _, tc := range []struct{ src, err string }{
		{"name: x\nchanges:\n  - remove: A\n", ""},
		{"name: x\nchanges:\n  - remove: B\n", "silent transitions form a loop"},
		{"name: x\nchanges:\n  - remove_rework: true\n", "designed net"},
		{"name: x\nchanges:\n  - remove_rework: B\n", "designed net"},
		{"name: x\nchanges:\n  - routing: {after: A, to: {B: 1}}\n", "plays out a net"},
	} {
		sc := parse(t, tc.src)
		m, err := sc.Apply(netBase())
		if err == nil {
			_, err = engine.Compile(m)
		}
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.src, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: err = %v, want …%s…", tc.src, err, tc.err)
		case tc.err == "":
			if m.Routing.Net.Transitions[0].Label != "" || m.Acts["A"] != nil {
				t.Errorf("remove A: %+v", m.Routing.Net.Transitions[0])
			}
		}
	}
}
