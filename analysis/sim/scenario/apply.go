package scenario

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/mining/tree"
)

// Apply returns a copy of m with the scenario's changes made, in order.
// An unknown activity or pool is an error that lists the valid names.
func (sc *Scenario) Apply(m *model.Model) (*model.Model, error) {
	out := m.Clone()
	for i, c := range sc.Changes {
		if err := c.apply(out); err != nil {
			return nil, &Error{sc.Name, c.Line, fmt.Sprintf("changes[%d].%s", i, c.Kind), err.Error()}
		}
	}
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("scenario %s: the changed model is not valid: %w", sc.Name, err)
	}
	return out, nil
}

func names[V any](m map[string]V) string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, fmt.Sprintf("%q", k))
	}
	sort.Strings(ks)
	if len(ks) > 25 {
		ks = append(ks[:25], fmt.Sprintf("… %d more", len(ks)-25))
	}
	return strings.Join(ks, ", ")
}

func (c Change) pool(m *model.Model) (*model.Pool, error) {
	p, ok := m.Pools[c.Pool]
	if !ok {
		if len(m.Pools) == 0 {
			return nil, fmt.Errorf("no pool %q: the model has no resource pools", c.Pool)
		}
		return nil, fmt.Errorf("no pool %q (pools: %s)", c.Pool, names(m.Pools))
	}
	return p, nil
}

func (c Change) activity(m *model.Model, name string) (*model.Activity, error) {
	a, ok := m.Acts[name]
	if !ok {
		return nil, fmt.Errorf("no activity %q (activities: %s)", name, names(m.Acts))
	}
	return a, nil
}

func (c Change) apply(m *model.Model) error {
	switch c.Kind {
	case "resources":
		p, err := c.pool(m)
		if err != nil {
			return err
		}
		want := len(p.Resources) + c.Add - c.Drop
		if c.Set != nil {
			want = *c.Set
		}
		if want < 1 {
			return fmt.Errorf("pool %q would have %d resources; it needs at least one (automate its activities instead)", c.Pool, want)
		}
		if want > maxPeople {
			return fmt.Errorf("pool %q would have %d resources; at most %d", c.Pool, want, maxPeople)
		}
		for len(p.Resources) > want {
			p.Resources = p.Resources[:len(p.Resources)-1]
		}
		taken := memberNames(p)
		for k := 1; len(p.Resources) < want; k++ {
			name := fmt.Sprintf("%s, new %d", c.Pool, k)
			if taken[name] {
				continue
			}
			// A new member works the pool's hours at the typical speed.
			p.Resources = append(p.Resources, &model.Resource{Name: name})
		}
	case "calendar":
		p, err := c.pool(m)
		if err != nil {
			return err
		}
		p.Calendar = &model.Calendar{Hours: c.Hours}
		for _, r := range p.Resources {
			r.Calendar = nil // the pool's new hours apply to everyone
		}
	case "automate":
		a, err := c.activity(m, c.Activity)
		if err != nil {
			return err
		}
		// The step takes no working time and no one's time; extraneous
		// delays before it (a customer's reply, a waiting period) are not
		// the step's work and stay.
		a.Pool, a.PoolBy, a.Duration, a.DurationByPriority = "", nil, dist.Zero, nil
	case "duration":
		a, err := c.activity(m, c.Activity)
		if err != nil {
			return err
		}
		if c.Dist != nil {
			a.Duration, a.DurationByPriority = *c.Dist, nil
		} else {
			a.Duration = a.Duration.Scaled(c.Scale)
			for k, d := range a.DurationByPriority {
				dd := d.Scaled(c.Scale)
				a.DurationByPriority[k] = &dd
			}
		}
	case "delay":
		a, err := c.activity(m, c.Activity)
		if err != nil {
			return err
		}
		if c.Dist != nil {
			d := *c.Dist
			a.Delay, a.DelayAfter, a.DelayByPriority = &d, nil, nil
			break
		}
		if a.Delay != nil {
			d := a.Delay.Scaled(c.Scale)
			a.Delay = &d
		}
		for _, by := range []map[string]*dist.Dist{a.DelayAfter, a.DelayByPriority} {
			for k, d := range by {
				dd := d.Scaled(c.Scale)
				by[k] = &dd
			}
		}
	case "remove":
		if _, err := c.activity(m, c.Activity); err != nil {
			return err
		}
		return removeActivity(m, c.Activity)
	case "remove_rework":
		if c.Activity != "" {
			if _, err := c.activity(m, c.Activity); err != nil {
				return err
			}
			return removeLoop(m, c.Activity)
		}
		return removeRework(m)
	case "move":
		from, err := (Change{Pool: c.From}).pool(m)
		if err != nil {
			return err
		}
		to, err := c.pool(m)
		if err != nil {
			return err
		}
		if len(from.Resources) <= c.Add {
			return fmt.Errorf("pool %q has %d %s; moving %d would leave nobody to do its work", c.From, len(from.Resources), plural(len(from.Resources), "member", "members"), c.Add)
		}
		if len(to.Resources)+c.Add > maxPeople {
			return fmt.Errorf("pool %q would have %d resources; at most %d", c.Pool, len(to.Resources)+c.Add, maxPeople)
		}
		from.Resources = from.Resources[:len(from.Resources)-c.Add]
		taken := memberNames(to)
		for k := 1; k <= c.Add; {
			name := fmt.Sprintf("%s, from %s %d", c.Pool, c.From, k)
			k++
			if taken[name] {
				c.Add++ // the name is taken (a second move): try the next
				continue
			}
			to.Resources = append(to.Resources, &model.Resource{Name: name})
		}
	case "extend_hours":
		p, err := c.pool(m)
		if err != nil {
			return err
		}
		extended := false
		for _, cal := range append([]*model.Calendar{p.Calendar}, memberCalendars(p)...) {
			if cal == nil {
				continue
			}
			if err := extendDays(cal, c.Scale); err != nil {
				return fmt.Errorf("pool %q: %w", c.Pool, err)
			}
			extended = true
		}
		if !extended {
			return fmt.Errorf("pool %q works around the clock; there are no hours to extend", c.Pool)
		}
	case "reorder":
		for _, a := range []string{c.Activity, c.Then} {
			if _, err := c.activity(m, a); err != nil {
				return err
			}
		}
		return reorder(m, c.Activity, c.Then)
	case "arrivals":
		days := map[string]int{"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
		for h := range m.Arrivals.PerHour {
			if c.Scale > 0 {
				m.Arrivals.PerHour[h] *= c.Scale
			}
		}
		for day, f := range c.Weekdays {
			d := days[day]
			for h := d * 24; h < d*24+24; h++ {
				m.Arrivals.PerHour[h] *= f
			}
		}
	case "routing":
		if _, err := c.activity(m, c.Activity); err != nil {
			return err
		}
		for to := range c.To {
			if _, err := c.activity(m, to); err != nil {
				return err
			}
		}
		return reroute(m, c.Activity, c.To)
	case "cost":
		p, err := c.pool(m)
		if err != nil {
			return err
		}
		p.CostPerHour = *c.PerHour
	default:
		return fmt.Errorf("unknown change %q", c.Kind)
	}
	return nil
}

// removeActivity drops an activity from every path: from every variant
// (variants left empty are dropped, equal ones merged), or from the tree
// or the net (its leaves or transitions become silent steps).
func removeActivity(m *model.Model, name string) error {
	if w := m.Routing.Net; m.Routing.Mode == model.Net && w != nil {
		for i := range w.Transitions {
			if w.Transitions[i].Label == name {
				w.Transitions[i].Label = ""
			}
		}
		delete(m.Acts, name)
		return nil
	}
	if m.Routing.Mode == model.Tree {
		t, err := tree.Parse(m.Routing.Tree)
		if err != nil {
			return err
		}
		var walk func(n *tree.Node)
		walk = func(n *tree.Node) {
			if n.Op == tree.Leaf && !n.Tau && n.Label == name {
				n.Tau, n.Label = true, ""
			}
			for _, c := range n.Children {
				walk(c)
			}
		}
		walk(t)
		m.Routing.Tree = t.String()
		delete(m.Acts, name)
		for _, a := range m.Acts {
			delete(a.DelayAfter, name)
		}
		return nil
	}
	for i := range m.Routing.Variants {
		v := &m.Routing.Variants[i]
		v.Activities = slices.DeleteFunc(v.Activities, func(a string) bool { return a == name })
	}
	m.Routing.Variants = mergeVariants(m.Routing.Variants)
	if len(m.Routing.Variants) == 0 {
		return fmt.Errorf("removing %q leaves no path with any activity", name)
	}
	delete(m.Acts, name)
	for _, a := range m.Acts {
		delete(a.DelayAfter, name)
	}
	return nil
}

// removeRework makes every path loop-free: each activity is kept at its
// first occurrence only; in a tree no loop repeats.
func removeRework(m *model.Model) error {
	if m.Routing.Mode == model.Net {
		return errNetRouting
	}
	if m.Routing.Mode == model.Tree {
		if p := m.Routing.Probabilities; p != nil {
			for k := range p.Redo {
				p.Redo[k] = 0
			}
		}
		return nil
	}
	for i := range m.Routing.Variants {
		v := &m.Routing.Variants[i]
		seen := map[string]bool{}
		v.Activities = slices.DeleteFunc(v.Activities, func(a string) bool {
			if seen[a] {
				return true
			}
			seen[a] = true
			return false
		})
	}
	m.Routing.Variants = mergeVariants(m.Routing.Variants)
	return nil
}

// errNetRouting refuses the path changes a designed net does not support:
// where its loops are is the design's to say.
var errNetRouting = errors.New("the model plays out a designed net: change its loops in the design (or their weights under routing.net.weights) instead")

// mergeVariants drops empty variants and merges equal ones (same path and
// attributes), keeping the first's position.
func mergeVariants(vs []model.Variant) []model.Variant {
	index := map[string]int{}
	var out []model.Variant
	for _, v := range vs {
		if len(v.Activities) == 0 {
			continue
		}
		keys := make([]string, 0, len(v.Attributes))
		for k, x := range v.Attributes {
			keys = append(keys, k+"="+x)
		}
		sort.Strings(keys)
		key := strings.Join(v.Activities, "\x00") + "\x01" + strings.Join(keys, "\x00")
		if i, ok := index[key]; ok {
			out[i].Cases += v.Cases
			continue
		}
		index[key] = len(out)
		out = append(out, v)
	}
	return out
}

// reroute sets, among the variants that reach after, the share of each
// listed next activity; the other continuations keep their proportions.
func reroute(m *model.Model, after string, to map[string]float64) error {
	if m.Routing.Mode != model.Variants {
		return fmt.Errorf("routing changes reweight variants; the model plays out a %s (change its probabilities or weights in the model file instead)", m.Routing.Mode)
	}
	next := func(v model.Variant) (string, bool) {
		i := slices.Index(v.Activities, after)
		if i < 0 {
			return "", false
		}
		if i+1 < len(v.Activities) {
			return v.Activities[i+1], true
		}
		return "", true // the case ends after it
	}
	total := 0.0
	byNext := map[string]float64{}
	for _, v := range m.Routing.Variants {
		if n, ok := next(v); ok {
			total += v.Cases
			byNext[n] += v.Cases
		}
	}
	if total == 0 {
		return fmt.Errorf("no path reaches %q", after)
	}
	var listed, rest float64
	for n, share := range to {
		if byNext[n] == 0 && share > 0 {
			return fmt.Errorf("no observed path goes from %q straight to %q; variant replay can only reweight observed paths", after, n)
		}
		listed += share
	}
	for n, w := range byNext {
		if _, ok := to[n]; !ok {
			rest += w
		}
	}
	if rest == 0 && listed < 1-1e-9 {
		return fmt.Errorf("the shares after %q add up to %v and no other continuation is observed to take the rest", after, listed)
	}
	for i := range m.Routing.Variants {
		v := &m.Routing.Variants[i]
		n, ok := next(*v)
		if !ok {
			continue
		}
		if share, listed := to[n]; listed {
			v.Cases *= share * total / byNext[n]
		} else {
			v.Cases *= (1 - sum(to)) * total / rest
		}
	}
	m.Routing.Variants = slices.DeleteFunc(m.Routing.Variants, func(v model.Variant) bool { return v.Cases <= 0 })
	return nil
}

func sum(m map[string]float64) float64 {
	var s float64
	for _, v := range m {
		s += v
	}
	return s
}

// removeLoop cuts the loop through one activity from every variant (see the
// package documentation); in a tree, loops whose redo part holds the
// activity never repeat.
func removeLoop(m *model.Model, name string) error {
	if m.Routing.Mode == model.Net {
		return errNetRouting
	}
	if m.Routing.Mode == model.Tree {
		t, err := tree.Parse(m.Routing.Tree)
		if err != nil {
			return err
		}
		p := m.Routing.Probabilities
		found := false
		var walk func(n *tree.Node, at string)
		walk = func(n *tree.Node, at string) {
			if n.Op == tree.Loop && len(n.Children) > 1 && p != nil {
				for _, redo := range n.Children[1:] {
					if hasLabel(redo, name) {
						p.Redo[at] = 0
						found = true
					}
				}
			}
			for i, c := range n.Children {
				walk(c, fmt.Sprintf("%s.%d", at, i))
			}
		}
		walk(t, "0")
		if !found {
			return fmt.Errorf("%q is in no loop of the process tree", name)
		}
		return nil
	}
	changed := false
	for i := range m.Routing.Variants {
		v := &m.Routing.Variants[i]
		if out := CutLoop(v.Activities, name); len(out) != len(v.Activities) {
			v.Activities, changed = out, true
		}
	}
	if !changed {
		return fmt.Errorf("no path repeats work through %q", name)
	}
	m.Routing.Variants = mergeVariants(m.Routing.Variants)
	return nil
}

func hasLabel(n *tree.Node, name string) bool {
	if n.Op == tree.Leaf {
		return !n.Tau && n.Label == name
	}
	return slices.ContainsFunc(n.Children, func(c *tree.Node) bool { return hasLabel(c, name) })
}

// CutLoop removes, repeatedly, the first loop through name in a path: a
// repeat of name (the part after its first occurrence up to and including
// the next), or name as the trigger of rework (name, up to two steps new to
// the case after it, and the run after those of activities done before). A
// path without either comes back unchanged.
func CutLoop(path []string, name string) []string {
	out := slices.Clone(path)
	for {
		first := slices.Index(out, name)
		if first < 0 {
			return out
		}
		if next := slices.Index(out[first+1:], name); next >= 0 {
			out = slices.Delete(out, first+1, first+2+next)
			continue
		}
		// name occurs once: is it followed by redone work?
		cut := false
		for at := first; at >= 0; at = indexFrom(out, name, at+1) {
			seen := map[string]bool{}
			for _, a := range out[:at] {
				seen[a] = true
			}
			// Up to maxDetour steps new to the case may come between the
			// trigger and the redone work (Wait for Customer, Customer
			// Replied, Investigate again; Reopen, Assign, Investigate).
			redo := at + 1
			for redo < len(out) && redo-at-1 < maxDetour && !seen[out[redo]] {
				redo++
			}
			end := redo
			for end < len(out) && seen[out[end]] {
				end++
			}
			if end > redo {
				out = slices.Delete(out, at, end)
				cut = true
				break
			}
		}
		if !cut {
			return out
		}
	}
}

// maxDetour is how many steps new to a case may lie between the step that
// triggers rework and the redone work.
const maxDetour = 2

func indexFrom(path []string, name string, from int) int {
	if from >= len(path) {
		return -1
	}
	if i := slices.Index(path[from:], name); i >= 0 {
		return from + i
	}
	return -1
}

// memberNames is the set of the pool's members' names.
func memberNames(p *model.Pool) map[string]bool {
	out := make(map[string]bool, len(p.Resources))
	for _, r := range p.Resources {
		out[r.Name] = true
	}
	return out
}

func memberCalendars(p *model.Pool) []*model.Calendar {
	var out []*model.Calendar
	for _, r := range p.Resources {
		if r.Calendar != nil {
			out = append(out, r.Calendar)
		}
	}
	return out
}

// extendDays moves the end of each day's last working interval h hours
// later, never past midnight.
func extendDays(cal *model.Calendar, h float64) error {
	add := int(math.Round(h * 60))
	for day, spans := range cal.Hours {
		last, lastEnd := -1, -1
		for i, s := range spans {
			_, end, err := span(s)
			if err != nil {
				return fmt.Errorf("hours %s %q: %w", day, s, err)
			}
			if end > lastEnd {
				last, lastEnd = i, end
			}
		}
		if last < 0 {
			continue
		}
		start, _, _ := span(spans[last])
		end := min(lastEnd+add, 24*60)
		out := slices.Clone(spans)
		out[last] = fmt.Sprintf("%02d:%02d-%02d:%02d", start/60, start%60, end/60, end%60)
		cal.Hours[day] = out
	}
	return nil
}

// span reads "HH:MM-HH:MM" as minutes of the day.
func span(s string) (start, end int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return 0, 0, fmt.Errorf("want HH:MM-HH:MM")
	}
	if start, err = minutes(a); err == nil {
		end, err = minutes(b)
	}
	return start, end, err
}

func minutes(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("%q is not a time of day", s)
	}
	return hh*60 + mm, nil
}

// reorder makes every path that does then directly before first do first
// directly before then.
func reorder(m *model.Model, first, then string) error {
	if m.Routing.Mode != model.Variants {
		return fmt.Errorf("reordering rewrites the variants' paths; the model plays out a %s (edit it in the model file instead)", m.Routing.Mode)
	}
	changed := false
	for i := range m.Routing.Variants {
		a := m.Routing.Variants[i].Activities
		for j := 0; j+1 < len(a); j++ {
			if a[j] == then && a[j+1] == first {
				a[j], a[j+1] = first, then
				changed = true
				j++
			}
		}
	}
	if !changed {
		return fmt.Errorf("no path does %q directly before %q", then, first)
	}
	m.Routing.Variants = mergeVariants(m.Routing.Variants)
	return nil
}
