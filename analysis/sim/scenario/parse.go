// Package scenario owns what-if scenarios: a YAML file of changes to a
// simulation model, applying them, and comparing a scenario with the
// baseline by simulation with common random numbers.
//
// # File format
//
//	name: second-line-plus-two          # optional; default: the file name
//	changes:
//	  - resources: {pool: "Second line", add: 2}        # or remove: N, or set: N
//	  - calendar: {pool: "Second line", hours: "Mon-Fri 07:00-19:00"}
//	  - automate: Classify                              # no working time, no resource (its waits for others, e.g. a customer, stay)
//	  - duration: {activity: Investigate, scale: 0.8}   # or dist: {dist: lognormal, mu: .., sigma: ..}
//	  - delay: {activity: Wait for customer, scale: 0.5} # the extraneous delay before it
//	  - remove: Escalate                                # drop an activity from every path
//	  - remove_rework: true                             # every path without repeated activities
//	  - remove_rework: Reopen                           # or only the loop through one activity
//	  - move: {from: "First line", to: "Second line", count: 1}   # cross-trained staff
//	  - extend_hours: {pool: "Second line", hours: 2}  # each working day ends 2 h later
//	  - reorder: {first: Classify, then: Assign}        # paths doing Assign then Classify swap them
//	  - arrivals: {scale: 1.2}                          # or weekdays: {mon: 1.2, fri: 0.9}
//	  - routing: {after: Classify, to: {Resolve: 0.3}}  # variant replay: reweight the paths
//	  - cost: {pool: "Second line", per_hour: 55}
//
// calendar hours are "Mon-Fri 07:00-19:00" (several separated by ";", e.g.
// "Mon-Fri 08:00-12:00, 13:00-17:00; Sat 09:00-12:00") or a mapping in the
// calendar format ({mon-fri: ["07:00-19:00"]}). A routing change sets, among
// the cases that reach the activity `after`, the share that continues with
// each listed activity; the other paths keep their proportions.
//
// remove_rework with an activity cuts only the loop through it: where the
// activity repeats, the part of the path from after its first occurrence up
// to and including its next one; where it triggers rework (a Reopen after
// which Investigate and Resolve are done again), the activity, up to two
// steps new to the case after it (a Wait for Customer's Customer Replied),
// and the run after those of activities the case had already done. move takes members
// from one pool (the last listed) and adds as many typical members (speed 1,
// the pool's hours) to another. extend_hours lengthens each working day of
// the pool and of its members' own calendars by the hours given, at the end
// of the day (never past midnight). reorder swaps two adjacent activities
// wherever a path does then directly before first. Changes
// apply in order. Errors name the line and the field; unknown activities and
// pools are listed with the valid ones.
//
// It must not import database/sql, DuckDB, ingest, report or cmd.
package scenario

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// Scenario is a named list of changes.
type Scenario struct {
	Name    string   `json:"name"`
	Changes []Change `json:"changes"`
}

// Change is one change; Kind says which fields apply.
type Change struct {
	Kind string `json:"kind"` // one of Kinds
	Line int    `json:"-"`
	// resources, calendar, cost, extend_hours; move: the receiving pool
	Pool string `json:"pool,omitempty"`
	// move: the giving pool; Add is the count moved
	From string `json:"from,omitempty"`
	Add  int    `json:"add,omitempty"`
	Drop int    `json:"remove,omitempty"`
	Set  *int   `json:"set,omitempty"`
	// calendar
	Hours map[string][]string `json:"hours,omitempty"`
	// automate, duration, delay, remove, routing (after), remove_rework
	// (the loop's activity; "" all rework), reorder (first)
	Activity string `json:"activity,omitempty"`
	// reorder
	Then string `json:"then,omitempty"`
	// duration, delay, arrivals: the factor; extend_hours: hours a day
	Scale float64    `json:"scale,omitempty"`
	Dist  *dist.Dist `json:"dist,omitempty"`
	// arrivals
	Weekdays map[string]float64 `json:"weekdays,omitempty"`
	// routing
	To map[string]float64 `json:"to,omitempty"`
	// cost
	PerHour *float64 `json:"per_hour,omitempty"`
}

// Error is a problem in a scenario file: "name:LINE: field: reason".
type Error struct {
	Name   string
	Line   int
	Field  string
	Reason string
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s: %s", e.Name, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.Name, e.Line, e.Field, e.Reason)
}

// Kinds lists the change kinds, in the documentation's order.
var Kinds = []string{"resources", "calendar", "automate", "duration", "delay", "remove", "remove_rework", "arrivals", "routing", "cost", "move", "extend_hours", "reorder"}

// Parse reads a scenario file; name is used in errors and as the default
// scenario name.
func Parse(r io.Reader, name string) (*Scenario, error) {
	doc, err := calendar.ReadYAML(r, name, "scenario", "want name and changes")
	if err != nil {
		var ce *calendar.Error
		if errors.As(err, &ce) {
			return nil, &Error{ce.Name, ce.Line, ce.Field, ce.Reason}
		}
		return nil, err
	}
	p := &parser{name: name}
	sc := &Scenario{Name: name}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, &Error{name, root.Line, "scenario", "want a mapping with name and changes"}
	}
	var changes *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "name":
			// An empty name keeps the default, so that errors still name
			// the file.
			if v.Kind != yaml.ScalarNode {
				p.errorf(v.Line, "name", "want a name")
			} else if strings.TrimSpace(v.Value) != "" {
				sc.Name = v.Value
			}
		case "changes":
			changes = v
		case "description":
		default:
			p.errorf(k.Line, keyName(k), "unknown field (want name, description or changes)")
		}
	}
	if changes == nil || changes.Kind != yaml.SequenceNode || len(changes.Content) == 0 {
		line := root.Line
		if changes != nil {
			line = changes.Line
		}
		p.errorf(line, "changes", "want a list of changes, e.g. - automate: Classify")
	} else {
		for i, c := range changes.Content {
			if ch, ok := p.change(c, fmt.Sprintf("changes[%d]", i)); ok {
				sc.Changes = append(sc.Changes, ch)
			}
		}
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return sc, nil
}

type parser struct {
	name string
	errs []error
}

func (p *parser) errorf(line int, field, format string, args ...any) {
	p.errs = append(p.errs, &Error{p.name, line, field, fmt.Sprintf(format, args...)})
}

// fields reads a mapping's scalar fields; unknown keys are errors.
func (p *parser) fields(n *yaml.Node, field string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.errorf(n.Line, field, "want a mapping with %s", strings.Join(allowed, ", "))
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := false
		for _, a := range allowed {
			ok = ok || a == k.Value
		}
		if !ok {
			p.errorf(k.Line, field+"."+keyName(k), "unknown field (want %s)", strings.Join(allowed, ", "))
			continue
		}
		out[k.Value] = v
	}
	return out
}

// keyName is a mapping key as errors show it: quoted when it is empty or
// not a plain word (a list or a mapping used as a key has no text).
func keyName(k *yaml.Node) string {
	if k.Kind != yaml.ScalarNode || strings.TrimSpace(k.Value) == "" {
		return strconv.Quote(k.Value)
	}
	return k.Value
}

func (p *parser) number(n *yaml.Node, field string) (float64, bool) {
	v, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		p.errorf(n.Line, field, "%q is not a number", n.Value)
		return 0, false
	}
	return v, true
}

// maxPeople bounds the people a change counts (add, remove, set, move's
// count) and a pool's size after it: more is a typo, and each member
// costs memory and time in every run.
const maxPeople = 100_000

func (p *parser) count(n *yaml.Node, field string) (int, bool) {
	v, err := strconv.Atoi(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil || v < 0 || v > maxPeople {
		p.errorf(n.Line, field, "%q: want a whole number from 0 to %d", n.Value, maxPeople)
		return 0, false
	}
	return v, true
}

func (p *parser) text(n *yaml.Node, field string) (string, bool) {
	if n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
		p.errorf(n.Line, field, "want a name")
		return "", false
	}
	return n.Value, true
}

// change reads one list item: a mapping with exactly one key, the kind.
func (p *parser) change(n *yaml.Node, field string) (Change, bool) {
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		p.errorf(n.Line, field, "want one change such as {automate: Classify} (kinds: %s)", strings.Join(Kinds, ", "))
		return Change{}, false
	}
	k, v := n.Content[0], n.Content[1]
	c := Change{Kind: k.Value, Line: k.Line}
	field += "." + keyName(k)
	before := len(p.errs)
	switch k.Value {
	case "resources":
		f := p.fields(v, field, "pool", "add", "remove", "set")
		if pv, ok := f["pool"]; ok {
			c.Pool, _ = p.text(pv, field+".pool")
		} else {
			p.errorf(v.Line, field+".pool", "missing")
		}
		given := 0
		if x, ok := f["add"]; ok {
			c.Add, _ = p.count(x, field+".add")
			given++
		}
		if x, ok := f["remove"]; ok {
			c.Drop, _ = p.count(x, field+".remove")
			given++
		}
		if x, ok := f["set"]; ok {
			s, _ := p.count(x, field+".set")
			c.Set = &s
			given++
		}
		if given != 1 {
			p.errorf(v.Line, field, "give exactly one of add, remove or set")
		}
	case "calendar":
		f := p.fields(v, field, "pool", "hours")
		if pv, ok := f["pool"]; ok {
			c.Pool, _ = p.text(pv, field+".pool")
		} else {
			p.errorf(v.Line, field+".pool", "missing")
		}
		if hv, ok := f["hours"]; ok {
			c.Hours = p.hours(hv, field+".hours")
		} else {
			p.errorf(v.Line, field+".hours", "missing; e.g. \"Mon-Fri 07:00-19:00\"")
		}
	case "automate", "remove":
		c.Activity, _ = p.text(v, field)
	case "duration", "delay":
		f := p.fields(v, field, "activity", "scale", "dist")
		if av, ok := f["activity"]; ok {
			c.Activity, _ = p.text(av, field+".activity")
		} else {
			p.errorf(v.Line, field+".activity", "missing")
		}
		sv, hasScale := f["scale"]
		dv, hasDist := f["dist"]
		switch {
		case hasScale == hasDist:
			p.errorf(v.Line, field, "give exactly one of scale or dist")
		case hasScale:
			if s, ok := p.number(sv, field+".scale"); ok {
				if s < 0 {
					p.errorf(sv.Line, field+".scale", "%v: want ≥ 0", s)
				}
				c.Scale = s
			}
		default:
			var d dist.Dist
			if err := dv.Decode(&d); err != nil {
				p.errorf(dv.Line, field+".dist", "%v", err)
			} else if err := d.Validate(); err != nil {
				p.errorf(dv.Line, field+".dist", "%v", err)
			} else {
				c.Dist = &d
			}
		}
	case "remove_rework":
		// true (a YAML boolean) is all rework; a string, even "true" in
		// quotes, names an activity.
		switch {
		case v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" || v.ShortTag() == "!!bool" && v.Value != "true":
			p.errorf(v.Line, field, "want true (all rework) or an activity (the loop through it)")
		case v.ShortTag() != "!!bool":
			c.Activity = v.Value
		}
	case "move":
		f := p.fields(v, field, "from", "to", "count")
		for _, k := range []string{"from", "to"} {
			if pv, ok := f[k]; ok {
				name, _ := p.text(pv, field+"."+k)
				if k == "from" {
					c.From = name
				} else {
					c.Pool = name
				}
			} else {
				p.errorf(v.Line, field+"."+k, "missing")
			}
		}
		c.Add = 1
		if x, ok := f["count"]; ok {
			c.Add, _ = p.count(x, field+".count")
			if c.Add == 0 {
				p.errorf(x.Line, field+".count", "want at least 1")
			}
		}
		if c.From != "" && c.From == c.Pool {
			p.errorf(v.Line, field, "from and to are the same pool")
		}
	case "extend_hours":
		f := p.fields(v, field, "pool", "hours")
		if pv, ok := f["pool"]; ok {
			c.Pool, _ = p.text(pv, field+".pool")
		} else {
			p.errorf(v.Line, field+".pool", "missing")
		}
		if x, ok := f["hours"]; ok {
			if h, ok := p.number(x, field+".hours"); ok {
				if h <= 0 || h > 12 {
					p.errorf(x.Line, field+".hours", "%v: want more than 0 and at most 12 hours a day", h)
				}
				c.Scale = h
			}
		} else {
			p.errorf(v.Line, field+".hours", "missing")
		}
	case "reorder":
		f := p.fields(v, field, "first", "then")
		if x, ok := f["first"]; ok {
			c.Activity, _ = p.text(x, field+".first")
		} else {
			p.errorf(v.Line, field+".first", "missing")
		}
		if x, ok := f["then"]; ok {
			c.Then, _ = p.text(x, field+".then")
		} else {
			p.errorf(v.Line, field+".then", "missing")
		}
		if c.Activity != "" && c.Activity == c.Then {
			p.errorf(v.Line, field, "first and then are the same activity")
		}
	case "arrivals":
		f := p.fields(v, field, "scale", "weekdays")
		if sv, ok := f["scale"]; ok {
			if s, ok := p.number(sv, field+".scale"); ok {
				if s <= 0 {
					p.errorf(sv.Line, field+".scale", "%v: want > 0", s)
				}
				c.Scale = s
			}
		}
		if wv, ok := f["weekdays"]; ok {
			c.Weekdays = map[string]float64{}
			for day, x := range p.fields(wv, field+".weekdays", "mon", "tue", "wed", "thu", "fri", "sat", "sun") {
				if s, ok := p.number(x, field+".weekdays."+day); ok {
					if s < 0 {
						p.errorf(x.Line, field+".weekdays."+day, "%v: want ≥ 0", s)
					}
					c.Weekdays[day] = s
				}
			}
		}
		if c.Scale == 0 && len(c.Weekdays) == 0 && len(p.errs) == before {
			p.errorf(v.Line, field, "give scale or weekdays")
		}
	case "routing":
		f := p.fields(v, field, "after", "to")
		if av, ok := f["after"]; ok {
			c.Activity, _ = p.text(av, field+".after")
		} else {
			p.errorf(v.Line, field+".after", "missing")
		}
		if tv, ok := f["to"]; ok && tv.Kind == yaml.MappingNode {
			c.To = map[string]float64{}
			var sum float64
			for i := 0; i+1 < len(tv.Content); i += 2 {
				name := tv.Content[i].Value
				if s, ok := p.number(tv.Content[i+1], field+".to."+name); ok {
					if s < 0 || s > 1 {
						p.errorf(tv.Content[i+1].Line, field+".to."+name, "%v: want a share in [0, 1]", s)
					}
					c.To[name] = s
					sum += s
				}
			}
			if sum > 1+1e-9 {
				p.errorf(tv.Line, field+".to", "shares add up to %.4g, more than 1", sum)
			}
		} else {
			p.errorf(v.Line, field+".to", "want a mapping of next activities to shares, e.g. {Resolve: 0.3}")
		}
	case "cost":
		f := p.fields(v, field, "pool", "per_hour")
		if pv, ok := f["pool"]; ok {
			c.Pool, _ = p.text(pv, field+".pool")
		} else {
			p.errorf(v.Line, field+".pool", "missing")
		}
		if x, ok := f["per_hour"]; ok {
			if s, ok := p.number(x, field+".per_hour"); ok {
				if s < 0 {
					p.errorf(x.Line, field+".per_hour", "%v: want ≥ 0", s)
				}
				c.PerHour = &s
			}
		} else {
			p.errorf(v.Line, field+".per_hour", "missing")
		}
	default:
		p.errorf(k.Line, field, "unknown change (kinds: %s)", strings.Join(Kinds, ", "))
	}
	return c, len(p.errs) == before
}

// hours reads working hours: "Mon-Fri 07:00-19:00; Sat 09:00-12:00" or a
// calendar-format mapping.
func (p *parser) hours(n *yaml.Node, field string) map[string][]string {
	out := map[string][]string{}
	if n.Kind == yaml.MappingNode {
		if err := n.Decode(&out); err != nil {
			p.errorf(n.Line, field, "%v", err)
			return out
		}
	} else {
		out = p.hoursText(n, field)
	}
	// The calendar format checks days and hours (here, so that the error
	// names the line, and not only when the changed model is validated).
	if _, err := (&model.Calendar{Timezone: "UTC", Hours: out}).Compile("UTC"); err != nil {
		p.errorf(n.Line, field, "%v", err)
	}
	return out
}

// hoursText reads "Mon-Fri 07:00-19:00; Sat 09:00-12:00".
func (p *parser) hoursText(n *yaml.Node, field string) map[string][]string {
	out := map[string][]string{}
	for _, part := range strings.Split(n.Value, ";") {
		part = strings.TrimSpace(part)
		days, spans, ok := strings.Cut(part, " ")
		if !ok || part == "" {
			p.errorf(n.Line, field, "%q: want days and hours such as \"Mon-Fri 07:00-19:00\"", part)
			continue
		}
		for _, s := range strings.Split(spans, ",") {
			out[strings.ToLower(strings.TrimSpace(days))] = append(out[strings.ToLower(strings.TrimSpace(days))], strings.TrimSpace(s))
		}
	}
	return out
}
