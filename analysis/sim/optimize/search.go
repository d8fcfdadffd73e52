package optimize

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
)

// Result is a search's answer.
type Result struct {
	Objective string `json:"objective"`
	// KPI is the simulated KPI the objective minimises ("" for cost).
	KPI string `json:"kpi,omitempty"`
	// Evaluated counts the candidates simulated (single changes and
	// combinations), Simulations the replications run for them all.
	Evaluated   int     `json:"evaluated"`
	Simulations int     `json:"simulations"`
	Seconds     float64 `json:"seconds"`
	// SimulationShare is the share of the workers' time spent simulating
	// (the rest: applying changes, compiling models, statistics).
	SimulationShare float64 `json:"simulation_share"`
	// Stopped says why the search ended.
	Stopped      string         `json:"stopped"`
	Replications int            `json:"replications"`
	Cases        int            `json:"cases"`
	Seed         uint64         `json:"seed"`
	Generated    map[string]int `json:"generated"` // single changes proposed, by kind
	Costs        Costs          `json:"costs"`
	Baseline     Baseline       `json:"baseline"`
	// Recommendations, best first: the best combination found, then the
	// single changes that help on their own.
	Recommendations []Recommendation `json:"recommendations"`
	// Pareto is the front of objective against cost over every candidate
	// evaluated, cheapest first.
	Pareto []Point `json:"pareto"`
	// Tried lists every candidate simulated, in the order tried, with its
	// verdict: "improves" (significantly, against the baseline for a single
	// change or the combination it extends), or "no significant gain".
	Tried []Tried `json:"tried"`
}

// Tried is one candidate simulated.
type Tried struct {
	Changes      []string `json:"changes"`
	Objective    float64  `json:"objective"`
	Cost         float64  `json:"cost"` // weekly cost change
	Replications int      `json:"replications"`
	Verdict      string   `json:"verdict"`
}

// Baseline is the model as it is.
type Baseline struct {
	KPIs map[string]scenario.Estimate `json:"kpis"`
	// Objective is the baseline's mean objective; Cost its weekly cost.
	Objective float64        `json:"objective"`
	Cost      float64        `json:"cost"`
	Staff     map[string]int `json:"staff"` // people per pool
}

// Recommendation is one change set with its effect against the baseline.
type Recommendation struct {
	Rank    int               `json:"rank"`
	Changes []string          `json:"changes"`
	Apply   []scenario.Change `json:"apply"` // the changes as a scenario file states them
	// KPIs: every KPI's paired difference to the baseline over the
	// replications.
	KPIs []scenario.Difference `json:"kpis"`
	// Objective is the mean objective; Improvement the baseline's minus it
	// (positive is better), with its 95 % interval.
	Objective   float64    `json:"objective"`
	Improvement float64    `json:"improvement"`
	ImprovedCI  [2]float64 `json:"improvement_ci95"`
	// Cost is the weekly cost change; StaffAdded the people added, net.
	Cost         float64  `json:"cost"`
	StaffAdded   int      `json:"staff_added"`
	Replications int      `json:"replications"`
	Sentences    []string `json:"sentences"`
}

// Point is a candidate on the Pareto front.
type Point struct {
	Changes      []string `json:"changes"`
	Objective    float64  `json:"objective"`
	Cost         float64  `json:"cost"` // weekly cost change
	CycleTime    float64  `json:"cycle_time_mean_hours"`
	Replications int      `json:"replications"`
	Rank         int      `json:"rank,omitempty"` // its recommendation's rank
}

// search is one run's state.
type search struct {
	ev       *evaluator
	o        Options
	start    time.Time
	stopped  string
	singles  []*candidate // single changes that improve on the baseline
	accepted map[*candidate]bool
}

// Optimize searches changes to m for the objective (see the package
// documentation) and ranks them.
func Optimize(m *model.Model, o Options) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	s := &search{o: o, start: time.Now(), accepted: map[*candidate]bool{},
		ev: &evaluator{base: m, o: o, kpi: objectiveKPI(o.Objective), cands: map[string]*candidate{}}}
	ev := s.ev
	base := ev.candidate(nil)
	if base == nil {
		return nil, fmt.Errorf("the model does not compile")
	}
	ev.baseline = base
	if err := ev.run([]*candidate{base}, o.Replications); err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	if o.Objective == SLABreach && math.IsNaN(ev.objective(base)) {
		// Only activity rules (per instance): their breaches together.
		ev.kpi = "sla_breach_rate"
	}
	if ev.kpi != "" && math.IsNaN(ev.objective(base)) {
		return nil, fmt.Errorf("the baseline simulation measures no %s (no SLA rule measured any simulated case?)", ev.kpi)
	}
	d, err := diagnose(base.sim, o, 2)
	if err != nil {
		return nil, err
	}
	changes := generate(m, d, o)
	generated := map[string]int{}
	var singles []*candidate
	for _, ch := range changes {
		if c := ev.candidate([]scenario.Change{ch}); c != nil && !slices.Contains(singles, c) {
			singles = append(singles, c)
			generated[ch.Kind]++
		}
	}
	if len(singles) > o.MaxCandidates {
		singles = singles[:o.MaxCandidates]
	}
	s.progress("baseline", "")
	if err := s.screenAndRace(singles, base); err != nil {
		return nil, err
	}
	if err := s.climb(); err != nil {
		return nil, err
	}
	return s.result(generated)
}

func (s *search) timeUp() bool { return time.Since(s.start) > s.o.TimeLimit }

func (s *search) evaluated() int {
	n := 0
	for _, c := range s.ev.order {
		if c.n() > 0 && c != s.ev.baseline {
			n++
		}
	}
	return n
}

func (s *search) progress(round, best string) {
	if s.o.Progress != nil {
		s.o.Progress(Progress{Round: round, Evaluated: s.evaluated(), Simulations: s.ev.sims, Best: best})
	}
}

// better: the paired difference of c to ref in the objective, and whether
// c is significantly better. A single change (against the baseline) must
// gain at least a thousandth of the baseline's objective; a step of the
// combination (against the incumbent) MinEffect of it, so that the
// combination does not pile up changes that hardly matter.
func (s *search) better(c, ref *candidate) (scenario.Difference, bool) {
	d, ok := diff(s.ev.kpi, c, ref)
	if !ok {
		return d, false
	}
	base := s.ev.objective(s.ev.baseline)
	least := s.o.MinEffect
	if ref == s.ev.baseline {
		least = 0.001
	}
	return d, d.Significant && d.Delta < 0 && -d.Delta >= least*math.Abs(base) && s.ev.feasible(c)
}

// screenAndRace screens candidates against ref and races the promising
// ones to a verdict; the winners are kept as accepted.
func (s *search) screenAndRace(cs []*candidate, ref *candidate) error {
	ev, o := s.ev, s.o
	var fresh []*candidate
	for _, c := range cs {
		if !c.rejected && c.n() == 0 {
			fresh = append(fresh, c)
		}
	}
	budget := o.MaxCandidates - s.evaluated()
	if budget <= 0 {
		s.stopped = "max candidates"
		return nil
	}
	if len(fresh) > budget {
		fresh = fresh[:budget]
	}
	if err := ev.run(fresh, o.Screen); err != nil {
		return err
	}
	s.progress("screening", "")
	// Promising: better than the reference on the screen's replications.
	var live []*candidate
	for _, c := range cs {
		if c.rejected || c.n() == 0 {
			continue
		}
		if d, ok := diff(ev.kpi, c, ref); ok && d.Delta < 0 {
			live = append(live, c)
		} else {
			c.rejected = true
		}
	}
	// Race in steps: everyone still undecided gets more replications,
	// until decided or at the full count.
	steps := []int{o.Screen}
	for r := 2 * o.Screen; r < o.Replications; r *= 2 {
		steps = append(steps, r)
	}
	steps = append(steps, o.Replications)
	decided := map[*candidate]bool{}
	for _, r := range steps[1:] {
		var undecided []*candidate
		for _, c := range live {
			if !decided[c] && !c.rejected {
				undecided = append(undecided, c)
			}
		}
		if len(undecided) == 0 {
			break
		}
		if s.timeUp() {
			s.stopped = "time limit"
			break
		}
		if err := ev.run(append(undecided, ref), r); err != nil {
			return err
		}
		for _, c := range undecided {
			d, ok := diff(ev.kpi, c, ref)
			switch {
			case !ok:
			case d.Significant && d.Delta > 0, !ev.feasible(c) && c.n() >= o.Replications:
				c.rejected = true
			case d.Significant && d.Delta < 0 && c.n() >= 2*o.Screen && ev.kpi != "":
				// (Under the cost objective the cost difference is exact;
				// the cycle-time constraint needs every replication.)
				decided[c] = true
			}
		}
		s.progress("racing", "")
	}
	for _, c := range live {
		if c.rejected {
			continue
		}
		if _, ok := s.better(c, ref); ok {
			s.accepted[c] = true
		}
	}
	return nil
}

// climb grows the best combination one accepted single change at a time.
func (s *search) climb() error {
	ev := s.ev
	var singles []*candidate
	for _, c := range ev.order {
		if len(c.changes) == 1 && s.accepted[c] {
			singles = append(singles, c)
		}
	}
	s.singles = s.rankByObjective(singles)
	if len(s.singles) == 0 {
		if s.stopped == "" {
			s.stopped = "no change improves the objective significantly"
		}
		return nil
	}
	inc := s.pick(s.singles)
	for s.stopped == "" {
		if s.timeUp() {
			s.stopped = "time limit"
			break
		}
		var next []*candidate
		for _, sc := range s.singles {
			if merged, ok := combine(inc.changes, sc.changes[0]); ok {
				if c := ev.candidate(merged); c != nil && c != inc && !c.rejected && c.n() == 0 {
					next = append(next, c)
				}
			}
		}
		if len(next) == 0 {
			s.stopped = "no change left to combine"
			break
		}
		if err := s.screenAndRace(next, inc); err != nil {
			return err
		}
		var won []*candidate
		for _, c := range next {
			if s.accepted[c] {
				won = append(won, c)
			}
		}
		if len(won) == 0 {
			if s.stopped == "" {
				s.stopped = "no further change improves the best combination significantly"
			}
			break
		}
		inc = s.pick(won)
		s.progress("combining", fmt.Sprint(inc.names()))
	}
	return nil
}

// combine adds one change to a set: more people for a pool already
// getting some merge into one change; a second change of the same kind and
// target is refused, as is a change undoing one in the set.
func combine(set []scenario.Change, add scenario.Change) ([]scenario.Change, bool) {
	out := slices.Clone(set)
	for i, c := range out {
		switch {
		case add.Kind == "resources" && c.Kind == "resources" && c.Pool == add.Pool && add.Add > 0 && c.Add > 0:
			out[i].Add += add.Add
			return out, true
		case add.Kind == "move" && c.Kind == "move" && c.Pool == add.Pool && c.From == add.From:
			out[i].Add += add.Add
			return out, true
		case changeKey(c) == changeKey(add):
			return nil, false
		case c.Kind == "reorder" && add.Kind == "reorder" && c.Activity == add.Then && c.Then == add.Activity:
			return nil, false
		case c.Kind == "move" && add.Kind == "move" && c.Pool == add.From && c.From == add.Pool:
			return nil, false
		}
	}
	return append(out, add), true
}

// pick is the best candidate: the best objective, or a cheaper one not
// significantly worse than it (then the one with fewer changes).
func (s *search) pick(cs []*candidate) *candidate {
	ranked := s.rankByObjective(cs)
	best := ranked[0]
	for _, c := range ranked[1:] {
		if s.matches(c, best) && (c.cost < best.cost-1e-9 || c.cost <= best.cost+1e-9 && len(c.changes) < len(best.changes)) {
			best = c
		}
	}
	return best
}

// matches: c is not significantly worse than ref in the objective.
func (s *search) matches(c, ref *candidate) bool {
	d, ok := diff(s.ev.kpi, c, ref)
	return ok && !(d.Significant && d.Delta > 0)
}

// dominated: another candidate acting on the same pool or activity (a
// substitute, not a complement) costs no more and is not significantly
// worse, and costs less or is significantly better.
func (s *search) dominated(c *candidate, others []*candidate) bool {
	for _, o := range others {
		if o == c || o.cost > c.cost+1e-9 || !s.matches(o, c) || !shareTarget(o, c) || extends(o, c) {
			continue
		}
		d, _ := diff(s.ev.kpi, o, c)
		if o.cost < c.cost-1e-9 || d.Significant && d.Delta < 0 {
			return true
		}
	}
	return false
}

// rankByObjective sorts candidates best first (fewer changes first on
// ties).
func (s *search) rankByObjective(cs []*candidate) []*candidate {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b *candidate) int {
		if c := cmp.Compare(s.ev.objective(a), s.ev.objective(b)); c != 0 {
			return c
		}
		return cmp.Compare(len(a.changes), len(b.changes))
	})
	return out
}

// result brings the recommendations to the full replications and states
// them.
func (s *search) result(generated map[string]int) (*Result, error) {
	ev, o := s.ev, s.o
	base := ev.baseline
	var recs []*candidate
	var accepted []*candidate
	for _, c := range ev.order {
		if s.accepted[c] {
			accepted = append(accepted, c)
		}
	}
	var combos []*candidate
	for _, c := range accepted {
		if len(c.changes) > 1 {
			combos = append(combos, c)
		}
	}
	if len(combos) > 0 {
		recs = append(recs, s.pick(combos)) // the best combination
	}
	recs = append(recs, s.singles...)
	if err := ev.run(recs, o.Replications); err != nil {
		return nil, err
	}
	// A recommendation another one beats at no more cost is left out
	// (adding two people where moving two does as much).
	kept := recs[:0:0]
	for _, c := range recs {
		if !s.dominated(c, recs) {
			kept = append(kept, c)
		}
	}
	recs = s.rankByObjective(kept)
	if len(recs) > o.Top {
		recs = recs[:o.Top]
	}
	res := &Result{Objective: o.Objective, KPI: ev.kpi, Evaluated: s.evaluated(), Simulations: ev.sims,
		Stopped: s.stopped, Replications: o.Replications, Cases: o.Cases, Seed: o.Seed, Generated: generated, Costs: o.Costs,
		Baseline: Baseline{KPIs: map[string]scenario.Estimate{}, Objective: ev.objective(base), Cost: base.cost, Staff: map[string]int{}}}
	kpis := map[string]bool{}
	for _, kv := range base.kpis {
		for k := range kv {
			kpis[k] = true
		}
	}
	names := keys(kpis)
	scenario.SortKPIs(names)
	for _, k := range names {
		res.Baseline.KPIs[k] = scenario.Mean95(base.values(k))
	}
	for name, p := range base.model.Pools {
		res.Baseline.Staff[name] = len(p.Resources)
	}
	rankOf := map[*candidate]int{}
	for i, c := range recs {
		r := Recommendation{Rank: i + 1, Changes: c.names(), Apply: c.changes, Objective: ev.objective(c),
			Cost: c.cost - base.cost, StaffAdded: c.staff, Replications: c.n()}
		for _, k := range names {
			if d, ok := diff(k, c, base); ok {
				r.KPIs = append(r.KPIs, d)
			}
		}
		if d, ok := diff(ev.kpi, c, base); ok {
			r.Improvement, r.ImprovedCI = -d.Delta, [2]float64{-d.High, -d.Low}
		}
		// Throughput follows the arrivals, which no candidate changes: its
		// differences are the horizon's end moving, not news.
		var news []scenario.Difference
		for _, d := range r.KPIs {
			if d.KPI != "throughput_cases_per_day" {
				news = append(news, d)
			}
		}
		subject := r.Changes
		if len(subject) > 1 {
			subject = []string{fmt.Sprintf("these %d changes together", len(subject))}
		}
		r.Sentences = scenario.Explain(&scenario.Comparison{Changes: subject, Replications: c.n(), Differences: news})
		res.Recommendations = append(res.Recommendations, r)
		rankOf[c] = i + 1
	}
	res.Pareto = s.pareto(rankOf)
	for _, c := range ev.order {
		if c == base || c.n() == 0 {
			continue
		}
		v := "no significant gain"
		if s.accepted[c] {
			v = "improves"
		}
		res.Tried = append(res.Tried, Tried{Changes: c.names(), Objective: ev.objective(c), Cost: c.cost - base.cost, Replications: c.n(), Verdict: v})
	}
	res.Seconds = time.Since(s.start).Seconds()
	if busy := res.Seconds * float64(o.Workers); busy > 0 {
		res.SimulationShare = min(1, float64(ev.simNanos.Load())/1e9/busy)
	}
	if res.Stopped == "" {
		res.Stopped = "search complete"
	}
	return res, nil
}

// pareto is the front of objective against weekly cost change over the
// candidates evaluated (the baseline included), cheapest first.
func (s *search) pareto(rankOf map[*candidate]int) []Point {
	ev := s.ev
	var pts []*candidate
	for _, c := range ev.order {
		if c.n() >= s.o.Screen && ev.feasible(c) {
			pts = append(pts, c)
		}
	}
	slices.SortStableFunc(pts, func(a, b *candidate) int {
		if c := cmp.Compare(a.cost, b.cost); c != 0 {
			return c
		}
		return cmp.Compare(ev.objective(a), ev.objective(b))
	})
	var out []Point
	best := math.Inf(1)
	other := "cycle_time_mean_hours" // the cost objective's trade-off
	for _, c := range pts {
		v := ev.objective(c)
		if ev.kpi == "" {
			v = mean(c.values(other))
		}
		if v >= best {
			continue
		}
		best = v
		out = append(out, Point{Changes: c.names(), Objective: ev.objective(c), Cost: c.cost - ev.baseline.cost,
			CycleTime: mean(c.values(other)), Replications: c.n(), Rank: rankOf[c]})
	}
	return out
}

func keys[K comparable, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// extends: o makes every change c makes (and more): a combination built on
// c, not an alternative to it.
func extends(o, c *candidate) bool {
	have := map[string]bool{}
	for _, ch := range o.changes {
		have[changeKey(ch)+ch.String()] = true
	}
	for _, ch := range c.changes {
		if !have[changeKey(ch)+ch.String()] {
			return false
		}
	}
	return true
}

// targets are the pools and activities a candidate's changes act on.
func targets(c *candidate) map[string]bool {
	out := map[string]bool{}
	for _, ch := range c.changes {
		for _, t := range []string{"pool:" + ch.Pool, "pool:" + ch.From, "act:" + ch.Activity, "act:" + ch.Then} {
			if !strings.HasSuffix(t, ":") {
				out[t] = true
			}
		}
	}
	return out
}

func shareTarget(a, b *candidate) bool {
	tb := targets(b)
	for t := range targets(a) {
		if tb[t] {
			return true
		}
	}
	return false
}
