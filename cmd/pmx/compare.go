package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/pmx-dev/pmx/analysis/compare"
	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/units"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func runCompare(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "compare", "LOG_A LOG_B [flags]")
	db := fs.String("db", defaultDB, "warehouse file")
	asJSON := fs.Bool("json", false, "print JSON (schema in README)")
	alpha := fs.Float64("alpha", 0.01, "significance level of the tests")
	top := fs.Int("top", 10, "variants and edges shown (text output; --json has all)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return fmt.Errorf("want two log names, LOG_A and LOG_B (see pmx logs), got %d: %w", len(pos), errUsage)
	}
	if !(*alpha > 0 && *alpha < 1) {
		return fmt.Errorf("--alpha %g: want a level between 0 and 1, e.g. 0.01: %w", *alpha, errUsage)
	}
	if *top < 0 {
		return fmt.Errorf("--top must be ≥ 0: %w", errUsage)
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("no warehouse at %s (run pmx import first, or pass --db)", *db)
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	var logs [2]facts.Log
	for i, name := range pos {
		if err := w.Refresh(ctx, name); err != nil {
			return err
		}
		id, err := w.LogID(ctx, name)
		if err != nil {
			return err
		}
		logs[i] = facts.Log{DB: w.DB(), ID: id, Name: name}
	}
	r, err := compare.Compare(ctx, logs[0], logs[1], compare.Options{Alpha: *alpha})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, r)
	}
	printCompare(e, r, *top)
	return nil
}

func printCompare(e *env, r compare.Result, top int) {
	w := e.stdout
	fmt.Fprintf(w, "A = %s, B = %s; differences are B − A; * significant at %g\n\n", r.A, r.B, r.Alpha)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KPI\tA\tB\tB − A\tTEST\tP\t")
	for _, k := range r.KPIs {
		a, b, d := units.Count(int64(k.A)), units.Count(int64(k.B)), units.Count(int64(k.Diff))
		switch {
		case strings.HasPrefix(k.Name, "throughput"):
			a, b, d = human(k.A), human(k.B), units.Change(k.Diff)
		case strings.HasPrefix(k.Name, "instances"):
			a, b, d = fmt.Sprintf("%.2f", k.A), fmt.Sprintf("%.2f", k.B), fmt.Sprintf("%+.2f", k.Diff)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\n", k.Name, a, b, d, k.Test, pval(k.P, k.Significant, k.Test != ""))
	}
	tw.Flush()
	fmt.Fprintf(w, "\nVARIANTS (%d; the %d most frequent)\n", len(r.Variants), min(top, len(r.Variants)))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SHARE A\tSHARE B\tB − A\tP\tACTIVITIES")
	for _, v := range r.Variants[:min(top, len(r.Variants))] {
		fmt.Fprintf(tw, "%s\t%s\t%+.1f pp\t%s\t%s\n", units.Percent(v.ShareA), units.Percent(v.ShareB), 100*v.Diff,
			pval(v.P, v.Significant, true), strings.Join(v.Activities, " → "))
	}
	tw.Flush()
	edges := slices.Clone(r.Edges)
	slices.SortStableFunc(edges, func(p, q compare.EdgeDiff) int {
		return compareAbs(q.PerCaseB-q.PerCaseA, p.PerCaseB-p.PerCaseA)
	})
	fmt.Fprintf(w, "\nEDGES (%d; the %d that changed most in occurrences per case)\n", len(edges), min(top, len(edges)))
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FROM\tTO\tPER CASE A\tPER CASE B\tP\tMEAN A\tMEAN B\tP\t")
	for _, x := range edges[:min(top, len(edges))] {
		fmt.Fprintf(tw, "%s\t%s\t%.3f\t%.3f\t%s\t%s\t%s\t%s\t\n", x.From, x.To, x.PerCaseA, x.PerCaseB, pval(x.P, x.Significant, true),
			meanOr(x.MeanSecondsA, x.CountA), meanOr(x.MeanSecondsB, x.CountB), pval(x.MeanP, x.MeanSignificant, x.CountA > 0 && x.CountB > 0))
	}
	tw.Flush()
}

func compareAbs(x, y float64) int {
	x, y = math.Abs(x), math.Abs(y)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func meanOr(mean float64, n int64) string {
	if n == 0 {
		return "–"
	}
	return human(mean)
}

// pval prints a p-value, starred when significant; "–" when no test ran.
func pval(p float64, sig, tested bool) string {
	if !tested {
		return "–"
	}
	s := fmt.Sprintf("%.3g", p)
	if p < 0.001 {
		s = "<0.001"
	}
	if sig {
		s += " *"
	}
	return s
}
