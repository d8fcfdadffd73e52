package validate

import (
	"context"
	"os"
	"testing"

	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

const sharedLogs = "../../../../shared/logs"

func load(tb testing.TB, path string) *timeline.Log {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("log absent (%s)", path)
	}
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		tb.Fatal(err)
	}
	defer w.Close()
	info, err := ingest.ImportFile(ctx, w, path, ingest.FileOptions{Name: "l"})
	if err != nil {
		tb.Fatal(err)
	}
	// As pmx simulate loads a log: groups name pools and find teams.
	l, err := timeline.LoadWith(ctx, w, info.Name, timeline.Options{GroupAttr: "org:group"})
	if err != nil {
		tb.Fatal(err)
	}
	return l
}
