package conformance

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// AlignOptions tunes Align. The zero value is ready to use.
type AlignOptions struct {
	// Workers aligning variants in parallel; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// MaxStates bounds the search states of one variant; a variant that
	// needs more is reported unaligned. 0 means 1,000,000 (at most a few
	// hundred MB per worker; the IMf nets of the shared logs need under
	// 20,000 for their hardest variant).
	MaxStates int
	// VariantTimeout bounds the time spent on one variant; a variant that
	// needs more is reported unaligned. 0 means no time bound.
	VariantTimeout time.Duration
	// MaxGraph bounds the reachability graph built up front to guide the
	// search (markings; edges may be eight times as many). Nets with more
	// reachable markings, or unbounded ones, are searched without it, with
	// a weaker heuristic. 0 means 200,000.
	MaxGraph int
}

func (o AlignOptions) withDefaults() AlignOptions {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.MaxStates <= 0 {
		o.MaxStates = 1_000_000
	}
	if o.MaxGraph <= 0 {
		o.MaxGraph = 200_000
	}
	return o
}

// MoveKind is the kind of an alignment move.
type MoveKind uint8

const (
	SyncMove   MoveKind = iota // the event and a transition with its label
	LogMove                    // the event alone (a deviation)
	ModelMove                  // a visible transition alone (a deviation)
	SilentMove                 // a silent transition alone (not a deviation)
)

var moveNames = [...]string{"sync", "log", "model", "silent"}

func (k MoveKind) String() string { return moveNames[k] }

// MarshalText writes the kind's name.
func (k MoveKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Move is one step of an alignment. Activity indexes the log's activities
// (-1 for model and silent moves); Transition indexes the net's transitions
// (-1 for log moves).
type Move struct {
	Kind       MoveKind `json:"kind"`
	Activity   int32    `json:"activity"`
	Transition int32    `json:"transition"`
}

// VariantAlignment is the optimal alignment of one variant.
type VariantAlignment struct {
	Count int64 `json:"count"`
	// Aligned is false when the search ran out of budget (or the final
	// marking is unreachable); the other fields are then zero.
	Aligned bool   `json:"aligned"`
	Reason  string `json:"reason,omitempty"`
	// Cost in PM4Py's units (CostDeviation per deviation, CostSilent per
	// silent move).
	Cost       int64 `json:"cost"`
	Deviations int   `json:"deviations"`
	// Fitness is 1 - deviations / (len(trace) + the visible length of the
	// cheapest model run), PM4Py's per-trace alignment fitness.
	Fitness float64 `json:"fitness"`
	// BestWorstCost is the cost of the worst reasonable alignment: every
	// event a log move, plus the cheapest model run on its own.
	BestWorstCost int64  `json:"bwc"`
	Moves         []Move `json:"moves"`
	// States is the number of search states the variant created.
	States int `json:"states"`
}

// Alignments is the result of aligning a log with a net. Fitness figures
// are PM4Py's fitness_alignments over the aligned cases.
type Alignments struct {
	Variants []VariantAlignment `json:"variants"`
	// LogFitness is 1 - sum(cost) / sum(best worst cost) over the cases.
	LogFitness          float64 `json:"log_fitness"`
	AverageTraceFitness float64 `json:"average_trace_fitness"`
	PercentageFitting   float64 `json:"percentage_of_fitting_traces"`
	// ModelCost is the cost of aligning the empty trace.
	ModelCost         int64 `json:"model_cost"`
	AlignedCases      int64 `json:"aligned_cases"`
	UnalignedCases    int64 `json:"unaligned_cases"`
	UnalignedVariants int   `json:"unaligned_variants"`
	// CompleteGraph says the reachability graph was built up front.
	CompleteGraph bool `json:"complete_graph"`
}

// Align computes an optimal alignment of every variant of log with net
// (A* over the synchronous product, PM4Py's standard costs), once per
// variant, in parallel. A variant that exceeds the budget is reported
// unaligned and left out of the fitness figures, as PM4Py leaves out
// alignments it could not compute. Cancelling ctx stops the work and
// returns ctx's error.
func Align(ctx context.Context, log *eventlog.Log, net *petri.Net, opt AlignOptions) (*Alignments, error) {
	opt = opt.withDefaults()
	m, err := compile(net, log)
	if err != nil {
		return nil, err
	}
	shared := newGraph(m)
	if !shared.explore(opt.MaxGraph, 8*opt.MaxGraph) {
		shared = nil
	}
	newSearcher := func() *searcher {
		if shared != nil {
			return &searcher{g: shared}
		}
		return &searcher{g: newGraph(m)}
	}
	b := budget{maxStates: opt.MaxStates}
	if opt.VariantTimeout > 0 {
		b.deadline = time.Now().Add(opt.VariantTimeout)
	}
	s0 := newSearcher()
	goal, err := s0.align(ctx, nil, b)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("conformance: aligning the empty trace: %w", err)
	}
	res := &Alignments{Variants: make([]VariantAlignment, len(log.Variants)), ModelCost: s0.nodes[goal].g,
		CompleteGraph: shared != nil}

	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(opt.Workers, max(1, len(log.Variants))); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSearcher()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(log.Variants) || ctx.Err() != nil {
					return
				}
				if shared == nil && s.g.size() > opt.MaxGraph {
					s.g = newGraph(m) // a lazy graph is a cache; bound it
				}
				res.Variants[i] = alignVariant(ctx, s, log.Variants[i], res.ModelCost, opt)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res.summarize()
	return res, nil
}

func alignVariant(ctx context.Context, s *searcher, v eventlog.Variant, modelCost int64, opt AlignOptions) VariantAlignment {
	b := budget{maxStates: opt.MaxStates}
	if opt.VariantTimeout > 0 {
		b.deadline = time.Now().Add(opt.VariantTimeout)
	}
	out := VariantAlignment{Count: v.Count}
	goal, err := s.align(ctx, v.Acts, b)
	out.States = len(s.nodes)
	if err != nil {
		out.Reason = err.Error()
		return out
	}
	out.Aligned = true
	out.Cost = s.nodes[goal].g
	out.Moves = s.moves(goal)
	for _, mv := range out.Moves {
		if mv.Kind == LogMove || mv.Kind == ModelMove {
			out.Deviations++
		}
	}
	out.BestWorstCost = CostDeviation*int64(len(v.Acts)) + modelCost
	// PM4Py divides the costs by the deviation cost with integer division.
	if den := out.BestWorstCost / CostDeviation; den > 0 {
		out.Fitness = 1 - float64(out.Cost/CostDeviation)/float64(den)
	}
	return out
}

func (r *Alignments) summarize() {
	var sumCost, sumBWC, sumFit float64
	var fitting int64
	for i := range r.Variants {
		v := &r.Variants[i]
		if !v.Aligned {
			r.UnalignedCases += v.Count
			r.UnalignedVariants++
			continue
		}
		r.AlignedCases += v.Count
		c := float64(v.Count)
		sumCost += float64(v.Cost) * c
		sumBWC += float64(v.BestWorstCost) * c
		sumFit += v.Fitness * c
		if v.Fitness == 1 {
			fitting += v.Count
		}
	}
	if r.AlignedCases == 0 {
		return
	}
	r.PercentageFitting = 100 * float64(fitting) / float64(r.AlignedCases)
	r.AverageTraceFitness = sumFit / float64(r.AlignedCases)
	r.LogFitness = 1
	if sumBWC > 0 {
		r.LogFitness = 1 - sumCost/sumBWC
	}
}
