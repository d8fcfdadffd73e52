package model_test

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/mining/petri"
)

const netBlock = `  net:
    places: [start, p1, p2, p3, p4, p5, end]
    transitions:
      - {id: open, label: A, in: [start], out: [p1]}
      - {id: split, in: [p1], out: [p2, p3]}
      - {id: check, label: B, in: [p2], out: [p4]}
      - {id: notify, label: C, in: [p3], out: [p5]}
      - {id: skip, in: [p3], out: [p5]}
      - {id: join, in: [p4, p5], out: [end]}
    initial: {start: 1}
    final: {end: 1}
    weights:
      p3: {notify: 0.3, skip: 0.7}
`

// Mode net's mistakes, each refused at its line and field (testdata/net.yaml
// edited).
var netErrorCases = []struct {
	name  string
	edits []edit
	line  int
	field string
	want  string
}{
	{"no net", []edit{{netBlock, ""}}, 14, "routing.net", "missing: mode net needs places, transitions, initial and final"},
	{"unknown field", []edit{{"label: A", "labl: A"}}, 19, "model", "field labl not found in NetTransition"},
	{"place listed twice", []edit{{"p5, end]", "p5, p5, end]"}}, 17, "routing.net.places.6", `place "p5" is listed twice`},
	{"unknown input place", []edit{{"label: B, in: [p2]", "label: B, in: [p9]"}}, 21, "routing.net.transitions.2.in.0", `no place "p9"`},
	{"unknown output place", []edit{{"out: [p2, p3]", "out: [p2, q3]"}}, 20, "routing.net.transitions.1.out.1", `no place "q3"`},
	{"unknown activity", []edit{{"label: B", "label: Z"}}, 21, "routing.net.transitions.2.label", `activity "Z" is not under activities ("A", "B", "C")`},
	{"transition without inputs", []edit{{"{id: skip, in: [p3]", "{id: skip, in: []"}}, 23, "routing.net.transitions.4.in", `transition "skip" takes no token`},
	{"transition listed twice", []edit{{"{id: skip,", "{id: notify,"}}, 23, "routing.net.transitions.4.id", `transition "notify" is listed twice`},
	{"transition named as a place", []edit{{"{id: split,", "{id: p1,"}}, 20, "routing.net.transitions.1.id", `"p1" names a place too`},
	{"transition without id", []edit{{"{id: split,", "{"}}, 20, "routing.net.transitions.1.id", "a transition needs an id"},
	{"initial in an unknown place", []edit{{"initial: {start: 1}", "initial: {begin: 1}"}}, 25, "routing.net.initial.begin", `no place "begin"`},
	{"no tokens", []edit{{"final: {end: 1}", "final: {end: 0}"}}, 26, "routing.net.final.end", "0 tokens: want 1 to"},
	{"empty final marking", []edit{{"final: {end: 1}", "final: {}"}}, 26, "routing.net.final", "empty: name the place(s)"},
	{"weights of an unknown place", []edit{{"      p3: {", "      p9: {"}}, 28, "routing.net.weights.p9", `no place "p9"`},
	{"weight of a transition elsewhere", []edit{{"skip: 0.7}", "skip: 0.7, check: 1}"}}, 28, "routing.net.weights.p3.check", `transition "check" does not take tokens from "p3" (it takes: "notify", "skip")`},
	{"weight missing", []edit{{"{notify: 0.3, skip: 0.7}", "{notify: 0.3}"}}, 28, "routing.net.weights.p3", `no weight for transition "skip", which takes tokens from "p3" too`},
	{"negative weight", []edit{{"skip: 0.7", "skip: -0.7"}}, 28, "routing.net.weights.p3", "weight -0.7: want a finite value ≥ 0"},
	{"weights summing to 0", []edit{{"{notify: 0.3, skip: 0.7}", "{notify: 0, skip: 0}"}}, 28, "routing.net.weights.p3", "weights sum to 0"},
	{"loop of silent transitions", []edit{{"      - {id: join,", "      - {id: back, in: [p5], out: [p3]}\n      - {id: join,"}}, 18, "routing.net.transitions", "silent transitions form a loop (skip → back → skip)"},
	{"tree probabilities", []edit{{"  probabilities:\n", "  probabilities:\n    redo: {\"0\": 0.5}\n"}}, 29, "routing.probabilities", "mode net weighs its choices under routing.net.weights"},
	{"bad attribute weights", []edit{{"kind: {x: 3, y: 1}", "kind: {x: -3, y: 1}"}}, 30, "routing.probabilities.attributes", "attributes kind: weight -3"},
}

func TestNetReadErrors(t *testing.T) {
	b, err := os.ReadFile("testdata/net.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := string(b)
	if !strings.Contains(base, netBlock) {
		t.Fatal("testdata/net.yaml no longer holds netBlock")
	}
	for _, tc := range netErrorCases {
		t.Run(tc.name, func(t *testing.T) {
			src := applyEdits(t, base, tc.edits)
			_, err := model.Read(strings.NewReader(src), "m.yaml")
			if err == nil {
				t.Fatalf("read without error:\n%s", src)
			}
			var found *model.Error
			for _, e := range flatten(err) {
				var me *model.Error
				if errors.As(e, &me) && me.Field == tc.field && strings.Contains(me.Reason, tc.want) {
					found = me
					break
				}
			}
			if found == nil {
				t.Fatalf("got %v\nwant field %s: …%s…", err, tc.field, tc.want)
			}
			if found.Line != tc.line {
				t.Errorf("%v: line %d, want %d", found, found.Line, tc.line)
			}
			if want := fmt.Sprintf("m.yaml:%d: %s: ", tc.line, tc.field); !strings.Contains(err.Error(), want) {
				t.Errorf("message %q does not say %q", err, want)
			}
		})
	}
}

// A Petri net written in the model's form and read back is the same net,
// arc weights included.
func TestNetOfPetri(t *testing.T) {
	n := &petri.Net{Initial: petri.Marking{}, Final: petri.Marking{}}
	i, p, o := n.AddPlace("i"), n.AddPlace("p"), n.AddPlace("o")
	a := n.AddTransition("a", "A", false)
	tau := n.AddTransition("tau", "shown", true)
	n.AddInput(i, a)
	n.AddOutput(a, p)
	n.Arcs = append(n.Arcs, petri.Arc{Place: p, Trans: tau, ToTrans: true, Weight: 2})
	n.AddOutput(tau, o)
	n.Initial[i], n.Final[o] = 2, 1
	w := model.NetOf(n)
	if want := (model.NetTransition{ID: "tau", In: []string{"p", "p"}, Out: []string{"o"}}); !reflect.DeepEqual(w.Transitions[1], want) {
		t.Errorf("silent transition %+v, want %+v (label dropped, weight 2 as a place listed twice)", w.Transitions[1], want)
	}
	if got := w.Labels(); !slices.Equal(got, []string{"A"}) {
		t.Errorf("labels %v", got)
	}
	back := w.Petri()
	n.Transitions[1].Label = "" // a silent transition's display name is not kept
	if !slices.Equal(back.Structure(), n.Structure()) || !back.Initial.Equal(n.Initial) || !back.Final.Equal(n.Final) {
		t.Errorf("Petri(NetOf(n)) = %+v, want %+v", back, n)
	}
}

func TestParseDist(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want dist.Dist
		err  string
	}{
		{"600", dist.Dist{Kind: dist.Fixed, Value: 600}, ""},
		{" 1.5 ", dist.Dist{Kind: dist.Fixed, Value: 1.5}, ""},
		{"{dist: lognormal, mu: 6.2, sigma: 0.9}", dist.Dist{Kind: dist.LogNormal, Mu: 6.2, Sigma: 0.9}, ""},
		{"{dist: exponential, mean: 7200, p_zero: 0.6}", dist.Dist{Kind: dist.Exponential, Mean: 7200, PZero: 0.6}, ""},
		{"-5", dist.Dist{}, "value -5: want a duration ≥ 0"},
		{"{dist: gamma, shape: 2}", dist.Dist{}, "gamma"},
		{"{mean: 5}", dist.Dist{}, "no dist"},
		{"{dist: fixed, valeu: 3}", dist.Dist{}, "field valeu not found"},
		{"ten minutes", dist.Dist{}, "want seconds or {dist: KIND, ...}"},
	} {
		got, err := model.ParseDist(tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("ParseDist(%q): %v", tc.in, err)
		case tc.err == "" && !reflect.DeepEqual(got, tc.want):
			t.Errorf("ParseDist(%q) = %+v, want %+v", tc.in, got, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseDist(%q) error %v, want …%s…", tc.in, err, tc.err)
		}
	}
}
