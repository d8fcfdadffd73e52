package main

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/fit"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
	"github.com/pmx-dev/pmx/analysis/sim/simlog"
	"github.com/pmx-dev/pmx/analysis/sim/validate"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/analysis/units"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/pnml"
	"github.com/pmx-dev/pmx/report"
	"github.com/pmx-dev/pmx/report/outfile"
)

// simFlags are pmx simulate's flags besides the log source.
type simFlags struct {
	model, writeModel, mode, zone, from, out, name, sla string
	modelBPMN, modelPNML, process                       string
	cases, replications                                 int
	seed                                                uint64
	validate, replace                                   bool
	scenarios                                           multiFlag
}

// multiFlag is a flag that may be given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runSimulate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "simulate", "(--log NAME | FILE | --model SIM.yaml) [--model-bpmn FILE.bpmn | --model-pnml FILE.pnml] [--validate | --scenario FILE... | -o FILE | --name NEW | --write-model SIM.yaml] [flags]")
	src := addSourceFlags(fs)
	f := &simFlags{}
	fs.StringVar(&f.model, "model", "", "simulation model (YAML, as --write-model writes it) instead of fitting one to the log")
	fs.StringVar(&f.writeModel, "write-model", "", "write the fitted (or loaded) model to this YAML file, to read or edit")
	fs.StringVar(&f.mode, "mode", model.Variants, "routing when fitting: variants (replay whole observed paths) or tree (play out the IMf process tree)")
	fs.StringVar(&f.modelBPMN, "model-bpmn", "", "simulate this designed process (BPMN 2.0): its paths, lanes and the probabilities and durations it gives, the rest fitted to the log")
	fs.StringVar(&f.process, "process", "", "--model-bpmn: the process to simulate, in a file with several (its id)")
	fs.StringVar(&f.modelPNML, "model-pnml", "", "simulate this designed process given as a workflow net (PNML), the rest fitted to the log")
	fs.StringVar(&f.zone, "zone", "UTC", "zone the fitted calendars and arrival profile are in (IANA, e.g. Europe/Amsterdam)")
	fs.IntVar(&f.cases, "cases", 0, "cases to simulate (default: as many as the log has)")
	fs.StringVar(&f.from, "from", "", "when the simulated arrivals start (RFC 3339; default: where the log ends)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed (same seed, same output)")
	fs.IntVar(&f.replications, "replications", 10, "--validate and --scenario: replications")
	fs.BoolVar(&f.validate, "validate", false, "fit on the first 70 % of cases, simulate the rest, and measure the distance to the real log")
	fs.Var(&f.scenarios, "scenario", "what-if scenario (YAML; repeatable): compare it with the baseline")
	fs.StringVar(&f.sla, "sla", "", "--scenario: SLA rules (YAML) whose breach rates are compared too")
	fs.StringVar(&f.out, "o", "", "write the simulated log to FILE (.csv, .csv.gz, .xes, .xes.gz, .parquet)")
	fs.StringVar(&f.name, "name", "", "store the simulated log in the warehouse (--db) as this log")
	fs.BoolVar(&f.replace, "replace", false, "--name: replace a log of that name")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	modes := 0
	for _, b := range []bool{f.validate, len(f.scenarios) > 0, f.out != "" || f.name != ""} {
		if b {
			modes++
		}
	}
	switch {
	case modes > 1:
		return fmt.Errorf("give one of --validate, --scenario, or -o/--name: %w", errUsage)
	case modes == 0 && f.writeModel == "":
		return fmt.Errorf("nothing to do: give -o FILE or --name NEW (a simulated log), --validate, --scenario FILE, or --write-model FILE: %w", errUsage)
	case f.mode != model.Variants && f.mode != model.Tree:
		return fmt.Errorf("--mode %q: want variants or tree (a designed process: --model-bpmn or --model-pnml): %w", f.mode, errUsage)
	case f.modelBPMN != "" && f.modelPNML != "":
		return fmt.Errorf("give one of --model-bpmn and --model-pnml: %w", errUsage)
	case (f.modelBPMN != "" || f.modelPNML != "") && (f.model != "" || f.mode != model.Variants):
		return fmt.Errorf("--model-bpmn and --model-pnml fit a model of mode net to the log: leave out --model and --mode: %w", errUsage)
	case f.process != "" && f.modelBPMN == "":
		return fmt.Errorf("--process picks a process of --model-bpmn's file: %w", errUsage)
	case f.cases < 0 || f.replications < 1:
		return fmt.Errorf("--cases must be ≥ 0 and --replications ≥ 1: %w", errUsage)
	case f.validate && f.model != "":
		return fmt.Errorf("--validate fits its own model on the training cases; leave out --model: %w", errUsage)
	}
	loc, err := time.LoadLocation(f.zone)
	if err != nil {
		return fmt.Errorf("--zone %q: %v: %w", f.zone, err, errUsage)
	}
	var from int64
	if f.from != "" {
		t, err := time.Parse(time.RFC3339, f.from)
		if err != nil {
			return fmt.Errorf("--from %q: want an RFC 3339 instant such as 2026-07-06T08:00:00+02:00: %w", f.from, errUsage)
		}
		from = t.UnixMicro()
	}
	guard := src.guard(pos, f.model, f.sla, f.modelBPMN, f.modelPNML)
	for _, s := range f.scenarios {
		guard.Protect(s, "an input of this command")
	}
	for _, out := range []string{f.out, f.writeModel} {
		if out != "" {
			if err := guard.Check(out); err != nil {
				return err
			}
		}
	}
	if f.out != "" && simOutFormat(f.out) == "" {
		return fmt.Errorf("-o %s: write .csv, .csv.gz, .xes, .xes.gz or .parquet: %w", f.out, errUsage)
	}
	var rules *sla.Rules
	if f.sla != "" {
		if rules, err = sla.ParseFile(f.sla); err != nil {
			return err
		}
	}
	var scs []*scenario.Scenario
	for _, path := range f.scenarios {
		sc, err := readScenario(path)
		if err != nil {
			return err
		}
		scs = append(scs, sc)
	}
	// The log, when one is given (a model file alone can be simulated).
	var l *timeline.Log
	var w *warehouse.Warehouse
	if src.log != "" || len(pos) > 0 {
		var name string
		if w, name, err = src.openWarehouse(ctx, e, pos); err != nil {
			return err
		}
		defer w.Close()
		// Groups (org:group) name the resource pools where the log has them.
		if l, err = timeline.LoadWith(ctx, w, name, timeline.Options{GroupAttr: "org:group"}); err != nil {
			return err
		}
	} else if f.model == "" {
		return fmt.Errorf("no log: give --log NAME or a FILE (or --model SIM.yaml): %w", errUsage)
	}
	if f.name != "" && (w == nil || src.log == "") {
		return fmt.Errorf("--name stores the simulated log in the warehouse: use it with --log NAME (and --db), or write a file with -o: %w", errUsage)
	}
	fo := fit.Options{Location: loc, Mode: f.mode, Seed: f.seed}
	if f.modelBPMN != "" || f.modelPNML != "" {
		if l == nil {
			return fmt.Errorf("--model-bpmn and --model-pnml fit durations, arrivals and resources to a log: give --log NAME or a FILE: %w", errUsage)
		}
		if fo.Design, err = simDesign(f, l); err != nil {
			return err
		}
		fo.Mode = model.Net
	}
	if f.validate {
		return simValidate(ctx, e, src, l, f, fo)
	}
	p := startProgress(e, "simulate")
	m, rep, err := simModel(ctx, p, l, f, fo)
	p.Stop()
	if err != nil {
		return err
	}
	if fo.Design != nil && !src.json {
		// What the design's reading approximated, and how well the log fits
		// it, matter to whoever reads the figures.
		for _, n := range rep.Notes {
			fmt.Fprintf(e.stderr, "note: %s\n", n)
		}
	}
	if f.writeModel != "" {
		if err := outfile.Write(f.writeModel, guard, func(w io.Writer) error { return model.Write(w, m) }); err != nil {
			return err
		}
		if !src.json {
			fmt.Fprintf(e.stdout, "wrote the model to %s%s\n", f.writeModel, fitSummary(m, rep))
		}
		if modes == 0 {
			if src.json {
				return writeJSON(e.stdout, map[string]any{"model": f.writeModel, "fit": rep})
			}
			return nil
		}
	}
	cases, start := simDefaults(l, m, f.cases, from)
	if len(scs) > 0 {
		return simScenarios(e, src.json, m, scs, scenario.Options{Cases: cases, Start: start, Seed: f.seed,
			Replications: f.replications, SLA: rules})
	}
	return simGenerate(ctx, e, src, w, guard, m, f, cases, start)
}

// simModel loads the model file, or fits one to the log.
func simModel(ctx context.Context, p *progress, l *timeline.Log, f *simFlags, fo fit.Options) (*model.Model, *fit.Report, error) {
	if f.model != "" {
		p.Phase("reading "+f.model, "", 0)
		r, err := os.Open(f.model)
		if err != nil {
			return nil, nil, err
		}
		defer r.Close()
		m, err := model.Read(r, f.model)
		return m, nil, err
	}
	p.Phase("fitting a model to "+units.Count(int64(l.Steps()))+" activity instances", "", 0)
	if f.mode == model.Tree {
		t, err := imfTree(l)
		if err != nil {
			return nil, nil, err
		}
		fo.Tree = t
	}
	return fit.FitContext(ctx, l, fo)
}

// simDesign reads --model-bpmn or --model-pnml as the design mode net
// plays, its task names matched to the log's activities.
func simDesign(f *simFlags, l *timeline.Log) (*fit.Design, error) {
	path := f.modelBPMN + f.modelPNML
	r, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if f.modelPNML != "" {
		n, err := pnml.Read(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return fit.DesignFromNet(n, l.Activities), nil
	}
	bm, err := bpmn.Read(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d, err := fit.DesignFromBPMN(bm, f.process, l.Activities)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// imfTree discovers the process tree tree mode plays out.
func imfTree(l *timeline.Log) (string, error) {
	traces := make([][]string, l.Cases())
	for c := range traces {
		for i := l.CaseStart[c]; i < l.CaseStart[c+1]; i++ {
			traces[c] = append(traces[c], l.Activities[l.Act[i]])
		}
	}
	m, err := discover.Discover(eventlog.FromTraces(traces), discover.Options{Algorithm: "imf"})
	if err != nil {
		return "", err
	}
	return m.Tree.String(), nil
}

// simDefaults: as many cases as the log (or the model was fitted on),
// starting where the log (or the model's fit) ends.
func simDefaults(l *timeline.Log, m *model.Model, cases int, from int64) (int, int64) {
	if cases == 0 {
		switch {
		case l != nil:
			cases = l.Cases()
		case m.Fitted != nil && m.Fitted.Cases > 0:
			cases = m.Fitted.Cases
		default:
			cases = 1000
		}
	}
	if from == 0 {
		switch {
		case l != nil:
			for _, t := range l.Time {
				from = max(from, t)
			}
		case m.Fitted != nil:
			if t, err := time.Parse(time.RFC3339, m.Fitted.To); err == nil {
				from = t.UnixMicro()
			}
		}
		if from == 0 {
			from = time.Now().UTC().Truncate(time.Hour).UnixMicro()
		}
	}
	return cases, from
}

func fitSummary(m *model.Model, rep *fit.Report) string {
	if rep == nil {
		return ""
	}
	starts := "start times recorded"
	if !rep.Starts {
		starts = "start times estimated from resource availability"
	}
	routing := fmt.Sprintf("%d variants", len(m.Routing.Variants))
	switch {
	case m.Routing.Net != nil:
		routing = fmt.Sprintf("a designed net of %d transitions", len(m.Routing.Net.Transitions))
	case m.Routing.Mode == model.Tree:
		routing = "a process tree"
	}
	return fmt.Sprintf(" (fitted on %s cases: %s, %d activities, %d resource pools; %s)", units.Count(int64(rep.Cases)),
		routing, len(m.Acts), rep.Pools, starts)
}

func readScenario(path string) (*scenario.Scenario, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return scenario.Parse(r, path)
}

// simOutFormat is the simulated log's file format by extension.
func simOutFormat(path string) string {
	p := strings.ToLower(path)
	switch {
	case strings.HasSuffix(p, ".csv"), strings.HasSuffix(p, ".csv.gz"):
		return "csv"
	case strings.HasSuffix(p, ".xes"), strings.HasSuffix(p, ".xes.gz"):
		return "xes"
	case strings.HasSuffix(p, ".parquet"):
		return "parquet"
	}
	return ""
}

// simGenerate simulates one log and writes it.
func simGenerate(ctx context.Context, e *env, src *source, w *warehouse.Warehouse, guard *outfile.Guard, m *model.Model, f *simFlags, cases int, start int64) error {
	s, err := engine.Compile(m)
	if err != nil {
		return err
	}
	p := startProgress(e, "simulate")
	p.Phase(fmt.Sprintf("simulating %s cases", units.Count(int64(cases))), "", 0)
	rec := simlog.Recorder(s, "sim-")
	res, err := s.Run(engine.Options{Cases: cases, WarmUp: cases / 10, CoolDown: cases / 20, Start: start, Seed: f.seed,
		Emit: rec.Emit, CaseAttributes: rec.CaseAttributes})
	if err != nil {
		p.Stop()
		return err
	}
	dest := f.out
	switch {
	case f.name != "":
		p.Phase("storing as log "+f.name, "", 0)
		_, err = w.Import(ctx, warehouse.ImportOptions{Name: f.name, Source: "pmx simulate", Format: "simulation", Replace: f.replace}, rec.Read)
		dest = "log " + f.name + " in " + src.db
	case simOutFormat(f.out) == "parquet":
		p.Phase("writing "+f.out, "", 0)
		err = writeParquet(ctx, rec, f.out, guard)
	default:
		p.Phase("writing "+f.out, "", 0)
		err = outfile.Write(f.out, guard, func(out io.Writer) error {
			if strings.HasSuffix(strings.ToLower(f.out), ".gz") {
				zw := gzip.NewWriter(out)
				if err := writeSimLog(rec, f.out, zw); err != nil {
					return err
				}
				return zw.Close()
			}
			return writeSimLog(rec, f.out, out)
		})
	}
	p.Stop()
	if err != nil {
		return err
	}
	sum := simSummary{Output: dest, Cases: res.Cases, Instances: res.Instances,
		From: time.UnixMicro(res.First).UTC().Format(time.RFC3339), To: time.UnixMicro(res.Last).UTC().Format(time.RFC3339),
		Seed: f.seed, CycleTimeHours: map[string]float64{}, Utilisation: map[string]float64{}}
	kv, _ := scenario.KPIs(m, scenario.Options{Cases: cases, Start: start, Seed: f.seed, Replications: 1})
	for k, v := range kv {
		switch {
		case strings.HasPrefix(k, "cycle_time_"):
			sum.CycleTimeHours[strings.TrimSuffix(strings.TrimPrefix(k, "cycle_time_"), "_hours")] = v[0]
		case strings.HasPrefix(k, "utilisation:"):
			sum.Utilisation[strings.TrimPrefix(k, "utilisation:")] = v[0]
		}
	}
	if src.json {
		return writeJSON(e.stdout, sum)
	}
	fmt.Fprintf(e.stdout, "simulated %s cases (%s activity instances), %s → %s; wrote %s\n", units.Count(int64(sum.Cases)),
		units.Count(int64(sum.Instances)), sum.From, sum.To, dest)
	fmt.Fprintf(e.stdout, "cycle time: median %s, mean %s, p90 %s\n", units.Duration(3600*sum.CycleTimeHours["p50"]),
		units.Duration(3600*sum.CycleTimeHours["mean"]), units.Duration(3600*sum.CycleTimeHours["p90"]))
	for _, p := range sortedNames(sum.Utilisation) {
		fmt.Fprintf(e.stdout, "  %-30s utilisation %s\n", p, units.Percent(sum.Utilisation[p]))
	}
	return nil
}

// simSummary is what pmx simulate -o/--name prints (--json: this value).
type simSummary struct {
	Output         string             `json:"output"`
	Cases          int                `json:"cases"`
	Instances      int                `json:"instances"`
	From           string             `json:"from"`
	To             string             `json:"to"`
	Seed           uint64             `json:"seed"`
	CycleTimeHours map[string]float64 `json:"cycle_time_hours"`
	Utilisation    map[string]float64 `json:"utilisation"`
}

func writeSimLog(rec *simlog.Log, path string, w io.Writer) error {
	if simOutFormat(path) == "xes" {
		return rec.WriteXES(w)
	}
	return rec.WriteCSV(w)
}

// writeParquet writes the simulated log as Parquet through DuckDB, from a
// temporary CSV next to the output.
func writeParquet(ctx context.Context, rec *simlog.Log, path string, guard *outfile.Guard) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pmx-sim-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := rec.WriteCSV(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return outfile.WritePath(path, guard, func(tmpPath string) error { return warehouse.CSVToParquet(ctx, tmp.Name(), tmpPath) })
}

// simValidate runs pmx simulate --validate.
func simValidate(ctx context.Context, e *env, src *source, l *timeline.Log, f *simFlags, fo fit.Options) error {
	p := startProgress(e, "validate")
	p.Phase(fmt.Sprintf("fitting on 70 %% of %s cases, simulating the rest %d times", units.Count(int64(l.Cases())), f.replications), "", 0)
	if f.mode == model.Tree {
		t, err := imfTree(l)
		if err != nil {
			p.Stop()
			return err
		}
		fo.Tree = t
	}
	r, err := validate.Run(l, validate.Options{Replications: f.replications, Seed: f.seed, Fit: fo})
	p.Stop()
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, r)
	}
	fmt.Fprintf(e.stdout, "validation of a model fitted on the first %s cases against the last %s (%d replications; 95 %% intervals)\n",
		units.Count(int64(r.Train)), units.Count(int64(r.Test)), r.Replications)
	for _, k := range []string{"ngram_2_distance", "ngram_3_distance", "cycle_time_emd_hours", "relative_event_emd_hours",
		"absolute_event_emd_hours", "circadian_emd", "arrival_emd_hours"} {
		v := r.Measures[k]
		fmt.Fprintf(e.stdout, "  %-26s %10.3f  (%.3f–%.3f)\n", k, v.Mean, v.Low, v.High)
	}
	fmt.Fprintf(e.stdout, "the test cases' median cycle time is %s\n", units.Duration(3600*r.TestMedianCycleHours))
	for _, n := range r.Fit.Notes {
		fmt.Fprintf(e.stdout, "note: %s\n", n)
	}
	return nil
}

// simScenarios compares each scenario with the baseline.
func simScenarios(e *env, asJSON bool, m *model.Model, scs []*scenario.Scenario, o scenario.Options) error {
	var out []*scenario.Comparison
	for _, sc := range scs {
		p := startProgress(e, "scenario "+sc.Name)
		p.Phase(fmt.Sprintf("baseline and scenario, %d replications of %s cases", o.Replications, units.Count(int64(o.Cases))), "", 0)
		c, err := scenario.Compare(m, sc, o)
		p.Stop()
		if err != nil {
			return err
		}
		out = append(out, c)
	}
	if asJSON {
		if len(out) == 1 {
			return writeJSON(e.stdout, out[0])
		}
		return writeJSON(e.stdout, out)
	}
	for _, c := range out {
		fmt.Fprintf(e.stdout, "scenario %s: %s (%d replications of %s cases, common random numbers)\n", c.Name,
			strings.Join(c.Changes, "; "), c.Replications, units.Count(int64(c.Cases)))
		for _, s := range c.Sentences {
			fmt.Fprintf(e.stdout, "  %s\n", s)
		}
		fmt.Fprintf(e.stdout, "  %-44s %12s %12s %12s  %s\n", "KPI", "baseline", "scenario", "change", "95 % CI of the change")
		for _, d := range c.Differences {
			mark := " "
			if d.Significant {
				mark = "*"
			}
			fmt.Fprintf(e.stdout, " %s%-44s %12.4g %12.4g %+12.4g  %+.4g … %+.4g\n", mark, trunc(d.KPI, 44), d.Baseline, d.Scenario, d.Delta, d.Low, d.High)
		}
	}
	return nil
}

func sortedNames(m map[string]float64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// whatIf builds the report's what-if section: the validation of a model
// fitted to the log, and each scenario against a model fitted to the whole
// log.
func whatIf(ctx context.Context, w *warehouse.Warehouse, name string, scs []*scenario.Scenario, rules *sla.Rules, loc *time.Location, seed uint64, reps int) (*report.WhatIf, error) {
	l, err := timeline.LoadWith(ctx, w, name, timeline.Options{GroupAttr: "org:group"})
	if err != nil {
		return nil, err
	}
	fo := fit.Options{Location: loc, Seed: seed}
	out := &report.WhatIf{}
	if v, err := validate.Run(l, validate.Options{Replications: reps, Seed: seed, Fit: fo}); err == nil {
		rv := &report.Validation{Train: v.Train, Test: v.Test, Replications: v.Replications, TestMedianCycleHours: v.TestMedianCycleHours}
		for _, k := range []string{"ngram_2_distance", "ngram_3_distance", "cycle_time_emd_hours", "relative_event_emd_hours",
			"absolute_event_emd_hours", "circadian_emd", "arrival_emd_hours"} {
			m := v.Measures[k]
			rv.Measures = append(rv.Measures, report.Measure{Name: k, Mean: float64(m.Mean), Low: float64(m.Low), High: float64(m.High)})
		}
		out.Validation = rv
	} else if !errors.Is(err, validate.ErrTooSmall) {
		return nil, err
	}
	m, _, err := fit.Fit(l, fo)
	if err != nil {
		return nil, err
	}
	cases, start := simDefaults(l, m, 0, 0)
	for _, sc := range scs {
		c, err := scenario.Compare(m, sc, scenario.Options{Cases: cases, Start: start, Seed: seed, Replications: reps, SLA: rules})
		if err != nil {
			return nil, err
		}
		rs := report.Scenario{Name: c.Name, Changes: c.Changes, Sentences: c.Sentences, Replications: c.Replications}
		for _, d := range c.Differences {
			rs.KPIs = append(rs.KPIs, report.ScenarioKPI{KPI: d.KPI, Baseline: d.Baseline, Scenario: d.Scenario, Delta: d.Delta,
				Low: d.Low, High: d.High, Significant: d.Significant})
		}
		out.Scenarios = append(out.Scenarios, rs)
	}
	return out, nil
}
