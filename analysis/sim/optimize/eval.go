package optimize

import (
	"errors"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
)

// candidate is a set of changes and what simulating it measured.
type candidate struct {
	changes []scenario.Change
	key     string
	model   *model.Model
	sim     *engine.Sim
	cost    float64 // weekly running cost
	staff   int     // people added, net
	// kpis[r] is replication r's KPIs; replications run in order, so a
	// candidate with n of them has replications 0..n-1, paired with every
	// other candidate's.
	kpis []map[string]float64
	// rejected: a race showed it worse than its reference, or it broke a
	// constraint; it is not raced further.
	rejected bool
}

func (c *candidate) n() int { return len(c.kpis) }

func (c *candidate) names() []string {
	out := make([]string, len(c.changes))
	for i, ch := range c.changes {
		out[i] = ch.String()
	}
	return out
}

// changeKey identifies a change for de-duplication.
func changeKey(c scenario.Change) string {
	var b strings.Builder
	b.WriteString(c.Kind)
	for _, s := range []string{c.Pool, c.From, c.Activity, c.Then} {
		b.WriteString("\x00" + s)
	}
	return b.String()
}

func setKey(changes []scenario.Change) string {
	keys := make([]string, len(changes))
	for i, c := range changes {
		keys[i] = changeKey(c) + "\x01" + c.String()
	}
	sort.Strings(keys)
	return strings.Join(keys, "\x02")
}

// evaluator simulates candidates, each replication once, in parallel.
type evaluator struct {
	base     *model.Model
	o        Options
	kpi      string // the objective's KPI, "" for cost
	cands    map[string]*candidate
	order    []*candidate // in creation order
	baseline *candidate
	sims     int
	simNanos atomic.Int64 // time inside the simulations, all workers
}

// candidate builds (or finds) the candidate for a change list; nil when the
// changes do not apply to the model or break a budget.
func (ev *evaluator) candidate(changes []scenario.Change) *candidate {
	key := setKey(changes)
	if c, ok := ev.cands[key]; ok {
		if c.sim == nil {
			return nil // tried before: it does not apply
		}
		return c
	}
	c := &candidate{changes: changes, key: key}
	ev.cands[key] = c
	m := ev.base
	if len(changes) > 0 {
		var err error
		if m, err = (&scenario.Scenario{Name: "candidate", Changes: changes}).Apply(ev.base); err != nil {
			c.rejected = true
			return nil
		}
	}
	s, err := engine.Compile(m)
	if err != nil {
		c.rejected = true
		return nil
	}
	cost, err := weeklyCost(m, changes, ev.o.Costs)
	if err != nil {
		c.rejected = true
		return nil
	}
	c.model, c.sim, c.cost, c.staff = m, s, cost, staffAdded(changes)
	if ev.baseline != nil && !ev.withinBudget(c) {
		c.rejected = true
		return nil
	}
	ev.order = append(ev.order, c)
	return c
}

func (ev *evaluator) withinBudget(c *candidate) bool {
	if ev.o.BudgetStaff >= 0 && c.staff > ev.o.BudgetStaff {
		return false
	}
	return ev.o.BudgetCost <= 0 || c.cost-ev.baseline.cost <= ev.o.BudgetCost+1e-9
}

// run brings every candidate to at least reps replications.
func (ev *evaluator) run(cs []*candidate, reps int) error {
	type job struct {
		c *candidate
		r int
	}
	var jobs []job
	for _, c := range cs {
		for r := c.n(); r < reps; r++ {
			jobs = append(jobs, job{c, r})
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	out := make([]map[string]float64, len(jobs))
	errs := make([]error, len(jobs))
	so := scenario.Options{Cases: ev.o.Cases, Start: ev.o.Start, Seed: ev.o.Seed, SLA: ev.o.SLA}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(ev.o.Workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				t0 := time.Now()
				out[i], errs[i] = scenario.Replicate(jobs[i].c.sim, so, jobs[i].r)
				ev.simNanos.Add(int64(time.Since(t0)))
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	// Jobs are in candidate then replication order: appending keeps each
	// candidate's replications in order.
	for i, j := range jobs {
		j.c.kpis = append(j.c.kpis, out[i])
	}
	ev.sims += len(jobs)
	return nil
}

// values is one KPI per replication; the cost KPI "" is the weekly cost in
// every replication (it does not vary).
func (c *candidate) values(kpi string) []float64 {
	out := make([]float64, c.n())
	for i, kv := range c.kpis {
		if kpi == "" {
			out[i] = c.cost
		} else {
			v, ok := kv[kpi]
			if !ok {
				v = math.NaN()
			}
			out[i] = v
		}
	}
	return out
}

// objective is the candidate's mean objective over its replications.
func (ev *evaluator) objective(c *candidate) float64 {
	if ev.kpi == "" {
		return c.cost
	}
	return mean(c.values(ev.kpi))
}

// diff is c minus ref in a KPI over the replications both have.
func diff(kpi string, c, ref *candidate) (scenario.Difference, bool) {
	n := min(c.n(), ref.n())
	if n < 2 {
		return scenario.Difference{}, false
	}
	a, b := c.values(kpi)[:n], ref.values(kpi)[:n]
	if slices.ContainsFunc(a, math.IsNaN) || slices.ContainsFunc(b, math.IsNaN) {
		return scenario.Difference{}, false
	}
	d, ok := scenario.Paired(kpi, b, a)
	if ok && kpi == "" {
		// A deterministic difference is exact: significant unless zero.
		d.Significant = math.Abs(d.Delta) > 1e-9
	}
	return d, ok
}

// feasible: under the cost objective, the mean cycle time stays within
// MaxWorse of the baseline's (over the replications both have).
func (ev *evaluator) feasible(c *candidate) bool {
	if ev.o.Objective != Cost || c == ev.baseline {
		return true
	}
	d, ok := diff("cycle_time_mean_hours", c, ev.baseline)
	return ok && d.Delta <= ev.o.MaxWorse*d.Baseline
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
