package conformance

import (
	"context"
	"errors"
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
	// Fewer run when the memory budget cannot hold that many searches.
	Workers int
	// MaxStates bounds the search states of one variant; a variant that
	// needs more is reported unaligned. 0 means 1,000,000 (about 300 MB
	// with the reachability graph built, up to twice that without; the IMf
	// nets of the shared logs need under 20,000 for their hardest variant).
	MaxStates int
	// VariantTimeout bounds the time spent on one variant; a variant that
	// needs more is reported unaligned. 0 means no time bound.
	VariantTimeout time.Duration
	// MaxGraph bounds the reachability graph built up front to guide the
	// search (markings; edges may be eight times as many). Nets with more
	// reachable markings, or unbounded ones, are searched without it, with
	// a weaker heuristic. 0 means 200,000.
	MaxGraph int
	// MaxMemory bounds the memory of the whole call in bytes (see
	// budget.go): the graph gets at most half of it, and each variant's
	// search a share that does not depend on Workers; a variant over its
	// share is reported unaligned. A net too large for it is refused with
	// ErrMemory. 0 means DefaultMaxMemory.
	MaxMemory int64
	// Progress, when set, is called with the number of variants done and
	// the total: once with 0 before the first, then as each finishes. It is
	// called from the worker goroutines but never concurrently, so it need
	// not be safe for concurrent use; it should return quickly.
	Progress func(done, total int)
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
	o.MaxMemory = orDefault(o.MaxMemory)
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
	// Aligned is false when the search ran out of budget (states, memory
	// or time) or the final marking is unreachable, as Reason says; the
	// other fields are then zero.
	Aligned bool   `json:"aligned"`
	Reason  string `json:"reason,omitempty"`
	// Cost in PM4Py's units (CostDeviation per deviation, CostSilent per
	// silent move).
	Cost       int64 `json:"cost"`
	Deviations int   `json:"deviations"`
	// Fitness is 1 - deviations / (len(trace) + the visible length of the
	// cheapest model run), PM4Py's per-trace alignment fitness (at least 0;
	// a lower bound when ModelCostIsBound).
	Fitness float64 `json:"fitness"`
	// BestWorstCost is the cost of the worst reasonable alignment: every
	// event a log move, plus the cheapest model run on its own.
	BestWorstCost int64  `json:"bwc"`
	Moves         []Move `json:"moves"`
	// States is the number of search states the variant created.
	States int `json:"states"`
}

// Alignments is the result of aligning a log with a net. Fitness figures
// are PM4Py's fitness_alignments over the aligned cases; they are 0 when
// no case was aligned (AlignedCases is then 0).
type Alignments struct {
	Variants []VariantAlignment `json:"variants"`
	// LogFitness is 1 - sum(cost) / sum(best worst cost) over the cases.
	LogFitness          float64 `json:"log_fitness"`
	AverageTraceFitness float64 `json:"average_trace_fitness"`
	PercentageFitting   float64 `json:"percentage_of_fitting_traces"`
	// ModelCost is the cost of aligning the empty trace: the cheapest run
	// of the model from the initial to the final marking.
	ModelCost int64 `json:"model_cost"`
	// ModelCostIsBound says the empty trace could not be aligned within the
	// budget (ModelCostReason says why) and ModelCost is a lower bound on
	// it instead (see Align). The fitness figures are then lower bounds of
	// the exact ones.
	ModelCostIsBound  bool   `json:"model_cost_is_bound"`
	ModelCostReason   string `json:"model_cost_reason,omitempty"`
	AlignedCases      int64  `json:"aligned_cases"`
	UnalignedCases    int64  `json:"unaligned_cases"`
	UnalignedVariants int    `json:"unaligned_variants"`
	// CompleteGraph says the reachability graph was built up front.
	CompleteGraph bool `json:"complete_graph"`
	// Workers is the number of variants aligned side by side (at most
	// AlignOptions.Workers, fewer when the memory budget is short).
	Workers int `json:"workers"`
}

// Align computes an optimal alignment of every variant of log with net
// (A* over the synchronous product, PM4Py's standard costs), once per
// variant, in parallel. A variant that exceeds the budget (states, memory
// or time) is reported unaligned and left out of the fitness figures, as
// PM4Py leaves out alignments it could not compute.
//
// The fitness formula needs the cost of the cheapest model run (the
// alignment of the empty trace). When that search exceeds the budget, the
// cost is bounded from below instead: the larger of the search's own
// frontier (the least estimated cost of its open states) and a structural
// bound that treats places as independent (see modelCostBound). When an
// aligned variant's model moves show a run of exactly that cost, the bound
// is the cost; otherwise ModelCostIsBound is set and, a smaller best-worst
// cost making each fitness smaller, the fitness figures are lower bounds
// (per-trace fitness is kept at 0 or more). When the final marking is
// provably unreachable (structurally, or by the search running out of
// markings), every variant is reported unaligned.
//
// Cancelling ctx stops the work and returns ctx's error. A net too large
// for MaxMemory is refused with an error wrapping ErrMemory.
func Align(ctx context.Context, log *eventlog.Log, net *petri.Net, opt AlignOptions) (*Alignments, error) {
	opt = opt.withDefaults()
	m, err := compile(net, log)
	if err != nil {
		return nil, err
	}
	var events int64
	for _, v := range log.Variants {
		events += int64(len(v.Acts))
	}
	fixed := netBytes(m) + 40*events + 200*int64(len(log.Variants))
	scratch := graphScratchBytes(m)
	if err := checkFits(m, fixed+scratch, opt.MaxMemory); err != nil {
		return nil, err
	}
	avail := opt.MaxMemory - fixed
	shared := newGraph(m)
	if !shared.explore(opt.MaxGraph, 8*opt.MaxGraph, (avail-scratch-minWorkingMemory)/2) {
		shared = nil
	} else {
		avail -= shared.bytes
	}
	// Each worker holds a search and, with a lazy graph, a marking cache of
	// the same size; the share per variant does not depend on Workers.
	// A state's usual size, with room for markings four times the initial
	// one's: the state budget, not the memory share, should stop a search
	// unless its markings grow unusually large.
	perState := stateBytes + edgesBytes(4)
	if shared == nil {
		g := newGraph(m)
		perState += markingBytes(4*len(g.keys[0])+16) + g.lazyFireBytes()
	}
	tables := int64(4*maxDenseTable + 4*maxSuffixTable) // a trace's tables at most
	perVariant := (avail - scratch) / 2
	if int64(opt.MaxStates) < perVariant/perState { // (no overflow for huge MaxStates)
		perVariant = min(perVariant, int64(opt.MaxStates)*perState+tables)
	}
	perWorker := 2*perVariant + scratch
	if shared != nil {
		perWorker = perVariant
	}
	workers := max(1, min(opt.Workers, len(log.Variants), int(avail/perWorker)))
	newSearcher := func() *searcher {
		if shared != nil {
			return &searcher{g: shared}
		}
		return &searcher{g: newGraph(m)}
	}
	b := budget{maxStates: opt.MaxStates, maxBytes: perVariant}
	res := &Alignments{Variants: make([]VariantAlignment, len(log.Variants)), CompleteGraph: shared != nil, Workers: workers}

	structural, reachable := m.modelCostBound()
	if !reachable {
		res.unreachable(log, "final marking unreachable (no run of the net can produce it)")
		return res, nil
	}
	if feasible, known := m.stateEquationFeasible(); known && !feasible {
		res.unreachable(log, "final marking unreachable (the marking equation has no solution)")
		return res, nil
	}
	s0 := newSearcher()
	if opt.VariantTimeout > 0 {
		b.deadline = time.Now().Add(opt.VariantTimeout)
	}
	goal, err := s0.align(ctx, nil, b)
	switch {
	case err == nil:
		res.ModelCost = s0.nodes[goal].g
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, errUnreachable):
		res.unreachable(log, err.Error())
		return res, nil
	default:
		res.ModelCost = max(structural, s0.frontier)
		res.ModelCostIsBound, res.ModelCostReason = true, "aligning the empty trace: "+err.Error()
	}
	s0 = nil

	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex // serialises Progress
	done := 0
	if opt.Progress != nil {
		opt.Progress(0, len(log.Variants))
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := newSearcher()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(log.Variants) || ctx.Err() != nil {
					return
				}
				if shared == nil && (s.g.size() > opt.MaxGraph || s.g.bytes > perVariant) {
					s.g = newGraph(m) // a lazy graph is a cache; bound it
				}
				res.Variants[i] = alignVariant(ctx, s, log.Variants[i], opt, b.maxBytes)
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, len(log.Variants))
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if res.ModelCostIsBound {
		res.tightenModelCost(m)
	}
	res.score(log)
	res.summarize()
	return res, nil
}

// unreachable reports every variant unaligned for reason.
func (r *Alignments) unreachable(log *eventlog.Log, reason string) {
	for i, v := range log.Variants {
		r.Variants[i] = VariantAlignment{Count: v.Count, Reason: reason}
	}
	r.ModelCostIsBound, r.ModelCostReason = true, reason
	r.summarize()
}

func alignVariant(ctx context.Context, s *searcher, v eventlog.Variant, opt AlignOptions, maxBytes int64) VariantAlignment {
	b := budget{maxStates: opt.MaxStates, maxBytes: maxBytes}
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
	return out
}

// tightenModelCost uses the aligned variants' model runs: each is a run of
// the net from the initial to the final marking, so its cost bounds the
// cheapest run from above. When one costs no more than the lower bound,
// the bound is exact.
func (r *Alignments) tightenModelCost(m *model) {
	for _, v := range r.Variants {
		if !v.Aligned {
			continue
		}
		var run int64
		for _, mv := range v.Moves {
			switch mv.Kind {
			case SyncMove, ModelMove:
				run += CostDeviation
			case SilentMove:
				run += CostSilent
			}
		}
		if run <= r.ModelCost {
			r.ModelCost, r.ModelCostIsBound, r.ModelCostReason = run, false, ""
			return
		}
	}
}

// score sets each aligned variant's best worst cost and fitness.
func (r *Alignments) score(log *eventlog.Log) {
	for i := range r.Variants {
		v := &r.Variants[i]
		if !v.Aligned {
			continue
		}
		v.BestWorstCost = CostDeviation*int64(len(log.Variants[i].Acts)) + r.ModelCost
		// PM4Py divides the costs by the deviation cost with integer division.
		if den := v.BestWorstCost / CostDeviation; den > 0 {
			v.Fitness = max(0, 1-float64(v.Cost/CostDeviation)/float64(den))
		}
	}
}

func (r *Alignments) summarize() {
	var sumCost, sumBWC, sumFit float64
	var fitting int64
	r.AlignedCases, r.UnalignedCases, r.UnalignedVariants = 0, 0, 0
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
		r.LogFitness = max(0, 1-sumCost/sumBWC)
	}
}

// String summarises the result in one line (for logs and errors).
func (r *Alignments) String() string {
	s := fmt.Sprintf("%d of %d cases aligned, log fitness %.4f", r.AlignedCases, r.AlignedCases+r.UnalignedCases, r.LogFitness)
	if r.ModelCostIsBound {
		s += " (a lower bound: " + r.ModelCostReason + ")"
	}
	return s
}
