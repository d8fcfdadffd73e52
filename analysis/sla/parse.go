package sla

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pmx-dev/pmx/analysis/calendar"
)

// CalendarLoader reads the calendar a rules file refers to by path, the
// path as written in the file.
type CalendarLoader func(path string) (*calendar.Calendar, error)

// DirCalendars returns a CalendarLoader that reads calendar files from the
// file system, relative paths against dir.
func DirCalendars(dir string) CalendarLoader {
	return func(path string) (*calendar.Calendar, error) {
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return calendar.Parse(f, path)
	}
}

// FSCalendars returns a CalendarLoader that reads calendar files from fsys
// (an embedded bundle, say), relative to the rules file's directory dir.
func FSCalendars(fsys fs.FS, dir string) CalendarLoader {
	return func(p string) (*calendar.Calendar, error) {
		full := path.Join(dir, p)
		f, err := fsys.Open(full)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return calendar.Parse(f, full)
	}
}

// ParseFile reads the rules file at path; a calendar given by path is read
// relative to the file's directory.
func ParseFile(path string) (*Rules, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sla rules: %w", err)
	}
	defer f.Close()
	return Parse(f, path, DirCalendars(filepath.Dir(path)))
}

// Parse reads a rules file (see the package documentation for the format)
// from r; name is used in errors. A calendar given by path is read with
// calendars, which may be nil when the file is known to have none or an
// inline one. Every problem found is reported, each as an *Error, joined
// with errors.Join.
func Parse(r io.Reader, name string, calendars CalendarLoader) (*Rules, error) {
	doc, err := calendar.ReadYAML(r, name, "rules", "want calendar and rules")
	if err != nil {
		var ce *calendar.Error
		if errors.As(err, &ce) {
			return nil, &Error{ce.Name, ce.Line, ce.Field, ce.Reason}
		}
		return nil, fmt.Errorf("sla rules %s: %w", name, err)
	}
	p := &parser{name: name, calendars: calendars}
	rs := p.file(doc)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return rs, nil
}

// resolve follows aliases, with a bound (a hand-built node may loop).
func resolve(n *yaml.Node) *yaml.Node {
	for range 64 {
		if n == nil || n.Kind != yaml.AliasNode {
			return n
		}
		n = n.Alias
	}
	return nil
}

// maxErrors bounds the errors collected from one file.
const maxErrors = 20

type parser struct {
	name      string
	calendars CalendarLoader
	errs      []error
}

func (p *parser) errorf(line int, field, format string, args ...any) {
	if len(p.errs) < maxErrors {
		p.errs = append(p.errs, &Error{p.name, line, field, fmt.Sprintf(format, args...)})
	}
}

// member is one key: value pair of a mapping.
type member struct{ k, v *yaml.Node }

// members returns a mapping's pairs, reporting keys that are not plain
// words, duplicates and keys outside allowed (field prefixes errors).
func (p *parser) members(n *yaml.Node, field string, allowed ...string) []member {
	var out []member
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k == nil || v == nil || k.Kind != yaml.ScalarNode {
			p.errorf(n.Line, field, "keys must be plain words")
			continue
		}
		f := k.Value
		if field != "" {
			f = field + "." + k.Value
		}
		if first, dup := seen[k.Value]; dup {
			p.errorf(k.Line, f, "given twice (first on line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		known := false
		for _, a := range allowed {
			known = known || a == k.Value
		}
		if !known {
			p.errorf(k.Line, f, "unknown field (want %s)", orList(allowed))
			continue
		}
		out = append(out, member{k, v})
	}
	return out
}

func orList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

func isNull(v *yaml.Node) bool { return v.Kind == yaml.ScalarNode && v.Tag == "!!null" }

// text returns a scalar's value, reporting anything else.
func (p *parser) text(v *yaml.Node, field, want string) (string, bool) {
	if v.Kind != yaml.ScalarNode || isNull(v) {
		p.errorf(v.Line, field, "want %s", want)
		return "", false
	}
	return v.Value, true
}

func (p *parser) file(doc *yaml.Node) *Rules {
	n := resolve(doc)
	if n != nil && n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			p.errorf(n.Line, "rules", "empty file; want calendar and rules")
			return nil
		}
		n = resolve(n.Content[0])
	}
	if n == nil || n.Kind != yaml.MappingNode {
		line := 1
		if n != nil {
			line = n.Line
		}
		p.errorf(line, "rules", "want a mapping with calendar and rules")
		return nil
	}
	rs := &Rules{Calendar: calendar.Always()}
	var (
		hasCal    bool
		rulesNode *yaml.Node
	)
	for _, m := range p.members(n, "", "calendar", "rules") {
		switch m.k.Value {
		case "calendar":
			if c := p.calendar(m.v); c != nil {
				rs.Calendar, hasCal = c, true
			} else if !isNull(m.v) {
				hasCal = true // broken: reported already; do not also report business rules
			}
		case "rules":
			rulesNode = m.v
		}
	}
	if rulesNode == nil {
		p.errorf(n.Line, "rules", "missing; give a list of rules, each with a name, what it measures and a target")
		return nil
	}
	if rulesNode.Kind != yaml.SequenceNode || len(rulesNode.Content) == 0 {
		p.errorf(rulesNode.Line, "rules", "want a non-empty list of rules")
		return nil
	}
	names := map[string]int{}
	for i, rn := range rulesNode.Content {
		r, ok := p.rule(resolve(rn), i, hasCal)
		if !ok {
			continue
		}
		if first, dup := names[r.Name]; dup {
			p.errorf(r.Line, fmt.Sprintf("rules[%d].name", i), "%q is already the name of the rule on line %d", r.Name, first)
			continue
		}
		names[r.Name] = r.Line
		rs.Rules = append(rs.Rules, r)
	}
	return rs
}

// calendar reads the calendar field: a path or an inline mapping.
func (p *parser) calendar(v *yaml.Node) *calendar.Calendar {
	switch {
	case isNull(v):
		return nil // "calendar:" with nothing after it: 24×7
	case v.Kind == yaml.MappingNode:
		c, err := calendar.ParseNode(v, p.name)
		if err != nil {
			var ce *calendar.Error
			if errors.As(err, &ce) {
				p.errorf(ce.Line, "calendar."+ce.Field, "%s", ce.Reason)
			} else {
				p.errorf(v.Line, "calendar", "%v", err)
			}
			return nil
		}
		return c
	case v.Kind == yaml.ScalarNode && v.Value != "":
		if p.calendars == nil {
			p.errorf(v.Line, "calendar", "cannot read calendar file %q here; give the calendar inline", v.Value)
			return nil
		}
		c, err := p.calendars(v.Value)
		if err != nil {
			p.errorf(v.Line, "calendar", "%v", err)
			return nil
		}
		return c
	}
	p.errorf(v.Line, "calendar", "want a calendar file's path or an inline calendar (timezone, hours, holidays)")
	return nil
}
