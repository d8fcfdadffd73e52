package optimize

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
)

const (
	// maxPools is how many of the pools that make cases queue get staff
	// candidates; maxAutomate and maxLoops bound the other kinds.
	maxPools    = 4
	maxAutomate = 3
	maxLoops    = 6
	maxReorders = 3
	// shortStep is the longest mean working time (seconds) of a step
	// proposed for automation when the caller names none.
	shortStep = 900
	// utilisation bounds: a pool gives people only while it stays under
	// giveLimit; under the cost objective, pools under spareLimit lose one.
	giveLimit  = 0.85
	spareLimit = 0.7
)

// diagnosis is what the baseline simulation shows about where time goes.
type diagnosis struct {
	queueing map[string]float64 // seconds queued before each activity, all instances
	service  map[string]float64 // mean working time per instance (seconds)
	count    map[string]float64 // instances
	util     map[string]float64 // pool utilisation
}

func diagnose(s *engine.Sim, o Options, runs int) (*diagnosis, error) {
	d := &diagnosis{queueing: map[string]float64{}, service: map[string]float64{}, count: map[string]float64{}, util: map[string]float64{}}
	for r := range runs {
		res, err := s.Run(engine.Options{Cases: o.Cases, WarmUp: o.Cases / 10, CoolDown: o.Cases / 20, Start: o.Start, Seed: o.Seed, Replication: r})
		if err != nil {
			return nil, err
		}
		for a, st := range res.Acts {
			name := s.Activities[a]
			d.queueing[name] += st.Waiting / float64(runs)
			d.count[name] += float64(st.Count) / float64(runs)
		}
		for p, ps := range res.Pools {
			if u := ps.Utilisation(); !math.IsNaN(u) {
				d.util[s.Pools[p]] += u / float64(runs)
			}
		}
	}
	return d, nil
}

// normalised scales weights to sum 1 (nil stays nil).
func normalised(w map[string]float64) map[string]float64 {
	var sum float64
	for _, v := range w {
		if v > 0 {
			sum += v
		}
	}
	if sum == 0 {
		return nil
	}
	out := map[string]float64{}
	for k, v := range w {
		if v > 0 {
			out[k] = v / sum
		}
	}
	return out
}

type scored struct {
	name  string
	score float64
}

func ranked(m map[string]float64) []scored {
	var out []scored
	for k, v := range m {
		if v > 0 {
			out = append(out, scored{k, v})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	return out
}

// generate proposes the single changes worth simulating, most promising
// first within each kind.
func generate(m *model.Model, d *diagnosis, o Options) []scenario.Change {
	// Where time is lost, by activity: the simulation's queueing and the
	// log's findings, each normalised so that neither dominates by scale.
	where := map[string]float64{}
	slaWeight := 0.5
	if o.Objective == SLABreach {
		slaWeight = 1
	}
	for a, w := range normalised(d.queueing) {
		where[a] += w
	}
	for a, w := range normalised(o.Hints.Waiting) {
		where[a] += 0.5 * w
	}
	for a, w := range normalised(o.Hints.SLA) {
		where[a] += slaWeight * w
	}
	poolScore := map[string]float64{}
	for a, w := range where {
		if act, ok := m.Acts[a]; ok && act.Pool != "" {
			poolScore[act.Pool] += w
		}
	}
	var out []scenario.Change
	pools := ranked(poolScore)
	if len(pools) > maxPools {
		pools = pools[:maxPools]
	}
	// Donors: the least utilised pools first.
	donors := ranked(invert(d.util))
	for _, p := range pools {
		if p.score < 0.02 {
			continue
		}
		if o.BudgetStaff < 0 || o.BudgetStaff >= 1 {
			out = append(out, scenario.Change{Kind: "resources", Pool: p.name, Add: 1})
		}
		if o.BudgetStaff < 0 || o.BudgetStaff >= 2 {
			out = append(out, scenario.Change{Kind: "resources", Pool: p.name, Add: 2})
		}
		if pool := m.Pools[p.name]; hasHours(pool) {
			out = append(out, scenario.Change{Kind: "extend_hours", Pool: p.name, Scale: 1},
				scenario.Change{Kind: "extend_hours", Pool: p.name, Scale: 2})
		}
		for _, dn := range donors {
			if dn.name == p.name || poolScore[dn.name] >= p.score {
				continue
			}
			n := len(m.Pools[dn.name].Resources)
			u := d.util[dn.name]
			for k := 1; k <= 2; k++ {
				if n-k >= 1 && u*float64(n)/float64(n-k) < giveLimit {
					out = append(out, scenario.Change{Kind: "move", From: dn.name, Pool: p.name, Add: k})
				}
			}
			break // the least used donor only: moves from the others are the same idea, worse
		}
	}
	if o.Objective == Cost {
		for _, name := range sortedNames(m.Pools) {
			n, u := len(m.Pools[name].Resources), d.util[name]
			for k := 1; k <= 2; k++ {
				if n-k >= 1 && u*float64(n)/float64(n-k) < spareLimit+0.1*float64(k-1) {
					out = append(out, scenario.Change{Kind: "resources", Pool: name, Drop: k})
				}
			}
		}
	}
	// Automation: short steps where cases lose time (queueing before them,
	// plus their own working time), by the time involved.
	autos := map[string]float64{}
	for name, a := range m.Acts {
		mean := a.Duration.MeanValue()
		named := o.Automatable != nil
		if a.Pool == "" || d.count[name] == 0 || named && !slices.Contains(o.Automatable, name) || !named && mean > shortStep {
			continue
		}
		autos[name] = d.queueing[name] + d.count[name]*mean + where[name]*1e-3
	}
	for i, a := range ranked(autos) {
		if i == maxAutomate && o.Automatable == nil {
			break
		}
		out = append(out, scenario.Change{Kind: "automate", Activity: a.name})
	}
	out = append(out, loopCandidates(m, o)...)
	out = append(out, reorderCandidates(m)...)
	return out
}

func invert(util map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, u := range util {
		out[k] = 1 - u + 1e-9 // keeps fully used pools in, last
	}
	return out
}

func hasHours(p *model.Pool) bool {
	if p == nil {
		return false
	}
	if p.Calendar != nil {
		return true
	}
	return slices.ContainsFunc(p.Resources, func(r *model.Resource) bool { return r.Calendar != nil })
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// loopCandidates: the rework loops worth removing, the log's rework
// findings first, then every activity whose loop removal changes paths of
// the model, by the share of cases it touches.
func loopCandidates(m *model.Model, o Options) []scenario.Change {
	touched := map[string]float64{}
	if m.Routing.Mode == model.Variants {
		var total float64
		for _, v := range m.Routing.Variants {
			total += v.Cases
		}
		for name := range m.Acts {
			for _, v := range m.Routing.Variants {
				if n := count(v.Activities, name); n > 0 && loops(v.Activities, name) {
					w := v.Cases / total
					if n == 1 {
						w *= 2 // it triggers the rework rather than being redone
					}
					touched[name] += w
				}
			}
		}
	} else {
		// In a tree, the loop removal applies or not; the findings rank.
		for name := range m.Acts {
			touched[name] = 1e-6
		}
	}
	weight := map[string]float64{}
	for a, w := range touched {
		weight[a] = w
	}
	for a, w := range normalised(o.Hints.Rework) {
		if _, ok := m.Acts[a]; ok {
			weight[a] += 10 * w // the log's findings lead
		}
	}
	var out []scenario.Change
	same := map[string]bool{} // the paths a removal leaves: one change per result
	for _, a := range ranked(weight) {
		if len(out) == maxLoops {
			break
		}
		c := scenario.Change{Kind: "remove_rework", Activity: a.name}
		cut, err := (&scenario.Scenario{Changes: []scenario.Change{c}}).Apply(m)
		if err != nil {
			continue
		}
		var b strings.Builder
		for _, v := range cut.Routing.Variants {
			fmt.Fprintf(&b, "%q %v|", v.Activities, v.Cases)
		}
		if !same[b.String()] {
			same[b.String()] = true
			out = append(out, c)
		}
	}
	return out
}

func count(path []string, name string) int {
	n := 0
	for _, a := range path {
		if a == name {
			n++
		}
	}
	return n
}

// loops reports whether removing the loop through name changes the path.
func loops(path []string, name string) bool {
	return len(scenario.CutLoop(path, name)) != len(path)
}

// reorderCandidates: pairs of activities observed directly after each
// other in both orders, each order in at least 2 % of the cases, most
// frequent first; each is proposed in both orders.
func reorderCandidates(m *model.Model) []scenario.Change {
	if m.Routing.Mode != model.Variants {
		return nil
	}
	type pair struct{ a, b string }
	seen := map[pair]float64{}
	var total float64
	for _, v := range m.Routing.Variants {
		total += v.Cases
		once := map[pair]bool{}
		for i := 0; i+1 < len(v.Activities); i++ {
			p := pair{v.Activities[i], v.Activities[i+1]}
			if p.a != p.b && !once[p] {
				once[p] = true
				seen[p] += v.Cases
			}
		}
	}
	both := map[string]float64{}
	names := map[string]pair{}
	for p, n := range seen {
		if p.a > p.b {
			continue
		}
		back := seen[pair{p.b, p.a}]
		if n >= 0.02*total && back >= 0.02*total {
			k := p.a + "\x00" + p.b
			both[k], names[k] = n+back, p
		}
	}
	var out []scenario.Change
	for i, s := range ranked(both) {
		if i == maxReorders {
			break
		}
		p := names[s.name]
		out = append(out, scenario.Change{Kind: "reorder", Activity: p.a, Then: p.b},
			scenario.Change{Kind: "reorder", Activity: p.b, Then: p.a})
	}
	return out
}
