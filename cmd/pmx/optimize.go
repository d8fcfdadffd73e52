package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/analyze"
	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/sim/fit"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/optimize"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/analysis/units"
	"github.com/pmx-dev/pmx/report"
	"github.com/pmx-dev/pmx/report/outfile"
)

func runOptimize(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "optimize", "(--log NAME | FILE) [--model SIM.yaml] [--objective cycle_time|waiting|sla_breach|cost] [--sla RULES.yaml] [flags]")
	src := addSourceFlags(fs)
	var (
		modelPath, objective, slaPath, zone, out, scenarios, automatable string
		budgetStaff, maxCandidates, replications, cases, top             int
		budgetCost, staffCost, automationCost, changeCost                float64
		timeLimit                                                        time.Duration
		seed                                                             uint64
	)
	fs.StringVar(&modelPath, "model", "", "simulation model (YAML, as pmx simulate --write-model writes it) instead of fitting one to the log")
	fs.StringVar(&objective, "objective", optimize.CycleTime, "what to improve: cycle_time (mean), waiting (mean per activity), sla_breach (share of cases breaching an SLA; needs --sla) or cost (weekly staff cost, cycle time kept within 5 %)")
	fs.StringVar(&slaPath, "sla", "", "SLA rules (YAML): the sla_breach objective, and breach rates among the KPIs")
	fs.StringVar(&zone, "zone", "UTC", "zone the fitted calendars and arrival profile are in (IANA, e.g. Europe/Amsterdam)")
	fs.IntVar(&budgetStaff, "budget-staff", -1, "most people to add, net of people removed (moves are free; 0 also rules out longer working days); -1: no cap")
	fs.Float64Var(&budgetCost, "budget-cost", 0, "most weekly cost to add (in --staff-cost units); 0: no cap")
	fs.Float64Var(&staffCost, "staff-cost", 1, "cost of a staff hour where the model's pool has no cost_per_hour (1: costs count staff hours)")
	fs.Float64Var(&automationCost, "automation-cost", 0, "weekly cost of running one automated step")
	fs.Float64Var(&changeCost, "change-cost", 0, "weekly cost of one other process change (a rework loop removed, a wait halved, two steps reordered)")
	fs.StringVar(&automatable, "automatable", "", "comma-separated steps that may be automated (default: short routine steps; \"none\": none)")
	fs.IntVar(&maxCandidates, "max-candidates", 500, "most candidates to simulate")
	fs.IntVar(&replications, "replications", 10, "replications per candidate raced to a verdict (screening uses 3)")
	fs.DurationVar(&timeLimit, "time-limit", 2*time.Minute, "stop searching after this long (e.g. 90s, 5m)")
	fs.IntVar(&cases, "cases", 0, "cases per replication (default: as many as the log has)")
	fs.IntVar(&top, "top", 10, "recommendations to list")
	fs.Uint64Var(&seed, "seed", 1, "random seed (same seed, same answer when the search ends before --time-limit)")
	fs.StringVar(&out, "o", "", "also write the result as JSON to FILE (for pmx report --optimize-results)")
	fs.StringVar(&scenarios, "write-scenarios", "", "write each recommendation as a scenario file (rank-1.yaml, …) into DIR, for pmx simulate --scenario")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if !contains(optimize.Objectives, objective) {
		return fmt.Errorf("--objective %q: want one of %s: %w", objective, strings.Join(optimize.Objectives, ", "), errUsage)
	}
	if objective == optimize.SLABreach && slaPath == "" {
		return fmt.Errorf("--objective sla_breach needs --sla RULES.yaml: %w", errUsage)
	}
	if maxCandidates < 1 || replications < 2 || cases < 0 || top < 1 || timeLimit <= 0 || budgetCost < 0 || staffCost <= 0 || automationCost < 0 || changeCost < 0 {
		return fmt.Errorf("--max-candidates ≥ 1, --replications ≥ 2, --cases ≥ 0, --top ≥ 1, --time-limit > 0, costs ≥ 0 (--staff-cost > 0): %w", errUsage)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return fmt.Errorf("--zone %q: %v: %w", zone, err, errUsage)
	}
	guard := src.guard(pos, modelPath, slaPath)
	if out != "" {
		if err := guard.Check(out); err != nil {
			return err
		}
	}
	var rules *sla.Rules
	if slaPath != "" {
		if rules, err = sla.ParseFile(slaPath); err != nil {
			return err
		}
	}
	o := optimize.Options{Objective: objective, SLA: rules, BudgetStaff: budgetStaff, BudgetCost: budgetCost,
		Costs:         optimize.Costs{StaffPerHour: staffCost, Automation: automationCost, Process: changeCost},
		MaxCandidates: maxCandidates, Replications: replications, TimeLimit: timeLimit, Top: top, Seed: seed}
	switch automatable {
	case "":
	case "none":
		o.Automatable = []string{}
	default:
		for _, a := range strings.Split(automatable, ",") {
			o.Automatable = append(o.Automatable, strings.TrimSpace(a))
		}
	}

	p := startProgress(e, "optimize")
	defer p.Stop()
	var l *timeline.Log
	if src.log != "" || len(pos) > 0 {
		w, name, err := src.openWarehouse(ctx, e, pos)
		if err != nil {
			return err
		}
		p.Phase("loading the activity instances", "", 0)
		l, err = timeline.LoadWith(ctx, w, name, timeline.Options{GroupAttr: "org:group"})
		if cerr := w.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		// The log's own findings point the search at what hurts.
		p.Phase("analysing the log: bottlenecks, rework, SLA", "", 0)
		ao := analyze.Options{SLA: rules, Location: loc, Skip: analyze.PartTimes | analyze.PartResources | analyze.PartWIP | analyze.PartSegments | analyze.PartDrift}
		if rules != nil && rules.Calendar != nil && rules.Calendar.Name() != calendar.Always().Name() {
			ao.Calendar = rules.Calendar
		}
		rep, err := analyze.Run(l, ao)
		if err != nil {
			return err
		}
		o.Hints = optimize.HintsFrom(rep)
	} else if modelPath == "" {
		return fmt.Errorf("no log: give --log NAME or a FILE (or --model SIM.yaml): %w", errUsage)
	}
	var m *model.Model
	if modelPath != "" {
		p.Phase("reading "+modelPath, "", 0)
		if m, err = readModel(modelPath); err != nil {
			return err
		}
	} else {
		p.Phase("fitting a simulation model to "+units.Count(int64(l.Steps()))+" activity instances", "", 0)
		if m, _, err = fit.Fit(l, fit.Options{Location: loc, Seed: seed}); err != nil {
			return err
		}
	}
	o.Cases, o.Start = simDefaults(l, m, cases, 0)
	p.Phase("searching", "", 0)
	o.Progress = func(pr optimize.Progress) {
		p.Phase(fmt.Sprintf("%s: %d candidates, %d simulations", pr.Round, pr.Evaluated, pr.Simulations), "", 0)
	}
	res, err := optimize.Optimize(m, o)
	p.Stop()
	if err != nil {
		return err
	}
	if out != "" {
		if err := outfile.Write(out, guard, func(w io.Writer) error { return writeJSON(w, res) }); err != nil {
			return err
		}
	}
	if scenarios != "" {
		if err := writeRecommendations(scenarios, guard, res); err != nil {
			return err
		}
	}
	if src.json {
		return writeJSON(e.stdout, res)
	}
	printOptimization(e.stdout, res)
	if out != "" {
		fmt.Fprintf(e.stdout, "\nwrote %s (pmx report --optimize-results %s shows it)\n", termText(out), termText(out))
	}
	if scenarios != "" {
		fmt.Fprintf(e.stdout, "wrote the recommendations as scenarios to %s (pmx simulate --scenario FILE re-runs one)\n", termText(scenarios))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func readModel(path string) (*model.Model, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return model.Read(r, path)
}

// writeRecommendations writes rank-N.yaml scenario files into dir.
func writeRecommendations(dir string, guard *outfile.Guard, res *optimize.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, r := range res.Recommendations {
		path := filepath.Join(dir, "rank-"+strconv.Itoa(r.Rank)+".yaml")
		sc := &scenario.Scenario{Name: fmt.Sprintf("recommendation %d (%s)", r.Rank, res.Objective), Changes: r.Apply}
		if err := outfile.Write(path, guard, func(w io.Writer) error { return scenario.Write(w, sc) }); err != nil {
			return err
		}
	}
	return nil
}

// objectiveText shows an objective's value for people.
func objectiveText(res *optimize.Result, v float64) string {
	switch res.Objective {
	case optimize.SLABreach:
		return units.Percent(v) + " breaching"
	case optimize.Cost:
		return costText(res, v) + " a week"
	}
	return units.Duration(v * 3600)
}

func costText(res *optimize.Result, v float64) string {
	if res.Costs.StaffPerHour == 1 {
		return fmt.Sprintf("%s staff hours", strconv.FormatFloat(v, 'f', 0, 64))
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func signedCost(res *optimize.Result, v float64) string {
	if v > 0 {
		return "+" + costText(res, v)
	}
	if v < 0 {
		return "−" + costText(res, -v)
	}
	return "no extra cost"
}

func printOptimization(w io.Writer, res *optimize.Result) {
	what := objectiveNames[res.Objective]
	fmt.Fprintf(w, "objective: %s; %d replications of %s cases each, common random numbers\n", what, res.Replications, units.Count(int64(res.Cases)))
	fmt.Fprintf(w, "baseline: %s; staff %s a week\n", objectiveText(res, res.Baseline.Objective), costText(res, res.Baseline.Cost))
	fmt.Fprintf(w, "searched %d candidates in %d simulations, %.1f s (%.0f %% simulating); %s\n", res.Evaluated, res.Simulations,
		res.Seconds, 100*res.SimulationShare, res.Stopped)
	if len(res.Recommendations) == 0 {
		fmt.Fprintln(w, "\nno change improves the objective significantly")
		return
	}
	fmt.Fprintln(w, "\nrecommendations")
	for _, r := range res.Recommendations {
		fmt.Fprintf(w, "%2d. %s\n", r.Rank, termText(strings.Join(r.Changes, "; ")))
		fmt.Fprintf(w, "    %s → %s (95 %% CI of the gain %s to %s); %s a week\n", objectiveText(res, res.Baseline.Objective),
			objectiveText(res, r.Objective), gainText(res, r.ImprovedCI[0]), gainText(res, r.ImprovedCI[1]), signedCost(res, r.Cost))
		for _, s := range r.Sentences {
			fmt.Fprintf(w, "    %s\n", termText(s))
		}
	}
	fmt.Fprintln(w, "\nPareto front (cost a week against the objective)")
	for _, pt := range res.Pareto {
		rank := ""
		if pt.Rank > 0 {
			rank = fmt.Sprintf(" (recommendation %d)", pt.Rank)
		}
		changes := strings.Join(pt.Changes, "; ")
		if changes == "" {
			changes = "as it is"
		}
		fmt.Fprintf(w, "  %-22s %-24s %s%s\n", signedCost(res, pt.Cost), objectiveText(res, pt.Objective), termText(changes), rank)
	}
}

func gainText(res *optimize.Result, v float64) string {
	switch res.Objective {
	case optimize.SLABreach:
		return fmt.Sprintf("%.1f points", 100*v)
	case optimize.Cost:
		return costText(res, v)
	}
	return units.Duration(v * 3600)
}

// objectiveNames say what each objective measures.
var objectiveNames = map[string]string{optimize.CycleTime: "mean cycle time", optimize.Waiting: "mean waiting per activity",
	optimize.SLABreach: "share of cases breaching an SLA rule", optimize.Cost: "weekly staff cost, mean cycle time kept within 5 %"}

// reportOptimization is the report's view of a result.
func reportOptimization(res *optimize.Result) *report.Optimization {
	unit := "hours"
	switch res.Objective {
	case optimize.SLABreach:
		unit = "share"
	case optimize.Cost:
		unit = "cost"
	}
	costUnit := ""
	if res.Costs.StaffPerHour == 1 {
		costUnit = "staff hours"
	}
	o := &report.Optimization{Objective: objectiveNames[res.Objective], Unit: unit, CostUnit: costUnit,
		Baseline: res.Baseline.Objective, BaselineCost: res.Baseline.Cost, Evaluated: res.Evaluated, Simulations: res.Simulations,
		Replications: res.Replications, Seconds: res.Seconds, SimulationShare: res.SimulationShare, Stopped: res.Stopped}
	for _, r := range res.Recommendations {
		o.Recommendations = append(o.Recommendations, report.Recommendation{Rank: r.Rank, Changes: r.Changes, Objective: r.Objective,
			GainLow: r.ImprovedCI[0], GainHigh: r.ImprovedCI[1], Cost: r.Cost, Sentences: r.Sentences})
	}
	for _, p := range res.Pareto {
		o.Pareto = append(o.Pareto, report.ParetoPoint{Changes: p.Changes, Objective: p.Objective, Cost: p.Cost, Rank: p.Rank})
	}
	return o
}

// optimizeResult reads a pmx optimize -o file.
func optimizeResult(path string) (*optimize.Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r optimize.Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: not a pmx optimize result: %w", path, err)
	}
	if r.Objective == "" {
		return nil, fmt.Errorf("%s: not a pmx optimize result (no objective)", path)
	}
	return &r, nil
}
