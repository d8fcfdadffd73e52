package conformance

import (
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// checkMoves verifies that an alignment is one: its log projection is the
// trace, its model projection a firing sequence from the initial to the
// final marking, and its cost the sum of its moves' costs.
func checkMoves(t *testing.T, l *eventlog.Log, net *petri.Net, trace []int32, a VariantAlignment) {
	t.Helper()
	if !a.Aligned {
		return
	}
	ix := net.Index()
	mk := net.Initial.Clone()
	pos := 0
	var cost int64
	for _, mv := range a.Moves {
		if mv.Kind == SyncMove || mv.Kind == LogMove {
			if pos >= len(trace) || trace[pos] != mv.Activity {
				t.Fatalf("move %v does not follow the trace at %d", mv, pos)
			}
			pos++
		}
		if mv.Kind == LogMove {
			cost += CostDeviation
			continue
		}
		tr := net.Transitions[mv.Transition]
		switch mv.Kind {
		case SyncMove:
			if tr.Silent || tr.Label != l.Activities[mv.Activity] {
				t.Fatalf("sync move pairs %q with transition %q", l.Activities[mv.Activity], tr.Label)
			}
		case ModelMove:
			cost += CostDeviation
		case SilentMove:
			cost += CostSilent
		}
		for _, w := range ix.Pre[mv.Transition] {
			if mk[w.Place] < w.Weight {
				t.Fatalf("transition %s fired while not enabled", tr.ID)
			}
			mk[w.Place] -= w.Weight
			if mk[w.Place] == 0 {
				delete(mk, w.Place)
			}
		}
		for _, w := range ix.Post[mv.Transition] {
			mk[w.Place] += w.Weight
		}
	}
	if pos != len(trace) || !mk.Equal(net.Final) || cost != a.Cost {
		t.Fatalf("alignment ends at event %d/%d, marking %v (final %v), cost %d (reported %d)", pos, len(trace), mk, net.Final, cost, a.Cost)
	}
}
