package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateSQL = flag.Bool("update-sql", false, "rewrite testdata/sql/*.golden from the current output")

// demoWarehouse imports the demo log into a warehouse file.
func demoWarehouse(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "w.duckdb")
	if _, errOut, code := pmx(t, "import", demoFile, "--db", db, "--name", "incidents"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	return db
}

// TestSQLViewsMatchStats: the views count what pmx stats counts.
func TestSQLViewsMatchStats(t *testing.T) {
	db := demoWarehouse(t)
	out, errOut, code := pmx(t, "stats", "--log", "incidents", "--db", db, "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var st struct {
		Cases, Events, Activities, Variants, Resources int64
		Duration                                       struct{ Mean float64 } `json:"case_duration_seconds"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = pmx(t, "sql", "--db", db, "--json", `SELECT
		(SELECT count(*) FROM v_cases WHERE log = 'incidents') AS cases,
		(SELECT count(*) FROM v_steps WHERE log = 'incidents') AS events,
		(SELECT count(DISTINCT activity) FROM v_steps WHERE log = 'incidents') AS activities,
		(SELECT count(*) FROM v_variants WHERE log = 'incidents') AS variants,
		(SELECT sum(cases) FROM v_variants WHERE log = 'incidents') AS variant_cases,
		(SELECT count(DISTINCT resource) FROM v_events e WHERE log = 'incidents' AND lower(coalesce(lifecycle, '')) <> 'start') AS resources,
		(SELECT avg(duration_s) FROM v_cases WHERE log = 'incidents') AS mean_duration,
		(SELECT avg(throughput_time(log, case_id)) FROM v_cases WHERE log = 'incidents') AS mean_throughput,
		(SELECT count(*) FROM v_events WHERE log = 'incidents') AS stored`)
	if code != 0 {
		t.Fatal(errOut)
	}
	var got []struct {
		Cases, Events, Activities, Variants, Resources int64
		VariantCases                                   int64   `json:"variant_cases"`
		MeanDuration                                   float64 `json:"mean_duration"`
		MeanThroughput                                 float64 `json:"mean_throughput"`
		Stored                                         int64
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 1 {
		t.Fatalf("%v: %s", err, out)
	}
	g := got[0]
	if g.Cases != st.Cases || g.Events != st.Events || g.Activities != st.Activities || g.Variants != st.Variants ||
		g.VariantCases != st.Cases || g.Resources != st.Resources || g.Stored != 28699 {
		t.Errorf("views %+v\nstats %+v", g, st)
	}
	for _, m := range []float64{g.MeanDuration, g.MeanThroughput} {
		if d := m - st.Duration.Mean; d > 1e-6 || d < -1e-6 {
			t.Errorf("mean duration %v, stats %v", m, st.Duration.Mean)
		}
	}
}

// TestSQLFormats compares each output format with its golden file.
func TestSQLFormats(t *testing.T) {
	db := demoWarehouse(t)
	const q = `SELECT case_id, count(*) AS steps, min(ts) AS first, sum(processing_s) AS processing_s,
		list(activity ORDER BY pos)[1:3] AS head, NULL AS nothing, 'a,"b"' || chr(27) AS hostile
		FROM v_steps WHERE log = 'incidents' GROUP BY case_id ORDER BY case_id LIMIT 3`
	for _, f := range []string{"table", "csv", "json"} {
		t.Run(f, func(t *testing.T) {
			out, errOut, code := pmx(t, "sql", "--db", db, "--format", f, q)
			if code != 0 {
				t.Fatal(errOut)
			}
			golden := filepath.Join("testdata", "sql", "demo."+f+".golden")
			if *updateSQL {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update-sql)", err)
			}
			if out != string(want) {
				t.Fatalf("output differs from %s:\n%s", golden, out)
			}
		})
	}
}

func TestSQLErrors(t *testing.T) {
	db := demoWarehouse(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sql", "--db", db, "SELEC oops"}, 1, "Parser Error"},
		{[]string{"sql", "--db", db, "SELECT * FROM nowhere"}, 1, "nowhere does not exist"},
		{[]string{"sql", "--db", db, "DELETE FROM events"}, 1, "read-only"},
		{[]string{"sql", "--db", db, "COPY events TO 'x.csv'"}, 1, "disabled by configuration"},
		{[]string{"sql", "--db", filepath.Join(t.TempDir(), "none.duckdb"), "SELECT 1"}, 1, "no warehouse"},
		{[]string{"sql", "--db", db}, 2, "one query"},
		{[]string{"sql", "--db", db, "SELECT 1", "SELECT 2"}, 2, "one query"},
		{[]string{"sql", "--db", db, "--format", "xml", "SELECT 1"}, 2, "--format"},
	} {
		t.Run(strings.Join(tc.args[3:], " "), func(t *testing.T) {
			out, errOut, code := pmx(t, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
				t.Fatalf("code %d, stdout %q, stderr %q; want code %d and %q", code, out, errOut, tc.code, tc.want)
			}
			if tc.code == 1 && strings.Count(strings.TrimSuffix(errOut, "\n"), "\n") != 0 {
				t.Fatalf("error on several lines: %q", errOut)
			}
		})
	}
}

// TestExportCommand: pmx export writes each format, refuses the warehouse
// and unknown extensions, and the file imports back with the same stats.
func TestExportCommand(t *testing.T) {
	db := demoWarehouse(t)
	dir := t.TempDir()
	want, _, _ := pmx(t, "stats", "--log", "incidents", "--db", db, "--json")
	out, errOut, code := pmx(t, "export", "--log", "incidents", "--db", db, "-o", filepath.Join(dir, "i.csv.gz"), "--json")
	if code != 0 || !strings.Contains(out, `"events": 28699`) || !strings.Contains(out, `"format": "csv.gz"`) {
		t.Fatalf("code %d, %s %s", code, out, errOut)
	}
	got, errOut, code := pmx(t, "stats", filepath.Join(dir, "i.csv.gz"), "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	strip := func(s string) string { return s[strings.Index(s, "\n  \"cases\""):] }
	if strip(got) != strip(want) {
		t.Errorf("stats after the round trip\n%s\nwant\n%s", got, want)
	}
	// A FILE works as for every analysis command.
	if out, errOut, code = pmx(t, "export", demoFile, "-o", filepath.Join(dir, "d.xes")); code != 0 || !strings.Contains(out, "28,699 events") {
		t.Fatalf("code %d, %s %s", code, out, errOut)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--log", "incidents", "--db", db, "-o", db}, 2, "must end in"},
		{[]string{"--log", "incidents", "--db", db, "-o", db + ".csv"}, 0, ""},
		{[]string{"--log", "incidents", "--db", db, "-o", filepath.Join(dir, "d.xes")}, 0, ""},
		{[]string{demoFile, "-o", demoFile}, 1, "refusing to overwrite"},
		{[]string{"--log", "incidents", "--db", db}, 2, "exactly one"},
		{[]string{"--log", "incidents", "--db", db, "-o", filepath.Join(dir, "x.json")}, 2, ".xes"},
		{[]string{"--log", "nope", "--db", db, "-o", filepath.Join(dir, "x.csv")}, 1, "no such log"},
		{[]string{"--log", "incidents", "--db", db, "--parquet-dir", filepath.Join(dir, "i.csv.gz")}, 1, "is a file"},
	} {
		_, errOut, code := pmx(t, append([]string{"export"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("export %v: code %d, stderr %q; want %d, %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}
