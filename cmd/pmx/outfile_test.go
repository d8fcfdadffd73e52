package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 9, item 1: no -o may destroy the warehouse, its WAL or an input.
// pmx report -o w.duckdb used to print "wrote w.duckdb" over the warehouse.
func TestOutputNeverReplacesWarehouseOrInput(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	in := filepath.Join(dir, "in.xes")
	src, err := os.ReadFile(runningExample)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := pmx(t, "import", in, "--db", db, "--name", "re"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	before, _ := os.ReadFile(db)
	for _, args := range [][]string{
		{"report", "--log", "re", "--db", db, "-o", db},
		{"report", "--log", "re", "--db", db, "-o", db + ".wal"},
		{"discover", "--log", "re", "--db", db, "-o", db},
		{"discover", "--log", "re", "--db", db, "--format", "pnml", "-o", db + ".wal"},
		{"report", in, "-o", in},
		{"discover", in, "--format", "tree", "-o", in},
		{"report", in, "--model-algo", "none", "--sla", in, "-o", in},
		{"demo", "--db", db, "-o", db},
	} {
		out, errOut, code := pmx(t, args...)
		if code != 1 || !strings.Contains(errOut, "refusing to overwrite") || strings.Contains(out, "wrote") {
			t.Errorf("pmx %s: code %d, stdout %q, stderr %q; want a refusal", strings.Join(args, " "), code, out, errOut)
		}
	}
	if after, _ := os.ReadFile(in); !bytes.Equal(after, src) {
		t.Error("the input log was changed")
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(after, before) {
		t.Error("the warehouse file was changed")
	}
	if _, err := os.Stat(db + ".wal"); err == nil {
		t.Error("a WAL file was written next to the warehouse")
	}
	if out, errOut, code := pmx(t, "stats", "--log", "re", "--db", db, "--json"); code != 0 || !strings.Contains(out, `"cases": 6`) {
		t.Fatalf("warehouse unusable afterwards: %d %s %s", code, out, errOut)
	}
	// A good output path still works, and a file name that is not the
	// warehouse is fine even when it ends in .duckdb... unless it is one.
	rep := filepath.Join(dir, "r.html")
	if _, errOut, code := pmx(t, "report", "--log", "re", "--db", db, "-o", rep, "--model-algo", "none"); code != 0 {
		t.Fatalf("report: %s", errOut)
	}
	other := filepath.Join(dir, "other.duckdb")
	if _, _, code := pmx(t, "import", in, "--db", other); code != 0 {
		t.Fatal("import into other")
	}
	if _, errOut, code := pmx(t, "report", "--log", "re", "--db", db, "-o", other); code != 1 || !strings.Contains(errOut, "DuckDB database") {
		t.Errorf("report over another warehouse: code %d, %q", code, errOut)
	}
}
