package ocel

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kinds of source, recorded as the logs row's format.
const (
	FormatJSON   = "ocel-json"
	FormatXML    = "ocel-xml"
	FormatSQLite = "ocel-sqlite"
)

// IsOCEL reports whether a logs row's format is an object-centric log.
func IsOCEL(format string) bool {
	return format == FormatJSON || format == FormatXML || format == FormatSQLite
}

// Log is one object-centric event log.
type Log struct {
	Format      string
	EventTypes  []TypeDecl
	ObjectTypes []TypeDecl
	Events      []Event  // in source order
	Objects     []Object // in source order
	O2O         []O2O
}

// TypeDecl is a declared event or object type and its attributes.
type TypeDecl struct {
	Name       string     `json:"name"`
	Attributes []AttrDecl `json:"attributes"`
}

// AttrDecl is one declared attribute.
type AttrDecl struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Event is one event: its id, type (the activity), time, attributes and
// the objects it relates to.
type Event struct {
	ID      string
	Type    string
	Time    time.Time
	Attrs   map[string]json.RawMessage
	Objects []Relation
	pos     string // where it was read, for errors
}

// Relation is an event-to-object relation.
type Relation struct {
	Object    string
	Qualifier string
}

// Object is one object with its attribute values over time.
type Object struct {
	ID    string
	Type  string
	Attrs []Change
	pos   string
}

// Change is an object attribute's value from Time on; a zero Time is the
// initial value.
type Change struct {
	Name  string
	Time  time.Time
	Value json.RawMessage
}

// O2O is an object-to-object relation.
type O2O struct {
	Source, Target, Qualifier string
	pos                       string
}

// check validates the whole log: unique ids, known relation ends. Objects
// an OCEL 1.0 log relates events to without declaring them get an error
// like any other unknown reference.
func (l *Log) check(src string) error {
	objs := make(map[string]struct{}, len(l.Objects))
	for i := range l.Objects {
		o := &l.Objects[i]
		if o.ID == "" {
			return fmt.Errorf("%s: %s: object: empty id", src, o.pos)
		}
		if o.Type == "" {
			return fmt.Errorf("%s: %s: object %q: empty type", src, o.pos, o.ID)
		}
		if _, dup := objs[o.ID]; dup {
			return fmt.Errorf("%s: %s: object %q: duplicate id", src, o.pos, o.ID)
		}
		objs[o.ID] = struct{}{}
	}
	evs := make(map[string]struct{}, len(l.Events))
	for i := range l.Events {
		e := &l.Events[i]
		if e.ID == "" {
			return fmt.Errorf("%s: %s: event: empty id", src, e.pos)
		}
		if e.Type == "" {
			return fmt.Errorf("%s: %s: event %q: empty type", src, e.pos, e.ID)
		}
		if _, dup := evs[e.ID]; dup {
			return fmt.Errorf("%s: %s: event %q: duplicate id", src, e.pos, e.ID)
		}
		evs[e.ID] = struct{}{}
		for _, r := range e.Objects {
			if _, ok := objs[r.Object]; !ok {
				return fmt.Errorf("%s: %s: event %q: relationship to unknown object %q", src, e.pos, e.ID, r.Object)
			}
		}
	}
	for _, r := range l.O2O {
		for _, id := range []string{r.Source, r.Target} {
			if _, ok := objs[id]; !ok {
				return fmt.Errorf("%s: %s: object %q: relationship to unknown object %q", src, r.pos, r.Source, id)
			}
		}
	}
	return nil
}

// parseTime reads the instants OCEL files write: RFC 3339 with or without
// fraction and zone, with a space or a T; a time without a zone is UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02 15:04:05.999999999Z0700", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is not an ISO 8601 date-time", s)
}

// sortedTypes lists the declared types, adding the ones only used, by name.
func sortedTypes(decl []TypeDecl, used []string) []TypeDecl {
	seen := map[string]bool{}
	out := append([]TypeDecl(nil), decl...)
	for _, d := range decl {
		seen[d.Name] = true
	}
	for _, u := range used {
		if !seen[u] {
			seen[u] = true
			out = append(out, TypeDecl{Name: u})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
