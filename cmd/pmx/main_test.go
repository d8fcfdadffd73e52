package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const runningExample = "../../../shared/logs/running-example.xes"

func pmx(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), &env{stdout: &o, stderr: &e}, args)
	return o.String(), e.String(), code
}

func needShared(t *testing.T) {
	if _, err := os.Stat(runningExample); err != nil {
		t.Skipf("shared logs absent (%s)", runningExample)
	}
}

func TestImportThenAnalyseByName(t *testing.T) {
	needShared(t)
	db := filepath.Join(t.TempDir(), "w.duckdb")
	out, errOut, code := pmx(t, "import", runningExample, "--db", db, "--name", "re")
	if code != 0 || !strings.Contains(out, `as "re": 42 events`) {
		t.Fatalf("import: code %d, out %q, err %q", code, out, errOut)
	}
	out, _, code = pmx(t, "logs", "--db", db, "--json")
	var logs []struct {
		Name      string `json:"name"`
		Instances int64  `json:"instances"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &logs) != nil || len(logs) != 1 || logs[0].Name != "re" || logs[0].Instances != 42 {
		t.Fatalf("logs --json: code %d, %q", code, out)
	}
	out, _, code = pmx(t, "stats", "--db", db, "--log", "re", "--json")
	var s struct {
		Cases, Events, Activities, Variants int64
		CaseDuration                        map[string]float64 `json:"case_duration_seconds"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Cases != 6 || s.Events != 42 || s.Activities != 8 || s.Variants != 6 {
		t.Fatalf("stats --json: code %d, %q", code, out)
	}
	for _, k := range []string{"median", "mean", "min", "max"} {
		if _, ok := s.CaseDuration[k]; !ok {
			t.Errorf("stats --json lacks case_duration_seconds.%s", k)
		}
	}
	// Importing the same name again is refused with one line, and --replace works.
	_, errOut, code = pmx(t, "import", runningExample, "--db", db, "--name", "re")
	if code != 1 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "--replace") {
		t.Fatalf("re-import: code %d, stderr %q", code, errOut)
	}
	if _, errOut, code = pmx(t, "import", runningExample, "--db", db, "--name", "re", "--replace"); code != 0 {
		t.Fatalf("--replace: code %d, %q", code, errOut)
	}
}

func TestFileArgumentAndFlagsInAnyOrder(t *testing.T) {
	needShared(t)
	out, errOut, code := pmx(t, "variants", runningExample, "--top", "2", "--json")
	var vs []struct {
		Activities []string `json:"activities"`
		Count      int64    `json:"count"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &vs) != nil || len(vs) != 2 || vs[0].Count != 1 {
		t.Fatalf("variants: code %d, out %q, err %q", code, out, errOut)
	}
	out, _, code = pmx(t, "dfg", "--json", runningExample)
	var g struct {
		Edges []struct {
			From, To string
			Count    int64
		} `json:"edges"`
		ActivityCounts map[string]int64 `json:"activity_counts"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &g) != nil || len(g.Edges) == 0 || g.ActivityCounts["decide"] != 9 {
		t.Fatalf("dfg: code %d, %q", code, out)
	}
}

func TestErrorsAreOneLineWithExitCode(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("case,activity,timestamp\nc1,A,2024-01-01 10:00:00\nc1,B,not a time\n"), 0o644)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"no log", []string{"stats"}, 2, "--log NAME"},
		{"missing file", []string{"stats", filepath.Join(dir, "nope.xes")}, 1, "nope.xes"},
		{"bad timestamp names the line", []string{"stats", bad}, 1, "line 3"},
		{"no warehouse", []string{"stats", "--db", filepath.Join(dir, "none.duckdb"), "--log", "x"}, 1, "no warehouse"},
		{"bad flag", []string{"stats", "--nope"}, 2, "nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := pmx(t, c.args...)
			if code != c.code || !strings.Contains(errOut, c.want) {
				t.Fatalf("code %d (want %d), stderr %q (want %q)", code, c.code, errOut, c.want)
			}
			if c.name != "bad flag" && strings.Count(errOut, "\n") != 1 {
				t.Fatalf("stderr is not one line: %q", errOut)
			}
		})
	}
}

func TestRejectsKeepBadRows(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("case,activity,timestamp\nc1,A,2024-01-01 10:00:00\nc1,B,not a time\nc1,C,2024-01-01 11:00:00\n"), 0o644)
	db := filepath.Join(dir, "w.duckdb")
	out, errOut, code := pmx(t, "import", bad, "--db", db, "--rejects", "--json")
	var infos []struct {
		Events, Rejects int64
	}
	if code != 0 || json.Unmarshal([]byte(out), &infos) != nil || infos[0].Events != 2 || infos[0].Rejects != 1 {
		t.Fatalf("import --rejects: code %d, out %q, err %q", code, out, errOut)
	}
}

// The demo log is embedded: pmx demo works from a directory outside the
// checkout (issue 9, item 15: after go install it failed to find the log),
// and its report has the service-level section from the bundled rules.
func TestDemoWritesReport(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	html := filepath.Join(dir, "demo.html")
	out, errOut, code := pmx(t, "demo", "--db", filepath.Join(dir, "d.duckdb"), "-o", html)
	if code != 0 {
		t.Fatalf("demo: code %d, out %q, err %q", code, out, errOut)
	}
	b, err := os.ReadFile(html)
	if err != nil || !bytes.Contains(b, []byte("<html")) || len(b) < 100_000 {
		t.Fatalf("demo report: %d bytes, %v", len(b), err)
	}
	if !bytes.Contains(b, []byte(`id="model-section"`)) || !bytes.Contains(b, []byte("Inductive Miner – infrequent")) {
		t.Error("demo report lacks the process-model section")
	}
	if !bytes.Contains(b, []byte("P1 resolved within 4 business hours")) {
		t.Error("demo report lacks the bundled SLA rules")
	}
}
