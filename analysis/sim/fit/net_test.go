package fit

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/simlog"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/mining/petri"
)

// knownNet is a designed process to recover, shaped as a BPMN diagram
// converts: Register; Check or skip it (70/30); then Notify beside
// Decide, which is redone with probability 0.2; a front office (a, b, c)
// registers and checks, a back office (d, e) decides, Notify is automatic.
func knownNet() *model.Model {
	tr := func(id, label string, in, out []string) model.NetTransition {
		return model.NetTransition{ID: id, Label: label, In: in, Out: out}
	}
	w := &model.WorkflowNet{
		Places: []string{"i", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "o"},
		Transitions: []model.NetTransition{
			tr("register", "Register", []string{"i"}, []string{"p1"}),
			tr("check", "Check", []string{"p1"}, []string{"p2"}),
			tr("skip", "", []string{"p1"}, []string{"p2"}),
			tr("split", "", []string{"p2"}, []string{"p3", "p4"}),
			tr("notify", "Notify", []string{"p3"}, []string{"p5"}),
			tr("decide", "Decide", []string{"p4"}, []string{"p6"}),
			tr("redo", "", []string{"p6"}, []string{"p4"}),
			tr("exit", "", []string{"p6"}, []string{"p7"}),
			tr("join", "", []string{"p5", "p7"}, []string{"o"}),
		},
		Initial: map[string]int{"i": 1}, Final: map[string]int{"o": 1},
		Weights: map[string]map[string]float64{"p1": {"check": 0.7, "skip": 0.3}, "p6": {"redo": 0.2, "exit": 0.8}},
	}
	m := &model.Model{Version: model.Version, Acts: model.Activities{}, Routing: model.Routing{Mode: model.Net, Net: w},
		Pools: model.Pools{"front": {}, "back": {}}}
	m.Arrivals = model.Arrivals{PerHour: make([]float64, model.HoursPerWeek), Gaps: dist.Dist{Kind: dist.Exponential, Mean: 1}}
	for i := range m.Arrivals.PerHour {
		m.Arrivals.PerHour[i] = 2
	}
	for _, r := range []string{"a", "b", "c"} {
		m.Pools["front"].Resources = append(m.Pools["front"].Resources, &model.Resource{Name: r})
	}
	for _, r := range []string{"d", "e"} {
		m.Pools["back"].Resources = append(m.Pools["back"].Resources, &model.Resource{Name: r})
	}
	m.Acts["Register"] = &model.Activity{Pool: "front", Duration: dist.Dist{Kind: dist.LogNormal, Mu: 6, Sigma: 0.5}}
	m.Acts["Check"] = &model.Activity{Pool: "front", Duration: dist.Dist{Kind: dist.LogNormal, Mu: 6.5, Sigma: 0.5}}
	m.Acts["Notify"] = &model.Activity{Duration: dist.Dist{Kind: dist.Fixed, Value: 30}}
	m.Acts["Decide"] = &model.Activity{Pool: "back", Duration: dist.Dist{Kind: dist.LogNormal, Mu: 6.5, Sigma: 0.3}}
	return m
}

// simulated is a log of cases simulated from m.
func simulated(t *testing.T, m *model.Model, cases int) *timeline.Log {
	t.Helper()
	s, err := engine.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	rec := simlog.Recorder(s, "c")
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()
	if _, err := s.Run(engine.Options{Cases: cases, Start: start, Seed: 3, Emit: rec.Emit, CaseAttributes: rec.CaseAttributes}); err != nil {
		t.Fatal(err)
	}
	return rec.Timeline()
}

// A log simulated from a known net, fitted to the same net, gives back
// its choice weights (within 0.02) and, with the lanes drawn as the
// pools were, the pools' members.
func TestFitNetRecoversWeights(t *testing.T) {
	known := knownNet()
	l := simulated(t, known, 5000)
	design := &Design{Net: known.Routing.Net.Petri(),
		Lanes: map[string]string{"Register": "Front office", "Check": "Front office", "Decide": "Back office"}}
	m, rep, err := Fit(l, Options{Mode: model.Net, Design: design, Calibration: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("notes: %s; weights %v", strings.Join(rep.Notes, "; "), m.Routing.Net.Weights)
	for place, ws := range known.Routing.Net.Weights {
		for tr, want := range ws {
			if got := m.Routing.Net.Weights[place][tr]; math.Abs(got-want) > 0.02 {
				t.Errorf("weight of %s at %s: %.4f, want %.2f ± 0.02", tr, place, got, want)
			}
		}
	}
	if len(m.Routing.Net.Weights) != 2 {
		t.Errorf("weights for %d places, want the 2 choices: %v", len(m.Routing.Net.Weights), m.Routing.Net.Weights)
	}
	members := func(pool string) []string {
		var out []string
		if p := m.Pools[pool]; p != nil {
			for _, r := range p.Resources {
				out = append(out, r.Name)
			}
		}
		return out
	}
	if got := members("Front office"); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Front office: %v, want a, b, c", got)
	}
	if got := members("Back office"); !slices.Equal(got, []string{"d", "e"}) {
		t.Errorf("Back office: %v, want d, e", got)
	}
	if len(m.Pools) != 2 || m.Acts["Decide"].Pool != "Back office" || m.Acts["Notify"].Pool != "" {
		t.Errorf("pools %v; Decide in %q, Notify in %q", slices.Sorted(func(yield func(string) bool) {
			for k := range m.Pools {
				if !yield(k) {
					return
				}
			}
		}), m.Acts["Decide"].Pool, m.Acts["Notify"].Pool)
	}
	// The fitted model simulates, and its file reads back.
	if _, err := engine.Compile(m); err != nil {
		t.Fatal(err)
	}
}

// What the design's file says wins: a fixed probability, and durations —
// which a task the log never saw must have.
func TestFitNetDesignWins(t *testing.T) {
	known := knownNet()
	l := simulated(t, known, 1000)
	w := known.Clone().Routing.Net
	// A to-be step after Register: Approve.
	w.Places = append(w.Places, "q")
	w.Transitions[0].Out = []string{"q"}
	w.Transitions = append(w.Transitions, model.NetTransition{ID: "approve", Label: "Approve", In: []string{"q"}, Out: []string{"p1"}})
	net := w.Petri()
	_, _, err := Fit(l, Options{Mode: model.Net, Design: &Design{Net: net}, Calibration: -1})
	if err == nil || !strings.Contains(err.Error(), `"Approve"`) || !strings.Contains(err.Error(), "duration") {
		t.Fatalf("a to-be task without a duration: err = %v, want one naming Approve", err)
	}
	check := slices.IndexFunc(net.Transitions, func(tr petri.Transition) bool { return tr.ID == "check" })
	d := &Design{Net: net, Weights: map[int]float64{check: 0.5},
		Durations: map[string]dist.Dist{"Approve": {Kind: dist.Fixed, Value: 600}, "Register": {Kind: dist.Fixed, Value: 60}}}
	m, _, err := Fit(l, Options{Mode: model.Net, Design: d, Calibration: -1})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Routing.Net.Weights["p1"]; got["check"] != 0.5 || got["skip"] != 0.5 {
		t.Errorf("p1 weights %v, want the file's 0.5 and the rest 0.5", got)
	}
	if got := m.Acts["Approve"]; got == nil || !reflect.DeepEqual(got.Duration, dist.Dist{Kind: dist.Fixed, Value: 600}) || got.Pool != "" {
		t.Errorf("Approve: %+v, want the file's fixed 600 s and no pool", got)
	}
	if got := m.Acts["Register"].Duration; !reflect.DeepEqual(got, dist.Dist{Kind: dist.Fixed, Value: 60}) {
		t.Errorf("Register's duration %+v, want the file's", got)
	}
}

func TestChoiceWeights(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fired []float64
		fixed map[int]float64
		want  []float64
	}{
		{"counts", []float64{30, 70}, nil, []float64{0.3, 0.7}},
		{"one fixed, the rest by counts", []float64{10, 30, 10}, map[int]float64{0: 0.5}, []float64{0.5, 0.375, 0.125}},
		{"all fixed", []float64{1, 1}, map[int]float64{0: 0.3, 1: 0.7}, []float64{0.3, 0.7}},
		{"fixed above 1, scaled", []float64{1, 1, 1}, map[int]float64{0: 1, 1: 1}, []float64{0.5, 0.5, 0}},
		{"never fired", []float64{0, 0}, nil, []float64{0.5, 0.5}},
		{"a rare branch keeps a weight", []float64{1, 1e6}, nil, []float64{0.0001, 1}},
	} {
		got := choiceWeights([]int{0, 1, 2}[:len(tc.fired)], tc.fired, tc.fixed)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A step of one parallel branch is enabled when the branch's token came,
// not at the other branch's completion: A; then B (10 s to 40 s) beside C
// (10 s to 20 s); then D once both are done. By previous completion B
// would be enabled at C's end, 20 s.
func TestNetEnabling(t *testing.T) {
	tr := func(id, label string, in, out []string) model.NetTransition {
		return model.NetTransition{ID: id, Label: label, In: in, Out: out}
	}
	w := &model.WorkflowNet{Places: []string{"i", "p", "q", "r", "s", "o"},
		Transitions: []model.NetTransition{tr("a", "A", []string{"i"}, []string{"p", "q"}), tr("b", "B", []string{"p"}, []string{"r"}),
			tr("c", "C", []string{"q"}, []string{"s"}), tr("d", "D", []string{"r", "s"}, []string{"o"})},
		Initial: map[string]int{"i": 1}, Final: map[string]int{"o": 1}}
	const s = int64(1_000_000)
	// Steps in completion order: A, C, B, D; two cases alike, an hour apart.
	l := &timeline.Log{Activities: []string{"A", "B", "C", "D"}, CaseIDs: []string{"1", "2"}, CaseAttrs: []string{"", ""}, CaseStart: []int32{0, 4, 8}}
	for c := range 2 {
		base := int64(c) * 3600 * s
		for _, st := range []struct {
			act         int32
			start, done int64
		}{{0, 0, 10}, {2, 10, 20}, {1, 10, 40}, {3, 40, 50}} {
			l.Case = append(l.Case, int32(c))
			l.Act = append(l.Act, st.act)
			l.Resource = append(l.Resource, timeline.None)
			l.Start = append(l.Start, base+st.start*s)
			l.Time = append(l.Time, base+st.done*s)
		}
	}
	f := &fitter{l: l, o: Options{Mode: model.Net, Design: &Design{Net: w.Petri()}}, rep: &Report{}}
	f.index()
	m := &model.Model{Acts: model.Activities{}}
	for _, a := range l.Activities {
		m.Acts[a] = &model.Activity{}
	}
	if _, err := f.netRouting(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	for c := range 2 {
		base := int64(c) * 3600 * s
		want := []int64{0, 10, 10, 40} // A, C, B, D
		for k, w := range want {
			if got := f.enabled[c*4+k]; got != base+w*s {
				t.Errorf("case %d, step %d (%s): enabled at %d s, want %d s", c, k, l.Activities[l.Act[c*4+k]], (got-base)/s, w)
			}
		}
	}
}
