package main

import (
	"encoding/json"
	"os"
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

// pmx report --compare on the demo log: the cases that were reassigned
// against the whole log, a Comparison section with its KPI rows; an unknown
// log and a FILE input are refused before the work.
func TestReportCompareDemo(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	if _, errOut, code := pmx(t, "demo", "--db", db, "-o", filepath.Join(dir, "d.html")); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	page := filepath.Join(dir, "r.html")
	if _, errOut, code := pmx(t, "report", "--db", db, "--log", "demo-incidents", "--has", "Reassign", "--compare", "demo-incidents",
		"--model-algo", "none", "-o", page); code != 0 {
		t.Fatalf("report --compare: %d %s", code, errOut)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	html := string(b)
	for _, want := range []string{`id="compare-section"`, "A = demo-incidents (filtered), B = demo-incidents",
		"<td>Cases</td>", "<td>Activity instances per case (median)</td>", "<td>Activity instances per case (mean)</td>",
		"<td>Throughput time (median)</td>", "<td>Throughput time (mean)</td>", `class="compare compare-variants"`} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Reassigned cases have more steps than the log as a whole.
	if !strings.Contains(html, "Cases in B have fewer steps") {
		t.Errorf("no sentence on the steps per case")
	}
	out, _, _ := pmx(t, "logs", "--db", db, "--json")
	if strings.Count(out, `"name"`) != 1 {
		t.Errorf("the temporary log was left behind:\n%s", out)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--log", "demo-incidents", "--compare", "nope"}, 1, `--compare: log "nope"`},
		{[]string{"../../analysis/compare/testdata/a.csv", "--compare", "demo-incidents"}, 2, "--compare demo-incidents"},
	} {
		_, errOut, code := pmx(t, append([]string{"report", "--db", db, "-o", filepath.Join(dir, "x.html")}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: code %d, %q; want %d saying %q in one line", c.args, code, errOut, c.code, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.html")); err == nil {
		t.Error("a refused report was written")
	}
}
