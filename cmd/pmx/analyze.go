package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/analyze"
	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/perf"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/analysis/units"
)

// analyzeFlags are shared by analyze and bottlenecks.
type analyzeFlags struct {
	calendar, sla, now, group string
	top                       int
	alpha                     float64
	seed                      uint64
}

func addAnalyzeFlags(fs *flag.FlagSet) *analyzeFlags {
	a := &analyzeFlags{}
	fs.StringVar(&a.calendar, "calendar", "", "business calendar (YAML: time zone, working hours, holidays) for business time")
	fs.IntVar(&a.top, "top", 10, "findings per kind")
	fs.StringVar(&a.sla, "sla", "", "SLA rules (YAML; format in analysis/sla/doc.go, example ingest/demo/sla.yaml)")
	fs.StringVar(&a.group, "group-attr", "", "event attribute naming the resource's group or team (e.g. org:group): ping-pong between groups")
	fs.StringVar(&a.now, "now", "", "judge open cases at this instant (RFC 3339; default: the log's last event)")
	fs.Float64Var(&a.alpha, "alpha", 0.01, "significance level of the tests")
	fs.Uint64Var(&a.seed, "seed", 1, "bootstrap seed (same seed, same intervals)")
	return a
}

func (a *analyzeFlags) options() (analyze.Options, error) {
	o := analyze.Options{Top: a.top, Alpha: a.alpha, Seed: a.seed, GroupAttr: a.group}
	if a.alpha <= 0 || a.alpha >= 1 {
		return o, fmt.Errorf("--alpha %v: want a level in (0, 1): %w", a.alpha, errUsage)
	}
	if a.sla != "" {
		rules, err := sla.ParseFile(a.sla)
		if err != nil {
			return o, err
		}
		o.SLA = rules
		// Without --calendar, business time is the rules' calendar.
		if a.calendar == "" && rules.Calendar != nil && rules.Calendar.Name() != calendar.Always().Name() {
			o.Calendar = rules.Calendar
		}
	}
	if a.now != "" {
		t, err := time.Parse(time.RFC3339, a.now)
		if err != nil {
			return o, fmt.Errorf("--now %q: want an RFC 3339 instant such as 2026-07-03T17:00:00+02:00: %w", a.now, errUsage)
		}
		o.Now = t
	}
	if a.calendar != "" {
		f, err := os.Open(a.calendar)
		if err != nil {
			return o, err
		}
		defer f.Close()
		if o.Calendar, err = calendar.Parse(f, a.calendar); err != nil {
			return o, err
		}
	}
	return o, nil
}

// runAnalysis parses, loads the timeline and runs the analyses.
func runAnalysis(ctx context.Context, e *env, fs *flag.FlagSet, src *source, af *analyzeFlags, args []string) (*analyze.Report, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	o, err := af.options()
	if err != nil {
		return nil, err
	}
	w, name, err := src.openWarehouse(ctx, e, pos)
	if err != nil {
		return nil, err
	}
	defer tightGC()()
	p := startProgress(e, "analysing "+name)
	defer p.Stop()
	p.Phase("loading the activity instances", "", 0)
	l, err := timeline.LoadWith(ctx, w, name, timeline.Options{GroupAttr: af.group})
	// The analyses need no SQL: closing the warehouse now hands DuckDB's
	// buffers (about 300 MB at ten million instances) back before they run.
	if cerr := w.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	p.Phase(fmt.Sprintf("time decomposition, bottlenecks, rework, resources, segments, drift on %s instances", units.Count(int64(l.Steps()))), "", 0)
	return analyze.Run(l, o)
}

// tightGC has the collector run at 50 % heap growth instead of 100 % while
// a log is analysed, unless GOGC says otherwise; it returns the function
// that restores the setting. The analyses' working set is large
// pointer-free arrays (about 600 MB at ten million instances) that the
// collector marks in no time, so collecting sooner costs little CPU (3 %)
// and keeps the resident set near the live data: 1.2 instead of 1.5 GB
// there.
func tightGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(50)
	return func() { debug.SetGCPercent(old) }
}

func runAnalyze(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "analyze", "[--calendar FILE] [--json] [flags] (--log NAME | FILE)")
	src := addSourceFlags(fs)
	af := addAnalyzeFlags(fs)
	r, err := runAnalysis(ctx, e, fs, src, af, args)
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, r)
	}
	printBottlenecks(e, r, af.top, true)
	return nil
}

func runBottlenecks(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "bottlenecks", "[--calendar FILE] [--top 10] (--log NAME | FILE)")
	src := addSourceFlags(fs)
	af := addAnalyzeFlags(fs)
	af.top = 5
	fs.Lookup("top").DefValue = "5"
	r, err := runAnalysis(ctx, e, fs, src, af, args)
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, r.Findings)
	}
	printBottlenecks(e, r, af.top, false)
	return nil
}

// printBottlenecks is the human-readable summary: the short form for pmx
// bottlenecks, everything for pmx analyze.
func printBottlenecks(e *env, r *analyze.Report, top int, full bool) {
	out := e.stdout
	d := r.Times
	if r.BusinessTimes != nil {
		d = *r.BusinessTimes
	}
	clock := "calendar time"
	if r.BusinessTimes != nil {
		clock = "business time (" + d.Clock + ")"
	}
	fmt.Fprintf(out, "log %q: %s cases, %s activity instances; times in %s\n", r.Log, thousands(int64(r.Cases)),
		thousands(int64(r.Steps)), clock)
	fmt.Fprintf(out, "cycle time: median %s, p90 %s, p95 %s, mean %s\n", human(d.Cases.Cycle.P50), human(d.Cases.Cycle.P90),
		human(d.Cases.Cycle.P95), human(d.Cases.Cycle.Mean))
	section := func(title string) { fmt.Fprintf(out, "\n%s\n", title) }
	section("Where the waiting is (share of all waiting time, 95 % bootstrap interval; * = significantly longer waits):")
	n := 0
	for _, f := range r.Findings {
		if n == top {
			break
		}
		mark := " "
		if f.Significant {
			mark = "*"
		}
		kind := "activity"
		if f.Kind == "bottleneck-handover" {
			kind = "handover"
		}
		fmt.Fprintf(out, " %s %-8s %-45s %5.1f %% (%4.1f–%4.1f %%)  %s total, %.1f %% of the slowest 10 %% of cases\n", mark, kind,
			trunc(f.Where, 45), 100*f.Share, 100*f.ShareCI[0], 100*f.ShareCI[1], human(f.Seconds), 100*f.SlowShare)
		n++
	}
	if len(r.Rework) > 0 {
		section("Rework:")
		for i, rw := range r.Rework {
			if i == top {
				break
			}
			fmt.Fprintf(out, "  %s\n", rw)
		}
	}
	var sig []string
	for _, s := range r.Segments {
		if s.Significant && len(s.Segments) > 0 && len(sig) < top {
			sig = append(sig, "  "+s.String())
		}
	}
	for _, v := range r.Involvements {
		if v.Significant && len(sig) < top {
			sig = append(sig, "  "+v.String())
		}
	}
	if len(sig) > 0 {
		section("Which attributes explain slow cases:")
		fmt.Fprintln(out, strings.Join(sig, "\n"))
	}
	var slow []string
	for _, s := range r.Speeds {
		if s.Significant && s.Effect > 0 && len(slow) < top {
			slow = append(slow, fmt.Sprintf("  %s on %s: median %s against %s for the others (%.1f×, %d instances)",
				s.Resource, s.Activity, human(s.MedianService), human(s.OthersMedian), s.Ratio, s.Instances))
		}
	}
	if len(slow) > 0 {
		section("Resources significantly slower on the same activity:")
		fmt.Fprintln(out, strings.Join(slow, "\n"))
	}
	if !full {
		return
	}
	if r.SLA != nil {
		section(fmt.Sprintf("Service levels (%s; breach rate with a %.0f %% Wilson interval):", r.SLA.Calendar, 100*r.SLA.Level))
		for _, x := range r.SLA.Rules {
			fmt.Fprintf(out, "  %s: %d of %d breached, %.1f %% (%.1f–%.1f %%); median %s", x.Name, x.Breaches, x.Measured,
				100*x.BreachRate, 100*x.RateLow, 100*x.RateHigh, human(x.MedianSeconds))
			if x.OpenBreached+x.OpenAtRisk > 0 {
				fmt.Fprintf(out, "; open: %d already breached, %d at risk", x.OpenBreached, x.OpenAtRisk)
			}
			fmt.Fprintln(out)
			if x.Lost != nil && len(x.Lost.Handovers) > 0 {
				h := x.Lost.Handovers[0]
				fmt.Fprintf(out, "    breached cases lose most on %s → %s: %.0f %% of their waiting (others: %.0f %%)\n",
					h.From, h.To, 100*h.BreachedShare, 100*h.OtherShare)
			}
			if x.Change != nil && x.Change.Significant {
				fmt.Fprintf(out, "    %s\n", x.Change.Text)
			}
			for _, w := range x.Warnings {
				fmt.Fprintf(out, "    warning: %s\n", w)
			}
		}
	}
	if c := r.Drift.CycleChange; c != nil && c.Significant {
		section("Drift:")
		fmt.Fprintf(out, "  since the week of %s the weekly median cycle time went from %s to %s (Pettitt p = %.2g)\n",
			c.Since, human(c.Before), human(c.After), c.P)
	}
	var bsig []string
	for _, b := range r.BreachSegments {
		if b.Significant && len(bsig) < top {
			v := b.Values[0]
			bsig = append(bsig, fmt.Sprintf("  %s: by %s (Cramér's V %.2f, p = %.2g); worst %s = %s: %.0f %% of its %d cases breached",
				b.Rule, b.Attribute, b.CramersV, b.P, b.Attribute, v.Value, 100*v.Rate, v.Measured))
		}
	}
	if len(bsig) > 0 {
		section("Which case attributes explain SLA breaches:")
		fmt.Fprintln(out, strings.Join(bsig, "\n"))
	}
	for _, pp := range []struct {
		what string
		list []perf.PingPong
	}{{"resources", r.PingPong}, {"groups", r.GroupPingPong}} {
		if len(pp.list) == 0 {
			continue
		}
		section("Ping-pong between " + pp.what + " (A → B → A):")
		for i, p := range pp.list {
			if i == top {
				break
			}
			fmt.Fprintf(out, "  %s ⇄ %s: %d times in %d cases\n", p.Resources[0], p.Resources[1], p.Times, p.Cases)
		}
	}
}

func trunc(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
