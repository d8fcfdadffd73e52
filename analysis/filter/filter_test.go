//go:build duckdb_arrow

package filter

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// openSmall imports testdata/small.csv as log "small" into a fresh
// in-memory warehouse. Its cases (variants, by case count: ABC ×2, ABBC,
// AC, BA):
//
//	c1 A B C       Jan 1 08–10  P1  10
//	c2 A B B C     Jan 2–4      P2  250
//	c3 A C         Jan 3        P1  5
//	c4 A B C       Jan 5        P3  O'Brien
//	c5 B A         Jan 6        P1  99
func openSmall(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := ingest.ImportFile(ctx, w, "testdata/small.csv", ingest.FileOptions{Name: "small"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// keptCases lists the case ids of log name, sorted.
func keptCases(t *testing.T, w *warehouse.Warehouse, name string) []string {
	t.Helper()
	id, err := w.LogID(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := w.DB().Query(`SELECT case_id FROM case_facts WHERE log_id = ? ORDER BY case_id`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func day(d, h int) time.Time { return time.Date(2024, 1, d, h, 0, 0, 0, time.UTC) }

func TestApply(t *testing.T) {
	w := openSmall(t)
	ctx := context.Background()
	for _, c := range []struct {
		name   string
		crit   Criteria
		cases  string
		events int64 // 0: not checked
	}{
		{"all", Criteria{}, "c1 c2 c3 c4 c5", 14},
		{"contained", Criteria{From: day(2, 0), To: day(5, 12), Cases: "contained"}, "c2 c3 c4", 0},
		{"intersecting", Criteria{From: day(4, 0), To: day(5, 0), Cases: "intersecting"}, "c2", 0},
		{"default is intersecting", Criteria{From: day(4, 0), To: day(5, 0)}, "c2", 0},
		{"started", Criteria{From: day(2, 0), To: day(3, 23), Cases: "started"}, "c2 c3", 0},
		{"completed", Criteria{From: day(2, 0), To: day(3, 23), Cases: "completed"}, "c3", 0},
		{"trim", Criteria{From: day(2, 0), To: day(2, 23), Trim: true}, "c2", 3},
		{"top 1 variant", Criteria{TopVariants: 1}, "c1 c4", 6},
		{"coverage 0.4 is the top variant", Criteria{VariantCoverage: 0.4}, "c1 c4", 0},
		{"coverage 0.41 needs a second", Criteria{VariantCoverage: 0.41}, "c1 c2 c4", 0},
		{"has", Criteria{Has: []string{"B"}}, "c1 c2 c4 c5", 0},
		{"has both", Criteria{Has: []string{"B", "C"}}, "c1 c2 c4", 0},
		{"has unknown", Criteria{Has: []string{"Z"}}, "", 0},
		{"not has", Criteria{NotHas: []string{"B"}}, "c3", 0},
		{"not has unknown", Criteria{NotHas: []string{"Z"}}, "c1 c2 c3 c4 c5", 0},
		{"starts with", Criteria{StartsWith: "B"}, "c5", 0},
		{"ends with", Criteria{EndsWith: "C"}, "c1 c2 c3 c4", 0},
		{"keep activities", Criteria{KeepActivities: []string{"B"}}, "c1 c2 c4 c5", 5},
		{"min duration", Criteria{MinDuration: 3 * 3600}, "c2", 0},
		{"max duration", Criteria{MaxDuration: 3600}, "c3 c5", 0},
		{"follows", Criteria{Follows: [][2]string{{"B", "C"}}}, "c1 c2 c4", 0},
		{"follows is direct", Criteria{Follows: [][2]string{{"A", "C"}}}, "c3", 0},
		{"repeats", Criteria{Repeats: []string{"B"}}, "c2", 0},
		{"where string", Criteria{Where: "priority = 'P1'"}, "c1 c3 c5", 0},
		{"where in", Criteria{Where: "priority in ('P2', 'P3')"}, "c2 c4", 0},
		{"where not in", Criteria{Where: "priority not in ('P2', 'P3')"}, "c1 c3 c5", 0},
		{"where number", Criteria{Where: "amount >= 10 and amount < 250"}, "c1 c5", 0},
		{"where quote", Criteria{Where: "amount = 'O''Brien'"}, "c4", 0},
		{"where >", Criteria{Where: "amount > 99"}, "c2", 0},
		{"where resource", Criteria{Where: "org:resource = 'cy'"}, "c2 c3", 0},
		{"where event level", Criteria{Where: "resource = 'bob' and activity = 'A'"}, "c2 c5", 0},
		{"where or not", Criteria{Where: "not (priority = 'P1') or case:concept:name = 'c3'"}, "c2 c3 c4", 0},
		{"where missing attribute", Criteria{Where: "nothere != 'x'"}, "", 0},
		{"combined", Criteria{Has: []string{"B"}, Where: "priority = 'P1'", EndsWith: "C"}, "c1", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			info, err := Apply(ctx, w, Options{Name: "f", From: "small", Replace: true}, c.crit)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(keptCases(t, w, "f"), " ")
			if got != c.cases {
				t.Errorf("kept %q, want %q", got, c.cases)
			}
			if c.events > 0 && info.Events != c.events {
				t.Errorf("events %d, want %d", info.Events, c.events)
			}
			if info.DerivedFrom != "small" || len(info.Filter) == 0 {
				t.Errorf("derived from %q, filter %s", info.DerivedFrom, info.Filter)
			}
		})
	}
}

func TestApplyErrors(t *testing.T) {
	w := openSmall(t)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		opt  Options
		crit Criteria
		want string
	}{
		{"same name", Options{Name: "small", From: "small"}, Criteria{}, "another name"},
		{"no source", Options{Name: "x", From: "nope"}, Criteria{}, "no such log"},
		{"bad cases", Options{Name: "x", From: "small"}, Criteria{From: day(1, 0), Cases: "inside"}, "--cases"},
		{"cases without frame", Options{Name: "x", From: "small"}, Criteria{Cases: "contained"}, "time frame"},
		{"to before from", Options{Name: "x", From: "small"}, Criteria{From: day(3, 0), To: day(2, 0)}, "before"},
		{"coverage", Options{Name: "x", From: "small"}, Criteria{VariantCoverage: 1.5}, "between 0 and 1"},
		{"bad where", Options{Name: "x", From: "small"}, Criteria{Where: "a ="}, "--where"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Apply(ctx, w, c.opt, c.crit)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want one saying %q", err, c.want)
			}
		})
	}
	if _, err := Apply(ctx, w, Options{Name: "f", From: "small"}, Criteria{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, w, Options{Name: "f", From: "small"}, Criteria{}); !errors.Is(err, warehouse.ErrLogExists) {
		t.Fatalf("second filter to the same name: %v, want ErrLogExists", err)
	}
}

// TestDerivedIsALog: a derived log reads like an imported one, can be
// filtered again and dropped, and its source can be dropped under it.
func TestDerivedIsALog(t *testing.T) {
	w := openSmall(t)
	ctx := context.Background()
	if _, err := Apply(ctx, w, Options{Name: "ab", From: "small"}, Criteria{Has: []string{"B"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(ctx, w, Options{Name: "ab2", From: "ab"}, Criteria{Repeats: []string{"B"}}); err != nil {
		t.Fatal(err)
	}
	if got := keptCases(t, w, "ab2"); !slices.Equal(got, []string{"c2"}) {
		t.Fatalf("filter of a filter kept %v", got)
	}
	if err := w.Drop(ctx, "small"); err != nil {
		t.Fatal(err)
	}
	if got := keptCases(t, w, "ab"); len(got) != 4 {
		t.Fatalf("after dropping the source, ab has %v", got)
	}
	logs, err := w.Logs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 2 || logs[1].DerivedFrom != "ab" || string(logs[1].Filter) != `{"repeats":["B"]}` {
		t.Fatalf("logs %+v", logs)
	}
	info, err := Apply(ctx, w, Options{Name: "big", From: "ab"}, Criteria{Where: "amount > 1 & 2 < 3"})
	if err == nil {
		t.Fatalf("& accepted: %+v", info)
	}
	if info, err = Apply(ctx, w, Options{Name: "big", From: "ab"}, Criteria{Where: "amount > 1"}); err != nil || string(info.Filter) != `{"where":"amount > 1"}` {
		t.Fatalf("spec %s, %v: want > as it is", info.Filter, err)
	}
}
