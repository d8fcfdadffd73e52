package conformance

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

func traces(ts ...string) *eventlog.Log {
	var out [][]string
	for _, t := range ts {
		out = append(out, strings.Fields(t))
	}
	return eventlog.FromTraces(out)
}

// variant returns the result index of trace t in l.
func variant(t *testing.T, l *eventlog.Log, tr string) int {
	t.Helper()
	for i, v := range l.Variants {
		if strings.Join(l.Trace(v), " ") == tr {
			return i
		}
	}
	t.Fatalf("no variant %q", tr)
	return -1
}

func TestReplayTokensByHand(t *testing.T) {
	for _, tc := range []struct {
		name, trace     string
		net             *petri.Net
		p, c, m, r      int
		fitness         float64
		fit             bool
		fired           string
		notInModelEvent int64
	}{
		{"fits", "a b c", seqNet(), 4, 4, 0, 0, 1, true, "a b c", 0},
		// c starves p2 (1 missing) and b's input token is left (1 remaining).
		{"skipped b", "a c", seqNet(), 3, 3, 1, 1, 2.0 / 3, false, "a c", 0},
		// The second c needs a token in p2 and leaves a second one in o.
		{"repeated c", "a b c c", seqNet(), 5, 5, 1, 1, 0.8, false, "a b c c", 0},
		// x is not in the net: skipped, like PM4Py.
		{"unknown activity", "a x c", seqNet(), 3, 3, 1, 1, 2.0 / 3, false, "a c", 1},
		// The silent skip is walked to enable c.
		{"silent walk", "a c", skipNet(), 4, 4, 0, 0, 1, true, "a τ c", 0},
		// Nothing after a: the silent skip cannot reach o (c is visible),
		// so o's token is missing and p1's remains.
		{"stops early", "a", skipNet(), 2, 2, 1, 1, 0.5, false, "a", 0},
		{"concurrency", "a c b d", parNet(), 6, 6, 0, 0, 1, true, "a c b d", 0},
		{"missing branch", "a b d", parNet(), 5, 5, 1, 1, 0.8, false, "a b d", 0},
		// Duplicate labels: the enabled transition with the label fires...
		{"duplicate labels", "a a", dupNet(), 3, 3, 0, 0, 1, true, "a a", 0},
		// ...and when none is, the one whose ID sorts last gets the tokens.
		{"duplicate labels, extra", "a a a", dupNet(), 4, 4, 1, 1, 0.75, false, "a a a", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := traces(tc.trace)
			res, err := ReplayTokens(context.Background(), l, tc.net, ReplayOptions{})
			if err != nil {
				t.Fatal(err)
			}
			v := res.Variants[0]
			if v.Produced != tc.p || v.Consumed != tc.c || v.Missing != tc.m || v.Remaining != tc.r ||
				math.Abs(v.Fitness-tc.fitness) > 1e-12 || v.Fitting != tc.fit {
				t.Fatalf("got p/c/m/r %d/%d/%d/%d fitness %v fit %v, want %d/%d/%d/%d %v %v",
					v.Produced, v.Consumed, v.Missing, v.Remaining, v.Fitness, v.Fitting, tc.p, tc.c, tc.m, tc.r, tc.fitness, tc.fit)
			}
			var fired []string
			for _, tr := range v.Fired {
				if tc.net.Transitions[tr].Silent {
					fired = append(fired, "τ")
				} else {
					fired = append(fired, tc.net.Transitions[tr].Label)
				}
			}
			if got := strings.Join(fired, " "); got != tc.fired {
				t.Fatalf("fired %q, want %q", got, tc.fired)
			}
			var nim int64
			for _, a := range res.NotInModel {
				nim += a.Events
			}
			if nim != tc.notInModelEvent {
				t.Fatalf("not in model %+v", res.NotInModel)
			}
		})
	}
}

func TestReplayTokensLogFigures(t *testing.T) {
	l := traces("a b c", "a c", "a c")
	res, err := ReplayTokens(context.Background(), l, seqNet(), ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Totals: "a c" twice (3/3/1/1 each) and "a b c" (4/4/0/0).
	if res.Produced != 10 || res.Consumed != 10 || res.Missing != 2 || res.Remaining != 2 {
		t.Fatalf("totals %+v", res)
	}
	if !near(res.LogFitness, 0.8) || !near(res.AverageTraceFitness, 7.0/9) || !near(res.PercentageFitting, 100.0/3) {
		t.Fatalf("log %v avg %v fitting %v", res.LogFitness, res.AverageTraceFitness, res.PercentageFitting)
	}
	want := []ActivityDeviation{{Activity: "c", Missing: 2, Events: 2}}
	if !slices.Equal(res.Activities, want) {
		t.Fatalf("activities %+v, want %+v", res.Activities, want)
	}
	wantP := []PlaceDeviation{{Place: "p1", Remaining: 2}, {Place: "p2", Missing: 2}}
	if !slices.Equal(res.Places, wantP) {
		t.Fatalf("places %+v, want %+v", res.Places, wantP)
	}
}

func TestAlignByHand(t *testing.T) {
	for _, tc := range []struct {
		name, trace string
		net         *petri.Net
		cost, bwc   int64
		fitness     float64
		moves       string
	}{
		{"fits", "a b c", seqNet(), 0, 60000, 1, "a b c"},
		// The empty trace costs 20001 (a, the silent skip, c).
		{"silent skip", "a c", skipNet(), 1, 40001, 1, "a τ c"},
		{"log move", "a b b c", skipNet(), 10000, 60001, 1 - 1.0/6, "a [b] b c"},
		{"model move", "c", skipNet(), 10001, 30001, 1 - 1.0/3, "(a) τ c"},
		{"concurrent", "a c b d", parNet(), 0, 80000, 1, "a c b d"},
		{"missing branch", "a b d", parNet(), 10000, 70000, 1 - 1.0/7, "a b (c) d"},
		{"flower", "c a c", flowerNet(), 0, 30000, 1, "c a c"},
		{"unknown activity", "a x b c", seqNet(), 10000, 70000, 1 - 1.0/7, "a [x] b c"},
		{"duplicate labels", "a a a", dupNet(), 10000, 50000, 0.8, "a [a] a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := traces(tc.trace)
			res, err := Align(t.Context(), l, tc.net, AlignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			v := res.Variants[0]
			if !v.Aligned || v.Cost != tc.cost || v.BestWorstCost != tc.bwc || math.Abs(v.Fitness-tc.fitness) > 1e-12 {
				t.Fatalf("got %+v, want cost %d bwc %d fitness %v", v, tc.cost, tc.bwc, tc.fitness)
			}
			if got := render(l, tc.net, v.Moves); got != tc.moves {
				t.Fatalf("moves %q, want %q", got, tc.moves)
			}
			checkMoves(t, l, tc.net, l.Variants[0].Acts, v)
		})
	}
}

// render writes sync moves as the activity, log moves in brackets, model
// moves in parentheses and silent moves as τ.
func render(l *eventlog.Log, n *petri.Net, moves []Move) string {
	var out []string
	for _, m := range moves {
		switch m.Kind {
		case SyncMove:
			out = append(out, l.Activities[m.Activity])
		case LogMove:
			out = append(out, "["+l.Activities[m.Activity]+"]")
		case ModelMove:
			out = append(out, "("+n.Transitions[m.Transition].Label+")")
		case SilentMove:
			out = append(out, "τ")
		}
	}
	return strings.Join(out, " ")
}

func TestAlignLogFigures(t *testing.T) {
	l := traces("a c", "a b b c", "c", "a c")
	res, err := Align(t.Context(), l, skipNet(), AlignOptions{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Per case: costs 1, 1, 10000, 10001; best worst costs 40001, 40001,
	// 60001, 30001.
	wantLog := 1 - float64(1+1+10000+10001)/float64(40001+40001+60001+30001)
	wantAvg := (1 + 1 + (1 - 1.0/6) + (1 - 1.0/3)) / 4
	if !near(res.LogFitness, wantLog) || !near(res.AverageTraceFitness, wantAvg) || !near(res.PercentageFitting, 50) {
		t.Fatalf("log %v avg %v fitting %v, want %v %v 50", res.LogFitness, res.AverageTraceFitness, res.PercentageFitting, wantLog, wantAvg)
	}
	if res.ModelCost != 20001 || res.AlignedCases != 4 || res.UnalignedCases != 0 {
		t.Fatalf("%+v", res)
	}
}

// A variant whose search outgrows its budget is reported unaligned, and
// quickly; the others are still aligned.
func TestAlignBudget(t *testing.T) {
	// Each branch activity twice: after the first, the block's markings
	// multiply with every position of the trace.
	var dup []string
	for j := 1; j <= 14; j++ {
		b := fmt.Sprintf("b%02d", j)
		dup = append(dup, b, b)
	}
	net := wideNet(14)
	l := eventlog.FromTraces([][]string{dup, {"x"}})
	for _, opt := range []AlignOptions{
		{MaxGraph: 10, MaxStates: 20_000},                                         // no graph: the weak heuristic
		{MaxGraph: 10, MaxStates: 1 << 30, VariantTimeout: 20 * time.Millisecond}, // time bound
	} {
		start := time.Now()
		res, err := Align(t.Context(), l, net, opt)
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("took %v", time.Since(start))
		}
		long := res.Variants[variant(t, l, strings.Join(dup, " "))]
		short := res.Variants[variant(t, l, "x")]
		if long.Aligned || long.Reason == "" || !short.Aligned || short.Cost != 0 {
			t.Fatalf("long %v %q, short %+v", long.Aligned, long.Reason, short)
		}
		if res.UnalignedCases != 1 || res.UnalignedVariants != 1 || res.AlignedCases != 1 || res.LogFitness != 1 {
			t.Fatalf("%+v", res)
		}
	}
	// With the reachability graph the same variant is easy: each branch
	// synchronised once, each repeat a log move.
	res, err := Align(t.Context(), l, net, AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Variants[variant(t, l, strings.Join(dup, " "))]; !v.Aligned || v.Cost != 14*CostDeviation+2 {
		t.Fatalf("%+v", v)
	}
}

// A net whose silent transition keeps adding tokens has no reachability
// graph, and a search that cannot tell the silent loop is useless runs out
// of states on the empty trace. That must not abort the other variants:
// the model cost falls back to a lower bound (here exact: the structural
// bound is one visible transition), a variant over budget is reported
// unaligned, and a variant that aligns shows a model run of the bound's
// cost, which makes the bound the cost.
func TestAlignUnboundedNet(t *testing.T) {
	n := &petri.Net{}
	i, q, o := n.AddPlace("i"), n.AddPlace("q"), n.AddPlace("o")
	gen := n.AddTransition("gen", "", true)
	n.AddInput(i, gen)
	n.AddOutput(gen, i)
	n.AddOutput(gen, q)
	chain(n, i, "a", o)
	n.Initial, n.Final = petri.Marking{i: 1}, petri.Marking{o: 1}
	for _, tc := range []struct {
		name      string
		log       *eventlog.Log
		aligned   int64
		bound     bool
		fitness   float64
		unaligned string // the reason of the unaligned variant "b"
	}{
		{"hard variant only", traces("b"), 0, true, 0, "state budget exhausted"},
		{"one variant aligns", traces("a", "b"), 1, false, 1, "state budget exhausted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			res, err := Align(t.Context(), tc.log, n, AlignOptions{MaxStates: 5000, MaxGraph: 1000})
			if err != nil || time.Since(start) > 5*time.Second {
				t.Fatalf("err %v after %v", err, time.Since(start))
			}
			if res.ModelCost != CostDeviation || res.ModelCostIsBound != tc.bound || res.AlignedCases != tc.aligned ||
				res.UnalignedCases != 1 || res.LogFitness != tc.fitness {
				t.Fatalf("%+v", res)
			}
			if tc.bound && !strings.Contains(res.ModelCostReason, "aligning the empty trace: state budget exhausted") {
				t.Errorf("reason %q", res.ModelCostReason)
			}
			if v := res.Variants[variant(t, tc.log, "b")]; v.Aligned || v.Reason != tc.unaligned || v.Count != 1 {
				t.Errorf("variant b: %+v", v)
			}
		})
	}
}

// A final marking no run can produce is found without searching: every
// variant is unaligned, with the reason, and nothing is an error (it used
// to be "aligning the empty trace: final marking unreachable").
func TestAlignUnreachableFinalMarking(t *testing.T) {
	never := seqNet() // the final marking also wants a place no transition touches
	p := never.AddPlace("never")
	never.Final[p] = 1
	both := seqNet()  // the final marking wants a token left in p2 as well as in o:
	both.Final[2] = 1 // each place alone can be marked, not both (marking equation)
	for _, tc := range []struct {
		name, reason string
		net          *petri.Net
	}{
		{"untouched place", "no run of the net can produce it", never},
		{"marking equation", "the marking equation has no solution", both},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Align(t.Context(), traces("a b c", "a c"), tc.net, AlignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.AlignedCases != 0 || res.UnalignedCases != 2 || !strings.Contains(res.Variants[0].Reason, tc.reason) {
				t.Fatalf("%+v", res)
			}
		})
	}
}

// Progress is told 0 first, then every variant once, in order, one call
// at a time, whatever the number of workers.
func TestAlignProgress(t *testing.T) {
	l := traces("a b c", "a c", "a b", "b c", "a b c c", "c")
	for _, workers := range []int{1, 4} {
		var calls [][2]int
		var busy atomic.Bool
		_, err := Align(t.Context(), l, seqNet(), AlignOptions{Workers: workers, Progress: func(done, total int) {
			if busy.Swap(true) {
				t.Error("Progress called concurrently")
			}
			calls = append(calls, [2]int{done, total})
			busy.Store(false)
		}})
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != len(l.Variants)+1 {
			t.Fatalf("%d workers: calls %v", workers, calls)
		}
		for i, c := range calls {
			if c != [2]int{i, len(l.Variants)} {
				t.Fatalf("%d workers: calls %v", workers, calls)
			}
		}
	}
	var calls int
	if _, err := ReplayTokens(context.Background(), l, seqNet(), ReplayOptions{Progress: func(done, total int) {
		if done != calls || total != len(l.Variants) {
			t.Errorf("token replay progress %d/%d at call %d", done, total, calls)
		}
		calls++
	}}); err != nil || calls != len(l.Variants)+1 {
		t.Fatalf("token replay: %v, %d calls", err, calls)
	}
}

func TestAlignCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Align(ctx, traces("a b c"), seqNet(), AlignOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
}

func TestNoFinalMarking(t *testing.T) {
	n := seqNet()
	n.Final = nil
	if _, err := ReplayTokens(context.Background(), traces("a"), n, ReplayOptions{}); !errors.Is(err, ErrNoFinalMarking) {
		t.Fatalf("err %v", err)
	}
}

func TestPrecisionByHand(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  *eventlog.Log
		net  *petri.Net
		want float64
	}{
		// Everything the sequence allows is observed.
		{"sequence", traces("a b c"), seqNet(), 1},
		// Flower: 3 allowed at each of 3 prefix positions (empty, a, a b),
		// 1 observed each time: 1 - 6/9.
		{"flower", traces("a b c"), flowerNet(), 1.0 / 3},
		// After a, both b and c (via the skip) are allowed; the log shows
		// only c: empty prefix 2 allowed (2 cases), "a" 2x2 allowed, 2
		// escaping.
		{"unused option", traces("a c", "a c"), skipNet(), 1 - 2.0/6},
		{"used option", traces("a c", "a b c"), skipNet(), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pa, err := PrecisionAlignments(t.Context(), tc.log, tc.net, PrecisionOptions{})
			if err != nil {
				t.Fatal(err)
			}
			pt, err := PrecisionTokens(context.Background(), tc.log, tc.net, PrecisionOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !near(pa.Value, tc.want) || !near(pt.Value, tc.want) {
				t.Fatalf("align-ETC %+v, token %+v, want %v", pa, pt, tc.want)
			}
		})
	}
}

func TestPrecisionUnfitPrefix(t *testing.T) {
	// "c b" cannot be replayed: c needs a and b first. Its prefix "c" is
	// unfit and left out; only the empty prefix (1 allowed, a, observed
	// once; c is not allowed but observed) counts for it.
	l := traces("c b", "a b c")
	for _, f := range []func() (Precision, error){
		func() (Precision, error) { return PrecisionAlignments(t.Context(), l, seqNet(), PrecisionOptions{}) },
		func() (Precision, error) {
			return PrecisionTokens(context.Background(), l, seqNet(), PrecisionOptions{})
		},
	} {
		p, err := f()
		if err != nil {
			t.Fatal(err)
		}
		if p.UnfitPrefixes != 1 || p.Allowed != 4 || p.Escaping != 0 || p.Value != 1 {
			t.Fatalf("%+v", p)
		}
	}
}

func TestGeneralizationAndSimplicity(t *testing.T) {
	l := eventlog.New([]string{"a", "b", "c"}, []eventlog.Variant{{Acts: []int32{0, 2}, Count: 4}, {Acts: []int32{0, 1, 2}, Count: 1}})
	g, err := Generalization(context.Background(), l, skipNet(), ReplayOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Fired: a 5, c 5, the skip 4, b 1.
	want := 1 - (2/math.Sqrt(5)+0.5+1)/4
	if !near(g, want) {
		t.Fatalf("generalization %v, want %v", g, want)
	}
	for _, tc := range []struct {
		net  *petri.Net
		want float64
	}{
		{seqNet(), 1},                         // mean degree 12/7 < 2
		{flowerNet(), 0.5},                    // 12 arc ends on 4 nodes: 1/(1+1)
		{parNet(), 1},                         // exactly 2
		{wideNet(2), 1 / (1 + (24.0/11 - 2))}, // 12 arcs, 11 nodes
	} {
		if got := Simplicity(tc.net); !near(got, tc.want) {
			t.Errorf("%s: simplicity %v, want %v", tc.net.Name, got, tc.want)
		}
	}
}

// Markings near petri.MaxTokens (2^31-1, the most a PNML may hold) replay
// exactly: counts are 64-bit, so a place at the limit that gains a token
// and loses it again is no overflow (32-bit counts wrapped to a negative
// count, and b could not fire).
func TestTokensAtTheLimit(t *testing.T) {
	n := &petri.Net{}
	i, p1, o, pool := n.AddPlace("i"), n.AddPlace("p1"), n.AddPlace("o"), n.AddPlace("pool")
	chain(n, i, "a", p1)
	n.AddOutput(0, pool) // a also puts a token into the full pool
	chain(n, p1, "b", o)
	n.AddInput(pool, 1) // and b takes one back
	n.Initial, n.Final = petri.Marking{i: 1, pool: petri.MaxTokens}, petri.Marking{o: 1, pool: petri.MaxTokens}
	l := traces("a b")
	al, err := Align(t.Context(), l, n, AlignOptions{})
	if err != nil || al.AlignedCases != 1 || al.LogFitness != 1 || al.ModelCost != 2*CostDeviation {
		t.Fatalf("alignments: %v %+v", err, al)
	}
	tr, err := ReplayTokens(t.Context(), l, n, ReplayOptions{})
	if err != nil || !tr.Variants[0].Fitting || tr.Missing != 0 || tr.Remaining != 0 {
		t.Fatalf("token replay: %v %+v", err, tr)
	}
	for name, prec := range map[string]func() (Precision, error){
		"alignments": func() (Precision, error) { return PrecisionAlignments(t.Context(), l, n, PrecisionOptions{}) },
		"tokens":     func() (Precision, error) { return PrecisionTokens(t.Context(), l, n, PrecisionOptions{}) },
	} {
		if p, err := prec(); err != nil || p.Value != 1 || p.UnfitPrefixes != 0 {
			t.Errorf("precision by %s: %v %+v", name, err, p)
		}
	}
}

// Budgets at their extremes neither panic nor overflow.
func TestAlignExtremeBudgets(t *testing.T) {
	l := traces("a b c", "a c")
	for _, opt := range []AlignOptions{{MaxStates: 1 << 62}, {MaxStates: 1, MaxMemory: 2 << 20}, {MaxMemory: 1 << 62, Workers: 64}} {
		res, err := Align(t.Context(), l, seqNet(), opt)
		if err != nil || res.AlignedCases+res.UnalignedCases != 2 {
			t.Errorf("%+v: %v %+v", opt, err, res)
		}
	}
}
