package scenario

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/simlog"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/units"
)

// Options of a comparison.
type Options struct {
	Cases            int    // cases per replication
	WarmUp, CoolDown int    // default Cases/10 and Cases/20
	Start            int64  // arrival clock (Unix µs)
	Seed             uint64 // default 1
	Replications     int    // default 10
	Workers          int    // default GOMAXPROCS
	// SLA, when set, adds each rule's breach rate as a KPI (evaluated on
	// the simulated log with analysis/sla).
	SLA *sla.Rules
}

func (o Options) withDefaults() Options {
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Replications <= 0 {
		o.Replications = 10
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.WarmUp == 0 {
		o.WarmUp = o.Cases / 10
	}
	if o.CoolDown == 0 {
		o.CoolDown = o.Cases / 20
	}
	return o
}

// Estimate is a KPI's mean over replications with its 95 % interval.
type Estimate struct {
	Mean float64 `json:"mean"`
	Low  float64 `json:"ci95_low"`
	High float64 `json:"ci95_high"`
}

// Difference is scenario minus baseline for one KPI, with the 95 %
// interval of the paired difference (common random numbers make the pairs).
type Difference struct {
	KPI         string  `json:"kpi"`
	Baseline    float64 `json:"baseline"`
	Scenario    float64 `json:"scenario"`
	Delta       float64 `json:"delta"`
	Low         float64 `json:"ci95_low"`
	High        float64 `json:"ci95_high"`
	Significant bool    `json:"significant"`
}

// Comparison is a scenario against the baseline.
type Comparison struct {
	Name         string              `json:"name"`
	Changes      []string            `json:"changes"`
	Replications int                 `json:"replications"`
	Cases        int                 `json:"cases"`
	Baseline     map[string]Estimate `json:"baseline"`
	Scenario     map[string]Estimate `json:"scenario"`
	Differences  []Difference        `json:"differences"`
	// Sentences state the significant changes of the headline KPIs in
	// plain words.
	Sentences []string `json:"sentences"`
}

// KPIs simulates m Replications times and returns every KPI's value per
// replication. KPI names: cycle_time_mean_hours, cycle_time_p50_hours,
// cycle_time_p90_hours, throughput_cases_per_day, waiting_mean_hours (per
// activity instance, extraneous delay and queueing), waiting_hours:ACTIVITY,
// utilisation:POOL, cost (when a pool has a cost per hour) and, with SLA
// rules, sla_breach_rate:RULE, sla_breach_rate (every rule's measured cases
// or instances together) and sla_cases_breached (the share of the cases
// measured by a case or between rule that breach at least one of them).
func KPIs(m *model.Model, o Options) (map[string][]float64, error) {
	o = o.withDefaults()
	if o.Cases <= 0 {
		return nil, engine.ErrCases
	}
	s, err := engine.Compile(m)
	if err != nil {
		return nil, err
	}
	per := make([]map[string]float64, o.Replications)
	errs := make([]error, o.Replications)
	var wg sync.WaitGroup
	sem := make(chan struct{}, o.Workers)
	for r := range o.Replications {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			per[r], errs[r] = Replicate(s, o, r)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := map[string][]float64{}
	for _, kv := range per {
		for k, v := range kv {
			out[k] = append(out[k], v)
		}
	}
	return out, nil
}

// Replicate runs replication rep of a compiled model and measures its KPIs
// (see KPIs); the same rep of two models draws the same random numbers
// wherever they agree.
func Replicate(s *engine.Sim, o Options, rep int) (map[string]float64, error) {
	o = o.withDefaults()
	eo := engine.Options{Cases: o.Cases, WarmUp: o.WarmUp, CoolDown: o.CoolDown, Start: o.Start, Seed: o.Seed, Replication: rep}
	var rec *simlog.Log
	if o.SLA != nil {
		rec = simlog.Recorder(s, "sim-")
		eo.Emit, eo.CaseAttributes = rec.Emit, rec.CaseAttributes
	}
	res, err := s.Run(eo)
	if err != nil {
		return nil, err
	}
	kv := map[string]float64{}
	ct := slices.Clone(res.CycleTime)
	slices.Sort(ct)
	var sum float64
	for _, c := range ct {
		sum += c
	}
	kv["cycle_time_mean_hours"] = sum / float64(len(ct)) / 3600
	kv["cycle_time_p50_hours"] = quantile(ct, 0.5) / 3600
	kv["cycle_time_p90_hours"] = quantile(ct, 0.9) / 3600
	if days := float64(res.Last-res.First) / 864e8; days > 0 {
		kv["throughput_cases_per_day"] = float64(res.Cases) / days
	}
	var wait, n float64
	for a, st := range res.Acts {
		if st.Count == 0 {
			continue
		}
		w := st.Delay + st.Waiting
		kv["waiting_hours:"+s.Activities[a]] = w / float64(st.Count) / 3600
		wait += w
		n += float64(st.Count)
	}
	if n > 0 {
		kv["waiting_mean_hours"] = wait / n / 3600
	}
	var cost float64
	for p, ps := range res.Pools {
		if u := ps.Utilisation(); !math.IsNaN(u) {
			kv["utilisation:"+s.Pools[p]] = u
		}
		cost += ps.Cost
	}
	if cost > 0 {
		kv["cost"] = cost
	}
	if o.SLA != nil {
		rep, err := sla.Evaluate(rec.Timeline(), o.SLA, sla.Options{})
		if err != nil {
			return nil, err
		}
		var measured, breaches int64
		caseBreached := map[int32]bool{}
		for _, r := range rep.Rules {
			if r.Measured > 0 {
				kv["sla_breach_rate:"+r.Name] = r.BreachRate
				measured += r.Measured
				breaches += r.Breaches
			}
			for _, oc := range r.Outcomes {
				caseBreached[oc.Case] = caseBreached[oc.Case] || oc.Breached
			}
		}
		if measured > 0 {
			kv["sla_breach_rate"] = float64(breaches) / float64(measured)
		}
		if len(caseBreached) > 0 {
			n := 0
			for _, b := range caseBreached {
				if b {
					n++
				}
			}
			kv["sla_cases_breached"] = float64(n) / float64(len(caseBreached))
		}
	}
	return kv, nil
}

func quantile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	h := p * float64(len(sorted)-1)
	i := int(h)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

// Compare simulates the baseline and the scenario model with the same
// random numbers and states every KPI's difference.
func Compare(base *model.Model, sc *Scenario, o Options) (*Comparison, error) {
	scen, err := sc.Apply(base)
	if err != nil {
		return nil, err
	}
	o = o.withDefaults()
	bk, err := KPIs(base, o)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	sk, err := KPIs(scen, o)
	if err != nil {
		return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
	}
	c := &Comparison{Name: sc.Name, Replications: o.Replications, Cases: o.Cases,
		Baseline: estimates(bk), Scenario: estimates(sk)}
	for _, ch := range sc.Changes {
		c.Changes = append(c.Changes, ch.String())
	}
	keys := make([]string, 0, len(bk))
	for k := range bk {
		if _, ok := sk[k]; ok {
			keys = append(keys, k)
		}
	}
	SortKPIs(keys)
	for _, k := range keys {
		if d, ok := Paired(k, bk[k], sk[k]); ok {
			c.Differences = append(c.Differences, d)
		}
	}
	c.Sentences = sentences(c)
	return c, nil
}

// Paired is the difference s − b of one KPI measured in the same
// replications of two models (common random numbers make the pairs); false
// when the two were not measured equally often.
func Paired(kpi string, b, s []float64) (Difference, bool) {
	if len(b) != len(s) || len(b) == 0 {
		return Difference{}, false
	}
	d := make([]float64, len(b))
	for i := range b {
		d[i] = s[i] - b[i]
	}
	e := Mean95(d)
	return Difference{KPI: kpi, Baseline: mean(b), Scenario: mean(s), Delta: e.Mean,
		Low: e.Low, High: e.High, Significant: e.Low > 0 || e.High < 0}, true
}

// SortKPIs orders KPI names as comparisons list them, headline KPIs first.
func SortKPIs(keys []string) {
	sort.Slice(keys, func(i, j int) bool {
		return kpiOrder(keys[i]) < kpiOrder(keys[j]) || kpiOrder(keys[i]) == kpiOrder(keys[j]) && keys[i] < keys[j]
	})
}

// Explain states a comparison's significant headline differences in plain
// sentences (the Sentences of Compare).
func Explain(c *Comparison) []string { return sentences(c) }

// kpiOrder puts the headline KPIs first.
func kpiOrder(k string) int {
	for i, h := range []string{"cycle_time_p50_hours", "cycle_time_mean_hours", "cycle_time_p90_hours", "throughput_cases_per_day", "waiting_mean_hours", "cost", "sla_cases_breached", "sla_breach_rate", "sla_breach_rate:", "utilisation:", "waiting_hours:"} {
		if k == h || strings.HasSuffix(h, ":") && strings.HasPrefix(k, h) {
			return i
		}
	}
	return 99
}

func estimates(kv map[string][]float64) map[string]Estimate {
	out := map[string]Estimate{}
	for k, v := range kv {
		out[k] = Mean95(v)
	}
	return out
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// Mean95 is the mean and its 95 % Student-t interval.
func Mean95(xs []float64) Estimate {
	m := mean(xs)
	if len(xs) < 2 {
		return Estimate{m, m, m}
	}
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	n := float64(len(xs))
	h := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975) * math.Sqrt(ss/(n-1)/n)
	return Estimate{m, m - h, m + h}
}

// String describes a change for people: "add 2 people to Second line".
func (c Change) String() string {
	switch c.Kind {
	case "resources":
		switch {
		case c.Set != nil:
			return fmt.Sprintf("staff %s with %d people", c.Pool, *c.Set)
		case c.Add > 0:
			return fmt.Sprintf("add %d %s to %s", c.Add, plural(c.Add, "person", "people"), c.Pool)
		default:
			return fmt.Sprintf("take %d %s from %s", c.Drop, plural(c.Drop, "person", "people"), c.Pool)
		}
	case "calendar":
		var parts []string
		for _, d := range sortedKeys(c.Hours) {
			parts = append(parts, d+" "+strings.Join(c.Hours[d], ", "))
		}
		return fmt.Sprintf("%s works %s", c.Pool, strings.Join(parts, "; "))
	case "automate":
		return "automate " + c.Activity
	case "duration", "delay":
		what := "make " + c.Activity
		if c.Kind == "delay" {
			what = "make the wait before " + c.Activity
		}
		if c.Dist != nil {
			return fmt.Sprintf("%s take %s", what, c.Dist)
		}
		if c.Scale < 1 {
			return fmt.Sprintf("%s %.0f %% shorter", what, 100*(1-c.Scale))
		}
		return fmt.Sprintf("%s %.0f %% longer", what, 100*(c.Scale-1))
	case "remove":
		return "drop " + c.Activity
	case "remove_rework":
		if c.Activity != "" {
			return "remove the rework loop through " + c.Activity
		}
		return "remove rework"
	case "move":
		return fmt.Sprintf("move %d %s from %s to %s", c.Add, plural(c.Add, "person", "people"), c.From, c.Pool)
	case "extend_hours":
		return fmt.Sprintf("extend %s's working day by %s", c.Pool, units.Duration(c.Scale*3600))
	case "reorder":
		return fmt.Sprintf("do %s before %s", c.Activity, c.Then)
	case "arrivals":
		var parts []string
		if c.Scale > 0 && c.Scale != 1 {
			parts = append(parts, fmt.Sprintf("%+.0f %% arrivals", 100*(c.Scale-1)))
		}
		for _, d := range sortedKeys(c.Weekdays) {
			parts = append(parts, fmt.Sprintf("%+.0f %% arrivals on %s", 100*(c.Weekdays[d]-1), d))
		}
		return strings.Join(parts, ", ")
	case "routing":
		var parts []string
		for _, to := range sortedKeys(c.To) {
			parts = append(parts, fmt.Sprintf("%.0f %% to %s", 100*c.To[to], to))
		}
		return fmt.Sprintf("after %s send %s", c.Activity, strings.Join(parts, ", "))
	case "cost":
		return fmt.Sprintf("%s costs %v per hour", c.Pool, *c.PerHour)
	}
	return c.Kind
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// isShare: the KPI is a share (shown in percent, changes in points).
func isShare(kpi string) bool {
	return strings.HasPrefix(kpi, "sla_breach_rate") || kpi == "sla_cases_breached"
}

// signed writes a number with one decimal and its sign, minus as "−".
func signed(v float64) string {
	s := fmt.Sprintf("%+.1f", v)
	if strings.HasPrefix(s, "-") {
		return "−" + s[1:]
	}
	return s
}

// signedPct writes a relative change with its sign: "−24 %", "+3.5 %".
func signedPct(x float64) string {
	v := 100 * x
	s := fmt.Sprintf("%.0f %%", math.Abs(v))
	if math.Abs(v) < 10 {
		s = fmt.Sprintf("%.1f %%", math.Abs(v))
	}
	if v < 0 {
		return "−" + s
	}
	return "+" + s
}

// sentences states the significant headline differences: "Add 2 people
// to Second line cuts the median cycle time from 21 h to 15 h (−24 %, 95 %
// CI −27 % to −21 %)."
func sentences(c *Comparison) []string {
	what := strings.Join(c.Changes, " and ")
	if what != "" {
		what = strings.ToUpper(what[:1]) + what[1:]
	}
	// "Add 2 people to X and automate Y cut …"; "These 3 changes together cut …".
	plural := len(c.Changes) > 1 || strings.HasPrefix(what, "These ")
	verbs := map[bool][3]string{false: {"raises", "cuts", "changes"}, true: {"raise", "cut", "change"}}[plural]
	var out []string
	for _, d := range c.Differences {
		label, hours := "", true
		switch {
		case d.KPI == "cycle_time_p50_hours":
			label = "the median cycle time"
		case d.KPI == "cycle_time_mean_hours":
			label = "the mean cycle time"
		case d.KPI == "cycle_time_p90_hours":
			label = "the 90th percentile of cycle time"
		case d.KPI == "throughput_cases_per_day":
			label, hours = "throughput (cases a day)", false
		case d.KPI == "cost":
			label, hours = "the staff cost", false
		case d.KPI == "sla_cases_breached":
			label, hours = "the share of cases breaching an SLA", false
		case d.KPI == "sla_breach_rate":
			label, hours = "SLA breaches (all rules)", false
		case strings.HasPrefix(d.KPI, "sla_breach_rate:"):
			label, hours = "breaches of "+strings.TrimPrefix(d.KPI, "sla_breach_rate:"), false
		default:
			continue
		}
		// A change too small to matter is not news, even if significant.
		if !d.Significant || (isShare(d.KPI) && math.Abs(d.Delta) < 0.005) ||
			(!isShare(d.KPI) && d.Baseline != 0 && math.Abs(d.Delta/d.Baseline) < 0.01) {
			continue
		}
		verb := verbs[0]
		if d.Delta < 0 {
			verb = verbs[1]
		}
		show := func(v float64) string {
			switch {
			case hours:
				return units.Duration(v * 3600)
			case isShare(d.KPI):
				return units.Percent(v)
			default:
				return fmt.Sprintf("%.4g", v)
			}
		}
		s := fmt.Sprintf("%s %s %s from %s to %s", what, verb, label, show(d.Baseline), show(d.Scenario))
		if d.Baseline != 0 && !isShare(d.KPI) {
			s += fmt.Sprintf(" (%s, 95 %% CI %s to %s)", signedPct(d.Delta/d.Baseline), signedPct(d.Low/d.Baseline), signedPct(d.High/d.Baseline))
		} else {
			s += fmt.Sprintf(" (%s points, 95 %% CI %s to %s)", signed(100*d.Delta), signed(100*d.Low), signed(100*d.High))
		}
		out = append(out, s+".")
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("%s %s no headline figure significantly over %d replications.", what, verbs[2], c.Replications))
	}
	return out
}
