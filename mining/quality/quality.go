package quality

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// Methods are the fitness methods Evaluate takes.
var Methods = []string{"alignments", "tokens"}

// Options choose the method and the extra measures.
type Options struct {
	Method string // "alignments" (default) or "tokens"
	// Precision, Generalization: compute them too (Simplicity is always
	// computed; it is cheap). Precision follows the method: align-ETC with
	// alignments, token-based ETC with tokens.
	Precision, Generalization bool
	// Align bounds the alignment search (per-variant state and time
	// budget, workers).
	Align conformance.AlignOptions
	// MaxMemory bounds the working memory of each step in bytes (the steps
	// run one after the other); it is passed on to every measure, and to
	// Align unless Align.MaxMemory is set. A net too large for it is
	// refused (conformance.ErrMemory); precision beyond it is NaN.
	// 0 means conformance.DefaultMaxMemory.
	MaxMemory int64
	// Progress, when set, is told how far the variant-by-variant steps
	// are: step is "alignments", "token_replay" or "generalization" (the
	// keys of Result.Seconds), done counts the variants finished of total,
	// starting with 0. Calls come one at a time (never concurrently),
	// possibly from worker goroutines; they should return quickly.
	Progress func(step string, done, total int)
}

// Result is a model's quality against a log. Measures not computed are
// NaN (JSON null).
type Result struct {
	Method string `json:"method"`
	Cases  int64  `json:"cases"`
	// Fitness is PM4Py's log fitness of the method; AverageTraceFitness
	// the mean over cases; FittingShare the share of cases that fit
	// perfectly (0..1). With alignments they are over the aligned cases,
	// and NaN (null) when no case could be aligned.
	Fitness             Float `json:"fitness"`
	AverageTraceFitness Float `json:"average_trace_fitness"`
	FittingShare        Float `json:"fitting_share"`
	// FitnessIsLowerBound says the cheapest model run (the alignment of
	// the empty trace, in every case's worst-case cost) was not found
	// within the budget and a lower bound of its cost was used: the
	// fitness figures are then lower bounds of the exact ones.
	// FitnessBoundReason says why.
	FitnessIsLowerBound bool   `json:"fitness_is_lower_bound"`
	FitnessBoundReason  string `json:"fitness_bound_reason,omitempty"`
	Precision           Float  `json:"precision"`
	Generalization      Float  `json:"generalization"`
	Simplicity          Float  `json:"simplicity"`
	// UnalignedCases / UnalignedVariants exceeded the alignment budget
	// (states, memory or time; or the final marking is unreachable) and
	// are left out of the alignment figures; each such variant says why.
	UnalignedCases    int64 `json:"unaligned_cases"`
	UnalignedVariants int   `json:"unaligned_variants"`
	// Activities: per activity, the deviations in cases (alignments: log
	// and model moves; tokens: events that needed inserted tokens), most
	// deviating first. Variants: per variant, its fitness and deviations.
	Activities []ActivityDeviation `json:"activities"`
	Variants   []VariantResult     `json:"variants"`
	// NotInModel are log activities no transition carries.
	NotInModel []string `json:"not_in_model,omitempty"`
	// Seconds each step took.
	Seconds map[string]float64 `json:"seconds"`
}

// Float is a float64 that marshals NaN as null.
type Float float64

// MarshalJSON writes null for NaN and infinities.
func (f Float) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return []byte("null"), nil
	}
	return []byte(fmt.Sprintf("%.10g", float64(f))), nil
}

// ActivityDeviation counts one activity's deviations over all cases.
type ActivityDeviation struct {
	Activity string `json:"activity"`
	// LogMoves: the log has the activity where the model does not allow
	// it (alignments), or the event needed inserted tokens (tokens).
	LogMoves int64 `json:"log_moves"`
	// ModelMoves: the model needs the activity where the log lacks it
	// (alignments only).
	ModelMoves int64 `json:"model_moves"`
}

// VariantResult is one variant's outcome.
type VariantResult struct {
	Activities []string `json:"activities"`
	Cases      int64    `json:"cases"`
	Fitness    Float    `json:"fitness"`
	Fitting    bool     `json:"fitting"`
	Aligned    bool     `json:"aligned"`
	// Reason is why an unaligned variant was not aligned.
	Reason string `json:"reason,omitempty"`
	// Deviations: alignments — log and model moves as "+A" (log only) and
	// "-A" (model only) in alignment order; tokens — missing and remaining
	// tokens.
	Deviations []string `json:"deviations,omitempty"`
	Missing    int      `json:"missing,omitempty"`
	Remaining  int      `json:"remaining,omitempty"`
}

// Evaluate checks l against net.
func Evaluate(ctx context.Context, l *eventlog.Log, net *petri.Net, o Options) (*Result, error) {
	if o.Method == "" {
		o.Method = "alignments"
	}
	if err := net.Validate(); err != nil {
		return nil, err
	}
	r := &Result{Method: o.Method, Cases: l.Cases(), Precision: Float(math.NaN()), Generalization: Float(math.NaN()),
		Seconds: map[string]float64{}}
	step := func(name string, fn func() error) error {
		start := time.Now()
		err := fn()
		r.Seconds[name] = time.Since(start).Seconds()
		if err != nil && ctx.Err() == nil {
			err = fmt.Errorf("quality: %s: %w", strings.ReplaceAll(name, "_", " "), err)
		}
		return err
	}
	progress := func(step string) func(done, total int) {
		if o.Progress == nil {
			return nil
		}
		return func(done, total int) { o.Progress(step, done, total) }
	}
	replay := conformance.ReplayOptions{MaxMemory: o.MaxMemory}
	switch o.Method {
	case "alignments":
		ao := o.Align
		if ao.MaxMemory == 0 {
			ao.MaxMemory = o.MaxMemory
		}
		if ao.Progress == nil {
			ao.Progress = progress("alignments")
		}
		var al *conformance.Alignments
		if err := step("alignments", func() (err error) { al, err = conformance.Align(ctx, l, net, ao); return }); err != nil {
			return nil, err
		}
		r.fromAlignments(l, net, al)
	case "tokens":
		var tr *conformance.TokenReplay
		replay.Progress = progress("token_replay")
		if err := step("token_replay", func() (err error) { tr, err = conformance.ReplayTokens(ctx, l, net, replay); return }); err != nil {
			return nil, err
		}
		r.fromTokens(l, tr)
	default:
		return nil, fmt.Errorf("quality: unknown method %q (want alignments or tokens)", o.Method)
	}
	r.Simplicity = Float(conformance.Simplicity(net))
	if o.Precision {
		err := step("precision", func() error {
			var p conformance.Precision
			var err error
			po := conformance.PrecisionOptions{MaxMemory: o.MaxMemory}
			if o.Method == "alignments" {
				p, err = conformance.PrecisionAlignments(ctx, l, net, po)
			} else {
				p, err = conformance.PrecisionTokens(ctx, l, net, po)
			}
			if errors.Is(err, conformance.ErrTooLarge) || errors.Is(err, conformance.ErrMemory) {
				return nil // reported as NaN: the state space is beyond the bound
			}
			r.Precision = Float(p.Value)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	if o.Generalization {
		err := step("generalization", func() error {
			replay.Progress = progress("generalization")
			g, err := conformance.Generalization(ctx, l, net, replay)
			r.Generalization = Float(g)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *Result) fromAlignments(l *eventlog.Log, net *petri.Net, al *conformance.Alignments) {
	r.Fitness, r.AverageTraceFitness = Float(al.LogFitness), Float(al.AverageTraceFitness)
	r.FittingShare = Float(al.PercentageFitting / 100)
	if al.AlignedCases == 0 {
		nan := Float(math.NaN())
		r.Fitness, r.AverageTraceFitness, r.FittingShare = nan, nan, nan
	}
	r.FitnessIsLowerBound, r.FitnessBoundReason = al.ModelCostIsBound && al.AlignedCases > 0, ""
	if r.FitnessIsLowerBound {
		r.FitnessBoundReason = al.ModelCostReason
	}
	r.UnalignedCases, r.UnalignedVariants = al.UnalignedCases, al.UnalignedVariants
	logMoves := make([]int64, len(l.Activities))
	modelMoves := map[string]int64{}
	for i, va := range al.Variants {
		v := l.Variants[i]
		vr := VariantResult{Activities: l.Trace(v), Cases: v.Count, Aligned: va.Aligned, Reason: va.Reason, Fitness: Float(math.NaN())}
		if va.Aligned {
			vr.Fitness, vr.Fitting = Float(va.Fitness), va.Deviations == 0
			for _, m := range va.Moves {
				switch m.Kind {
				case conformance.LogMove:
					logMoves[m.Activity] += v.Count
					vr.Deviations = append(vr.Deviations, "+"+l.Activities[m.Activity])
				case conformance.ModelMove:
					label := net.Transitions[m.Transition].Label
					modelMoves[label] += v.Count
					vr.Deviations = append(vr.Deviations, "-"+label)
				}
			}
		}
		r.Variants = append(r.Variants, vr)
	}
	byName := map[string]*ActivityDeviation{}
	for i, n := range logMoves {
		if n > 0 {
			byName[l.Activities[i]] = &ActivityDeviation{Activity: l.Activities[i], LogMoves: n}
		}
	}
	for a, n := range modelMoves {
		if byName[a] == nil {
			byName[a] = &ActivityDeviation{Activity: a}
		}
		byName[a].ModelMoves = n
	}
	for _, d := range byName {
		r.Activities = append(r.Activities, *d)
	}
	sortDeviations(r.Activities)
	inModel := map[string]bool{}
	for _, t := range net.Transitions {
		if !t.Silent {
			inModel[t.Label] = true
		}
	}
	for _, a := range l.Activities {
		if !inModel[a] {
			r.NotInModel = append(r.NotInModel, a)
		}
	}
}

func (r *Result) fromTokens(l *eventlog.Log, tr *conformance.TokenReplay) {
	r.Fitness, r.AverageTraceFitness = Float(tr.LogFitness), Float(tr.AverageTraceFitness)
	r.FittingShare = Float(tr.PercentageFitting / 100)
	for i, vr := range tr.Variants {
		v := l.Variants[i]
		r.Variants = append(r.Variants, VariantResult{Activities: l.Trace(v), Cases: v.Count, Aligned: true,
			Fitness: Float(vr.Fitness), Fitting: vr.Fitting, Missing: vr.Missing, Remaining: vr.Remaining})
	}
	for _, a := range tr.Activities {
		r.Activities = append(r.Activities, ActivityDeviation{Activity: a.Activity, LogMoves: a.Events})
	}
	sortDeviations(r.Activities)
	for _, a := range tr.NotInModel {
		r.NotInModel = append(r.NotInModel, a.Activity)
	}
}

func sortDeviations(ds []ActivityDeviation) {
	slices.SortFunc(ds, func(a, b ActivityDeviation) int {
		if c := cmp.Compare(b.LogMoves+b.ModelMoves, a.LogMoves+a.ModelMoves); c != 0 {
			return c
		}
		return cmp.Compare(a.Activity, b.Activity)
	})
}
