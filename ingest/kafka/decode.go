package kafka

import (
	"fmt"
	"strings"
	"unsafe"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Mapping names the JSON fields of a message. Each role lists candidate
// field names, tried in order; the defaults accept XES-style keys and common
// plain names.
type Mapping struct {
	Case, Activity, Time, Start, Resource, Lifecycle []string
}

// DefaultMapping is used for every role a Mapping leaves empty.
var DefaultMapping = Mapping{
	Case:      []string{"case:concept:name", "case_id", "caseId", "case"},
	Activity:  []string{"concept:name", "activity"},
	Time:      []string{"time:timestamp", "timestamp", "time"},
	Start:     []string{"start_timestamp", "time:start", "start_time", "start"},
	Resource:  []string{"org:resource", "resource"},
	Lifecycle: []string{"lifecycle:transition", "lifecycle"},
}

func (m Mapping) withDefaults() Mapping {
	pick := func(v, d []string) []string {
		if len(v) > 0 {
			return v
		}
		return d
	}
	d := DefaultMapping
	return Mapping{pick(m.Case, d.Case), pick(m.Activity, d.Activity), pick(m.Time, d.Time),
		pick(m.Start, d.Start), pick(m.Resource, d.Resource), pick(m.Lifecycle, d.Lifecycle)}
}

// decoder turns message values into events. Not safe for concurrent use.
type decoder struct {
	m Mapping
	// byLen[n] are the mapped field names of n bytes: a key is told from
	// the few names of its length by comparing bytes, not by hashing it
	// (a message has ~10 keys, and two map lookups each were a tenth of
	// the decoding).
	byLen   [][]roleKey
	obj     attrs
	scratch []byte
	values  [6][]byte // unquoted role values (the event's strings point here)
	cbuf    []byte
	cand    [6]candidate
	extra   []member // role fields that lost to a preferred name: kept as attributes
}

type roleKey struct {
	name       string
	role, rank int
}

type candidate struct {
	key  string
	raw  []byte
	rank int
	set  bool
}

type member struct {
	key string
	raw []byte
}

const (
	roleCase = iota
	roleActivity
	roleTime
	roleStart
	roleResource
	roleLifecycle
)

func newDecoder(m Mapping) *decoder {
	m = m.withDefaults()
	d := &decoder{m: m}
	for role, names := range [][]string{m.Case, m.Activity, m.Time, m.Start, m.Resource, m.Lifecycle} {
		for i, n := range names {
			if _, dup := d.role([]byte(n)); dup {
				continue
			}
			for len(d.byLen) <= len(n) {
				d.byLen = append(d.byLen, nil)
			}
			d.byLen[len(n)] = append(d.byLen[len(n)], roleKey{n, role, i})
		}
	}
	return d
}

// role looks key up among the mapped field names.
func (d *decoder) role(key []byte) (roleKey, bool) {
	if len(key) < len(d.byLen) {
		for _, rk := range d.byLen[len(key)] {
			if rk.name == string(key) {
				return rk, true
			}
		}
	}
	return roleKey{}, false
}

// decode fills e from one message value (Seq is left to the caller). The
// error is the dead-letter reason. Attributes keep the message's member
// order, so the same message always gives the same bytes. e's strings and
// attributes point into value and the decoder's buffers: they are valid
// until the next decode (the builder copies them).
func (d *decoder) decode(value []byte, e *event.Event) error {
	d.obj.reset()
	d.cand = [6]candidate{}
	d.extra = d.extra[:0]
	err := scanObject(value, &d.scratch, func(key, lit, raw []byte) error {
		if rk, ok := d.role(key); ok {
			k, r := rk.name, rk.rank
			c := &d.cand[rk.role]
			switch {
			case !c.set:
				*c = candidate{key: k, raw: raw, rank: r, set: true}
			case r < c.rank:
				d.extra = append(d.extra, member{c.key, c.raw})
				*c = candidate{key: k, raw: raw, rank: r, set: true}
			default:
				d.extra = append(d.extra, member{k, raw})
			}
			return nil
		}
		d.obj.member(lit, key, compact(raw, &d.cbuf))
		return nil
	})
	if err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	for _, x := range d.extra {
		d.obj.member(nil, []byte(x.key), compact(x.raw, &d.cbuf))
	}
	if e.Case, err = d.required(roleCase, "case", d.m.Case); err != nil {
		return err
	}
	if e.Activity, err = d.required(roleActivity, "activity", d.m.Activity); err != nil {
		return err
	}
	tc := d.cand[roleTime]
	if !tc.set || isNull(tc.raw) {
		return fmt.Errorf("no timestamp (looked for %s)", strings.Join(d.m.Time, ", "))
	}
	if e.Time, err = d.parseTime(tc.raw); err != nil {
		return fmt.Errorf("timestamp: %v", err)
	}
	e.Start = event.NoTime
	if sc := d.cand[roleStart]; sc.set && !isNull(sc.raw) {
		if e.Start, err = d.parseTime(sc.raw); err != nil {
			return fmt.Errorf("start timestamp: %v", err)
		}
	}
	if e.Resource, err = d.optional(roleResource); err != nil {
		return fmt.Errorf("resource: %v", err)
	}
	if e.Lifecycle, err = d.optional(roleLifecycle); err != nil {
		return fmt.Errorf("lifecycle: %v", err)
	}
	e.Attrs = d.obj.bytes()
	return nil
}

// required reads a role's value, a string (or a number, kept as written)
// that must be present and non-empty.
func (d *decoder) required(role int, what string, names []string) (string, error) {
	c := d.cand[role]
	if !c.set || isNull(c.raw) {
		return "", fmt.Errorf("no %s (looked for %s)", what, strings.Join(names, ", "))
	}
	s, err := d.optional(role)
	if err != nil {
		return "", fmt.Errorf("%s: %v", what, err)
	}
	if s == "" {
		return "", fmt.Errorf("empty %s", what)
	}
	return s, nil
}

// optional reads a role's value as a string pointing into the message or
// the role's buffer ("" when absent).
func (d *decoder) optional(role int) (string, error) {
	c := d.cand[role]
	if !c.set || isNull(c.raw) {
		return "", nil
	}
	raw := c.raw
	var b []byte
	switch raw[0] {
	case '"':
		var err error
		if b, err = unquote(raw, &d.values[role]); err != nil {
			return "", err
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		b = raw
	default:
		return "", fmt.Errorf("want a string, got %s", truncate(string(raw), 40))
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

func isNull(v []byte) bool { return string(v) == "null" }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// attrs builds the attributes' JSON object (like event.Object), copying a
// key whose literal has no escapes as it is written: it already is the
// key's JSON string.
type attrs struct {
	buf []byte
	n   int
}

func (a *attrs) reset() { a.buf, a.n = a.buf[:0], 0 }

// member adds key (lit: its literal, or nil to encode key) with the JSON
// value v.
func (a *attrs) member(lit, key, v []byte) {
	if a.n == 0 {
		a.buf = append(a.buf, '{')
	} else {
		a.buf = append(a.buf, ',')
	}
	a.n++
	if lit != nil {
		a.buf = append(a.buf, lit...)
	} else {
		a.buf = event.AppendString(a.buf, string(key))
	}
	a.buf = append(append(a.buf, ':'), v...)
}

// bytes returns the object, nil when it has no members; valid until reset.
func (a *attrs) bytes() []byte {
	if a.n == 0 {
		return nil
	}
	a.buf = append(a.buf, '}')
	return a.buf
}
