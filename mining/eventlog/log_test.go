package eventlog

import (
	"slices"
	"testing"
)

func TestFromTracesMergesAndOrdersVariants(t *testing.T) {
	l := FromTraces([][]string{{"b", "a"}, {"a", "b", "c"}, {"b", "a"}, {}})
	if want := []string{"a", "b", "c"}; !slices.Equal(l.Activities, want) {
		t.Fatalf("activities %v, want %v", l.Activities, want)
	}
	if len(l.Variants) != 3 || l.Variants[0].Count != 2 || !slices.Equal(l.Trace(l.Variants[0]), []string{"b", "a"}) {
		t.Fatalf("variants %+v", l.Variants)
	}
	if l.Cases() != 4 || l.Events() != 7 {
		t.Fatalf("cases %d events %d, want 4 and 7", l.Cases(), l.Events())
	}
	d := l.DFG()
	if d.Edges[[2]int32{1, 0}] != 2 || d.Edges[[2]int32{0, 1}] != 1 || d.Start[1] != 2 || d.End[2] != 1 || d.Empty != 1 || d.Counts[0] != 3 {
		t.Fatalf("dfg %+v", d)
	}
}
