package ocel

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// sharedLog returns a shared OCEL log's path or skips the test.
func sharedLog(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "logs", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared log %s not present (../shared/logs is outside the repository): %v", name, err)
	}
	return p
}

// importShared reads, stores and loads a shared log in a fresh warehouse.
func importShared(t *testing.T, name string) (*warehouse.Warehouse, *Graph) {
	t.Helper()
	ctx := context.Background()
	p := sharedLog(t, name)
	l, err := Read(ctx, p, "")
	if err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := Save(ctx, w, l, Options{Name: "oc", Source: p}); err != nil {
		t.Fatal(err)
	}
	g, err := Load(ctx, w, "oc")
	if err != nil {
		t.Fatal(err)
	}
	return w, g
}

func TestSharedLogsSmoke(t *testing.T) {
	for _, n := range []string{"ocel20_example.sqlite", "recruiting-red.jsonocel"} {
		t.Run(n, func(t *testing.T) {
			_, g := importShared(t, n)
			s := ComputeStats(g)
			t.Logf("%+v", s)
		})
	}
}
