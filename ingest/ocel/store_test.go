package ocel

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func openFixture(t *testing.T, ctx context.Context) (*warehouse.Warehouse, *Log) {
	t.Helper()
	l, err := Read(ctx, "../../testdata/ocel/example.jsonocel", "")
	if err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, l
}

func count(t *testing.T, w *warehouse.Warehouse, q string) int64 {
	t.Helper()
	var n int64
	if err := w.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestSaveReplaceAndTables(t *testing.T) {
	ctx := context.Background()
	w, l := openFixture(t, ctx)
	if _, err := Save(ctx, w, l, Options{Name: "a", Source: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(ctx, w, l, Options{Name: "a", Source: "x"}); !errors.Is(err, warehouse.ErrLogExists) {
		t.Fatalf("second save without Replace: %v", err)
	}
	info, err := Save(ctx, w, l, Options{Name: "a", Source: "x", Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int64{
		"SELECT count(*) FROM ocel_events":                                    13, // the replaced log's rows are gone
		"SELECT count(*) FROM ocel_objects":                                   9,
		"SELECT count(*) FROM ocel_e2o":                                       20,
		"SELECT count(*) FROM ocel_o2o":                                       7,
		"SELECT count(*) FROM ocel_object_attrs":                              12,
		"SELECT count(*) FROM ocel_object_attrs WHERE ts IS NULL":             9, // initial values
		"SELECT count(*) FROM ocel_event_types":                               8,
		"SELECT count(*) FROM ocel_object_types":                              4,
		"SELECT events FROM logs WHERE name = 'a'":                            13,
		"SELECT count(*) FROM logs WHERE name = 'a' AND format = 'ocel-json'": 1,
	} {
		if got := count(t, w, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	if info.Events != 13 || info.E2O != 20 || info.Changes != 12 {
		t.Errorf("info %+v", info)
	}
	if err := w.Drop(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(ctx, w, l, Options{Name: "b", Source: "x"}); err != nil {
		t.Fatal(err)
	}
	if got := count(t, w, "SELECT count(DISTINCT log_id) FROM ocel_events"); got != 1 {
		t.Errorf("rows of a dropped log left behind: %d log ids", got)
	}
}

func TestFlattenAndStats(t *testing.T) {
	ctx := context.Background()
	w, l := openFixture(t, ctx)
	if _, err := Save(ctx, w, l, Options{Name: "a", Source: "x"}); err != nil {
		t.Fatal(err)
	}
	g, err := Load(ctx, w, "a")
	if err != nil {
		t.Fatal(err)
	}
	s := ComputeStats(g)
	if s.Events != 13 || s.Objects != 9 || len(s.PerObjectType) != 4 {
		t.Fatalf("stats %+v", s)
	}
	po := s.PerObjectType[2]
	if po.Type != "Purchase Order" || po.Objects != 2 || po.Events != 5 || po.Min != 1 || po.Max != 4 || po.Mean != 2.5 {
		t.Errorf("Purchase Order: %+v", po)
	}
	if _, err := Flatten(ctx, w, g, "Nope", "n", false); err == nil || !strings.Contains(err.Error(), `no object type "Nope"`) {
		t.Errorf("unknown type: %v", err)
	}
	info, err := Flatten(ctx, w, g, "Purchase Order", "po", false)
	if err != nil {
		t.Fatal(err)
	}
	if info.Cases != 2 || info.Events != 5 {
		t.Errorf("flattened: %+v", info)
	}
	rows, err := w.DB().Query(`SELECT case_id, activity, attrs->>'ocel:eid', coalesce(attrs->>'po_editor', '') FROM events WHERE log_id = ? ORDER BY case_id, ts, seq`, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var c, a, e, ed string
		if err := rows.Scan(&c, &a, &e, &ed); err != nil {
			t.Fatal(err)
		}
		got = append(got, strings.Join([]string{c, a, e, ed}, "|"))
	}
	want := []string{
		"PO1|Create Purchase Order|e3|",
		"PO1|Change PO Quantity|e4|Mike",
		"PO1|Insert Invoice|e5|",
		"PO1|Insert Invoice|e6|",
		"PO2|Create Purchase Order|e10|",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("flattened events\n got %q\nwant %q", got, want)
	}
}

func TestStoredJSON(t *testing.T) {
	ctx := context.Background()
	w, l := openFixture(t, ctx)
	if _, err := Save(ctx, w, l, Options{Name: "a", Source: "x"}); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{
		"SELECT attrs->>'po_creator' FROM ocel_events WHERE event_id = 'e3'":                                            "Mike",
		"SELECT value->>'$' FROM ocel_object_attrs WHERE object_id = 'PO1' AND name = 'po_quantity' AND ts IS NOT NULL": "600",
		"SELECT attributes->0->>'name' FROM ocel_event_types WHERE type = 'Change PO Quantity'":                         "po_editor",
	} {
		var got string
		if err := w.DB().QueryRow(q).Scan(&got); err != nil || got != want {
			t.Errorf("%s = %q (%v), want %q", q, got, err, want)
		}
	}
}
