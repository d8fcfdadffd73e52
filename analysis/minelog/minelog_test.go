package minelog

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/mining/eventlog"
)

type ev struct {
	c, a string
	min  int
	lc   string
}

// reader emits evs as one log's events, a minute apart per unit of min.
func reader(evs []ev) warehouse.ReadFunc {
	t0 := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC).UnixMicro()
	return func(ctx context.Context, sink event.Sink) (event.Meta, error) {
		b := event.NewBuilder(sink, 2)
		defer b.Release()
		for i, e := range evs {
			x := event.Event{Case: e.c, Activity: e.a, Time: t0 + int64(e.min)*60e6, Start: event.NoTime, Lifecycle: e.lc, Seq: int64(i)}
			if err := b.Append(&x); err != nil {
				return event.Meta{}, err
			}
		}
		return event.Meta{Events: int64(len(evs))}, b.Flush()
	}
}

func TestLoadLogGivesVariantsOverInstances(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	evs := []ev{
		// c1: B then A, with A as a start/complete pair (one instance).
		{"c1", "B", 0, "complete"}, {"c1", "A", 1, "start"}, {"c1", "A", 2, "complete"},
		{"c2", "B", 0, "complete"}, {"c2", "A", 3, "complete"},
		{"c3", "C", 0, "complete"}, {"c3", "A", 1, "complete"}, {"c3", "C", 2, "complete"},
	}
	if _, err := w.Import(ctx, warehouse.ImportOptions{Name: "t", Source: "mem", Format: "test"}, reader(evs)); err != nil {
		t.Fatal(err)
	}
	l, err := Load(ctx, w, "t")
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
	if _, err := Load(ctx, w, "nope"); err == nil {
		t.Fatal("no error for a missing log")
	}
}
