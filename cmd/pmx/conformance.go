package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/minelog"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/quality"
)

func runConformance(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "conformance", "(--model FILE.pnml|FILE.bpmn | --algo A) [--method alignments|tokens] [flags] (--log NAME | FILE)")
	src := addSourceFlagsAs(fs, "input-format")
	model := fs.String("model", "", "model to check against: a Petri net (PNML, as PM4Py, ProM or pmx discover write it) or a designed BPMN 2.0 model (Camunda, bpmn.io, Signavio, pmx)")
	process := fs.String("process", "", "with a BPMN --model of several processes (pools): the process ID to check against")
	algo := fs.String("algo", "", "instead of --model: discover the model with this algorithm first ("+strings.Join(discover.Algorithms[:6], ", ")+")")
	noise := fs.Float64("noise", discover.DefaultNoise, "with --algo imf/imd: noise threshold")
	method := fs.String("method", "alignments", "fitness method: alignments or tokens (token-based replay)")
	noPrecision := fs.Bool("no-precision", false, "skip precision (ETConformance)")
	generalization := fs.Bool("generalization", false, "also compute token-based generalization")
	maxStates := fs.Int("max-states", 0, "alignments: search-state budget per variant (default 1,000,000); a variant over it is reported unaligned")
	timeout := fs.Duration("variant-timeout", 0, "alignments: time budget per variant, e.g. 10s (default: none)")
	maxMemory := fs.String("max-memory", "", "memory budget of the check, e.g. 4GiB or 512MB (default: half the RAM, or the memory available if less); a net too large for it is refused, a variant over its share reported unaligned")
	top := fs.Int("top", 10, "deviating activities and variants shown (text output)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if (*model == "") == (*algo == "") {
		return fmt.Errorf("give either --model FILE.pnml|FILE.bpmn or --algo: %w", errUsage)
	}
	if *method != "alignments" && *method != "tokens" {
		return fmt.Errorf("--method %q: want alignments or tokens: %w", *method, errUsage)
	}
	if *algo != "" && (!discover.Known(*algo) || *algo == "dfg") {
		return fmt.Errorf("--algo %q: want one of %s: %w", *algo, strings.Join(discover.Algorithms[:6], ", "), errUsage)
	}
	budget, err := memoryBudget(*maxMemory)
	if err != nil {
		return err
	}
	var net *petri.Net
	var mf *modelFile
	what := *model
	if *model != "" {
		// Read the model before opening the log: a bad model fails fast.
		if mf, err = readModelFile(*model, *process); err != nil {
			return err
		}
		net = mf.Net
	} else if *process != "" {
		return fmt.Errorf("--process goes with a BPMN --model: %w", errUsage)
	}
	w, name, err := src.openWarehouse(ctx, e, pos)
	if err != nil {
		return err
	}
	defer w.Close()
	l, err := minelog.Load(ctx, w, name)
	if err != nil {
		return err
	}
	if mf != nil {
		mf.match(l.Activities)
		mf.warn(e, *model)
	}
	if net == nil {
		noiseSet := *noise != discover.DefaultNoise
		m, err := discover.Discover(l, discover.Options{Algorithm: *algo, Noise: *noise, NoiseSet: noiseSet})
		if err != nil {
			return err
		}
		net, what = m.Net, m.Description
	}
	defer limitHeap(budget)()
	p := startProgress(e, "conformance of "+name)
	defer p.Stop()
	r, err := quality.Evaluate(ctx, l, net, quality.Options{Method: *method, Precision: !*noPrecision,
		Generalization: *generalization, MaxMemory: budget, Progress: variantProgress(p),
		Align: conformance.AlignOptions{MaxStates: *maxStates, VariantTimeout: *timeout}})
	if errors.Is(err, conformance.ErrMemory) {
		return fmt.Errorf("%w (raise --max-memory)", err)
	}
	if err != nil {
		return err
	}
	if src.json {
		out := conformanceJSON{Log: name, Model: what, Result: r}
		if mf != nil {
			out.Warnings, out.Labels = mf.Warnings, mf.Labels
		}
		return writeJSON(e.stdout, out)
	}
	printConformance(e, name, what, r, *top)
	return nil
}

// conformanceJSON is what pmx conformance --json prints.
type conformanceJSON struct {
	Log   string `json:"log"`
	Model string `json:"model"`
	// For a BPMN model: what its reading left out, and how its task names
	// met the log's activities.
	Warnings []string    `json:"model_warnings,omitempty"`
	Labels   *bpmn.Match `json:"labels,omitempty"`
	*quality.Result
}

func printConformance(e *env, log, model string, r *quality.Result, top int) {
	out := e.stdout
	fmt.Fprintf(out, "log %q against %s (%s)\n", log, model, r.Method)
	switch {
	case math.IsNaN(float64(r.Fitness)):
		fmt.Fprintf(out, "  fitness        – (none of the %s cases could be aligned; see below)\n", thousands(r.Cases))
	case r.FitnessIsLowerBound:
		fmt.Fprintf(out, "  fitness        ≥ %s (average per case ≥ %s; %s of the aligned cases fit)\n", num(float64(r.Fitness)),
			num(float64(r.AverageTraceFitness)), pct(float64(r.FittingShare)))
		fmt.Fprintf(out, "                 lower bounds: the cheapest model run was not found within the budget (%s)\n", r.FitnessBoundReason)
	default:
		fmt.Fprintf(out, "  fitness        %s (average per case %s; %s of %s cases fit)\n", num(float64(r.Fitness)),
			num(float64(r.AverageTraceFitness)), pct(float64(r.FittingShare)), thousands(r.Cases))
	}
	fmt.Fprintf(out, "  precision      %s\n", num(float64(r.Precision)))
	if !math.IsNaN(float64(r.Generalization)) {
		fmt.Fprintf(out, "  generalization %s\n", num(float64(r.Generalization)))
	}
	fmt.Fprintf(out, "  simplicity     %s\n", num(float64(r.Simplicity)))
	if r.UnalignedCases > 0 {
		fmt.Fprintf(out, "  unaligned      %s cases (%d variants) are left out: %s\n",
			thousands(r.UnalignedCases), r.UnalignedVariants, unalignedReasons(r))
	}
	if len(r.NotInModel) > 0 {
		fmt.Fprintf(out, "  not in model   %s\n", strings.Join(r.NotInModel, ", "))
	}
	if len(r.Activities) > 0 {
		fmt.Fprintf(out, "deviations by activity (cases):\n")
		for i, a := range r.Activities {
			if i == top {
				fmt.Fprintf(out, "  … %d more\n", len(r.Activities)-i)
				break
			}
			if r.Method == "alignments" {
				fmt.Fprintf(out, "  %-40s log only %s, model only %s\n", a.Activity, thousands(a.LogMoves), thousands(a.ModelMoves))
			} else {
				fmt.Fprintf(out, "  %-40s %s events needed missing tokens\n", a.Activity, thousands(a.LogMoves))
			}
		}
	}
	shown := 0
	for _, v := range r.Variants {
		if v.Fitting || shown == top {
			continue
		}
		if shown == 0 {
			fmt.Fprintf(out, "most frequent deviating variants:\n")
		}
		shown++
		dev := strings.Join(v.Deviations, " ")
		if r.Method == "tokens" {
			dev = fmt.Sprintf("missing %d, remaining %d tokens", v.Missing, v.Remaining)
		}
		if !v.Aligned {
			dev = "not aligned: " + v.Reason
		}
		fmt.Fprintf(out, "  %s cases, fitness %s: %s\n", thousands(v.Cases), num(float64(v.Fitness)), dev)
	}
	var secs float64
	for _, s := range r.Seconds {
		secs += s
	}
	fmt.Fprintf(out, "checked in %s\n", (time.Duration(secs * float64(time.Second))).Round(time.Millisecond))
}

// unalignedReasons summarises why variants were not aligned, most cases
// first: "1,234 state budget exhausted, 5 time budget exhausted".
func unalignedReasons(r *quality.Result) string {
	cases := map[string]int64{}
	for _, v := range r.Variants {
		if !v.Aligned && r.Method == "alignments" {
			cases[v.Reason] += v.Cases
		}
	}
	reasons := make([]string, 0, len(cases))
	for k := range cases {
		reasons = append(reasons, k)
	}
	slices.SortFunc(reasons, func(a, b string) int { return cmp.Or(cmp.Compare(cases[b], cases[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(reasons))
	for i, k := range reasons {
		parts[i] = fmt.Sprintf("%s %s", thousands(cases[k]), k)
	}
	return strings.Join(parts, ", ")
}

// memoryBudget parses --max-memory ("4GiB", "512MB", "1.5G", bytes); ""
// means the default: half the machine's RAM (or its cgroup limit), or the
// memory available now if that is less, and 2 GiB when neither can be read.
func memoryBudget(s string) (int64, error) {
	if s == "" {
		return defaultMemoryBudget(), nil
	}
	t := strings.TrimSpace(strings.ToLower(s))
	mult := float64(1)
	for _, u := range []struct {
		suffix string
		mult   float64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40}, {"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || v*mult >= 1<<62 {
		return 0, fmt.Errorf("--max-memory %q: want a size such as 4GiB, 512MB or 1.5G: %w", s, errUsage)
	}
	return int64(v * mult), nil
}

func defaultMemoryBudget() int64 {
	const fallback = 2 << 30
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return fallback
	}
	field := func(name string) int64 {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == name+":" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					return kb << 10
				}
			}
		}
		return 0
	}
	total, avail := field("MemTotal"), field("MemAvailable")
	if c, err := os.ReadFile("/sys/fs/cgroup/memory.max"); err == nil {
		if lim, err := strconv.ParseInt(strings.TrimSpace(string(c)), 10, 64); err == nil && lim > 0 && (total == 0 || lim < total) {
			total = lim
		}
	}
	if total <= 0 {
		return fallback
	}
	budget := total / 2
	if avail > 0 && avail < budget {
		budget = avail
	}
	return max(budget, 64<<20)
}

// limitHeap tells the Go runtime to collect garbage before the heap grows
// past what is live now plus budget, so that the budget the library counts
// is also about what the process takes; the returned func restores the
// previous limit.
func limitHeap(budget int64) func() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	old := debug.SetMemoryLimit(int64(ms.HeapAlloc) + budget)
	return func() { debug.SetMemoryLimit(old) }
}

func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.4f", v)
}

func pct(v float64) string { return fmt.Sprintf("%.1f %%", 100*v) }

// variantProgress shows quality.Evaluate's variant-by-variant steps
// ("alignments 120 of 500 variants, about 8 s left").
func variantProgress(p *progress) func(step string, done, total int) {
	if p == nil {
		return nil
	}
	var last string
	return func(step string, done, total int) {
		if step != last {
			p.Phase(strings.ReplaceAll(step, "_", " "), "variants", int64(total))
			last = step
		}
		p.Count(int64(done), int64(total))
	}
}
