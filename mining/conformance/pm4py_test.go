package conformance

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/pnml"
)

// The PM4Py comparisons read testdata/pm4py/<stem>/reference.json (written
// by testdata/pm4py/reference.py) and the nets PM4Py wrote beside it, and
// require pmx's figures to equal PM4Py's within tol.

const tol = 1e-6

var models = []string{"imf", "im", "alpha", "heuristics"}

func loadReference(t testing.TB, stem string) map[string]json.RawMessage {
	t.Helper()
	var ref map[string]json.RawMessage
	testlogs.LoadReference(t, stem, &ref)
	return ref
}

// block decodes ref[key] into v; false when absent or a recorded failure.
func block(ref map[string]json.RawMessage, key string, v any) bool {
	raw, ok := ref[key]
	if !ok || len(raw) == 0 || raw[0] == '"' {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}

func loadNet(t testing.TB, stem, model string) *petri.Net {
	t.Helper()
	f, err := os.Open(testlogs.ReferenceFile(stem, model+".pnml"))
	if err != nil {
		t.Skipf("no %s.pnml for %s", model, stem)
	}
	defer f.Close()
	n, err := pnml.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

var (
	logsMu sync.Mutex
	logs   = map[string]*eventlog.Log{}
)

// loadLog is testlogs.Load, once per stem for the whole test binary.
func loadLog(t testing.TB, stem string) *eventlog.Log {
	t.Helper()
	logsMu.Lock()
	defer logsMu.Unlock()
	if l, ok := logs[stem]; ok {
		return l
	}
	l := testlogs.Load(t, stem)
	logs[stem] = l
	return l
}

func traceKey(acts []string) string { return strings.Join(acts, "\x00") }

// variantIndex maps a trace (as activity names) to its variant.
func variantIndex(l *eventlog.Log) map[string]int {
	out := make(map[string]int, len(l.Variants))
	for i, v := range l.Variants {
		out[traceKey(l.Trace(v))] = i
	}
	return out
}

func near(a, b float64) bool { return math.Abs(a-b) <= tol }

type tbrRef struct {
	Fitness struct {
		LogFitness          float64 `json:"log_fitness"`
		AverageTraceFitness float64 `json:"average_trace_fitness"`
		Percentage          float64 `json:"percentage_of_fitting_traces"`
	} `json:"fitness"`
	Totals struct {
		Produced, Consumed, Missing, Remaining int64
		Traces                                 int64 `json:"traces"`
		FittingTraces                          int64 `json:"fitting_traces"`
	} `json:"totals"`
	Variants []struct {
		Trace     []string `json:"trace"`
		Count     int64    `json:"count"`
		Produced  int      `json:"produced"`
		Consumed  int      `json:"consumed"`
		Missing   int      `json:"missing"`
		Remaining int      `json:"remaining"`
		Fitness   float64  `json:"trace_fitness"`
		Fit       bool     `json:"trace_is_fit"`
	} `json:"variants"`
}

// pm4pyUnstable lists nets on which PM4Py's own token replay is not
// deterministic, with the log fitness pmx reproduces. PM4Py walks Python
// sets of arcs and transitions, ordered by object address, when it picks
// among invisible paths of equal length; on these nets the pick changes the
// figures. Running pm4py.fitness_token_based_replay six times on the same
// helpdesk/heuristics.pnml gave 0.9186100307517944 five times and
// 0.8389932348055444 once; reference.json holds whichever run wrote it.
var pm4pyUnstable = map[string]float64{
	"helpdesk/heuristics": 0.9186100307517944,
}

func TestTokenReplayMatchesPM4Py(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		for _, model := range models {
			t.Run(stem+"/"+model, func(t *testing.T) {
				ref := loadReference(t, stem)
				var want tbrRef
				if !block(ref, model+"_token_replay", &want) {
					t.Skipf("reference has no %s_token_replay", model)
				}
				net := loadNet(t, stem, model)
				l := loadLog(t, stem)
				got, err := ReplayTokens(context.Background(), l, net, ReplayOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if alt, ok := pm4pyUnstable[stem+"/"+model]; ok && !near(want.Fitness.LogFitness, got.LogFitness) {
					if !near(got.LogFitness, alt) {
						t.Fatalf("log fitness %.9f, neither of PM4Py's %.9f and %.9f", got.LogFitness, want.Fitness.LogFitness, alt)
					}
					t.Skipf("PM4Py is not deterministic on this net; the reference holds its other outcome (%.9f), pmx gives %.9f as PM4Py usually does",
						want.Fitness.LogFitness, got.LogFitness)
				}
				idx := variantIndex(l)
				bad := 0
				for _, w := range want.Variants {
					i, ok := idx[traceKey(w.Trace)]
					if !ok {
						t.Fatalf("PM4Py variant %q not in the log", w.Trace)
					}
					g := got.Variants[i]
					if g.Produced != w.Produced || g.Consumed != w.Consumed || g.Missing != w.Missing ||
						g.Remaining != w.Remaining || g.Fitting != w.Fit || !near(g.Fitness, w.Fitness) {
						if bad++; bad <= 5 {
							t.Errorf("variant %q (x%d): p/c/m/r %d/%d/%d/%d fit %v %.6f, PM4Py %d/%d/%d/%d fit %v %.6f",
								w.Trace, w.Count, g.Produced, g.Consumed, g.Missing, g.Remaining, g.Fitting, g.Fitness,
								w.Produced, w.Consumed, w.Missing, w.Remaining, w.Fit, w.Fitness)
						}
					}
				}
				if bad > 0 {
					t.Errorf("%d of %d variants differ", bad, len(want.Variants))
				}
				if got.Produced != want.Totals.Produced || got.Consumed != want.Totals.Consumed ||
					got.Missing != want.Totals.Missing || got.Remaining != want.Totals.Remaining {
					t.Errorf("totals p/c/m/r %d/%d/%d/%d, PM4Py %d/%d/%d/%d", got.Produced, got.Consumed, got.Missing,
						got.Remaining, want.Totals.Produced, want.Totals.Consumed, want.Totals.Missing, want.Totals.Remaining)
				}
				if !near(got.LogFitness, want.Fitness.LogFitness) || !near(got.AverageTraceFitness, want.Fitness.AverageTraceFitness) ||
					!near(got.PercentageFitting, want.Fitness.Percentage) {
					t.Errorf("log fitness %.9f avg %.9f fitting %.6f%%, PM4Py %.9f %.9f %.6f%%", got.LogFitness,
						got.AverageTraceFitness, got.PercentageFitting, want.Fitness.LogFitness,
						want.Fitness.AverageTraceFitness, want.Fitness.Percentage)
				}
			})
		}
	}
}

type alignRef struct {
	Fitness struct {
		LogFitness          float64 `json:"log_fitness"`
		AverageTraceFitness float64 `json:"average_trace_fitness"`
		Percentage          float64 `json:"percentage_of_fitting_traces"`
	} `json:"fitness"`
	Variants []struct {
		Trace   []string `json:"trace"`
		Count   int64    `json:"count"`
		Cost    int64    `json:"cost"`
		Fitness float64  `json:"fitness"`
		BWC     int64    `json:"bwc"`
	} `json:"variants"`
}

func TestAlignmentsMatchPM4Py(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		for _, model := range []string{"imf", "im"} {
			t.Run(stem+"/"+model, func(t *testing.T) {
				ref := loadReference(t, stem)
				var want alignRef
				if !block(ref, model+"_alignments", &want) {
					t.Skipf("reference has no %s_alignments", model)
				}
				net := loadNet(t, stem, model)
				l := loadLog(t, stem)
				got, err := Align(t.Context(), l, net, AlignOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if got.UnalignedVariants > 0 {
					t.Errorf("%d variants unaligned", got.UnalignedVariants)
				}
				idx := variantIndex(l)
				bad := 0
				for _, w := range want.Variants {
					i, ok := idx[traceKey(w.Trace)]
					if !ok {
						t.Fatalf("PM4Py variant %q not in the log", w.Trace)
					}
					g := got.Variants[i]
					if g.Cost != w.Cost || g.BestWorstCost != w.BWC || !near(g.Fitness, w.Fitness) {
						if bad++; bad <= 5 {
							t.Errorf("variant %q (x%d): cost %d bwc %d fitness %.6f, PM4Py %d %d %.6f",
								w.Trace, w.Count, g.Cost, g.BestWorstCost, g.Fitness, w.Cost, w.BWC, w.Fitness)
						}
					}
					checkMoves(t, l, net, l.Variants[i].Acts, g)
				}
				if bad > 0 {
					t.Errorf("%d of %d variants differ", bad, len(want.Variants))
				}
				if !near(got.LogFitness, want.Fitness.LogFitness) || !near(got.AverageTraceFitness, want.Fitness.AverageTraceFitness) ||
					!near(got.PercentageFitting, want.Fitness.Percentage) {
					t.Errorf("log fitness %.9f avg %.9f fitting %.6f%%, PM4Py %.9f %.9f %.6f%%", got.LogFitness,
						got.AverageTraceFitness, got.PercentageFitting, want.Fitness.LogFitness,
						want.Fitness.AverageTraceFitness, want.Fitness.Percentage)
				}
			})
		}
	}
}

func TestQualityMatchesPM4Py(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			ref := loadReference(t, stem)
			net := loadNet(t, stem, "imf")
			l := loadLog(t, stem)
			var want float64
			if block(ref, "imf_simplicity", &want) {
				if got := Simplicity(net); !near(got, want) {
					t.Errorf("simplicity %.9f, PM4Py %.9f", got, want)
				}
			}
			if block(ref, "imf_generalization_tbr", &want) {
				got, err := Generalization(context.Background(), l, net, ReplayOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if !near(got, want) {
					t.Errorf("generalization %.9f, PM4Py %.9f", got, want)
				}
			}
			if block(ref, "imf_precision_token_based_replay", &want) {
				got, err := PrecisionTokens(context.Background(), l, net, PrecisionOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if !near(got.Value, want) {
					t.Errorf("token-based precision %.9f (%+v), PM4Py %.9f", got.Value, got, want)
				}
			}
			if block(ref, "imf_precision_alignments", &want) {
				got, err := PrecisionAlignments(t.Context(), l, net, PrecisionOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if !near(got.Value, want) {
					t.Errorf("align-ETC precision %.9f (%+v), PM4Py %.9f", got.Value, got, want)
				}
			}
		})
	}
}
