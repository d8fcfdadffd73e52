package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/pmx-dev/pmx/analysis/calendar"
)

// Error is a problem in a model file: "name:LINE: field: reason".
type Error struct {
	Name   string
	Line   int // 0 when not known
	Field  string
	Reason string
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s: %s", e.Name, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.Name, e.Line, e.Field, e.Reason)
}

// maxSize bounds a model file; a fitted model of a log with thousands of
// variants is a few hundred kilobytes.
const maxSize = 64 << 20

// Read reads a model file; name is used in errors. Unknown fields are
// errors, and every problem Validate finds is reported with its line.
func Read(r io.Reader, name string) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", name, err)
	}
	if len(data) > maxSize {
		return nil, &Error{name, 0, "model", "file larger than 64 MiB"}
	}
	doc, err := calendar.ParseYAML(data, name, "model", "want version, arrivals, routing, activities and pools")
	if err != nil {
		var ce *calendar.Error
		if errors.As(err, &ce) {
			return nil, &Error{ce.Name, ce.Line, ce.Field, ce.Reason}
		}
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m Model
	if err := dec.Decode(&m); err != nil {
		return nil, decodeError(name, err)
	}
	if err := m.validate(name, indexLines(doc)); err != nil {
		return nil, err
	}
	return &m, nil
}

var unmarshalLine = regexp.MustCompile(`line (\d+): (.*)`)

// decodeError rewords the YAML library's type errors ("line 7: field poool
// not found in type model.Activity") as one *Error per problem.
func decodeError(name string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return &Error{name, 0, "model", strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var errs []error
	for _, msg := range te.Errors {
		line, reason := 0, msg
		if m := unmarshalLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			reason = m[2]
		}
		reason = strings.Replace(reason, " in type model.", " in ", 1)
		reason = strings.Replace(reason, " in type dist.Dist", " in a distribution", 1)
		errs = append(errs, &Error{name, line, "model", reason})
	}
	return errors.Join(errs...)
}

// lines maps a field path ("activities.Classify.pool", "pools.First
// line.resources.2") to the line it is on.
type lines map[string]int

func indexLines(doc *yaml.Node) lines {
	l := lines{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		if n == nil {
			return
		}
		if _, ok := l[path]; !ok {
			l[path] = n.Line
		}
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				l[p] = n.Content[i].Line
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, path+"."+strconv.Itoa(i))
			}
		}
	}
	walk(doc, "")
	return l
}

// line returns the line of path or of its nearest ancestor.
func (l lines) line(path string) int {
	for path != "" {
		if n, ok := l[path]; ok {
			return n
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return l[""]
}

// Write writes m as a model file, with a comment saying what it is.
func Write(w io.Writer, m *Model) error {
	var b bytes.Buffer
	b.WriteString("# pmx simulation model (format: analysis/sim/model/model.go). Durations in seconds.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(m); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
