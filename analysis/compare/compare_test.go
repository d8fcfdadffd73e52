//go:build duckdb_arrow

package compare

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func open(t *testing.T, files ...string) (*warehouse.Warehouse, []facts.Log) {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	var logs []facts.Log
	for _, f := range files {
		info, err := ingest.ImportFile(ctx, w, f, ingest.FileOptions{})
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, facts.Log{DB: w.DB(), ID: info.ID, Name: info.Name})
	}
	return w, logs
}

func near(got, want float64) bool { return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want)) }

// TestKnownAnswers: testdata/a.csv and b.csv are built so that every
// figure is known; the p-values are scipy.stats' (mannwhitneyu asymptotic
// with continuity correction, ttest_ind(equal_var=False),
// chi2_contingency(correction=False)).
//
//	A: X→Y in 1 h, 2 h, 3 h; X→Z in 1 h           (4 cases)
//	B: X→Y in 10 h; X→Z in 10, 11, 12 h; X→Z→Z 9 h (5 cases)
func TestKnownAnswers(t *testing.T) {
	_, logs := open(t, "testdata/a.csv", "testdata/b.csv")
	r, err := Compare(context.Background(), logs[0], logs[1], Options{Alpha: 0.05})
	if err != nil {
		t.Fatal(err)
	}
	h := 3600.0
	kpi := map[string]KPI{}
	for _, k := range r.KPIs {
		kpi[k.Name] = k
	}
	for _, c := range []struct {
		name    string
		a, b, p float64
		sig     bool
	}{
		{"cases", 4, 5, 1, false},
		{"instances_per_case_median", 2, 2, 0.5023349543605021, false},
		{"instances_per_case_mean", 2, 2.2, 0.37390096630005853, false},
		{"throughput_seconds_median", 1.5 * h, 10 * h, 0.018942894094158506, true},
		{"throughput_seconds_mean", 1.75 * h, 10.4 * h, 5.468860260203478e-06, true},
	} {
		k := kpi[c.name]
		if !near(k.A, c.a) || !near(k.B, c.b) || !near(k.Diff, c.b-c.a) || math.Abs(k.P-c.p) > 1e-9 || k.Significant != c.sig {
			t.Errorf("%s: %+v, want a %g b %g p %g significant %t", c.name, k, c.a, c.b, c.p, c.sig)
		}
	}
	want := map[string]struct {
		a, b int64
		p    float64
	}{
		"X Y":   {3, 1, 0.09894293606729627},
		"X Z":   {1, 3, 0.29371811275178894},
		"X Z Z": {0, 1, 0.34278171114790873},
	}
	if len(r.Variants) != 3 {
		t.Fatalf("variants %+v", r.Variants)
	}
	for _, v := range r.Variants {
		k := strings.Join(v.Activities, " ")
		w := want[k]
		if v.CasesA != w.a || v.CasesB != w.b || math.Abs(v.P-w.p) > 1e-9 || !near(v.Diff, float64(w.b)/5-float64(w.a)/4) {
			t.Errorf("variant %s: %+v, want %d, %d, p %g", k, v, w.a, w.b, w.p)
		}
	}
	if r.Variants[0].Activities[1] != "Y" || r.Variants[1].Activities[1] != "Z" {
		t.Errorf("variants not by larger share first: %+v", r.Variants)
	}
	edges := map[string]EdgeDiff{}
	for _, e := range r.Edges {
		edges[e.From+e.To] = e
	}
	if len(edges) != 3 {
		t.Fatalf("edges %+v", r.Edges)
	}
	xy, xz, zz := edges["XY"], edges["XZ"], edges["ZZ"]
	if xy.CountA != 3 || xy.CountB != 1 || !near(xy.PerCaseA, 0.75) || !near(xy.PerCaseB, 0.2) || math.Abs(xy.P-0.09894293606729627) > 1e-9 ||
		!near(xy.MeanSecondsA, 2*h) || !near(xy.MeanSecondsB, 10*h) || xy.MeanP != 1 {
		t.Errorf("X→Y %+v", xy)
	}
	if xz.CountA != 1 || xz.CountB != 4 || math.Abs(xz.P-0.09894293606729629) > 1e-9 || !near(xz.MeanSecondsB, 10.25*h) || xz.MeanP != 1 {
		t.Errorf("X→Z %+v", xz)
	}
	if zz.CountA != 0 || zz.CountB != 1 || zz.MeanSecondsA != 0 || zz.MeanDiffSeconds != 0 || zz.MeanP != 1 {
		t.Errorf("Z→Z %+v", zz)
	}
}

func TestWelch(t *testing.T) {
	// scipy.stats.ttest_ind([1,2,3,4],[2,4,6,8,10], equal_var=False)
	p := welch(2.5, 5.0/3, 4, 6, 10, 5)
	if math.Abs(p-0.06913359319239237) > 1e-9 {
		t.Errorf("welch p %v", p)
	}
	if welch(1, 0, 3, 1, 0, 3) != 1 || welch(1, 0, 3, 2, 0, 3) != 0 || welch(1, 1, 1, 2, 1, 5) != 1 {
		t.Error("welch edge cases")
	}
}

func TestEmptyLog(t *testing.T) {
	_, logs := open(t, "testdata/a.csv")
	empty := facts.Log{DB: logs[0].DB, ID: 999, Name: "none"}
	if _, err := Compare(context.Background(), logs[0], empty, Options{}); err == nil || !strings.Contains(err.Error(), "no cases") {
		t.Fatalf("err %v", err)
	}
}
