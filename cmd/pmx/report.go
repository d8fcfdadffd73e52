package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/analyze"
	"github.com/pmx-dev/pmx/analysis/compare"
	"github.com/pmx-dev/pmx/analysis/minelog"
	"github.com/pmx-dev/pmx/analysis/timeline"

	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/quality"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
	"github.com/pmx-dev/pmx/report"
	"github.com/pmx-dev/pmx/report/bpmnview"
	"github.com/pmx-dev/pmx/report/outfile"
)

func runReport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "report", "[flags] (--log NAME | FILE)")
	src := addSourceFlags(fs)
	out := fs.String("o", "report.html", "output HTML file")
	top := fs.Int("top", 20, "variants shown")
	mf := addModelFlags(fs)
	af := &analyzeFlags{alpha: 0.01, seed: 1, top: 10}
	fs.StringVar(&af.sla, "sla", "", "SLA rules (YAML) for the service-level section")
	fs.StringVar(&af.calendar, "calendar", "", "business calendar (YAML) for business time")
	var scenarioFiles multiFlag
	fs.Var(&scenarioFiles, "scenario", "what-if scenario (YAML; repeatable): adds a What-if section (the simulation model's validation and the scenario against the baseline)")
	replications := fs.Int("replications", 10, "what-if section: simulation replications")
	optimizeFile := fs.String("optimize-results", "", "pmx optimize's result (its -o FILE): adds a What-to-change section with the recommendations and the Pareto chart")
	compareLog := fs.String("compare", "", "log in the same warehouse to compare with (as pmx compare, this log or its filtered slice as A): adds a Comparison section")
	ff := addFilterFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *compareLog != "" && src.log == "" {
		return fmt.Errorf("--compare %s: compares with a log in the warehouse, so give this log with --log too (import the FILE first): %w", *compareLog, errUsage)
	}
	crit, err := ff.criteria()
	if err != nil {
		return err
	}
	spec, err := mf.spec()
	if err != nil {
		return err
	}
	guard := src.guard(pos, append([]string{spec.file, af.sla, af.calendar, *optimizeFile}, scenarioFiles...)...)
	if err := guard.Check(*out); err != nil { // before the work, not after it
		return err
	}
	ao, err := af.options()
	if err != nil {
		return err
	}
	var scs []*scenario.Scenario
	for _, path := range scenarioFiles {
		sc, err := readScenario(path)
		if err != nil {
			return err
		}
		scs = append(scs, sc)
	}
	if *replications < 2 {
		return fmt.Errorf("--replications %d: want at least 2 (the intervals need them): %w", *replications, errUsage)
	}
	var opt *report.Optimization
	if *optimizeFile != "" {
		res, err := optimizeResult(*optimizeFile)
		if err != nil {
			return err
		}
		opt = reportOptimization(res)
	}
	w, name, err := src.openWarehouse(ctx, e, pos)
	if err != nil {
		return err
	}
	defer w.Close()
	if err := w.Refresh(ctx, name); err != nil {
		return err
	}
	if *compareLog != "" { // before the work, not after it
		if _, err := w.LogID(ctx, *compareLog); err != nil {
			return fmt.Errorf("--compare: %w", err)
		}
	}
	display := name
	if !crit.Empty() { // a one-off filter: a temporary derived log, dropped after
		display = name + " (filtered)"
		if name, err = tempFiltered(ctx, w, name, crit); err != nil {
			return err
		}
		defer w.Drop(context.Background(), name)
	}
	id, err := w.LogID(ctx, name)
	if err != nil {
		return err
	}
	p := startProgress(e, "report of "+name)
	defer p.Stop()
	p.Phase("statistics, variants, directly-follows graph", "", 0)
	in, err := report.Gather(ctx, facts.Log{DB: w.DB(), ID: id, Name: display}, *top)
	if err != nil {
		return err
	}
	p.Phase("process model and conformance", "", 0)
	if in.Model, in.Designed, err = reportModel(ctx, w, name, spec, p); err != nil {
		return err
	}
	p.Phase("bottlenecks, rework, service levels", "", 0)
	if in.Analysis, err = reportAnalysis(ctx, w, name, ao); err != nil {
		return err
	}
	if len(scs) > 0 {
		p.Phase("what if: validating the simulation model and simulating the scenarios", "", 0)
		loc := time.UTC
		if ao.Calendar != nil {
			loc = ao.Calendar.Location()
		}
		if in.WhatIf, err = whatIf(ctx, w, name, scs, ao.SLA, loc, 1, *replications); err != nil {
			return fmt.Errorf("what-if section: %w", err)
		}
	}
	in.Optimize = opt
	if *compareLog != "" {
		p.Phase("comparison with "+*compareLog, "", 0)
		if in.Compare, err = reportCompare(ctx, w, facts.Log{DB: w.DB(), ID: id, Name: display}, *compareLog); err != nil {
			return fmt.Errorf("comparison section: %w", err)
		}
	}
	p.Phase("writing "+*out, "", 0)
	if err := writeReport(*out, guard, in); err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, map[string]string{"report": *out})
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	return nil
}

// modelFlags choose the report's process-model section.
type modelFlags struct {
	algo, model, process string
	noise                float64
}

func addModelFlags(fs *flag.FlagSet) *modelFlags {
	m := &modelFlags{}
	fs.StringVar(&m.algo, "model-algo", "imf", "model section: discover with this algorithm (alpha, alpha+, heuristics, im, imf, imd; none = no model section)")
	fs.StringVar(&m.model, "model", "", "model section: check this model instead of discovering one: a Petri net (PNML) or a designed BPMN 2.0 model (drawn as designed, with the deviations on it)")
	fs.StringVar(&m.process, "process", "", "with a BPMN --model of several processes (pools): the process ID")
	fs.Float64Var(&m.noise, "noise", discover.DefaultNoise, "model section: IMf/IMd noise threshold")
	return m
}

// modelSpec is what the model section shows: a PNML file, an algorithm, or
// nothing (algo "none").
type modelSpec struct {
	algo, file, process string
	noise               float64
}

func (m *modelFlags) spec() (modelSpec, error) {
	if m.model != "" {
		return modelSpec{file: m.model, process: m.process}, nil
	}
	if m.process != "" {
		return modelSpec{}, fmt.Errorf("--process goes with a BPMN --model: %w", errUsage)
	}
	if m.algo == "none" {
		return modelSpec{}, nil
	}
	if !discover.Known(m.algo) || m.algo == "dfg" {
		return modelSpec{}, fmt.Errorf("--model-algo %q: want one of %s or none: %w", m.algo, strings.Join(discover.Algorithms[:6], ", "), errUsage)
	}
	if m.noise < 0 || m.noise >= 1 {
		return modelSpec{}, fmt.Errorf("--noise %v: want a threshold in [0, 1): %w", m.noise, errUsage)
	}
	return modelSpec{algo: m.algo, noise: m.noise}, nil
}

// reportAlignBudget bounds each variant's alignment in a report: a report
// must finish; variants over it are counted as unaligned on the page.
const reportAlignBudget = 5 * time.Second

// reportModel discovers (or reads) the model and checks the log against it
// with alignments, for the report's model section; a designed BPMN model
// also gets the designed-model section, its diagram with the deviations.
func reportModel(ctx context.Context, w *warehouse.Warehouse, name string, spec modelSpec, p *progress) (*report.Model, *report.Designed, error) {
	if spec.algo == "" && spec.file == "" {
		return nil, nil, nil
	}
	l, err := minelog.Load(ctx, w, name)
	if err != nil {
		return nil, nil, err
	}
	rm := &report.Model{}
	var net *petri.Net
	var mf *modelFile
	if spec.file != "" {
		if mf, err = readModelFile(spec.file, spec.process); err != nil {
			return nil, nil, err
		}
		mf.match(l.Activities)
		net = mf.Net
		rm.Algorithm = "Model " + filepath.Base(spec.file)
	} else {
		m, err := discover.Discover(l, discover.Options{Algorithm: spec.algo, Noise: spec.noise, NoiseSet: true})
		if err != nil {
			return nil, nil, err
		}
		net, rm.Algorithm = m.Net, m.Description
		if m.Tree != nil {
			rm.Notation = m.Tree.String()
		}
	}
	if rm.DOT, err = export.PetriNetDOT(net); err != nil {
		return nil, nil, err
	}
	rm.Titles = export.PetriNetTitles(net)
	rm.Places, rm.Transitions, rm.Arcs = len(net.Places), len(net.Transitions), len(net.Arcs)
	budget := defaultMemoryBudget()
	defer limitHeap(budget)()
	q, err := quality.Evaluate(ctx, l, net, quality.Options{Method: "alignments", Precision: true, Generalization: true, Progress: variantProgress(p),
		MaxMemory: budget, Align: conformance.AlignOptions{VariantTimeout: reportAlignBudget}})
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, err
		}
		// The model is still worth showing; say what is missing.
		rm.Conformance = &report.Conformance{Method: "alignments", NotChecked: oneLine(err)}
		return rm, nil, nil
	}
	c := &report.Conformance{Method: "alignments", Fitness: float64(q.Fitness), FittingShare: float64(q.FittingShare),
		Precision: float64(q.Precision), Generalization: float64(q.Generalization), Simplicity: float64(q.Simplicity),
		Unaligned: q.UnalignedCases, UnalignedVariants: q.UnalignedVariants, UnalignedReason: unalignedReason(q),
		FitnessIsLowerBound: q.FitnessIsLowerBound, FitnessBoundReason: q.FitnessBoundReason}
	for _, a := range q.Activities {
		c.Deviations = append(c.Deviations, report.Deviation{Activity: a.Activity, LogMoves: a.LogMoves, ModelMoves: a.ModelMoves})
	}
	rm.Conformance = c
	if mf == nil || mf.BPMN == nil {
		return rm, nil, nil
	}
	d, err := reportDesigned(ctx, w, name, spec, mf, l, c)
	if err != nil {
		return nil, nil, fmt.Errorf("designed-model section: %w", err)
	}
	return rm, d, nil
}

// reportDesigned draws a designed BPMN model with how the log ran over it:
// the alignments map to its tasks and flows, the log's times give the
// flows' mean times.
func reportDesigned(ctx context.Context, w *warehouse.Warehouse, name string, spec modelSpec, mf *modelFile, l *eventlog.Log, c *report.Conformance) (*report.Designed, error) {
	al, err := conformance.Align(ctx, l, mf.Conv.Net, conformance.AlignOptions{VariantTimeout: reportAlignBudget})
	if err != nil {
		return nil, err
	}
	times, err := timeline.Load(ctx, w, name)
	if err != nil {
		return nil, err
	}
	in := bpmnview.Input{Model: mf.BPMN, Process: spec.process, Net: mf.Conv.Net, Node: mf.Conv.Node, Flow: mf.Conv.Flow, Log: l, Align: al, Times: times}
	d, _, err := bpmnview.Section(ctx, in, filepath.Base(spec.file), mf.Warnings, c)
	return d, err
}

// reportAnalysis runs pmx analyze's analyses for the report's findings and
// service-level sections.
func reportAnalysis(ctx context.Context, w *warehouse.Warehouse, name string, o analyze.Options) (*analyze.Report, error) {
	defer tightGC()()
	l, err := timeline.Load(ctx, w, name)
	if err != nil {
		return nil, err
	}
	if err := dropDuckDBCache(ctx, w); err != nil {
		return nil, err
	}
	// The page shows the findings, rework, resource speed, segments and
	// service levels, and names the business clock from its decomposition;
	// the other parts are left out (four seconds of CPU at ten million
	// instances).
	o.Skip = analyze.PartWIP | analyze.PartDrift
	if o.Calendar == nil {
		o.Skip |= analyze.PartTimes
	}
	return analyze.Run(l, o)
}

// dropDuckDBCache evicts the table blocks DuckDB keeps cached after a
// read, up to its memory limit (about 200 MB once the facts and the
// timeline of ten million instances are read), while the warehouse stays
// open for what follows: lowering the limit evicts them, and the old limit
// is restored. It is best effort: the tables of an in-memory warehouse are
// its memory and cannot go, and DuckDB then refuses the lower limit. It
// fails only if the old limit cannot be restored.
func dropDuckDBCache(ctx context.Context, w *warehouse.Warehouse) error {
	var limit string
	if err := w.DB().QueryRowContext(ctx, `SELECT current_setting('memory_limit')`).Scan(&limit); err != nil {
		return nil
	}
	if _, err := w.DB().ExecContext(ctx, `SET memory_limit = '1MB'`); err != nil {
		return nil
	}
	if _, err := w.DB().ExecContext(ctx, `SET memory_limit = '`+strings.ReplaceAll(limit, "'", "''")+`'`); err != nil {
		return fmt.Errorf("restore DuckDB's memory limit of %s: %w", limit, err)
	}
	return nil
}

// reportCompare compares log b of the warehouse with a (the report's log,
// or its filtered slice) for the comparison section, as pmx compare does.
func reportCompare(ctx context.Context, w *warehouse.Warehouse, a facts.Log, b string) (*compare.Result, error) {
	if err := w.Refresh(ctx, b); err != nil {
		return nil, err
	}
	id, err := w.LogID(ctx, b)
	if err != nil {
		return nil, err
	}
	r, err := compare.Compare(ctx, a, facts.Log{DB: w.DB(), ID: id, Name: b}, compare.Options{})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// writeReport writes atomically (a reader never sees half a report) and
// never over one of the command's inputs or the warehouse.
func writeReport(path string, g *outfile.Guard, in report.Input) error {
	return outfile.Write(path, g, func(w io.Writer) error { return report.Write(w, in) })
}

// unalignedReason is the reason most unaligned cases share ("" when none
// was given: the budget).
func unalignedReason(q *quality.Result) string {
	cases := map[string]int64{}
	for _, v := range q.Variants {
		if !v.Aligned && v.Reason != "" {
			cases[v.Reason] += v.Cases
		}
	}
	best := ""
	for r, n := range cases {
		if best == "" || n > cases[best] || n == cases[best] && r < best {
			best = r
		}
	}
	return best
}
