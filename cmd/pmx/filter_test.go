package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

const smallCSV = "../../analysis/filter/testdata/small.csv"

func TestFilterCreatesALogEveryCommandReads(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	if _, errOut, code := pmx(t, "import", smallCSV, "--db", db, "--name", "small"); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	out, errOut, code := pmx(t, "filter", "--db", db, "--log", "small", "--name", "p1b", "--has", "B", "--where", "priority = 'P1'")
	if code != 0 || !strings.Contains(out, "created log p1b from small: 2 cases, 5 events") {
		t.Fatalf("filter: code %d, out %q, err %q", code, out, errOut)
	}
	out, _, code = pmx(t, "logs", "--db", db, "--json")
	var logs []struct {
		Name        string          `json:"name"`
		Cases       int64           `json:"cases"`
		DerivedFrom string          `json:"derived_from"`
		Filter      json.RawMessage `json:"filter"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &logs) != nil || len(logs) != 2 {
		t.Fatalf("logs --json: %d %q", code, out)
	}
	var spec bytes.Buffer
	json.Compact(&spec, logs[0].Filter)
	if l := logs[0]; l.Name != "p1b" || l.DerivedFrom != "small" || l.Cases != 2 || spec.String() != `{"has":["B"],"where":"priority = 'P1'"}` {
		t.Fatalf("logs --json: %+v %s", l, spec.String())
	}
	if out, _, _ := pmx(t, "logs", "--db", db); !strings.Contains(out, "p1b is filtered from small: {\"has\":[\"B\"]") {
		t.Errorf("logs does not say how p1b was made:\n%s", out)
	}
	for _, cmd := range [][]string{{"stats"}, {"variants"}, {"dfg"}, {"discover"}, {"analyze"}} {
		if _, errOut, code := pmx(t, append(cmd, "--db", db, "--log", "p1b")...); code != 0 {
			t.Errorf("%s on the derived log: code %d: %s", cmd[0], code, errOut)
		}
	}
	// --replace, and a name taken without it
	if _, errOut, code := pmx(t, "filter", "--db", db, "--log", "small", "--name", "p1b", "--top-variants", "1"); code != 1 || !strings.Contains(errOut, "--replace") {
		t.Errorf("filter to a taken name: code %d, %q", code, errOut)
	}
	if out, errOut, code := pmx(t, "filter", "--db", db, "--log", "small", "--name", "p1b", "--top-variants", "1", "--replace", "--json"); code != 0 ||
		!strings.Contains(out, `"top_variants": 1`) {
		t.Errorf("filter --replace --json: code %d, %q %q", code, out, errOut)
	}
}

func TestFilterUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	if _, errOut, code := pmx(t, "import", smallCSV, "--db", db, "--name", "small"); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--has", "A"}, "--name NEW is required"},
		{[]string{"--name", "x", "--from", "yesterday"}, "--from \"yesterday\""},
		{[]string{"--name", "x", "--cases", "contained"}, "need a time frame"},
		{[]string{"--name", "x", "--min-duration", "2 days"}, "--min-duration"},
		{[]string{"--name", "x", "--follows", "A"}, "two activities"},
		{[]string{"--name", "x", "--where", "priority = 'P1'; drop table events"}, "unexpected ';'"},
		{[]string{"--name", "x", "--variant-coverage", "80"}, "between 0 and 1"},
	} {
		_, errOut, code := pmx(t, append([]string{"filter", "--db", db, "--log", "small"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: code %d, stderr %q; want exit 2 saying %q", c.args, code, errOut, c.want)
		}
	}
}

func TestFilterOfAFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	out, errOut, code := pmx(t, "filter", smallCSV, "--db", db, "--name", "slow", "--min-duration", "3h")
	if code != 0 || !strings.Contains(out, "1 cases") || !strings.Contains(errOut, "as log small") {
		t.Fatalf("filter FILE: code %d, %q, %q", code, out, errOut)
	}
}

func TestReportWithFilterDropsItsTemporaryLog(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	if _, errOut, code := pmx(t, "import", smallCSV, "--db", db, "--name", "small"); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	html := filepath.Join(t.TempDir(), "r.html")
	if _, errOut, code := pmx(t, "report", "--db", db, "--log", "small", "--has", "B", "-o", html); code != 0 {
		t.Fatalf("report --has: %d %s", code, errOut)
	}
	out, _, _ := pmx(t, "logs", "--db", db, "--json")
	if strings.Count(out, `"name"`) != 1 {
		t.Errorf("the temporary log was left behind:\n%s", out)
	}
}
