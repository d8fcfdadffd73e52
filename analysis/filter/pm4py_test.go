//go:build duckdb_arrow

package filter

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// sharedLogs is where the shared reference logs live, beside the checkout.
const sharedLogs = "../../../shared/logs"

// TestPM4Py applies the criteria of testdata/pm4py/reference.json (written
// by reference.py with PM4Py's filters) to the same logs and checks that
// pmx keeps the same cases.
func TestPM4Py(t *testing.T) {
	if _, err := os.Stat(sharedLogs); err != nil {
		t.Skipf("the shared logs are not at %s (a checkout beside ../shared): %v", sharedLogs, err)
	}
	if testing.Short() {
		t.Skip("imports the shared logs; skipped with -short")
	}
	b, err := os.ReadFile("testdata/pm4py/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Logs map[string]map[string]struct {
			Criteria Criteria `json:"criteria"`
			Cases    []string `json:"cases"`
			Events   int64    `json:"events"` // when given, the events kept
		} `json:"logs"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	names := make([]string, 0, len(ref.Logs))
	for n := range ref.Logs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, file := range names {
		t.Run(file, func(t *testing.T) {
			w, err := warehouse.Open(ctx, warehouse.InMemory)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			if _, err := ingest.ImportFile(ctx, w, filepath.Join(sharedLogs, file), ingest.FileOptions{Name: "log"}); err != nil {
				t.Fatal(err)
			}
			filters := make([]string, 0, len(ref.Logs[file]))
			for f := range ref.Logs[file] {
				filters = append(filters, f)
			}
			sort.Strings(filters)
			for _, f := range filters {
				r := ref.Logs[file][f]
				t.Run(f, func(t *testing.T) {
					info, err := Apply(ctx, w, Options{Name: "f", From: "log", Replace: true}, r.Criteria)
					if err != nil {
						t.Fatal(err)
					}
					if r.Events > 0 && info.Instances != r.Events {
						t.Errorf("%+v: pmx keeps %d activity instances, PM4Py %d events", r.Criteria, info.Instances, r.Events)
					}
					got, want := keptCases(t, w, "f"), slices.Clone(r.Cases)
					sort.Strings(want)
					if !slices.Equal(got, want) {
						t.Errorf("%+v: pmx keeps %d cases, PM4Py %d; only pmx: %v; only PM4Py: %v", r.Criteria, len(got), len(want),
							minus(got, want), minus(want, got))
					}
				})
			}
		})
	}
}

// minus lists (up to 5 of) the elements of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) && len(out) < 5 {
			out = append(out, x)
		}
	}
	return out
}
