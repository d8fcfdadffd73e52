package engine

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

var monday = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()

// flat is a constant arrival profile of perHour arrivals an hour, Poisson.
func flat(perHour float64) model.Arrivals {
	a := model.Arrivals{PerHour: make([]float64, model.HoursPerWeek), Gaps: dist.Dist{Kind: dist.Exponential, Mean: 1}}
	for i := range a.PerHour {
		a.PerHour[i] = perHour
	}
	return a
}

// queueModel is one activity served by c identical resources with
// exponential service of mean 1/mu hours.
func queueModel(lambda, mu float64, c int) *model.Model {
	p := &model.Pool{}
	for i := range c {
		p.Resources = append(p.Resources, &model.Resource{Name: string(rune('a' + i))})
	}
	return &model.Model{
		Version:  model.Version,
		Arrivals: flat(lambda),
		Routing:  model.Routing{Mode: model.Variants, Variants: []model.Variant{{Activities: []string{"Serve"}, Cases: 1}}},
		Acts:     model.Activities{"Serve": {Pool: "desk", Duration: dist.Dist{Kind: dist.Exponential, Mean: 3600 / mu}}},
		Pools:    model.Pools{"desk": p},
	}
}

// erlangC is the probability that an arrival waits in M/M/c with offered
// load a = λ/μ.
func erlangC(c int, a float64) float64 {
	term, sum := 1.0, 1.0
	for k := 1; k < c; k++ {
		term *= a / float64(k)
		sum += term
	}
	last := term * a / float64(c) * float64(c) / (float64(c) - a)
	return last / (sum + last)
}

// meanWait simulates reps replications in parallel and returns the mean
// queueing time in hours over all of them.
func meanWait(t *testing.T, m *model.Model, cases, reps int) float64 {
	t.Helper()
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	waits := make([]float64, reps)
	var wg sync.WaitGroup
	for rep := range reps {
		wg.Go(func() {
			r, err := s.Run(Options{Cases: cases, WarmUp: 20_000, CoolDown: 1000, Start: monday, Seed: 42, Replication: rep})
			if err != nil {
				t.Error(err)
				return
			}
			waits[rep] = r.Acts[0].Waiting / float64(r.Acts[0].Count) / 3600
		})
	}
	wg.Wait()
	var s2 float64
	for _, w := range waits {
		s2 += w
	}
	return s2 / float64(reps)
}

// M/M/1 and M/M/c simulated long enough give the analytic mean waiting time
// (Erlang C: Wq = C(c, λ/μ) / (cμ − λ)) within 2 %.
func TestQueueingMatchesTheory(t *testing.T) {
	if testing.Short() {
		t.Skip("long simulation")
	}
	for _, tc := range []struct {
		lambda, mu float64
		c          int
	}{
		{0.8, 1, 1},
		{2.4, 1, 3},
	} {
		want := erlangC(tc.c, tc.lambda/tc.mu) / (float64(tc.c)*tc.mu - tc.lambda)
		got := meanWait(t, queueModel(tc.lambda, tc.mu, tc.c), 1_000_000, 4)
		t.Logf("M/M/%d: mean wait %.4f h, theory %.4f h (%+.2f %%)", tc.c, got, want, 100*(got-want)/want)
		if math.Abs(got-want) > 0.02*want {
			t.Errorf("M/M/%d at ρ = %.2f: mean wait %.4f h, theory %.4f h", tc.c, tc.lambda/(float64(tc.c)*tc.mu), got, want)
		}
	}
}

// A resource that works half the week (Monday 00:00 to Thursday 12:00)
// doubles the time a purely serviced case takes. By hand, with k weeks'
// worth of open time as work (k·84 h): a case starting in open time ends
// exactly k weeks later, at the same point of the week; one arriving while
// closed (half of them) waits for Monday (42 h on average) and ends when
// the k-th open period closes, (k−1)·168 + 84 h after that Monday. The mean
// is ½·k·168 + ½·(42 + (k−1)·168 + 84) = k·168 − 21 h, against k·84 h
// around the clock: 651 h against 336 h for k = 4, and twice as long as k
// grows.
func TestCalendarHalfWeekDoublesCycleTime(t *testing.T) {
	const k = 4
	m := queueModel(1.0/(100*168), 1, 50) // 50 resources: no case ever queues
	m.Acts["Serve"].Duration = dist.Dist{Kind: dist.Fixed, Value: k * 84 * 3600}
	open := model.Calendar{Timezone: "UTC", Hours: map[string][]string{"mon-wed": {"00:00-24:00"}, "thu": {"00:00-12:00"}}}
	run := func(m *model.Model) float64 {
		s, err := Compile(m)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Run(Options{Cases: 20_000, Start: monday, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		for _, c := range r.CycleTime {
			sum += c
		}
		return sum / float64(len(r.CycleTime)) / 3600
	}
	always := run(m)
	if math.Abs(always-k*84) > 1e-6 {
		t.Fatalf("around the clock: mean cycle %.3f h, want %d h", always, k*84)
	}
	m.Pools["desk"].Calendar = &open
	half := run(m)
	if want := k*168 - 21.0; math.Abs(half-want) > 0.01*want {
		t.Errorf("half-week calendar: mean cycle %.2f h, by hand %.2f h (%.3f× the %d h around the clock)", half, want, half/always, k*84)
	}
}

// The same seed gives the same run; another seed another; the order in
// which replications run does not matter.
func TestDeterministic(t *testing.T) {
	m := queueModel(2, 1, 3)
	m.Acts["Serve"].Delay = &dist.Dist{Kind: dist.LogNormal, Mu: 7, Sigma: 1, PZero: 0.5}
	m.Pools["desk"].Calendar = &model.Calendar{Hours: map[string][]string{"mon-fri": {"08:00-18:00"}}}
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	collect := func(seed uint64, rep int) []Instance {
		var out []Instance
		if _, err := s.Run(Options{Cases: 2000, Start: monday, Seed: seed, Replication: rep, Emit: func(in Instance) { out = append(out, in) }}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a := collect(7, 3)
	var par [4][]Instance
	var wg sync.WaitGroup
	for i := range par {
		wg.Go(func() { par[i] = collect(7, 3) })
	}
	wg.Wait()
	for i := range par {
		if !reflect.DeepEqual(a, par[i]) {
			t.Fatal("the same seed and replication gave different runs")
		}
	}
	if reflect.DeepEqual(a, collect(8, 3)) || reflect.DeepEqual(a, collect(7, 4)) {
		t.Error("another seed or replication gave the same run")
	}
	for _, in := range a {
		if !(in.Enabled <= in.Start && in.Start <= in.End) {
			t.Fatalf("instance out of order: %+v", in)
		}
	}
}

// Process-tree routing: a parallel block runs its branches at the same
// time, a choice follows its probabilities, a loop repeats with its redo
// probability.
func TestTreeRouting(t *testing.T) {
	m := &model.Model{
		Version:  model.Version,
		Arrivals: flat(0.5),
		Routing: model.Routing{Mode: model.Tree, Tree: "->( 'A', +( 'B', 'C' ), X( 'D', 'E' ), *( 'F', tau ) )",
			Probabilities: &model.Probabilities{Choice: map[string][]float64{"0.2": {3, 1}}, Redo: map[string]float64{"0.3": 0.5}}},
		Acts: model.Activities{},
	}
	for _, a := range []string{"A", "B", "C", "D", "E", "F"} {
		m.Acts[a] = &model.Activity{Duration: dist.Dist{Kind: dist.Fixed, Value: 3600}}
	}
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	const n = 20_000
	count := map[string]int{}
	type span struct{ start, end int64 }
	bc := map[int][2]span{}
	_, err = s.Run(Options{Cases: n, Start: monday, Seed: 3, Emit: func(in Instance) {
		a := s.Activities[in.Activity]
		count[a]++
		x := bc[in.Case]
		switch a {
		case "B":
			x[0] = span{in.Start, in.End}
		case "C":
			x[1] = span{in.Start, in.End}
		}
		bc[in.Case] = x
	}})
	if err != nil {
		t.Fatal(err)
	}
	if count["A"] != n || count["B"] != n || count["C"] != n || count["D"]+count["E"] != n {
		t.Fatalf("counts %v", count)
	}
	if p := float64(count["D"]) / n; math.Abs(p-0.75) > 0.015 {
		t.Errorf("choice D share %.3f, want 0.75", p)
	}
	if f := float64(count["F"]) / n; math.Abs(f-2) > 0.05 { // geometric: 1/(1−0.5)
		t.Errorf("F per case %.3f, want 2", f)
	}
	for c, x := range bc {
		if x[0].start != x[1].start {
			t.Fatalf("case %d: parallel B and C start at %d and %d", c, x[0].start, x[1].start)
		}
	}
}

// Queues ordered by a case attribute serve the urgent cases first.
func TestPriorityQueue(t *testing.T) {
	m := queueModel(0.9, 1, 1)
	m.Routing.Variants = []model.Variant{
		{Activities: []string{"Serve"}, Cases: 1, Attributes: map[string]string{"priority": "P1"}},
		{Activities: []string{"Serve"}, Cases: 9, Attributes: map[string]string{"priority": "P3"}},
	}
	m.Priority = &model.Priority{Attribute: "priority", Order: []string{"P1", "P2", "P3"}}
	s, err := Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	prio := map[int]string{}
	wait := map[string][2]float64{}
	_, err = s.Run(Options{Cases: 50_000, WarmUp: 1000, Start: monday, Seed: 5,
		CaseAttributes: func(c int, v []string) { prio[c] = v[0] },
		Emit: func(in Instance) {
			w := wait[prio[in.Case]]
			w[0] += float64(in.Start - in.Enabled)
			w[1]++
			wait[prio[in.Case]] = w
		}})
	if err != nil {
		t.Fatal(err)
	}
	p1, p3 := wait["P1"][0]/wait["P1"][1], wait["P3"][0]/wait["P3"][1]
	if !(p1*3 < p3) {
		t.Errorf("P1 waits %.0f s, P3 %.0f s: priority not served first", p1/1e6, p3/1e6)
	}
}

// pool_by sends each case's work to the pool owning its value: cases of
// team B are worked by B's member only, the rest by the default pool, in
// variant replay and in a tree alike; a value with no pool listed goes to
// the default.
func TestPoolByAttribute(t *testing.T) {
	for _, mode := range []string{model.Variants, model.Tree} {
		m := queueModel(2, 3, 1)
		m.Pools["desk B"] = &model.Pool{Resources: []*model.Resource{{Name: "b"}}}
		m.Acts["Serve"].PoolBy = &model.PoolBy{Attribute: "team", Pools: map[string]string{"B": "desk B"}}
		if mode == model.Tree {
			m.Routing = model.Routing{Mode: model.Tree, Tree: "'Serve'", Probabilities: &model.Probabilities{
				Attributes: map[string]map[string]float64{"team": {"A": 1, "B": 1, "C": 1}}}}
		} else {
			m.Routing.Variants = []model.Variant{
				{Activities: []string{"Serve"}, Cases: 1, Attributes: map[string]string{"team": "A"}},
				{Activities: []string{"Serve"}, Cases: 1, Attributes: map[string]string{"team": "B"}},
				{Activities: []string{"Serve"}, Cases: 1, Attributes: map[string]string{"team": "C"}},
			}
		}
		s, err := Compile(m)
		if err != nil {
			t.Fatal(err)
		}
		team := map[int]string{}
		by := map[string]map[string]int{}
		res, err := s.Run(Options{Cases: 3000, Start: monday, Seed: 3,
			CaseAttributes: func(c int, v []string) { team[c] = v[0] },
			Emit: func(in Instance) {
				who := s.Resources[in.Resource]
				if by[team[in.Case]] == nil {
					by[team[in.Case]] = map[string]int{}
				}
				by[team[in.Case]][who]++
			}})
		if err != nil {
			t.Fatal(err)
		}
		if len(by["B"]) != 1 || by["B"]["b"] == 0 || by["A"]["b"]+by["C"]["b"] != 0 || by["A"]["a"] == 0 || by["C"]["a"] == 0 {
			t.Errorf("%s: work by team and resource %v", mode, by)
		}
		// B's member serves a third of the cases: busy about 2/3 × 1/3 of
		// the time; the default desk two thirds.
		for p, want := range map[string]float64{"desk": 4.0 / 9, "desk B": 2.0 / 9} {
			i := slices.Index(s.Pools, p)
			if u := res.Pools[i].Utilisation(); math.Abs(u-want) > 0.04 {
				t.Errorf("%s: %s utilisation %.3f, want %.3f", mode, p, u, want)
			}
		}
	}
	m := queueModel(2, 3, 1)
	m.Acts["Serve"].PoolBy = &model.PoolBy{Attribute: "team", Pools: map[string]string{"B": "nowhere"}}
	if _, err := Compile(m); err == nil || !strings.Contains(err.Error(), `no case carries "team"`) || !strings.Contains(err.Error(), `pool_by.pools.B: no pool "nowhere"`) {
		t.Errorf("bad pool_by: %v", err)
	}
}
