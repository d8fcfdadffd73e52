package main

import (
	"encoding/json"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pmx optimize on the bundled demo log, for its SLA rules and for the cycle
// time: the recommendations are the problems planted in it
// (testdata/demo/README.md): the dispatch step that makes Mondays slow and
// the Reassign ping-pong (which cost SLA breaches), the Reopen rework
// (which costs cycle time: a reopened case was resolved already, so its
// SLA clock had stopped) and the second line's waits; the JSON has the
// documented keys; the recommendations written as scenario files re-run
// with pmx simulate --scenario.
func TestOptimizeDemo(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	if _, errOut, code := pmx(t, "import", "--db", db, "--name", "demo", "../../ingest/demo/incidents.xes.gz"); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	res, scen := filepath.Join(dir, "opt.json"), filepath.Join(dir, "recs")
	out, errOut, code := pmx(t, "optimize", "--db", db, "--log", "demo", "--zone", "Europe/Amsterdam", "--objective", "sla_breach",
		"--sla", "../../ingest/demo/sla.yaml", "--time-limit", "20m", "--json", "-o", res, "--write-scenarios", scen)
	if code != 0 {
		t.Fatalf("optimize: %d %s", code, errOut)
	}
	var r struct {
		Objective string  `json:"objective"`
		Evaluated int     `json:"evaluated"`
		Seconds   float64 `json:"seconds"`
		Baseline  struct {
			Objective float64 `json:"objective"`
		} `json:"baseline"`
		Recommendations []struct {
			Rank    int      `json:"rank"`
			Changes []string `json:"changes"`
			KPIs    []struct {
				KPI         string   `json:"kpi"`
				Baseline    *float64 `json:"baseline"`
				Scenario    *float64 `json:"scenario"`
				Delta       *float64 `json:"delta"`
				Low         *float64 `json:"ci95_low"`
				High        *float64 `json:"ci95_high"`
				Significant *bool    `json:"significant"`
			} `json:"kpis"`
			Cost *float64 `json:"cost"`
		} `json:"recommendations"`
		Pareto []json.RawMessage `json:"pareto"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %.2000s", err, out)
	}
	if r.Objective != "sla_breach" || r.Evaluated < 30 || r.Seconds <= 0 || len(r.Pareto) == 0 || len(r.Recommendations) < 4 {
		t.Fatalf("result %+v", r)
	}
	var all []string
	for i, rec := range r.Recommendations {
		if rec.Rank != i+1 || rec.Cost == nil || len(rec.KPIs) == 0 {
			t.Errorf("recommendation %d: %+v", i, rec)
		}
		for _, k := range rec.KPIs {
			if k.Baseline == nil || k.Scenario == nil || k.Delta == nil || k.Low == nil || k.High == nil || k.Significant == nil {
				t.Errorf("recommendation %d KPI %+v misses a key", rec.Rank, k)
			}
		}
		all = append(all, strings.Join(rec.Changes, "; "))
	}
	out2, errOut, code := pmx(t, "optimize", "--db", db, "--log", "demo", "--zone", "Europe/Amsterdam", "--objective", "cycle_time", "--time-limit", "20m", "--json")
	var r2 struct {
		Recommendations []struct {
			Changes []string `json:"changes"`
		} `json:"recommendations"`
	}
	if code != 0 || json.Unmarshal([]byte(out2), &r2) != nil {
		t.Fatalf("optimize cycle_time: %d %s", code, errOut)
	}
	for _, rec := range r2.Recommendations {
		all = append(all, strings.Join(rec.Changes, "; "))
	}
	text := strings.Join(all, "\n")
	for _, planted := range []struct{ what, any string }{
		{"dispatch (slow Mondays)", "automate Assign|automate Classify|Service Desk (Assign)|wait before Assign|wait before Classify"},
		{"Reassign ping-pong", "rework loop through Reassign"},
		{"Reopen rework", "rework loop through Reopen"},
		{"second line", "DBA|App Support|Workplace|Network Ops|wait before Investigate|wait before Resolve"},
	} {
		found := false
		for _, s := range strings.Split(planted.any, "|") {
			found = found || strings.Contains(text, s)
		}
		if !found {
			t.Errorf("no recommendation for the %s:\n%s", planted.what, text)
		}
	}
	b, err := os.ReadFile(res)
	if err != nil || !json.Valid(b) {
		t.Fatalf("-o %s: %v", res, err)
	}
	// The report shows the result.
	page := filepath.Join(dir, "r.html")
	if _, errOut, code := pmx(t, "report", "--db", db, "--log", "demo", "--optimize-results", res, "-o", page); code != 0 {
		t.Fatalf("report --optimize-results: %s", errOut)
	}
	html, _ := os.ReadFile(page)
	if !strings.Contains(string(html), `id="optimize-section"`) || !strings.Contains(string(html), "share of cases breaching an SLA rule") ||
		!strings.Contains(string(html), html2(r.Recommendations[0].Changes[0])) {
		t.Errorf("report without the optimisation section or its top recommendation")
	}
	if _, errOut, code := pmx(t, "report", "--db", db, "--log", "demo", "--optimize-results", filepath.Join(scen, "rank-1.yaml"), "-o", page); code != 1 ||
		!strings.Contains(errOut, "not a pmx optimize result") {
		t.Errorf("report with a scenario file as result: %d %s", code, errOut)
	}
	// The top recommendation, re-run as a scenario, cuts the breaches.
	out, errOut, code = pmx(t, "simulate", "--db", db, "--log", "demo", "--zone", "Europe/Amsterdam", "--scenario", filepath.Join(scen, "rank-1.yaml"),
		"--sla", "../../ingest/demo/sla.yaml", "--replications", "3", "--json")
	var c struct {
		Differences []struct {
			KPI         string  `json:"kpi"`
			Delta       float64 `json:"delta"`
			Significant bool    `json:"significant"`
		} `json:"differences"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &c) != nil {
		t.Fatalf("re-run rank-1.yaml: %d %s", code, errOut)
	}
	cut := false
	for _, d := range c.Differences {
		cut = cut || d.KPI == "sla_cases_breached" && d.Delta < 0 && d.Significant
	}
	if !cut {
		t.Errorf("rank-1.yaml re-run does not cut the breaching cases: %+v", c.Differences)
	}
}

func TestOptimizeUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"optimize", "--log", "x", "--objective", "speed"}, `--objective "speed": want one of cycle_time, waiting, sla_breach, cost`},
		{[]string{"optimize", "--log", "x", "--objective", "sla_breach"}, "needs --sla"},
		{[]string{"optimize", "--log", "x", "--replications", "1"}, "--replications ≥ 2"},
		{[]string{"optimize", "--log", "x", "--time-limit", "soon"}, "time-limit"},
		{[]string{"optimize", "--log", "x", "--zone", "Mars/Base"}, "--zone"},
		{[]string{"optimize"}, "no log"},
	} {
		_, errOut, code := pmx(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("pmx %v: %d %q, want exit 2 with %q", tc.args, code, errOut, tc.want)
		}
	}
}

// html2 escapes text as the report's template does.
func html2(s string) string { return template.HTMLEscapeString(s) }
