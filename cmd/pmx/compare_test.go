package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestCompareCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	for _, f := range []string{"a", "b"} {
		if _, errOut, code := pmx(t, "import", "../../analysis/compare/testdata/"+f+".csv", "--db", db); code != 0 {
			t.Fatalf("import: %d %s", code, errOut)
		}
	}
	out, errOut, code := pmx(t, "compare", "a", "b", "--db", db, "--alpha", "0.05")
	if code != 0 || !strings.Contains(out, "A = a, B = b") || !strings.Contains(out, "throughput_seconds_median") || !strings.Contains(out, "X → Z → Z") {
		t.Fatalf("compare: code %d\n%s\n%s", code, out, errOut)
	}
	out, _, code = pmx(t, "compare", "a", "b", "--db", db, "--json")
	var r struct {
		A, B     string
		KPIs     []map[string]any `json:"kpis"`
		Variants []map[string]any `json:"variants"`
		Edges    []map[string]any `json:"edges"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.A != "a" || len(r.KPIs) != 5 || len(r.Variants) != 3 || len(r.Edges) != 3 {
		t.Fatalf("compare --json: code %d\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"a"}, 2, "want two log names"},
		{[]string{"a", "b", "--alpha", "2"}, 2, "--alpha"},
		{[]string{"a", "nope"}, 1, "no such log"},
	} {
		_, errOut, code := pmx(t, append([]string{"compare", "--db", db}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: code %d, %q; want %d saying %q", c.args, code, errOut, c.code, c.want)
		}
	}
}
