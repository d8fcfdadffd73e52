package xes

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pmx-dev/pmx/ingest/event"
)

// meta collects what the log says about itself, for event.Meta.Attrs:
//
//	{"attributes":{..},"extensions":[{"name":..,"prefix":..,"uri":..}],
//	 "globals":{"trace":{..},"event":{..}},"classifiers":{"name":["key",..]}}
//
// Classifiers keep the order of their declaration; a name declared twice
// keeps its place and takes the later keys.
type meta struct {
	attrs   event.Object
	ext     []byte // members of the extensions array
	nExt    int
	globals [2]event.Object // trace, event
	cls     []classifier
	clsIdx  map[string]int // index in cls by name
}

type classifier struct {
	name string
	keys []string
}

func (m *meta) extension(sc *scanner) {
	if m.nExt > 0 {
		m.ext = append(m.ext, ',')
	}
	m.nExt++
	var o event.Object
	for _, k := range []string{"name", "prefix", "uri"} {
		v, _ := sc.attr(k)
		o.String(k, string(v))
	}
	m.ext = append(m.ext, o.Bytes()...)
}

func (m *meta) classifier(sc *scanner) {
	name, ok := sc.attr("name")
	if !ok {
		return
	}
	keys, _ := sc.attr("keys")
	c := classifier{name: validString(name), keys: classifierKeys(string(keys))}
	if i, ok := m.clsIdx[c.name]; ok {
		m.cls[i] = c
		return
	}
	if m.clsIdx == nil {
		m.clsIdx = make(map[string]int)
	}
	m.clsIdx[c.name] = len(m.cls)
	m.cls = append(m.cls, c)
}

// classifierKeys splits a classifier's keys attribute: keys are separated
// by whitespace, and a key that contains spaces is written in single quotes.
func classifierKeys(s string) []string {
	var keys []string
	for {
		s = strings.TrimLeft(s, " \t\r\n")
		if s == "" {
			return keys
		}
		if s[0] == '\'' {
			end := strings.IndexByte(s[1:], '\'')
			if end < 0 { // unterminated: take the rest
				keys = append(keys, s[1:])
				return keys
			}
			keys = append(keys, s[1:1+end])
			s = s[end+2:]
			continue
		}
		end := strings.IndexAny(s, " \t\r\n")
		if end < 0 {
			end = len(s)
		}
		keys = append(keys, s[:end])
		s = s[end:]
	}
}

// globalScope maps a <global scope=..> to meta.globals; XES defaults the
// scope to event. Unknown scopes are not kept.
func globalScope(sc *scanner) (int, bool) {
	v, ok := sc.attr("scope")
	switch {
	case !ok || string(v) == "event":
		return 1, true
	case string(v) == "trace":
		return 0, true
	}
	return 0, false
}

func (m *meta) json() []byte {
	if m.attrs.Len() == 0 && m.nExt == 0 && m.globals[0].Len() == 0 && m.globals[1].Len() == 0 && len(m.cls) == 0 {
		return nil
	}
	var o event.Object
	o.Raw("attributes", orEmpty(m.attrs.Bytes()))
	o.Raw("extensions", append(append([]byte{'['}, m.ext...), ']'))
	var g event.Object
	g.Raw("trace", orEmpty(m.globals[0].Bytes()))
	g.Raw("event", orEmpty(m.globals[1].Bytes()))
	o.Raw("globals", g.Bytes())
	var c event.Object
	for _, cl := range m.cls {
		b := []byte{'['}
		for i, k := range cl.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = event.AppendString(b, k)
		}
		c.Raw(cl.name, append(b, ']'))
	}
	o.Raw("classifiers", orEmpty(c.Bytes()))
	return append([]byte(nil), o.Bytes()...)
}

func orEmpty(b []byte) []byte {
	if b == nil {
		return []byte("{}")
	}
	return b
}

// resolveClassifier looks up Options.Classifier once, when the first trace
// or event needs it (XES declares classifiers in the log header).
func (r *reader) resolveClassifier() error {
	if r.clsDone {
		return nil
	}
	r.clsDone = true
	if r.opt.Classifier == "" {
		return nil
	}
	if i, ok := r.meta.clsIdx[r.opt.Classifier]; ok {
		c := r.meta.cls[i]
		if len(c.keys) == 0 {
			return fmt.Errorf("xes %s: classifier %q declares no keys", r.src, c.name)
		}
		r.cls = c.keys
		r.clsVals = make([]string, len(c.keys))
		r.clsSeen = make([]bool, len(c.keys))
		return nil
	}
	var names []string
	for i, c := range r.meta.cls {
		if i == 20 {
			names = append(names, fmt.Sprintf("and %d more", len(r.meta.cls)-i))
			break
		}
		names = append(names, strconv.Quote(c.name))
	}
	declared := "none"
	if len(names) > 0 {
		declared = strings.Join(names, ", ")
	}
	return fmt.Errorf("xes %s: %w %q; the log declares: %s", r.src, ErrUnknownClassifier, r.opt.Classifier, declared)
}
