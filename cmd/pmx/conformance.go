package main

import (
	"context"
	"fmt"
	"github.com/pmx-dev/pmx/analysis/minelog"
	"math"
	"os"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/pnml"
	"github.com/pmx-dev/pmx/mining/quality"
)

func runConformance(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "conformance", "(--model FILE.pnml | --algo A) [--method alignments|tokens] [flags] (--log NAME | FILE)")
	src := addSourceFlagsAs(fs, "input-format")
	model := fs.String("model", "", "Petri net to check against (PNML, as PM4Py, ProM or pmx discover write it)")
	algo := fs.String("algo", "", "instead of --model: discover the model with this algorithm first ("+strings.Join(discover.Algorithms[:6], ", ")+")")
	noise := fs.Float64("noise", discover.DefaultNoise, "with --algo imf/imd: noise threshold")
	method := fs.String("method", "alignments", "fitness method: alignments or tokens (token-based replay)")
	noPrecision := fs.Bool("no-precision", false, "skip precision (ETConformance)")
	generalization := fs.Bool("generalization", false, "also compute token-based generalization")
	maxStates := fs.Int("max-states", 0, "alignments: search-state budget per variant (default 2,000,000); a variant over it is reported unaligned")
	timeout := fs.Duration("variant-timeout", 0, "alignments: time budget per variant, e.g. 10s (default: none)")
	top := fs.Int("top", 10, "deviating activities and variants shown (text output)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if (*model == "") == (*algo == "") {
		return fmt.Errorf("give either --model FILE.pnml or --algo: %w", errUsage)
	}
	if *method != "alignments" && *method != "tokens" {
		return fmt.Errorf("--method %q: want alignments or tokens: %w", *method, errUsage)
	}
	var net *petri.Net
	what := *model
	if *model != "" {
		// Read the model before opening the log: a bad model fails fast.
		f, err := os.Open(*model)
		if err != nil {
			return err
		}
		net, err = pnml.Read(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", *model, err)
		}
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
	if net == nil {
		if !discover.Known(*algo) || *algo == "dfg" {
			return fmt.Errorf("--algo %q: want one of %s: %w", *algo, strings.Join(discover.Algorithms[:6], ", "), errUsage)
		}
		noiseSet := *noise != discover.DefaultNoise
		m, err := discover.Discover(l, discover.Options{Algorithm: *algo, Noise: *noise, NoiseSet: noiseSet})
		if err != nil {
			return err
		}
		net, what = m.Net, m.Description
	}
	r, err := quality.Evaluate(ctx, l, net, quality.Options{Method: *method, Precision: !*noPrecision,
		Generalization: *generalization, Align: conformance.AlignOptions{MaxStates: *maxStates, VariantTimeout: *timeout}})
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, conformanceJSON{Log: name, Model: what, Result: r})
	}
	printConformance(e, name, what, r, *top)
	return nil
}

// conformanceJSON is what pmx conformance --json prints.
type conformanceJSON struct {
	Log   string `json:"log"`
	Model string `json:"model"`
	*quality.Result
}

func printConformance(e *env, log, model string, r *quality.Result, top int) {
	out := e.stdout
	fmt.Fprintf(out, "log %q against %s (%s)\n", log, model, r.Method)
	fmt.Fprintf(out, "  fitness        %s (average per case %s; %s of %s cases fit)\n", num(r.Fitness), num(r.AverageTraceFitness),
		pct(r.FittingShare), thousands(r.Cases))
	fmt.Fprintf(out, "  precision      %s\n", num(float64(r.Precision)))
	if !math.IsNaN(float64(r.Generalization)) {
		fmt.Fprintf(out, "  generalization %s\n", num(float64(r.Generalization)))
	}
	fmt.Fprintf(out, "  simplicity     %s\n", num(float64(r.Simplicity)))
	if r.UnalignedCases > 0 {
		fmt.Fprintf(out, "  unaligned      %s cases (%d variants) exceeded the alignment budget and are left out\n",
			thousands(r.UnalignedCases), r.UnalignedVariants)
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
			dev = "not aligned within the budget"
		}
		fmt.Fprintf(out, "  %s cases, fitness %s: %s\n", thousands(v.Cases), num(float64(v.Fitness)), dev)
	}
	var secs float64
	for _, s := range r.Seconds {
		secs += s
	}
	fmt.Fprintf(out, "checked in %s\n", (time.Duration(secs * float64(time.Second))).Round(time.Millisecond))
}

func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.4f", v)
}

func pct(v float64) string { return fmt.Sprintf("%.1f %%", 100*v) }
