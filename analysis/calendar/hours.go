package calendar

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// dayNames are the accepted weekday names, lower case, in ISO order (Monday
// first) so that ranges read naturally: mon-fri, sat-sun, and fri-mon wraps.
var dayNames = [7][2]string{
	{"mon", "monday"}, {"tue", "tuesday"}, {"wed", "wednesday"}, {"thu", "thursday"},
	{"fri", "friday"}, {"sat", "saturday"}, {"sun", "sunday"},
}

// isoDay parses a weekday name into 0 = Monday … 6 = Sunday.
func isoDay(s string) (int, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for i, names := range dayNames {
		if s == names[0] || s == names[1] {
			return i, true
		}
	}
	return 0, false
}

// weekdays expands a key such as "mon-fri", "sat", "mon, wed, fri" or
// "fri-mon" into time.Weekdays.
func weekdays(key string) ([]time.Weekday, error) {
	var out []time.Weekday
	for part := range strings.SplitSeq(key, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, ok := isoDay(lo)
		if !ok {
			return nil, fmt.Errorf("unknown day %q in %q (want mon, tue, wed, thu, fri, sat, sun, or a range such as mon-fri)", strings.TrimSpace(lo), key)
		}
		b := a
		if isRange {
			if b, ok = isoDay(hi); !ok {
				return nil, fmt.Errorf("unknown day %q in %q (want mon, tue, wed, thu, fri, sat, sun, or a range such as mon-fri)", strings.TrimSpace(hi), key)
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			out = append(out, time.Weekday((d+1)%7)) // ISO 0 = Monday is time.Monday = 1
			if d == b {
				break
			}
		}
	}
	return out, nil
}

// hours parses the weekday → intervals mapping.
func (p *parser) hours(v *yaml.Node) ([7][]span, error) {
	var days [7][]span
	if v.Kind != yaml.MappingNode {
		return days, p.errorf(v.Line, "hours", `want a mapping of weekdays to intervals, such as mon-fri: ["09:00-17:00"]`)
	}
	var (
		given    [7]bool
		fromKey  [7]string
		fromLine [7]int
	)
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := resolve(v.Content[i]), resolve(v.Content[i+1])
		if k == nil || val == nil || k.Kind != yaml.ScalarNode {
			return days, p.errorf(v.Line, "hours", "keys must be weekdays or ranges such as mon-fri")
		}
		wds, err := weekdays(k.Value)
		if err != nil {
			return days, p.errorf(k.Line, "hours", "%v", err)
		}
		field := "hours." + k.Value
		spans, err := p.intervals(field, val)
		if err != nil {
			return days, err
		}
		for _, wd := range wds {
			if given[wd] {
				name := dayNames[(wd+6)%7][0]
				if fromKey[wd] == k.Value {
					return days, p.errorf(k.Line, "hours", "%s appears twice in %q", name, k.Value)
				}
				return days, p.errorf(k.Line, "hours", "%s given twice (first in %q on line %d)", name, fromKey[wd], fromLine[wd])
			}
			given[wd], fromKey[wd], fromLine[wd] = true, k.Value, k.Line
			days[wd] = spans
		}
	}
	return days, nil
}

// intervals parses a list of "HH:MM-HH:MM" (or a single one, or nothing for
// a day off) into sorted, disjoint spans, merging ones that touch.
func (p *parser) intervals(field string, v *yaml.Node) ([]span, error) {
	var items []*yaml.Node
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return nil, nil
	case v.Kind == yaml.ScalarNode:
		items = []*yaml.Node{v}
	case v.Kind == yaml.SequenceNode:
		items = v.Content
	default:
		return nil, p.errorf(v.Line, field, `want a list of intervals such as ["08:00-12:00", "13:00-17:00"]`)
	}
	type item struct {
		span
		text string
		line int
	}
	var got []item
	for _, e := range items {
		e = resolve(e)
		if e == nil || e.Kind != yaml.ScalarNode {
			return nil, p.errorf(v.Line, field, `want a list of intervals such as ["08:00-12:00", "13:00-17:00"]`)
		}
		s, err := interval(e.Value)
		if err != nil {
			return nil, p.errorf(e.Line, field, "%v", err)
		}
		got = append(got, item{s, e.Value, e.Line})
	}
	slices.SortStableFunc(got, func(a, b item) int { return int(a.from - b.from) })
	var spans []span
	for i, it := range got {
		if i > 0 && it.from < got[i-1].to {
			// Report on the line of whichever of the two comes later in the file.
			line := max(it.line, got[i-1].line)
			return nil, p.errorf(line, field, "intervals %q and %q overlap", got[i-1].text, it.text)
		}
		if n := len(spans); n > 0 && spans[n-1].to == it.from {
			spans[n-1].to = it.to
			continue
		}
		spans = append(spans, it.span)
	}
	return spans, nil
}

// interval parses "HH:MM-HH:MM" (end after start, 24:00 allowed as an end).
func interval(s string) (span, error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return span{}, fmt.Errorf("bad interval %q (want HH:MM-HH:MM, such as 08:00-17:30)", s)
	}
	from, err := clock(a, false)
	if err != nil {
		return span{}, fmt.Errorf("bad interval %q: %v", s, err)
	}
	to, err := clock(b, true)
	if err != nil {
		return span{}, fmt.Errorf("bad interval %q: %v", s, err)
	}
	if to <= from {
		return span{}, fmt.Errorf("interval %q does not end after it starts; an interval may not cross midnight, split it (e.g. 22:00-24:00 and next day 00:00-06:00)", s)
	}
	return span{from, to}, nil
}

// clock parses "HH:MM" (or "H:MM") into seconds after midnight.
func clock(s string, end bool) (int64, error) {
	s = strings.TrimSpace(s)
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return 0, fmt.Errorf("%q is not a time of day (want HH:MM)", s)
	}
	hh := atoi(h)
	mm := atoi(m)
	switch {
	case mm > 59:
		return 0, fmt.Errorf("%q: minutes run 00-59", s)
	case hh == 24 && mm == 0 && end:
		return secPerDay, nil
	case hh > 23:
		return 0, fmt.Errorf("%q: hours run 00-23 (24:00 is allowed as an end)", s)
	}
	return int64(hh*3600 + mm*60), nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// atoi of at most two ASCII digits.
func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
