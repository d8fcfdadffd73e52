//go:build duckdb_arrow

package compare

import (
	"context"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/filter"
)

// TestFilterAndComplement compares the demo log's cases with a reassignment
// against those without: together they are the whole log, so counts add
// up to the log's own, and the planted effect (reassigned incidents take
// longer) must come out significant.
func TestFilterAndComplement(t *testing.T) {
	ctx := context.Background()
	w, logs := open(t, "../../ingest/demo/incidents.xes.gz")
	demo := logs[0]
	in, err := filter.Apply(ctx, w, filter.Options{Name: "reassigned", From: demo.Name}, filter.Criteria{Has: []string{"Reassign"}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := filter.Apply(ctx, w, filter.Options{Name: "direct", From: demo.Name}, filter.Criteria{NotHas: []string{"Reassign"}})
	if err != nil {
		t.Fatal(err)
	}
	a := facts.Log{DB: w.DB(), ID: out.ID, Name: out.Name}
	b := facts.Log{DB: w.DB(), ID: in.ID, Name: in.Name}
	r, err := Compare(ctx, a, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := facts.ComputeStats(ctx, demo)
	if err != nil {
		t.Fatal(err)
	}
	if got := int64(r.KPIs[0].A + r.KPIs[0].B); got != all.Cases {
		t.Errorf("cases %g + %g, want %d", r.KPIs[0].A, r.KPIs[0].B, all.Cases)
	}
	var cases int64
	for _, v := range r.Variants {
		cases += v.CasesA + v.CasesB
		if v.CasesA > 0 && v.CasesB > 0 {
			t.Errorf("variant %v is on both sides of a filter and its complement", v.Activities)
		}
	}
	if cases != all.Cases || int64(len(r.Variants)) != all.Variants {
		t.Errorf("variants hold %d cases in %d variants, want %d in %d", cases, len(r.Variants), all.Cases, all.Variants)
	}
	dfg, err := facts.ComputeDFG(ctx, demo)
	if err != nil {
		t.Fatal(err)
	}
	sum := map[[2]string]int64{}
	for _, e := range r.Edges {
		sum[[2]string{e.From, e.To}] = e.CountA + e.CountB
	}
	for _, e := range dfg.Edges {
		if sum[[2]string{e.From, e.To}] != e.Count {
			t.Errorf("edge %s→%s: %d in the two logs, %d in the demo log", e.From, e.To, sum[[2]string{e.From, e.To}], e.Count)
		}
	}
	for _, k := range r.KPIs {
		if k.Name == "throughput_seconds_median" && !(k.Diff > 0 && k.Significant) {
			t.Errorf("reassigned cases are not significantly slower: %+v", k)
		}
	}
}
