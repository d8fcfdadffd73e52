package sla

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

var ruleKeys = []string{"name", "case", "between", "activity", "target", "time", "where"}

// rule parses rules[i]; ok is false when it had errors (already reported).
func (p *parser) rule(n *yaml.Node, i int, hasCal bool) (r Rule, ok bool) {
	field := fmt.Sprintf("rules[%d]", i)
	if n == nil || n.Kind != yaml.MappingNode {
		line := 0
		if n != nil {
			line = n.Line
		}
		p.errorf(line, field, "want a mapping with name, case, between or activity, target, time and where")
		return r, false
	}
	before := len(p.errs)
	r.Line = n.Line
	var kindKey, nameKey, targetKey, timeKey *yaml.Node
	for _, m := range p.members(n, field, ruleKeys...) {
		f := field + "." + m.k.Value
		switch m.k.Value {
		case "name":
			nameKey = m.k
			if s, ok := p.text(m.v, f, "the rule's name"); ok {
				if strings.TrimSpace(s) == "" {
					p.errorf(m.v.Line, f, "must not be empty")
				}
				r.Name = s
			}
		case "case", "between", "activity":
			if kindKey != nil {
				p.errorf(m.k.Line, f, "a rule measures one thing: %s is already given on line %d", kindKey.Value, kindKey.Line)
				continue
			}
			kindKey = m.k
			r.Kind = Kind(m.k.Value)
			p.kind(&r, m.v, f)
		case "target":
			targetKey = m.k
			p.target(&r, m.v, f)
		case "time":
			timeKey = m.k
			if s, ok := p.text(m.v, f, "business or calendar"); ok {
				switch s {
				case "business":
					r.Business = true
				case "calendar":
				default:
					p.errorf(m.v.Line, f, "%q is not a clock; want business or calendar", s)
				}
			}
		case "where":
			r.Where = p.where(m.v, f)
		}
	}
	if nameKey == nil {
		p.errorf(n.Line, field+".name", "missing; every rule needs a name")
	}
	if kindKey == nil {
		p.errorf(n.Line, field, "say what the rule measures: give one of case, between or activity")
	}
	if targetKey == nil {
		p.errorf(n.Line, field+".target", "missing; give a duration such as 30m, 4h or 3d")
	}
	if r.Business && !hasCal {
		p.errorf(timeKey.Line, field+".time", "business time needs a calendar; add a top-level calendar (a file or an inline mapping)")
	}
	return r, len(p.errs) == before
}

// kind parses the value of case, between or activity.
func (p *parser) kind(r *Rule, v *yaml.Node, field string) {
	if r.Kind == KindActivity {
		if s, ok := p.text(v, field, "an activity name"); ok {
			if s == "" {
				p.errorf(v.Line, field, "want an activity name")
			}
			r.Activity = s
		}
		return
	}
	if r.Kind == KindCase && isNull(v) {
		return // "case:" alone: the whole case
	}
	if v.Kind != yaml.MappingNode {
		if r.Kind == KindCase {
			p.errorf(v.Line, field, "want a mapping such as {from: Open, to: Resolve, occurrence: first}")
		} else {
			p.errorf(v.Line, field, "want a mapping such as {from: Open, to: Assign}")
		}
		return
	}
	allowed := []string{"from", "to", "cancel", "occurrence"}
	if r.Kind == KindBetween {
		allowed = allowed[:3]
	}
	var occ *yaml.Node
	for _, m := range p.members(v, field, allowed...) {
		f := field + "." + m.k.Value
		switch m.k.Value {
		case "from", "to":
			s, ok := p.text(m.v, f, "an activity name")
			if ok && s == "" {
				p.errorf(m.v.Line, f, "want an activity name")
			}
			if m.k.Value == "from" {
				r.From = s
			} else {
				r.To = s
			}
		case "cancel":
			r.Cancel = p.names(m.v, f)
		case "occurrence":
			occ = m.v
			if s, ok := p.text(m.v, f, "first or last"); ok {
				switch s {
				case "first":
				case "last":
					r.Last = true
				default:
					p.errorf(m.v.Line, f, "%q: want first or last", s)
				}
			}
		}
	}
	if r.Kind == KindBetween {
		if r.From == "" && !hasKey(v, "from") {
			p.errorf(v.Line, field+".from", "missing; between needs from and to (use case for a whole-case window)")
		}
		if r.To == "" && !hasKey(v, "to") {
			p.errorf(v.Line, field+".to", "missing; between needs from and to (use case for a whole-case window)")
		}
	}
	if occ != nil && r.To == "" && !hasKey(v, "to") {
		p.errorf(occ.Line, field+".occurrence", "applies to `to`; without it the window ends at the case's last event")
	}
}

// names parses an activity name or a non-empty list of them.
func (p *parser) names(v *yaml.Node, field string) []string {
	if v.Kind == yaml.ScalarNode && !isNull(v) && v.Value != "" {
		return []string{v.Value}
	}
	if v.Kind == yaml.SequenceNode && len(v.Content) > 0 {
		var out []string
		for _, e := range v.Content {
			if e = resolve(e); e == nil || e.Kind != yaml.ScalarNode || isNull(e) || e.Value == "" {
				p.errorf(v.Line, field, "want a list of activity names")
				return nil
			}
			out = append(out, e.Value)
		}
		return out
	}
	p.errorf(v.Line, field, "want an activity name or a list of them, such as [Resolve, Close]")
	return nil
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := resolve(m.Content[i]); k != nil && k.Value == key {
			return true
		}
	}
	return false
}

// target parses a duration or {attribute: NAME, unit: DURATION}.
func (p *parser) target(r *Rule, v *yaml.Node, field string) {
	if v.Kind == yaml.MappingNode {
		r.TargetUnit = time.Hour
		for _, m := range p.members(v, field, "attribute", "unit") {
			f := field + "." + m.k.Value
			s, ok := p.text(m.v, f, "a string")
			if !ok {
				continue
			}
			if m.k.Value == "attribute" {
				if s == "" {
					p.errorf(m.v.Line, f, "want a case attribute's name")
				}
				r.TargetAttribute = s
			} else if d, err := ParseDuration(s); err != nil {
				p.errorf(m.v.Line, f, "%v", err)
			} else {
				r.TargetUnit = d
			}
		}
		if r.TargetAttribute == "" && !hasKey(v, "attribute") {
			p.errorf(v.Line, field+".attribute", "missing; give the numeric case attribute that holds each case's target")
		}
		return
	}
	s, ok := p.text(v, field, "a duration such as 30m, 4h or 3d, or {attribute: NAME, unit: 1h}")
	if !ok {
		return
	}
	d, err := ParseDuration(s)
	if err != nil {
		p.errorf(v.Line, field, "%v", err)
		return
	}
	r.Target = d
}

// where parses attribute → value or list of values.
func (p *parser) where(v *yaml.Node, field string) []Condition {
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		p.errorf(v.Line, field, "want a mapping of case attributes to a value or a list of values, such as {priority: [P1, P2]}")
		return nil
	}
	var out []Condition
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := resolve(v.Content[i]), resolve(v.Content[i+1])
		if k == nil || val == nil || k.Kind != yaml.ScalarNode || k.Value == "" {
			p.errorf(v.Line, field, "keys must be case attribute names")
			continue
		}
		f := field + "." + k.Value
		if hasKey(&yaml.Node{Content: v.Content[:i]}, k.Value) {
			p.errorf(k.Line, f, "given twice")
			continue
		}
		c := Condition{Attribute: k.Value}
		switch {
		case val.Kind == yaml.ScalarNode && !isNull(val):
			c.Values = []string{val.Value}
		case val.Kind == yaml.SequenceNode && len(val.Content) > 0:
			for _, e := range val.Content {
				e = resolve(e)
				if e == nil || e.Kind != yaml.ScalarNode || isNull(e) {
					p.errorf(val.Line, f, "want a list of plain values")
					c.Values = nil
					break
				}
				c.Values = append(c.Values, e.Value)
			}
		default:
			p.errorf(val.Line, f, "want a value or a non-empty list of values")
		}
		if c.Values != nil {
			out = append(out, c)
		}
	}
	return out
}

// ParseDuration reads a target: a positive Go duration (time.ParseDuration)
// in which the unit d, 24 hours, may also be used: 30m, 4h, 1h30m, 3d,
// 1.5d, 2d12h.
func ParseDuration(s string) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("%q is not a duration; want a positive duration such as 30m, 4h, 1h30m or 3d", s)
	}
	if s == "" || s == "0" {
		return bad()
	}
	var total float64
	for rest := s; rest != ""; {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		j := i
		for j < len(rest) && !(rest[j] >= '0' && rest[j] <= '9' || rest[j] == '.') {
			j++
		}
		num, unit := rest[:i], rest[i:j]
		if num == "" || unit == "" {
			return bad()
		}
		if unit == "d" {
			x, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return bad()
			}
			total += x * float64(24*time.Hour)
		} else {
			d, err := time.ParseDuration(num + unit)
			if err != nil {
				return bad()
			}
			total += float64(d)
		}
		rest = rest[j:]
	}
	if !(total >= 1) || total > math.MaxInt64/2 {
		return bad()
	}
	return time.Duration(total), nil
}
