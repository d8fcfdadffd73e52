package optimize

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
)

const (
	// maxPools is how many of the pools that make cases queue get staff
	// candidates; maxAutomate and maxLoops bound the other kinds.
	maxPools    = 5
	maxAutomate = 3
	maxLoops    = 6
	maxReorders = 3
	maxDelays   = 4
	// shortStep is the longest median working time (seconds) of a step
	// proposed for automation when the caller names none.
	shortStep = 1200
	// utilisation bounds: a pool gives people only while it stays under
	// giveLimit; under the cost objective, pools under spareLimit lose one.
	giveLimit  = 0.85
	spareLimit = 0.7
)

// diagnosis is what the baseline simulation shows about where time goes.
type diagnosis struct {
	queueing   map[string]float64 // seconds queued before each activity, all instances
	delay      map[string]float64 // seconds of extraneous delay before each activity
	service    map[string]float64 // mean working time per instance (seconds)
	count      map[string]float64 // instances
	util       map[string]float64 // pool utilisation
	poolWait   map[string]float64 // seconds queued for each pool
	poolServed map[string]float64 // instances each pool served
}

func diagnose(s *engine.Sim, o Options, runs int) (*diagnosis, error) {
	d := &diagnosis{delay: map[string]float64{}, queueing: map[string]float64{}, service: map[string]float64{}, count: map[string]float64{}, util: map[string]float64{}, poolWait: map[string]float64{}, poolServed: map[string]float64{}}
	for r := range runs {
		res, err := s.Run(engine.Options{Cases: o.Cases, WarmUp: o.Cases / 10, CoolDown: o.Cases / 20, Start: o.Start, Seed: o.Seed, Replication: r})
		if err != nil {
			return nil, err
		}
		for a, st := range res.Acts {
			name := s.Activities[a]
			d.queueing[name] += st.Waiting / float64(runs)
			d.delay[name] += st.Delay / float64(runs)
			d.count[name] += float64(st.Count) / float64(runs)
		}
		for p, ps := range res.Pools {
			if u := ps.Utilisation(); !math.IsNaN(u) {
				d.util[s.Pools[p]] += u / float64(runs)
			}
			d.poolWait[s.Pools[p]] += ps.Waiting / float64(runs)
			d.poolServed[s.Pools[p]] += float64(ps.Served) / float64(runs)
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
	// Where time is lost, by activity (the simulation's queueing and the
	// log's findings) and by pool (the simulation's queueing for its
	// members), each normalised so that none dominates by scale. The
	// log's findings name activities; they count for every pool doing the
	// activity, in proportion to the queueing there.
	where := map[string]float64{}
	slaWeight := 0.5
	if o.Objective == SLABreach {
		slaWeight = 1
	}
	for a, w := range normalised(d.queueing) {
		where[a] += w
	}
	hinted := map[string]float64{}
	for a, w := range normalised(o.Hints.Waiting) {
		where[a] += 0.5 * w
		hinted[a] += 0.5 * w
	}
	for a, w := range normalised(o.Hints.SLA) {
		where[a] += slaWeight * w
		hinted[a] += slaWeight * w
	}
	// A pool scores by its share of all queueing and by its share of the
	// queueing per instance: a small team that makes each of its cases
	// wait long (the DBAs) matters as much as a large one many pass.
	poolScore := map[string]float64{}
	for p, w := range normalised(d.poolWait) {
		poolScore[p] += w / 2
	}
	perInstance := map[string]float64{}
	for p, w := range d.poolWait {
		if d.poolServed[p] > 0 {
			perInstance[p] = w / d.poolServed[p]
		}
	}
	for p, w := range normalised(perInstance) {
		poolScore[p] += w / 2
	}
	for a, w := range hinted {
		act, ok := m.Acts[a]
		if !ok || act.Pool == "" {
			continue
		}
		pools := []string{act.Pool}
		if act.PoolBy != nil {
			for _, p := range sortedNames(act.PoolBy.Pools) {
				if !slices.Contains(pools, act.PoolBy.Pools[p]) {
					pools = append(pools, act.PoolBy.Pools[p])
				}
			}
		}
		var total float64
		for _, p := range pools {
			total += d.poolWait[p]
		}
		for _, p := range pools {
			share := 1 / float64(len(pools))
			if total > 0 {
				share = d.poolWait[p] / total
			}
			poolScore[p] += w * share
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
		// A longer day is more paid time from the same people: a budget of
		// no extra staff rules it out as it does an extra person.
		if pool := m.Pools[p.name]; hasHours(pool) && o.BudgetStaff != 0 {
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
	work := map[string]float64{}
	for name, a := range m.Acts {
		if a.Pool != "" {
			work[name] = d.count[name] * a.Duration.MeanValue()
		}
	}
	workShare := normalised(work)
	for name, a := range m.Acts {
		named := o.Automatable != nil
		if a.Pool == "" || d.count[name] == 0 || named && !slices.Contains(o.Automatable, name) || !named && median(a.Duration) > shortStep {
			continue
		}
		// Where cases lose time around it, and the staff time it takes.
		autos[name] = where[name] + workShare[name]
	}
	for i, a := range ranked(autos) {
		if i == maxAutomate && o.Automatable == nil {
			break
		}
		out = append(out, scenario.Change{Kind: "automate", Activity: a.name})
	}
	// Waits that are not queueing, before steps staff perform: a policy
	// (a planning meeting, batching, a waiting period) more than capacity;
	// the candidate halves them.
	waits := map[string]float64{}
	share := normalised(d.delay)
	for name, a := range m.Acts {
		if a.Pool != "" && share[name] > 0 && (share[name] >= 0.05 || hinted[name] >= 0.05) {
			waits[name] = share[name] + hinted[name]
		}
	}
	for i, w := range ranked(waits) {
		if i == maxDelays {
			break
		}
		out = append(out, scenario.Change{Kind: "delay", Activity: w.name, Scale: 0.5})
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
	repeats, unexpl := map[string]float64{}, map[string]float64{}
	if m.Routing.Mode == model.Variants {
		var total float64
		for _, v := range m.Routing.Variants {
			total += v.Cases
		}
		for name := range m.Acts {
			for _, v := range m.Routing.Variants {
				n := count(v.Activities, name)
				if n == 0 || !loops(v.Activities, name) {
					continue
				}
				w := v.Cases / total
				if n == 1 {
					if !inDetour(v.Activities, name) {
						touched[name] += 2 * w // it triggers the rework rather than being redone
					}
				} else {
					repeats[name] += w
					if unexplained(v.Activities, name) {
						unexpl[name] += w
					}
				}
			}
		}
		// Where most repeats of an activity follow a step the case had not
		// done before (a Reassign, a Reopen, a question to the customer),
		// that step's loop is the change to make, not the activity's.
		for name, r := range repeats {
			if unexpl[name] >= r/2 {
				touched[name] += r
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
	// The log's rework findings lead. They name the activities done
	// again; where a new step comes before the repeat (Investigate,
	// Reassign, Investigate), the finding counts for that step's loop.
	for a, w := range normalised(o.Hints.Rework) {
		if _, ok := m.Acts[a]; !ok {
			continue
		}
		if _, ok := weight[a]; ok {
			weight[a] += 10 * w
		}
		for t, share := range triggersOf(m, a) {
			if _, ok := weight[t]; ok {
				weight[t] += 10 * w * share
			}
		}
	}
	var out []scenario.Change
	same := map[string]bool{} // the paths a removal leaves: one change per result
	var cuts []*model.Model   // the models the proposed removals leave
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
		if same[b.String()] {
			continue
		}
		// A loop mostly inside one proposed already (Customer Replied's
		// inside Wait for Customer's) is that change again, in part.
		if m.Routing.Mode == model.Variants {
			inside := false
			for _, prev := range cuts {
				if affected(prev, a.name) < affected(m, a.name)/4 {
					inside = true
				}
			}
			if inside {
				continue
			}
			cuts = append(cuts, cut)
		}
		same[b.String()] = true
		out = append(out, c)
	}
	return out
}

// affected is the cases whose path the loop removal through name changes.
func affected(m *model.Model, name string) float64 {
	var n float64
	for _, v := range m.Routing.Variants {
		if loops(v.Activities, name) {
			n += v.Cases
		}
	}
	return n
}

// inDetour: name (once in the path) lies in the detour of a step shortly
// before it that triggers rework and whose loop removal removes name too
// (Customer Replied after Wait for Customer; Investigate after Reopen and
// Assign): that step is the trigger, not name.
func inDetour(path []string, name string) bool {
	i := slices.Index(path, name)
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		p := path[j]
		if count(path, p) != 1 {
			continue
		}
		if cut := scenario.CutLoop(path, p); len(cut) < len(path) && count(cut, name) == 0 {
			return true
		}
	}
	return false
}

// triggersOf: the first step new to the case between repeats of name (the
// one that sent the case back), each with its share of those repeats (by
// cases).
func triggersOf(m *model.Model, name string) map[string]float64 {
	out := map[string]float64{}
	var total float64
	for _, v := range m.Routing.Variants {
		seen := map[string]bool{}
		last := -1
		for i, a := range v.Activities {
			if a != name {
				continue
			}
			if last >= 0 {
				total += v.Cases
				// The first new step of the detour is its trigger.
				for _, b := range v.Activities[last+1 : i] {
					if !seen[b] {
						out[b] += v.Cases
						break
					}
				}
			}
			last = i
			for _, b := range v.Activities[:i] {
				seen[b] = true
			}
		}
	}
	for k := range out {
		out[k] /= total
	}
	return out
}

// unexplained reports whether some repeat of name in path follows no step
// new to the case: Investigate, Investigate again.
func unexplained(path []string, name string) bool {
	seen := map[string]bool{}
	last := -1
	for i, a := range path {
		if a == name {
			if last >= 0 {
				explained := false
				for _, b := range path[last+1 : i] {
					if !seen[b] {
						explained = true
					}
				}
				if !explained {
					return true
				}
			}
			last = i
			for _, b := range path[:i] {
				seen[b] = true
			}
		}
	}
	return false
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

// median estimates a distribution's median from 401 draws of a fixed
// stream (distributions of working time have no closed form for every
// kind with its share of zeros).
func median(d dist.Dist) float64 {
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 401)
	for i := range xs {
		xs[i] = d.Sample(r)
	}
	slices.Sort(xs)
	return xs[len(xs)/2]
}
