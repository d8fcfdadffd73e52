package warehouse

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// A schema-2 warehouse (before derived logs) migrates: its logs are not
// derived, and a log derived in it records its source and criteria; the
// source can be dropped under it.
func TestDeriveInMigratedWarehouse(t *testing.T) {
	ctx := context.Background()
	src, err := os.Open("testdata/pmx-schema2-duckdb-v1.1.2.duckdb.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	zr, err := gzip.NewReader(src)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.duckdb")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	logs, err := w.Logs(ctx)
	if err != nil || len(logs) != 1 || logs[0].DerivedFrom != "" || logs[0].Filter != nil {
		t.Fatalf("logs %+v, %v", logs, err)
	}
	// Cases 0 and 2 of running-example, only their "decide" events.
	info, err := w.Derive(ctx, DeriveOptions{Name: "two", From: "running-example", Spec: []byte(`{"x":1}`),
		Cases: `SELECT case_no FROM case_facts WHERE log_id = {{src}} AND case_no IN (?, ?)`, CaseArgs: []any{0, 2},
		Events: `e.activity = ?`, EventArgs: []any{"decide"}})
	if err != nil {
		t.Fatal(err)
	}
	if info.Cases != 2 || info.DerivedFrom != "running-example" || string(info.Filter) != `{"x":1}` || info.Source != "filter of running-example" {
		t.Fatalf("derived %+v", info)
	}
	var n int64
	var maxNo int
	if err := w.DB().QueryRow(`SELECT count(*), max(case_no) FROM events WHERE log_id = ? AND activity = 'decide'`, info.ID).Scan(&n, &maxNo); err != nil || n != info.Events || maxNo != 1 {
		t.Errorf("events %d of %d, max case_no %d (%v)", n, info.Events, maxNo, err)
	}
	if _, err := w.Derive(ctx, DeriveOptions{Name: "two", From: "running-example", Cases: `SELECT 0`}); !errors.Is(err, ErrLogExists) {
		t.Errorf("deriving to a taken name: %v", err)
	}
	if err := w.Drop(ctx, "running-example"); err != nil {
		t.Fatal(err)
	}
	if l, err := w.Log(ctx, "two"); err != nil || l.Cases != 2 {
		t.Errorf("after dropping the source: %+v, %v", l, err)
	}
}
