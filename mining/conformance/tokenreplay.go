package conformance

import (
	"cmp"
	"context"
	"slices"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// TokenReplay is the result of token-based replay of a log on a net.
// Totals and percentages are weighted by case counts.
type TokenReplay struct {
	// Variants holds one result per variant, in the log's variant order.
	Variants []VariantReplay `json:"variants"`

	Produced  int64 `json:"produced"`
	Consumed  int64 `json:"consumed"`
	Missing   int64 `json:"missing"`
	Remaining int64 `json:"remaining"`

	// LogFitness is 0.5*(1-Missing/Consumed) + 0.5*(1-Remaining/Produced)
	// over the totals (PM4Py's log_fitness); 0 for an empty log.
	LogFitness float64 `json:"log_fitness"`
	// AverageTraceFitness is the mean fitness of the cases.
	AverageTraceFitness float64 `json:"average_trace_fitness"`
	// PercentageFitting is the percentage of cases replayed without missing
	// or remaining tokens.
	PercentageFitting float64 `json:"percentage_of_fitting_traces"`

	// Activities lists, per activity, the tokens that had to be inserted
	// to fire its transitions (sorted by missing tokens, then name).
	Activities []ActivityDeviation `json:"activities,omitempty"`
	// Places lists the places where tokens were missing or left over
	// (sorted by missing plus remaining, then ID).
	Places []PlaceDeviation `json:"places,omitempty"`
	// NotInModel lists activities of the log no transition carries, with
	// their event counts; replay skips such events, as PM4Py does.
	NotInModel []ActivityCount `json:"not_in_model,omitempty"`
}

// VariantReplay is the replay of one variant (the figures are for one case;
// Count cases follow it).
type VariantReplay struct {
	Count     int64   `json:"count"`
	Produced  int     `json:"produced"`
	Consumed  int     `json:"consumed"`
	Missing   int     `json:"missing"`
	Remaining int     `json:"remaining"`
	Fitness   float64 `json:"fitness"`
	Fitting   bool    `json:"fitting"`
	// Fired are the transitions fired, visible and silent, in order
	// (indices into the net's Transitions).
	Fired []int `json:"fired"`
}

// ActivityDeviation counts where an activity could not fire on its own.
type ActivityDeviation struct {
	Activity string `json:"activity"`
	Missing  int64  `json:"missing"` // tokens inserted to fire it
	Events   int64  `json:"events"`  // events that needed inserted tokens
}

// PlaceDeviation counts the tokens missing from and left in a place.
type PlaceDeviation struct {
	Place     string `json:"place"`
	Missing   int64  `json:"missing"`   // inserted during replay or absent from the final marking
	Remaining int64  `json:"remaining"` // left over beyond the final marking
}

// ActivityCount is an activity with an event count.
type ActivityCount struct {
	Activity string `json:"activity"`
	Events   int64  `json:"events"`
}

// ReplayOptions tunes ReplayTokens and Generalization. The zero value is
// ready to use.
type ReplayOptions struct {
	// MaxMemory bounds the replay's working memory in bytes (see
	// budget.go); 0 means DefaultMaxMemory. A net too large for it is
	// refused with an error wrapping ErrMemory.
	MaxMemory int64
	// Progress, when set, is called with the number of variants replayed
	// and the total: once with 0 before the first, then after each, from
	// the calling goroutine.
	Progress func(done, total int)
}

// replayFixed is the memory replay needs whatever the net does: the
// compiled net and the results (the transitions fired, per variant).
func replayFixed(m *model, log *eventlog.Log) int64 {
	var events int64
	for _, v := range log.Variants {
		events += int64(len(v.Acts))
	}
	return netBytes(m) + 48*events + 200*int64(len(log.Variants))
}

// ReplayTokens replays every variant of log on net with PM4Py's token-based
// replay (see the package documentation and tbr_engine.go): invisible
// transitions are walked to enable the next event's transition and to reach
// the final marking, missing tokens are inserted where that fails, and a
// case fits when nothing was missing and nothing remains. Cancelling ctx
// stops it and returns ctx's error.
func ReplayTokens(ctx context.Context, log *eventlog.Log, net *petri.Net, opt ReplayOptions) (*TokenReplay, error) {
	m, err := compile(net, log)
	if err != nil {
		return nil, err
	}
	budget := orDefault(opt.MaxMemory)
	fixed := replayFixed(m, log)
	if err := checkFits(m, fixed, budget); err != nil {
		return nil, err
	}
	r := newReplayer(m, (budget-fixed)/4)
	res := &TokenReplay{Variants: make([]VariantReplay, len(log.Variants))}
	actMissing := make([]int64, len(log.Activities))
	actEvents := make([]int64, len(log.Activities))
	placeMissing := make([]int64, m.nP)
	placeLeft := make([]int64, m.nP)
	notInModel := make([]int64, len(log.Activities))
	var cases, fitting int64
	var sumFitness float64
	if opt.Progress != nil {
		opt.Progress(0, len(log.Variants))
	}
	for i, v := range log.Variants {
		if i&63 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		s := r.start()
		var lastT = -1
		s.record = func(t, p, k int) {
			a := m.labelAct[t]
			actMissing[a] += int64(k) * v.Count
			if lastT != len(s.fired) { // one event, possibly several starved places
				actEvents[a] += v.Count
				lastT = len(s.fired)
			}
			placeMissing[p] += int64(k) * v.Count
		}
		for _, a := range v.Acts {
			if len(m.byAct[a]) == 0 {
				notInModel[a] += v.Count
			}
			r.step(s, a, false)
		}
		o := r.finish(s, true, true, true)
		for p, k := range o.left {
			placeLeft[p] += int64(k) * v.Count
		}
		for p, k := range o.short {
			placeMissing[p] += int64(k) * v.Count
		}
		fired := make([]int, len(s.fired))
		for j, t := range s.fired {
			fired[j] = int(t)
		}
		res.Variants[i] = VariantReplay{Count: v.Count, Produced: o.produced, Consumed: o.consumed, Missing: o.missing,
			Remaining: o.remaining, Fitness: o.fitness, Fitting: o.fit, Fired: fired}
		res.Produced += int64(o.produced) * v.Count
		res.Consumed += int64(o.consumed) * v.Count
		res.Missing += int64(o.missing) * v.Count
		res.Remaining += int64(o.remaining) * v.Count
		cases += v.Count
		sumFitness += o.fitness * float64(v.Count)
		if o.fit {
			fitting += v.Count
		}
		if opt.Progress != nil {
			opt.Progress(i+1, len(log.Variants))
		}
	}
	if cases > 0 && res.Consumed > 0 && res.Produced > 0 {
		res.PercentageFitting = 100 * float64(fitting) / float64(cases)
		res.AverageTraceFitness = sumFitness / float64(cases)
		res.LogFitness = 0.5*(1-float64(res.Missing)/float64(res.Consumed)) + 0.5*(1-float64(res.Remaining)/float64(res.Produced))
	}
	for a, k := range actMissing {
		if k > 0 {
			res.Activities = append(res.Activities, ActivityDeviation{log.Activities[a], k, actEvents[a]})
		}
		if notInModel[a] > 0 {
			res.NotInModel = append(res.NotInModel, ActivityCount{log.Activities[a], notInModel[a]})
		}
	}
	slices.SortFunc(res.Activities, func(a, b ActivityDeviation) int {
		return cmp.Or(cmp.Compare(b.Missing, a.Missing), cmp.Compare(a.Activity, b.Activity))
	})
	for p := range placeMissing {
		if placeMissing[p] > 0 || placeLeft[p] > 0 {
			res.Places = append(res.Places, PlaceDeviation{net.Places[p].ID, placeMissing[p], placeLeft[p]})
		}
	}
	slices.SortFunc(res.Places, func(a, b PlaceDeviation) int {
		return cmp.Or(cmp.Compare(b.Missing+b.Remaining, a.Missing+a.Remaining), cmp.Compare(a.Place, b.Place))
	})
	return res, nil
}
