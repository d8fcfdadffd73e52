package heuristics

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
)

// book builds a log from the Process Mining book's notation: "abcd^3"
// is three cases a, b, c, d (one letter per activity).
func book(spec string) *eventlog.Log {
	var traces [][]string
	for _, f := range strings.Fields(spec) {
		n := 1
		if i := strings.IndexByte(f, '^'); i >= 0 {
			fmt.Sscan(f[i+1:], &n)
			f = f[:i]
		}
		for range n {
			traces = append(traces, strings.Split(f, ""))
		}
	}
	return eventlog.FromTraces(traces)
}

// render prints a heuristics net as "a->b(dep)" arcs and per node its
// input and output bindings, e.g. "d in[b+c|e] out[]".
func render(h *Net) []string {
	name := func(b Binding) string {
		s := make([]string, len(b))
		for i, x := range b {
			s[i] = h.Activities[x]
		}
		return strings.Join(s, "+")
	}
	var out []string
	for _, a := range h.Arcs {
		l := fmt.Sprintf("%s->%s(%.3f)", h.Activities[a.From], h.Activities[a.To], a.Dependency)
		if a.LoopTwo {
			l += "L2"
		}
		out = append(out, l)
	}
	for _, n := range h.Nodes {
		var in, o []string
		for _, b := range n.Inputs {
			in = append(in, name(b))
		}
		for _, b := range n.Outputs {
			o = append(o, name(b))
		}
		out = append(out, fmt.Sprintf("%s in[%s] out[%s]", h.Activities[n.Activity], strings.Join(in, "|"), strings.Join(o, "|")))
	}
	return out
}

func TestDiscoverSmallLogs(t *testing.T) {
	tests := []struct {
		name, log string
		net       []string // render output
		petri     []string // places, as PM4Py 2.7.23.11 gives them for the same log
	}{
		{
			// L1 of the book: b and c in parallel (AND measure 5/6), e
			// exclusive to them.
			name: "and-split and join", log: "abcd^3 acbd^2 aed",
			net: []string{"a->b(0.750)", "a->c(0.667)", "a->e(0.500)", "b->d(0.667)", "c->d(0.750)", "e->d(0.500)",
				"a in[] out[b+c|e]", "b in[a] out[d]", "c in[a] out[d]", "d in[b+c|e] out[]", "e in[a] out[d]"},
			petri: []string{"p:{a}->{e,τ}", "p:{b}->{τ}", "p:{c}->{τ}", "p:{d}->{} final=1", "p:{e,τ}->{d}",
				"p:{}->{a} initial=1", "p:{τ}->{b}", "p:{τ}->{c}"},
		},
		{
			// L8 of the book: b c b is a length-two loop (a⇒₂b = 5/6) whose
			// dependencies are 0 both ways.
			name: "length-two loop", log: "abd^3 abcbd^2 abcbcbd",
			net: []string{"a->b(0.857)", "b->c(0.000)L2", "b->d(0.857)", "c->b(0.000)L2",
				"a in[] out[b]", "b in[a|c] out[c|d]", "c in[b] out[b]", "d in[b] out[]"},
			petri: []string{"p:{a,c}->{b}", "p:{b}->{c,d}", "p:{d}->{} final=1", "p:{}->{a} initial=1"},
		},
		{
			name: "self-loop", log: "abcd^5 acbd^5 abbcd^2 ad",
			// b>b gives b⇒b = 2/3. The AND measure pairs a's outputs b, c
			// (12/13) and c, d (7/7): two overlapping AND bindings.
			net: []string{"a->b(0.875)", "a->c(0.833)", "a->d(0.500)", "b->b(0.667)", "b->d(0.833)", "c->d(0.875)",
				"a in[] out[b+c|c+d]", "b in[a+b] out[b|d]", "c in[a] out[d]", "d in[a+b|b+c] out[]"},
			petri: []string{"p:{a}->{τ,τ}", "p:{b}->{b,τ}", "p:{c}->{τ}", "p:{d}->{} final=1", "p:{}->{a} initial=1",
				"p:{τ,τ}->{c}", "p:{τ,τ}->{d}", "p:{τ}->{b}", "p:{τ}->{τ,τ}", "p:{τ}->{τ}"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			log := book(tc.log)
			h, err := Discover(log, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := render(h); !slices.Equal(got, tc.net) {
				t.Errorf("net\n got  %q\n want %q", got, tc.net)
			}
			net := h.Petri()
			if err := net.Validate(); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range describe(net) {
				if strings.HasPrefix(s, "p:") {
					got = append(got, s)
				}
			}
			want := slices.Clone(tc.petri)
			slices.Sort(want)
			if d := diff(got, want); len(d) > 0 {
				t.Errorf("petri net differs (+ got, - want):\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

func TestOptions(t *testing.T) {
	arcs := func(h *Net) string {
		var s []string
		for _, a := range h.Arcs {
			s = append(s, h.Activities[a.From]+h.Activities[a.To])
		}
		return strings.Join(s, " ")
	}
	tests := []struct {
		name, log string
		opt       Options
		arcs      string
		petri     []string // places, from PM4Py where given
	}{
		{"defaults clean the rare a>c away", "abc^40 ac", Options{}, "ab bc", nil},
		{"a negative noise threshold keeps it", "abc^40 ac", Options{NoiseThreshold: -1}, "ab ac bc",
			[]string{"p:{a}->{b}", "p:{a}->{c}", "p:{b}->{c}", "p:{c}->{} final=1", "p:{}->{a} initial=1"}},
		{"a high dependency threshold keeps no arc: every activity is an isolated node", "abcd^3 acbd^2 aed",
			Options{DependencyThreshold: 0.9}, "",
			[]string{"p:{a}->{}", "p:{b}->{}", "p:{c}->{}", "p:{d}->{} final=1", "p:{e}->{}", "p:{}->{a} initial=1"}},
		{"a tiny negative dependency threshold keeps dependencies of 0", "abd^3 abcbd^2 abcbcbd",
			Options{DependencyThreshold: -1e-12}, "ab bc bd cb",
			[]string{"p:{a,c}->{b}", "p:{b}->{c,d}", "p:{d}->{} final=1", "p:{}->{a} initial=1"}},
		{"MinDFGOccurrences", "abc^40 ac", Options{NoiseThreshold: -1, MinDFGOccurrences: 2}, "ab bc", nil},
		{"MinActivityCount", "abc^3 adc", Options{MinActivityCount: 2}, "ab bc", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Discover(book(tc.log), tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := arcs(h); got != tc.arcs {
				t.Errorf("arcs %q, want %q", got, tc.arcs)
			}
			if tc.petri == nil {
				return
			}
			var got []string
			for _, s := range describe(h.Petri()) {
				if strings.HasPrefix(s, "p:") {
					got = append(got, s)
				}
			}
			want := slices.Clone(tc.petri)
			slices.Sort(want)
			if d := diff(got, want); len(d) > 0 {
				t.Errorf("petri net differs (+ got, - want):\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	got := Options{}.withDefaults()
	want := Options{DependencyThreshold: 0.5, AndThreshold: 0.65, LoopTwoThreshold: 0.5, MinActivityCount: 1,
		MinDFGOccurrences: 1, NoiseThreshold: 0.05}
	if got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	neg := Options{DependencyThreshold: -0.2, AndThreshold: -1, LoopTwoThreshold: -1, NoiseThreshold: -1}.withDefaults()
	if neg.DependencyThreshold != -0.2 || neg.AndThreshold != 0 || neg.LoopTwoThreshold != 0 || neg.NoiseThreshold != 0 {
		t.Errorf("negative thresholds: %+v", neg)
	}
}

func TestEmptyLog(t *testing.T) {
	if _, err := Discover(book(""), Options{}); !errors.Is(err, ErrEmptyLog) {
		t.Errorf("err %v, want ErrEmptyLog", err)
	}
}

// TestDependencyFormula checks the measures against the closed forms on
// L1: a⇒b = 3/4, a⇒c = 2/3, a⇒e = 1/2, and the AND measure of a's outputs b
// and c is (3+2)/(3+2+1) ≥ 0.65, so they form one binding.
func TestDependencyFormula(t *testing.T) {
	h, _ := Discover(book("abcd^3 acbd^2 aed"), Options{})
	want := map[string]float64{"ab": 3.0 / 4, "ac": 2.0 / 3, "ae": 1.0 / 2, "bd": 2.0 / 3, "cd": 3.0 / 4, "ed": 1.0 / 2}
	for _, a := range h.Arcs {
		k := h.Activities[a.From] + h.Activities[a.To]
		if math.Abs(a.Dependency-want[k]) > 1e-15 {
			t.Errorf("%s: dependency %v, want %v", k, a.Dependency, want[k])
		}
	}
}

// TestDirectlyFollows: the dense count equals eventlog's DFG.
func TestDirectlyFollows(t *testing.T) {
	log := book("abcd^3 acbd^2 aed abba a")
	log.Variants = append(log.Variants, eventlog.Variant{Count: 2})
	got, want := directlyFollows(log), log.DFG()
	if !maps.Equal(got.Edges, want.Edges) || !slices.Equal(got.Start, want.Start) || !slices.Equal(got.End, want.End) ||
		!slices.Equal(got.Counts, want.Counts) || got.Empty != want.Empty || got.N != want.N {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestPairCounterMapFallback(t *testing.T) {
	for _, n := range []int{3, 2000} {
		pc := newPairCounter(n)
		pc.add(1, 2, 3)
		pc.add(1, 2, 4)
		pc.add(2, 1, 1)
		if got := pc.result(); !maps.Equal(got, map[[2]int32]int64{{1, 2}: 7, {2, 1}: 1}) {
			t.Errorf("n=%d: %v", n, got)
		}
	}
}
