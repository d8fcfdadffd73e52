package export

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Keys pmx writes itself on every event; an attribute stored under one of
// them (the concept:name of a log imported with a classifier) would repeat
// a key, which XES forbids, so it is left out.
var eventKeys = map[string]bool{"concept:name": true, "time:timestamp": true, "lifecycle:transition": true, "org:resource": true}

// writeXES writes an XES 1.0 log: the log's attributes as imported (none
// are added, so they read back the same), a trace per case (concept:name = case id,
// then the case attributes), an event per stored event. An event with a
// start instant on its row (a CSV start column) becomes a start event and a
// complete event; the import pairs them into the same activity instance.
func writeXES(ctx context.Context, w *warehouse.Warehouse, name string, out io.Writer) error {
	bw := bufio.NewWriterSize(out, 64<<10)
	x := &xesWriter{w: bw}
	x.s(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.s(`<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">` + "\n")
	x.s(`  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>` + "\n")
	x.s(`  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>` + "\n")
	x.s(`  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>` + "\n")
	x.s(`  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>` + "\n")
	x.s(`  <classifier name="Activity" keys="concept:name"/>` + "\n")
	var logAttrs sql.NullString
	if err := w.DB().QueryRowContext(ctx, `SELECT (meta->'attributes')::VARCHAR FROM logs WHERE name = ?`, name).Scan(&logAttrs); err != nil {
		return fmt.Errorf("export %q: log attributes: %w", name, err)
	}
	if logAttrs.Valid && strings.HasPrefix(logAttrs.String, "{") {
		if err := x.object(2, logAttrs.String, nil); err != nil {
			return fmt.Errorf("export %q: log attributes: %w", name, err)
		}
	}
	open := false
	err := scan(ctx, w, name, func(r *row, newCase bool) error {
		if newCase {
			if open {
				x.s("  </trace>\n")
			}
			open = true
			x.s("  <trace>\n")
			x.attr(4, "string", "concept:name", r.caseID, "")
			if err := x.object(4, r.caseAttrs, map[string]bool{"concept:name": true}); err != nil {
				return fmt.Errorf("case %q: %w", r.caseID, err)
			}
		}
		lc := r.lifecycle
		if r.hasStart {
			x.s("    <event>\n")
			x.attr(6, "string", "concept:name", r.activity, "")
			x.attr(6, "string", "lifecycle:transition", "start", "")
			if r.resource != "" {
				x.attr(6, "string", "org:resource", r.resource, "")
			}
			x.attr(6, "date", "time:timestamp", stamp(r.start), "")
			x.s("    </event>\n")
			if lc == "" {
				lc = "complete"
			}
		}
		x.s("    <event>\n")
		x.attr(6, "string", "concept:name", r.activity, "")
		if lc != "" {
			x.attr(6, "string", "lifecycle:transition", lc, "")
		}
		if r.resource != "" {
			x.attr(6, "string", "org:resource", r.resource, "")
		}
		x.attr(6, "date", "time:timestamp", stamp(r.ts), "")
		if err := x.object(6, r.attrs, eventKeys); err != nil {
			return fmt.Errorf("case %q: %w", r.caseID, err)
		}
		x.s("    </event>\n")
		return x.err
	})
	if err != nil {
		return err
	}
	if open {
		x.s("  </trace>\n")
	}
	x.s("</log>\n")
	if x.err != nil {
		return x.err
	}
	return bw.Flush()
}

type xesWriter struct {
	w   *bufio.Writer
	err error
}

func (x *xesWriter) s(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// esc writes s escaped for an attribute value. Characters XML 1.0 cannot
// hold at all (NUL, most C0 controls) become U+FFFD: xml.EscapeText keeps
// tab, newline and carriage return as character references.
func (x *xesWriter) esc(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

// attr writes <typ key=".." value=".."/> at the given indent; a non-empty
// inner is written between an opening and a closing tag.
func (x *xesWriter) attr(indent int, typ, key, value, inner string) {
	x.s(strings.Repeat(" ", indent) + "<" + typ + ` key="`)
	x.esc(key)
	if typ != "list" && typ != "container" {
		x.s(`" value="`)
		x.esc(value)
	}
	if inner == "" {
		x.s("\"/>\n")
		return
	}
	x.s("\">\n")
	x.s(inner)
	x.s(strings.Repeat(" ", indent) + "</" + typ + ">\n")
}

// object writes the members of the JSON object text attrs as attributes,
// in their stored order, skipping the keys in skip.
func (x *xesWriter) object(indent int, attrs string, skip map[string]bool) error {
	if attrs == "" {
		return nil
	}
	ms, err := members(json.RawMessage(attrs))
	if err != nil {
		return fmt.Errorf("attributes %.100q: %w", attrs, err)
	}
	for _, m := range ms {
		if skip[m.key] {
			continue
		}
		if err := x.value(indent, m.key, m.val); err != nil {
			return err
		}
	}
	return x.err
}

// value writes one attribute from its stored JSON, the inverse of the XES
// reader's typing: strings (dates in the reader's form as <date>),
// integers, floats, booleans, lists ([{"key","value"}]), nested attributes
// ({"value","children"}) and containers (other objects).
func (x *xesWriter) value(indent int, key string, v json.RawMessage) error {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return nil
	}
	switch v[0] {
	case 'n':
		return nil // null: no XES value; not produced by pmx's readers
	case 't', 'f':
		x.attr(indent, "boolean", key, string(v), "")
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		typ := "string"
		if isDate(s) {
			typ = "date"
		}
		x.attr(indent, typ, key, s, "")
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(v, &items); err != nil {
			return err
		}
		inner, err := x.nested(indent+4, func(y *xesWriter) error {
			for _, it := range items {
				k, val := "item", it
				if ms, err := members(it); err == nil && len(ms) == 2 && ms[0].key == "key" && ms[1].key == "value" {
					if err := json.Unmarshal(ms[0].val, &k); err != nil {
						return err
					}
					val = ms[1].val
				}
				if err := y.value(indent+4, k, val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		x.attr(indent, "list", key, "", strings.Repeat(" ", indent+2)+"<values>\n"+inner+strings.Repeat(" ", indent+2)+"</values>\n")
	case '{':
		ms, err := members(v)
		if err != nil {
			return err
		}
		if len(ms) == 2 && ms[0].key == "value" && ms[1].key == "children" && len(ms[0].val) > 0 && ms[0].val[0] != '{' && ms[0].val[0] != '[' {
			// A plain attribute with nested attributes: written as its
			// value's element holding the children.
			var y bytes.Buffer
			yw := &xesWriter{w: bufio.NewWriter(&y)}
			if err := yw.value(indent, key, ms[0].val); err != nil {
				return err
			}
			yw.w.Flush()
			head := strings.TrimSuffix(y.String(), "/>\n")
			typ := strings.TrimSpace(head)[1:]
			typ = typ[:strings.IndexByte(typ, ' ')]
			inner, err := x.nested(indent+2, func(z *xesWriter) error {
				children, err := members(ms[1].val)
				if err != nil {
					return err
				}
				for _, c := range children {
					if err := z.value(indent+2, c.key, c.val); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			x.s(head + ">\n" + inner + strings.Repeat(" ", indent) + "</" + typ + ">\n")
			return x.err
		}
		inner, err := x.nested(indent+2, func(z *xesWriter) error {
			for _, c := range ms {
				if err := z.value(indent+2, c.key, c.val); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if inner == "" {
			x.s(strings.Repeat(" ", indent) + `<container key="`)
			x.esc(key)
			x.s("\"/>\n")
			return x.err
		}
		x.attr(indent, "container", key, "", inner)
	default:
		typ := "int"
		if bytes.ContainsAny(v, ".eE") {
			typ = "float"
		}
		x.attr(indent, typ, key, string(v), "")
	}
	return x.err
}

// nested renders children into a string.
func (x *xesWriter) nested(_ int, fill func(*xesWriter) error) (string, error) {
	var b bytes.Buffer
	y := &xesWriter{w: bufio.NewWriter(&b)}
	if err := fill(y); err != nil {
		return "", err
	}
	if y.err != nil {
		return "", y.err
	}
	if err := y.w.Flush(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// isDate reports whether s is a date as pmx's XES reader stores one
// (RFC 3339, UTC, six fraction digits, "Z"), so that it reads back as the
// same string.
func isDate(s string) bool {
	if len(s) != len("2006-01-02T15:04:05.000000Z") || s[len(s)-1] != 'Z' {
		return false
	}
	t, err := time.Parse("2006-01-02T15:04:05.000000Z", s)
	return err == nil && stamp(t.UnixMicro()) == s
}

type member struct {
	key string
	val json.RawMessage
}

// members returns a JSON object's members in their written order.
func members(v json.RawMessage) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		out = append(out, member{k, val})
	}
	return out, nil
}
