package kafka

import (
	"context"
	"testing"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Runs on one warehouse share its DuckDB thread setting; the warehouse has
// its own back when the last one ends.
func TestThreadLease(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	threads := func() (n int64) {
		w.DB().QueryRow(`SELECT current_setting('threads')`).Scan(&n)
		return n
	}
	own := threads()
	l1, release1, err := leaseThreads(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	l2, release2, err := leaseThreads(ctx, w)
	if err != nil || l2 != l1 {
		t.Fatalf("second lease %p (%v), want the first's %p", l2, err, l1)
	}
	if err := l1.set(own + 5); err != nil || threads() != own {
		t.Fatalf("set beyond the warehouse's own: %d threads (%v), want %d", threads(), err, own)
	}
	if err := l1.set(1); err != nil || threads() != 1 {
		t.Fatalf("set 1: %d threads (%v)", threads(), err)
	}
	release1()
	release1()
	if threads() != 1 {
		t.Fatalf("after one of two releases: %d threads, want 1", threads())
	}
	release2()
	if threads() != own {
		t.Fatalf("after the last release: %d threads, want %d", threads(), own)
	}
	for _, c := range []struct {
		events int
		want   int64
	}{{0, 1}, {20_000, 1}, {122_880, 1}, {245_760, 2}, {1_000_000, 4}} {
		if got := threadsFor(c.events, 122_880, 4); got != c.want {
			t.Errorf("threadsFor(%d) = %d, want %d", c.events, got, c.want)
		}
	}
}
