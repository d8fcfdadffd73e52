package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/mining/tree"
)

// HoursPerWeek is the length of the arrival profile.
const HoursPerWeek = 168

// Validate checks a model built in Go (not read from a file); errors name
// the field but no line.
func (m *Model) Validate() error { return m.validate("model", lines{}) }

// validate reports every problem it finds, joined.
func (m *Model) validate(name string, l lines) error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &Error{name, l.line(path), path, fmt.Sprintf(format, args...)})
	}
	if m.Version != Version {
		bad("version", "%d: this pmx reads version %d", m.Version, Version)
	}
	zone := m.Timezone
	if zone == "" {
		zone = "UTC"
	}
	if _, err := time.LoadLocation(zone); err != nil {
		bad("timezone", "%q is not an IANA time zone", m.Timezone)
	}
	// Arrivals.
	if len(m.Arrivals.PerHour) != HoursPerWeek {
		bad("arrivals.per_hour", "%d values; want %d, one per hour of the week from Monday 00:00", len(m.Arrivals.PerHour), HoursPerWeek)
	} else {
		var sum float64
		for i, v := range m.Arrivals.PerHour {
			if !(v >= 0) || math.IsInf(v, 0) {
				bad("arrivals.per_hour", "value %d (%v) must be a rate ≥ 0", i, v)
			}
			sum += v
		}
		if !(sum > 0) {
			bad("arrivals.per_hour", "no arrivals in the whole week")
		}
	}
	if err := m.Arrivals.Gaps.Validate(); err != nil {
		bad("arrivals.gaps", "%v", err)
	} else if !(m.Arrivals.Gaps.MeanValue() > 0) {
		bad("arrivals.gaps", "mean gap must be > 0")
	}
	// Activities and pools.
	for _, a := range sortedKeys(m.Acts) {
		act, path := m.Acts[a], "activities."+a
		if act == nil {
			bad(path, "empty; want pool, duration and delay")
			continue
		}
		if err := act.Duration.Validate(); err != nil {
			bad(path+".duration", "%v", err)
		}
		if act.Delay != nil {
			if err := act.Delay.Validate(); err != nil {
				bad(path+".delay", "%v", err)
			}
		}
		for field, by := range map[string]map[string]*dist.Dist{"delay_by_priority": act.DelayByPriority, "duration_by_priority": act.DurationByPriority} {
			for _, v := range sortedKeys(by) {
				if m.Priority == nil {
					bad(path+"."+field, "needs the model's priority (attribute and order)")
					break
				}
				if d := by[v]; d == nil {
					bad(path+"."+field+"."+v, "empty; want a distribution")
				} else if err := d.Validate(); err != nil {
					bad(path+"."+field+"."+v, "%v", err)
				}
			}
		}
		for _, prev := range sortedKeys(act.DelayAfter) {
			d := act.DelayAfter[prev]
			if _, ok := m.Acts[prev]; !ok && prev != "" {
				bad(path+".delay_after."+prev, "activity %q is not under activities (%s)", prev, list(sortedKeys(m.Acts)))
			}
			if d == nil {
				bad(path+".delay_after."+prev, "empty; want a distribution")
			} else if err := d.Validate(); err != nil {
				bad(path+".delay_after."+prev, "%v", err)
			}
		}
		pools := map[string]string{path + ".pool": act.Pool}
		if pb := act.PoolBy; pb != nil {
			switch {
			case act.Pool == "":
				bad(path+".pool_by", "needs pool (the pool of the values not listed)")
			case pb.Attribute == "":
				bad(path+".pool_by.attribute", "missing: the case attribute whose value chooses the pool")
			case !m.carries(pb.Attribute):
				bad(path+".pool_by.attribute", "no case carries %q (the variants' attributes, or the tree's probabilities.attributes, must)", pb.Attribute)
			}
			for _, v := range sortedKeys(pb.Pools) {
				pools[path+".pool_by.pools."+v] = pb.Pools[v]
			}
		}
		for _, field := range sortedKeys(pools) {
			name := pools[field]
			if name == "" {
				continue
			}
			if p, ok := m.Pools[name]; !ok {
				bad(field, "no pool %q (pools: %s)", name, list(sortedKeys(m.Pools)))
			} else if p != nil && len(p.Resources) == 0 {
				bad(field, "pool %q has no resources, so %s could never start", name, a)
			}
		}
	}
	for _, pn := range sortedKeys(m.Pools) {
		p, path := m.Pools[pn], "pools."+pn
		if p == nil {
			bad(path, "empty; want resources")
			continue
		}
		if !(p.CostPerHour >= 0) || math.IsInf(p.CostPerHour, 0) {
			bad(path+".cost_per_hour", "%v: want ≥ 0", p.CostPerHour)
		}
		if p.Calendar != nil {
			if _, err := p.Calendar.Compile(zone); err != nil {
				bad(path+".calendar", "%v", err)
			}
		}
		seen := map[string]bool{}
		for i, r := range p.Resources {
			rp := fmt.Sprintf("%s.resources.%d", path, i)
			if r == nil || r.Name == "" {
				bad(rp, "a resource needs a name")
				continue
			}
			if seen[r.Name] {
				bad(rp, "resource %q is listed twice", r.Name)
			}
			seen[r.Name] = true
			if !(r.Speed >= 0) || math.IsInf(r.Speed, 0) {
				bad(rp+".speed", "%v: want > 0 (1 = typical)", r.Speed)
			}
			if r.Calendar != nil {
				if _, err := r.Calendar.Compile(zone); err != nil {
					bad(rp+".calendar", "%v", err)
				}
			}
		}
	}
	// Routing.
	known := func(path, a string) {
		if _, ok := m.Acts[a]; !ok {
			bad(path, "activity %q is not under activities (%s)", a, list(sortedKeys(m.Acts)))
		}
	}
	switch m.Routing.Mode {
	case Variants:
		if len(m.Routing.Variants) == 0 {
			bad("routing.variants", "no variants")
		}
		for i, v := range m.Routing.Variants {
			vp := fmt.Sprintf("routing.variants.%d", i)
			if !(v.Cases > 0) || math.IsInf(v.Cases, 0) {
				bad(vp+".cases", "%v: want a weight > 0", v.Cases)
			}
			for j, a := range v.Activities {
				known(fmt.Sprintf("%s.activities.%d", vp, j), a)
			}
		}
	case Tree:
		t, err := tree.Parse(m.Routing.Tree)
		if err != nil {
			bad("routing.tree", "%v", err)
			break
		}
		for _, a := range treeLabels(t) {
			known("routing.tree", a)
		}
		if err := checkProbabilities(t, m.Routing.Probabilities); err != nil {
			bad("routing.probabilities", "%v", err)
		}
	case Net:
		m.validateNet(bad)
		if p := m.Routing.Probabilities; p != nil {
			if len(p.Choice) > 0 || len(p.Redo) > 0 {
				bad("routing.probabilities", "mode net weighs its choices under routing.net.weights; only attributes apply here")
			}
			if err := checkAttributes(p.Attributes); err != nil {
				bad("routing.probabilities.attributes", "%v", err)
			}
		}
	default:
		bad("routing.mode", "%q: want %s, %s or %s", m.Routing.Mode, Variants, Tree, Net)
	}
	if p := m.Priority; p != nil {
		if p.Attribute == "" {
			bad("priority.attribute", "missing: name the case attribute that orders the queues")
		}
		if len(p.Order) == 0 {
			bad("priority.order", "missing: list the attribute's values, most urgent first")
		}
	}
	return errors.Join(errs...)
}

// carries reports whether simulated cases carry the case attribute.
func (m *Model) carries(attr string) bool {
	if p := m.Routing.Probabilities; (m.Routing.Mode == Tree || m.Routing.Mode == Net) && p != nil {
		_, ok := p.Attributes[attr]
		return ok
	}
	for _, v := range m.Routing.Variants {
		if _, ok := v.Attributes[attr]; ok {
			return true
		}
	}
	return false
}

// Compile builds the calendar; zone is used when the calendar names none.
func (c *Calendar) Compile(zone string) (*calendar.Calendar, error) {
	cc := *c
	if cc.Timezone == "" {
		cc.Timezone = zone
	}
	var n yaml.Node
	if err := n.Encode(cc); err != nil {
		return nil, err
	}
	cal, err := calendar.ParseNode(&n, "calendar")
	if err != nil {
		var ce *calendar.Error
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("%s: %s", ce.Field, ce.Reason)
		}
		return nil, err
	}
	return cal, nil
}

// treeLabels lists the activity labels of a process tree, sorted, once each.
func treeLabels(t *tree.Node) []string {
	var out []string
	var walk func(n *tree.Node)
	walk = func(n *tree.Node) {
		if n.Op == tree.Leaf {
			if !n.Tau {
				out = append(out, n.Label)
			}
			return
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(t)
	slices.Sort(out)
	return slices.Compact(out)
}

// checkProbabilities checks that every choice has one probability per
// child, every loop a redo probability below 1, and every attribute drawn
// independently of the path values with usable weights.
func checkProbabilities(t *tree.Node, p *Probabilities) error {
	if p == nil {
		return errors.New("missing: mode tree needs choice probabilities for every X and redo probabilities for every loop")
	}
	var errs []error
	var walk func(n *tree.Node, at string)
	walk = func(n *tree.Node, at string) {
		switch n.Op {
		case tree.Xor:
			ps, ok := p.Choice[at]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("choice %s (an X with %d children): no probabilities", at, len(n.Children)))
			case len(ps) != len(n.Children):
				errs = append(errs, fmt.Errorf("choice %s: %d probabilities for %d children", at, len(ps), len(n.Children)))
			default:
				if err := weights(ps); err != nil {
					errs = append(errs, fmt.Errorf("choice %s: %w", at, err))
				}
			}
		case tree.Or:
			errs = append(errs, fmt.Errorf("%s: inclusive choice (O) cannot be simulated; replace it by X or +", at))
		case tree.Loop:
			if r, ok := p.Redo[at]; !ok || !(r >= 0 && r < 1) {
				errs = append(errs, fmt.Errorf("loop %s: redo probability %v; want one in [0, 1)", at, r))
			}
		}
		for i, c := range n.Children {
			walk(c, fmt.Sprintf("%s.%d", at, i))
		}
	}
	walk(t, "0")
	return errors.Join(append(errs, checkAttributes(p.Attributes))...)
}

// checkAttributes checks the case attributes drawn independently of the
// path.
func checkAttributes(attrs map[string]map[string]float64) error {
	var errs []error
	// The simulator draws each attribute's value by these weights: an
	// attribute without values, or with weights that sum to nothing, has
	// none to draw.
	for _, a := range sortedKeys(attrs) {
		vs := attrs[a]
		ws := make([]float64, 0, len(vs))
		for _, v := range sortedKeys(vs) {
			ws = append(ws, vs[v])
		}
		if len(ws) == 0 {
			errs = append(errs, fmt.Errorf("attributes %s: no values; want value: relative frequency", a))
		} else if err := weights(ws); err != nil {
			errs = append(errs, fmt.Errorf("attributes %s: %w", a, err))
		}
	}
	return errors.Join(errs...)
}

// weights checks probabilities or relative frequencies: finite, ≥ 0, and
// a finite sum above 0.
func weights(ws []float64) error {
	var sum float64
	for _, v := range ws {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("weight %v: want a finite value ≥ 0", v)
		}
		sum += v
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return fmt.Errorf("weights sum to %v; want a finite sum > 0", sum)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// list quotes up to 20 names for an error message.
func list(names []string) string {
	if len(names) == 0 {
		return "none defined"
	}
	q := make([]string, 0, min(len(names), 20))
	for i, n := range names {
		if i == 20 {
			q = append(q, fmt.Sprintf("… %d more", len(names)-20))
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	return strings.Join(q, ", ")
}
