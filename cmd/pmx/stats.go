package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/units"
)

func runStats(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "stats", "[flags] (--log NAME | FILE)")
	src := addSourceFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if w, g, ok, err := ocelLog(ctx, src.db, src.log, pos); ok || err != nil { // an object-centric log
		if err != nil {
			return err
		}
		defer w.Close()
		return ocelStats(e, g, src.json)
	}
	l, closeFn, err := src.open(ctx, e, pos)
	if err != nil {
		return err
	}
	defer closeFn()
	s, err := facts.ComputeStats(ctx, l)
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, s)
	}
	w := e.stdout
	fmt.Fprintf(w, "log          %s\ncases        %s\nevents       %s\nactivities   %s\nvariants     %s\nresources    %s\nperiod       %s → %s\n",
		s.Log, thousands(s.Cases), thousands(s.Events), thousands(int64(s.Activities)), thousands(s.Variants),
		thousands(int64(s.Resources)), s.FirstEvent, s.LastEvent)
	d := s.CaseDuration
	fmt.Fprintf(w, "case duration median %s, mean %s, min %s, max %s\n\n", human(d.Median), human(d.Mean), human(d.Min), human(d.Max))
	printCounts(w, "ACTIVITY", s.ActivityCounts, s.Events)
	fmt.Fprintln(w)
	printCounts(w, "START ACTIVITY", s.StartActivities, s.Cases)
	fmt.Fprintln(w)
	printCounts(w, "END ACTIVITY", s.EndActivities, s.Cases)
	return nil
}

// printCounts prints a count map most frequent first (ties by name).
func printCounts(w io.Writer, title string, m map[string]int64, total int64) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tCOUNT\tSHARE\t\n", title)
	for _, k := range keys {
		share := 0.0
		if total > 0 {
			share = float64(m[k]) / float64(total)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", k, thousands(m[k]), units.Percent(share))
	}
	tw.Flush()
}

// human formats seconds the way the report does (analysis/units).
func human(sec float64) string { return units.Duration(sec) }

func runVariants(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "variants", "[flags] (--log NAME | FILE)")
	src := addSourceFlags(fs)
	top := fs.Int("top", 10, "number of variants (0 = all)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *top < 0 {
		return fmt.Errorf("--top must be ≥ 0: %w", errUsage)
	}
	l, closeFn, err := src.open(ctx, e, pos)
	if err != nil {
		return err
	}
	defer closeFn()
	vs, err := facts.ComputeVariants(ctx, l, *top)
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, vs)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tCASES\tSHARE\tMEAN DURATION\tEVENTS\tACTIVITIES")
	for i, v := range vs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", i+1, thousands(v.Count), units.Percent(v.Share), human(v.MeanDurationSeconds),
			len(v.Activities), strings.Join(v.Activities, " → "))
	}
	return tw.Flush()
}

func runDFG(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "dfg", "[flags] (--log NAME | FILE)")
	src := addSourceFlags(fs)
	oc := fs.Bool("object-centric", false, "object-centric DFG (per object type) of an OCEL log; the default for one")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if w, g, ok, err := ocelLog(ctx, src.db, src.log, pos); ok || err != nil {
		if err != nil {
			return err
		}
		defer w.Close()
		return ocelDFG(e, g, src.json)
	} else if *oc {
		return fmt.Errorf("--object-centric needs an object-centric log: --log naming an OCEL log in %s (pmx logs lists them) or an OCEL FILE: %w", src.db, errUsage)
	}
	l, closeFn, err := src.open(ctx, e, pos)
	if err != nil {
		return err
	}
	defer closeFn()
	g, err := facts.ComputeDFG(ctx, l)
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, g)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FROM\tTO\tCOUNT\tMEAN\tMEDIAN\tP90")
	for _, ed := range g.Edges {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", ed.From, ed.To, thousands(ed.Count), human(ed.MeanSeconds),
			human(ed.MedianSeconds), human(ed.P90Seconds))
	}
	return tw.Flush()
}
