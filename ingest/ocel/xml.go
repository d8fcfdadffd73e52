package ocel

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadXML reads an OCEL 2.0 log in XML. Like ingest/xes it is XXE-safe: a
// DOCTYPE declaring entities is refused, any other DOCTYPE is ignored,
// only the predefined entities and character references are expanded, and
// nothing outside the input is read (encoding/xml never fetches).
func ReadXML(r io.Reader, src string) (*Log, error) {
	d := xml.NewDecoder(r)
	d.Strict = true
	d.CharsetReader = func(cs string, in io.Reader) (io.Reader, error) {
		if strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "us-ascii") {
			return in, nil
		}
		return nil, fmt.Errorf("encoding %q is not supported (save the file as UTF-8)", cs)
	}
	x := &xmlReader{d: d, src: src, l: &Log{Format: FormatXML}}
	if err := x.read(); err != nil {
		return nil, err
	}
	return x.l, x.l.check(src)
}

type xmlReader struct {
	d     *xml.Decoder
	src   string
	l     *Log
	stack []string
	// the element being filled
	ev    *Event
	obj   *Object
	typ   *TypeDecl
	attr  string // attribute name whose text is being read
	atime string
	text  bytes.Buffer
	root  bool
}

func (x *xmlReader) errf(format string, a ...any) error {
	line, _ := x.d.InputPos()
	return fmt.Errorf("%s:%d: %s", x.src, line, fmt.Sprintf(format, a...))
}

func attrOf(se xml.StartElement, name string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (x *xmlReader) parent() string {
	if len(x.stack) < 2 {
		return ""
	}
	return x.stack[len(x.stack)-2]
}

func (x *xmlReader) read() error {
	for {
		tok, err := x.d.Token()
		if err == io.EOF {
			if !x.root {
				return fmt.Errorf("%s: no <log> element", x.src)
			}
			if len(x.stack) > 0 {
				return x.errf("file ends inside <%s>", x.stack[len(x.stack)-1])
			}
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return fmt.Errorf("%s:%d: %s", x.src, se.Line, se.Msg)
			}
			return x.errf("%v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.Contains(bytes.ToUpper(t), []byte("<!ENTITY")) || bytes.Contains(bytes.ToUpper(t), []byte("ENTITY")) {
				return x.errf("a DOCTYPE declaring entities is refused (entities could read other files)")
			}
		case xml.StartElement:
			x.stack = append(x.stack, t.Name.Local)
			if err := x.start(t); err != nil {
				return err
			}
		case xml.CharData:
			if x.attr != "" {
				x.text.Write(t)
			}
		case xml.EndElement:
			if err := x.end(t.Name.Local); err != nil {
				return err
			}
			x.stack = x.stack[:len(x.stack)-1]
		}
	}
}

func (x *xmlReader) start(se xml.StartElement) error {
	name := se.Name.Local
	if len(x.stack) == 1 {
		if name != "log" {
			return x.errf("root element <%s>, expected <log>", name)
		}
		x.root = true
		return nil
	}
	switch name {
	case "object-type", "event-type":
		n, _ := attrOf(se, "name")
		if n == "" {
			return x.errf("<%s> without a name", name)
		}
		x.typ = &TypeDecl{Name: n}
	case "object":
		if x.parent() != "objects" || len(x.stack) != 3 {
			return nil
		}
		id, _ := attrOf(se, "id")
		typ, _ := attrOf(se, "type")
		line, _ := x.d.InputPos()
		x.obj = &Object{ID: id, Type: typ, pos: fmt.Sprintf("line %d", line)}
	case "event":
		id, _ := attrOf(se, "id")
		typ, _ := attrOf(se, "type")
		tm, ok := attrOf(se, "time")
		if !ok {
			return x.errf("event %q: no time attribute (OCEL 1.0 XML, with <date key=\"ocel:timestamp\">, is not read: convert it to OCEL 2.0, e.g. with PM4Py)", id)
		}
		t, err := parseTime(tm)
		if err != nil {
			return x.errf("event %q: time: %v", id, err)
		}
		line, _ := x.d.InputPos()
		x.ev = &Event{ID: id, Type: typ, Time: t, pos: fmt.Sprintf("line %d", line)}
	case "attribute":
		n, _ := attrOf(se, "name")
		if n == "" {
			return x.errf("<attribute> without a name")
		}
		switch {
		case x.typ != nil:
			typ, _ := attrOf(se, "type")
			x.typ.Attributes = append(x.typ.Attributes, AttrDecl{Name: n, Type: typ})
		case x.obj != nil || x.ev != nil:
			x.attr = n
			x.atime, _ = attrOf(se, "time")
			x.text.Reset()
		}
	case "relationship":
		oid, _ := attrOf(se, "object-id")
		q, _ := attrOf(se, "qualifier")
		line, _ := x.d.InputPos()
		switch {
		case x.ev != nil:
			x.ev.Objects = append(x.ev.Objects, Relation{Object: oid, Qualifier: q})
		case x.obj != nil:
			x.l.O2O = append(x.l.O2O, O2O{Source: x.obj.ID, Target: oid, Qualifier: q, pos: fmt.Sprintf("line %d", line)})
		}
	}
	return nil
}

func (x *xmlReader) end(name string) error {
	switch name {
	case "object-type":
		if x.typ != nil {
			x.l.ObjectTypes = append(x.l.ObjectTypes, *x.typ)
		}
		x.typ = nil
	case "event-type":
		if x.typ != nil {
			x.l.EventTypes = append(x.l.EventTypes, *x.typ)
		}
		x.typ = nil
	case "object":
		if x.obj != nil && len(x.stack) == 3 {
			x.l.Objects = append(x.l.Objects, *x.obj)
			x.obj = nil
		}
	case "event":
		if x.ev != nil {
			x.l.Events = append(x.l.Events, *x.ev)
			x.ev = nil
		}
	case "attribute":
		if x.attr == "" {
			return nil
		}
		v, _ := json.Marshal(x.text.String())
		switch {
		case x.ev != nil:
			if x.ev.Attrs == nil {
				x.ev.Attrs = map[string]json.RawMessage{}
			}
			x.ev.Attrs[x.attr] = v
		case x.obj != nil:
			c := Change{Name: x.attr, Value: v}
			if x.atime != "" {
				t, err := parseTime(x.atime)
				if err != nil {
					return x.errf("object %q: attribute %q: %v", x.obj.ID, x.attr, err)
				}
				c.Time = initialZero(t)
			}
			x.obj.Attrs = append(x.obj.Attrs, c)
		}
		x.attr = ""
	}
	return nil
}
