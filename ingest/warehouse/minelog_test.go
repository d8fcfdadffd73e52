package warehouse

import (
	"context"
	"slices"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
)

func TestLoadLogGivesVariantsOverInstances(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	evs := []ev{
		// c1: B then A, with A as a start/complete pair (one instance).
		{"c1", "B", 0, "complete"}, {"c1", "A", 1, "start"}, {"c1", "A", 2, "complete"},
		{"c2", "B", 0, "complete"}, {"c2", "A", 3, "complete"},
		{"c3", "C", 0, "complete"}, {"c3", "A", 1, "complete"}, {"c3", "C", 2, "complete"},
	}
	if _, err := w.Import(ctx, ImportOptions{Name: "t", Source: "mem", Format: "test"}, reader(evs, nil)); err != nil {
		t.Fatal(err)
	}
	l, err := w.LoadLog(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	want := eventlog.FromTraces([][]string{{"B", "A"}, {"B", "A"}, {"C", "A", "C"}})
	if !slices.Equal(l.Activities, want.Activities) {
		t.Fatalf("activities %v, want %v", l.Activities, want.Activities)
	}
	if len(l.Variants) != len(want.Variants) {
		t.Fatalf("variants %+v, want %+v", l.Variants, want.Variants)
	}
	for i := range want.Variants {
		if !slices.Equal(l.Variants[i].Acts, want.Variants[i].Acts) || l.Variants[i].Count != want.Variants[i].Count {
			t.Fatalf("variant %d = %+v, want %+v", i, l.Variants[i], want.Variants[i])
		}
	}
	if _, err := w.LoadLog(ctx, "nope"); err == nil {
		t.Fatal("no error for a missing log")
	}
}
