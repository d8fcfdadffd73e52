package calendar

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	"go.yaml.in/yaml/v3"
)

// Error is a problem in a calendar's YAML. Its text is
// "name:LINE: field: reason", or "name: field: reason" when the line is not
// known (some YAML syntax errors).
type Error struct {
	Name   string // the name given to Parse or ParseNode
	Line   int    // 1-based line in the YAML; 0 if unknown
	Field  string // "timezone", "hours", "hours.mon-fri", "holidays", …
	Reason string
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s: %s", e.Name, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.Name, e.Line, e.Field, e.Reason)
}

// maxSize bounds what Parse reads; a calendar is a few hundred bytes.
const maxSize = 1 << 20

// Parse reads a YAML calendar (see the package documentation for the
// format); name is used in errors: "name:LINE: FIELD: reason".
func Parse(r io.Reader, name string) (*Calendar, error) {
	doc, err := ReadYAML(r, name, "calendar", "want name, timezone, hours and holidays")
	if err != nil {
		return nil, err
	}
	return ParseNode(doc, name)
}

// ReadYAML reads one YAML document of at most 1 MiB. Errors are *Error
// values naming name and the line: an empty or oversized input (field,
// with hint saying what the document should hold), more than one
// document, or a syntax error (the library's line, corrected where its
// parser reports the line before the problem). The SLA rules file reads
// through it too, so both files report lines the same way.
func ReadYAML(r io.Reader, name, field, hint string) (*yaml.Node, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", field, name, err)
	}
	if len(data) > maxSize {
		return nil, &Error{name, 0, field, "file larger than 1 MiB"}
	}
	return ParseYAML(data, name, field, hint)
}

// ParseYAML is ReadYAML for a document already in memory, with no bound on
// its size: for files with a larger bound of their own (a simulation model
// fitted to a log with thousands of variants).
func ParseYAML(data []byte, name, field, hint string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{name, 1, field, "empty document; " + hint}
		}
		return nil, inFile(data, problemLine(data, syntaxError(name, err)))
	}
	// A document that is only "---" holds an empty node, which the library
	// puts on the line after the marker, past the end of a file that ends
	// there: it is put on the marker's line.
	if c := doc.Content; len(c) == 1 && c[0].Kind == yaml.ScalarNode && c[0].Tag == "!!null" && c[0].Value == "" {
		c[0].Line = doc.Line
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{name, extra.Line, field, "more than one YAML document"}
	} else if !errors.Is(err, io.EOF) {
		return nil, inFile(data, syntaxError(name, err))
	}
	return &doc, nil
}

// inFile moves a syntax error reported past the file's last line (an
// unclosed "{" or "[" at the end: the parser's line after it) to that line.
func inFile(data []byte, err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	if last := max(lineCount(data), 1); e.Line > last {
		e.Line = last
	}
	return err
}

// lineCount counts lines as the YAML library numbers them: CR LF, CR, LF,
// NEL, LS and PS each end one; text after the last break is a line too.
// A file with a UTF-16 byte order mark is read as UTF-16, as the library
// reads it.
func lineCount(data []byte) int {
	if len(data) >= 2 && (data[0] == 0xfe && data[1] == 0xff || data[0] == 0xff && data[1] == 0xfe) {
		u := make([]uint16, 0, len(data)/2)
		for i := 2; i+1 < len(data); i += 2 {
			if data[0] == 0xfe {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			} else {
				u = append(u, uint16(data[i+1])<<8|uint16(data[i]))
			}
		}
		data = []byte(string(utf16.Decode(u)))
	}
	n, tail := 0, false
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
			i++
		case data[i] == '\r' || data[i] == '\n':
		case bytes.HasPrefix(data[i:], []byte("\u0085")):
			i++
		case bytes.HasPrefix(data[i:], []byte("\u2028")) || bytes.HasPrefix(data[i:], []byte("\u2029")):
			i += 2
		default:
			tail = true
			continue
		}
		n, tail = n+1, false
	}
	if tail {
		n++
	}
	return n
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parserProblems are the messages of the YAML library's parser (as opposed
// to its scanner). For these it reports the line 0-based, so one is added.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// problemLine moves a parser error to the line of the problem. For errors
// such as "did not find expected key" the YAML library names the line where
// the enclosing block starts (a mis-indented line 5 under "hours:" on line 3
// is reported at line 3 or 4), not the line at fault. The line at fault is
// the first line whose prefix of the document fails with the same message:
// lines before it parse. A prefix cut inside a multi-line flow collection
// fails with another message, so it does not stop the search. Calendars and
// rule files are small, so parsing every prefix costs nothing.
func problemLine(data []byte, err error) error {
	var e *Error
	if !errors.As(err, &e) || !parserProblems[e.Reason] {
		return err
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	for k := max(e.Line, 1); k <= len(lines); k++ {
		var n yaml.Node
		perr := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if perr == nil {
			continue
		}
		if pe, ok := syntaxError(e.Name, perr).(*Error); ok && pe.Reason == e.Reason {
			e.Line = k
			return e
		}
	}
	return err
}

// syntaxError turns the YAML library's "yaml: line N: reason" into an Error.
// Some of its errors carry no line: those on the first line, and reader
// errors (bad UTF-8, control characters), which could be anywhere.
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			line, msg = n, m[2]
		}
	}
	if parserProblems[msg] {
		line++
	}
	return &Error{name, line, "yaml", msg}
}

// ParseNode builds a calendar from an already-parsed YAML mapping node (a
// document node holding one is accepted too), so that another file, an SLA
// definition for instance, can embed a calendar block. Lines in errors are
// the node's own, that is lines of the file it was parsed from.
func ParseNode(n *yaml.Node, name string) (*Calendar, error) {
	if n = resolve(n); n != nil && n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil, &Error{name, n.Line, "calendar", "empty document; want name, timezone, hours and holidays"}
		}
		n = resolve(n.Content[0])
	}
	if n == nil {
		return nil, &Error{name, 0, "calendar", "no calendar given"}
	}
	if n.Kind != yaml.MappingNode {
		return nil, &Error{name, n.Line, "calendar", "want a mapping with name, timezone, hours and holidays"}
	}
	p := parser{name: name, seen: map[string]int{}}
	var (
		calName   = name
		z         *zone
		days      [7][]span
		holidays  []int64
		hoursLine int
		hasHours  bool
	)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k == nil || v == nil || k.Kind != yaml.ScalarNode {
			return nil, p.errorf(n.Line, "calendar", "keys must be plain words")
		}
		if first, dup := p.seen[k.Value]; dup {
			return nil, p.errorf(k.Line, k.Value, "given twice (first on line %d)", first)
		}
		p.seen[k.Value] = k.Line
		var err error
		switch k.Value {
		case "name":
			var s string
			if s, err = p.scalar(k, v); s != "" {
				calName = s
			}
		case "timezone":
			z, err = p.timezone(k, v)
		case "hours":
			hoursLine, hasHours = k.Line, true
			days, err = p.hours(v)
		case "holidays":
			holidays, err = p.holidays(v)
		default:
			err = p.errorf(k.Line, k.Value, "unknown field (want name, timezone, hours or holidays)")
		}
		if err != nil {
			return nil, err
		}
	}
	if z == nil {
		return nil, p.errorf(n.Line, "timezone", "missing; give an IANA zone such as Europe/Amsterdam (or UTC)")
	}
	if !hasHours {
		return nil, p.errorf(n.Line, "hours", "missing; give working hours such as mon-fri: [\"09:00-17:00\"]")
	}
	w := newWeek(days, holidays)
	if w.weekTotal == 0 {
		return nil, p.errorf(hoursLine, "hours", "no working time in the week")
	}
	return newCalendar(calName, z, w), nil
}

// resolve follows aliases (with a bound, as a hand-built node may loop).
func resolve(n *yaml.Node) *yaml.Node {
	for range 64 {
		if n == nil || n.Kind != yaml.AliasNode {
			return n
		}
		n = n.Alias
	}
	return nil
}

type parser struct {
	name string
	seen map[string]int // top-level key → line
}

func (p *parser) errorf(line int, field, format string, args ...any) error {
	return &Error{p.name, line, field, fmt.Sprintf(format, args...)}
}

func (p *parser) scalar(k, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return "", p.errorf(v.Line, k.Value, "want a string")
	}
	return v.Value, nil
}

func (p *parser) timezone(k, v *yaml.Node) (*zone, error) {
	s, err := p.scalar(k, v)
	if err != nil {
		return nil, err
	}
	// "" and "Local" are accepted by time.LoadLocation but would make the
	// result depend on the machine it runs on.
	if s == "" || s == "Local" {
		return nil, p.errorf(v.Line, "timezone", "%q is not a zone; give an IANA name such as Europe/Amsterdam (or UTC)", s)
	}
	z, err := zoneFor(s)
	if err != nil {
		return nil, p.errorf(v.Line, "timezone", "unknown time zone %q; give an IANA name such as Europe/Amsterdam (or UTC)", s)
	}
	return z, nil
}

func (p *parser) holidays(v *yaml.Node) ([]int64, error) {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil, nil // "holidays:" with nothing after it
	}
	if v.Kind != yaml.SequenceNode {
		return nil, p.errorf(v.Line, "holidays", "want a list of dates (YYYY-MM-DD)")
	}
	var days []int64
	for _, e := range v.Content {
		e = resolve(e)
		if e == nil || e.Kind != yaml.ScalarNode {
			return nil, p.errorf(v.Line, "holidays", "want a list of dates (YYYY-MM-DD)")
		}
		d, err := time.Parse(time.DateOnly, e.Value)
		if err != nil {
			return nil, p.errorf(e.Line, "holidays", "%q is not a date (want YYYY-MM-DD)", e.Value)
		}
		days = append(days, d.Unix()/secPerDay)
	}
	slices.Sort(days)
	return slices.Compact(days), nil
}
