package ocel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"
)

// ReadJSON reads an OCEL log in JSON: OCEL 2.0 ("objectTypes",
// "eventTypes", "objects", "events") or OCEL 1.0 ("ocel:global-log",
// "ocel:events", "ocel:objects"). src names the file in errors.
func ReadJSON(r io.Reader, src string) (*Log, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, jsonErr(src, data, err)
	}
	var l *Log
	if _, v1 := top["ocel:events"]; v1 {
		l, err = readJSON1(top, src)
	} else {
		l, err = readJSON2(top, data, src)
	}
	if err != nil {
		return nil, err
	}
	l.Format = FormatJSON
	return l, l.check(src)
}

// jsonErr places a decoding error on its line.
func jsonErr(src string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off >= 0 && off <= int64(len(data)) {
		return fmt.Errorf("%s:%d: %w", src, 1+bytes.Count(data[:off], []byte("\n")), err)
	}
	return fmt.Errorf("%s: %w", src, err)
}

type json2 struct {
	ObjectTypes []TypeDecl `json:"objectTypes"`
	EventTypes  []TypeDecl `json:"eventTypes"`
	Objects     []struct {
		ID         *string `json:"id"`
		Type       *string `json:"type"`
		Attributes []struct {
			Name  string          `json:"name"`
			Time  *string         `json:"time"`
			Value json.RawMessage `json:"value"`
		} `json:"attributes"`
		Relationships []json2Rel `json:"relationships"`
	} `json:"objects"`
	Events []struct {
		ID         *string `json:"id"`
		Type       *string `json:"type"`
		Time       *string `json:"time"`
		Attributes []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"attributes"`
		Relationships []json2Rel `json:"relationships"`
	} `json:"events"`
}

type json2Rel struct {
	ObjectID  string `json:"objectId"`
	Qualifier string `json:"qualifier"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func readJSON2(top map[string]json.RawMessage, data []byte, src string) (*Log, error) {
	for _, k := range []string{"objectTypes", "eventTypes", "objects", "events"} {
		if _, ok := top[k]; !ok {
			return nil, fmt.Errorf("%s: not an OCEL 2.0 JSON log: no %q member", src, k)
		}
	}
	var j json2
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, jsonErr(src, data, err)
	}
	l := &Log{EventTypes: j.EventTypes, ObjectTypes: j.ObjectTypes}
	for i, o := range j.Objects {
		pos := fmt.Sprintf("objects[%d]", i)
		obj := Object{ID: str(o.ID), Type: str(o.Type), pos: pos}
		for k, a := range o.Attributes {
			if a.Name == "" {
				return nil, fmt.Errorf("%s: %s.attributes[%d]: empty name", src, pos, k)
			}
			c := Change{Name: a.Name, Value: compact(a.Value)}
			if a.Time != nil {
				t, err := parseTime(*a.Time)
				if err != nil {
					return nil, fmt.Errorf("%s: %s.attributes[%d] (%s): %w", src, pos, k, a.Name, err)
				}
				c.Time = initialZero(t)
			}
			obj.Attrs = append(obj.Attrs, c)
		}
		for _, r := range o.Relationships {
			l.O2O = append(l.O2O, O2O{Source: obj.ID, Target: r.ObjectID, Qualifier: r.Qualifier, pos: pos})
		}
		l.Objects = append(l.Objects, obj)
	}
	for i, e := range j.Events {
		pos := fmt.Sprintf("events[%d]", i)
		ev := Event{ID: str(e.ID), Type: str(e.Type), pos: pos}
		if e.Time == nil {
			return nil, fmt.Errorf("%s: %s (%q): no time", src, pos, ev.ID)
		}
		t, err := parseTime(*e.Time)
		if err != nil {
			return nil, fmt.Errorf("%s: %s (%q): %w", src, pos, ev.ID, err)
		}
		ev.Time = t
		for k, a := range e.Attributes {
			if a.Name == "" {
				return nil, fmt.Errorf("%s: %s.attributes[%d]: empty name", src, pos, k)
			}
			if ev.Attrs == nil {
				ev.Attrs = map[string]json.RawMessage{}
			}
			ev.Attrs[a.Name] = compact(a.Value)
		}
		for _, r := range e.Relationships {
			ev.Objects = append(ev.Objects, Relation{Object: r.ObjectID, Qualifier: r.Qualifier})
		}
		l.Events = append(l.Events, ev)
	}
	return l, nil
}

// initialZero maps the epoch, which OCEL 2.0 writers use for "initial
// value", to the zero Time. Writers differ by the local zone they wrote it
// in (the shared example has 1970-01-01 01:00:00), so any instant before
// 1971 counts as the epoch.
func initialZero(t time.Time) time.Time {
	if t.Year() <= 1970 {
		return time.Time{}
	}
	return t
}

func compact(v json.RawMessage) json.RawMessage {
	if len(v) == 0 {
		return json.RawMessage("null")
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// readJSON1 reads OCEL 1.0 JSON: events and objects are JSON objects keyed
// by id, read in source order.
func readJSON1(top map[string]json.RawMessage, src string) (*Log, error) {
	l := &Log{}
	err := eachMember(top["ocel:objects"], func(id string, raw json.RawMessage) error {
		var o struct {
			Type  string                     `json:"ocel:type"`
			OVMap map[string]json.RawMessage `json:"ocel:ovmap"`
		}
		pos := fmt.Sprintf("ocel:objects[%q]", id)
		if err := json.Unmarshal(raw, &o); err != nil {
			return fmt.Errorf("%s: %s: %w", src, pos, err)
		}
		obj := Object{ID: id, Type: o.Type, pos: pos}
		for _, k := range sortedKeys(o.OVMap) {
			obj.Attrs = append(obj.Attrs, Change{Name: k, Value: compact(o.OVMap[k])})
		}
		l.Objects = append(l.Objects, obj)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachMember(top["ocel:events"], func(id string, raw json.RawMessage) error {
		var e struct {
			Activity  string                     `json:"ocel:activity"`
			Timestamp *string                    `json:"ocel:timestamp"`
			VMap      map[string]json.RawMessage `json:"ocel:vmap"`
			OMap      []string                   `json:"ocel:omap"`
		}
		pos := fmt.Sprintf("ocel:events[%q]", id)
		if err := json.Unmarshal(raw, &e); err != nil {
			return fmt.Errorf("%s: %s: %w", src, pos, err)
		}
		if e.Timestamp == nil {
			return fmt.Errorf("%s: %s: no ocel:timestamp", src, pos)
		}
		t, err := parseTime(*e.Timestamp)
		if err != nil {
			return fmt.Errorf("%s: %s: ocel:timestamp: %w", src, pos, err)
		}
		ev := Event{ID: id, Type: e.Activity, Time: t, pos: pos}
		if len(e.VMap) > 0 {
			ev.Attrs = map[string]json.RawMessage{}
			for k, v := range e.VMap {
				ev.Attrs[k] = compact(v)
			}
		}
		seen := map[string]bool{}
		for _, o := range e.OMap {
			if !seen[o] { // OCEL 1.0 relations have no qualifier: a repeat says nothing new
				seen[o] = true
				ev.Objects = append(ev.Objects, Relation{Object: o})
			}
		}
		l.Events = append(l.Events, ev)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// eachMember calls fn for every member of a JSON object, in source order.
func eachMember(raw json.RawMessage, fn func(k string, v json.RawMessage) error) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	t, err := d.Token()
	if err != nil {
		return err
	}
	if t != json.Delim('{') {
		return fmt.Errorf("expected a JSON object, got %v", t)
	}
	for d.More() {
		kt, err := d.Token()
		if err != nil {
			return err
		}
		k, _ := kt.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return err
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
