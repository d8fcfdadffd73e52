package kafka

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

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
	m       Mapping
	roles   map[string]int // field name → role, for fields that are mapped
	rank    map[string]int // field name → its preference within its role
	obj     event.Object
	scratch []byte
	cbuf    []byte
	intern  map[string]string // activities, resources, lifecycles: few distinct values
	cand    [6]candidate
	extra   []member // role fields that lost to a preferred name: kept as attributes
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
	d := &decoder{m: m, roles: map[string]int{}, rank: map[string]int{}, intern: map[string]string{}}
	for role, names := range [][]string{m.Case, m.Activity, m.Time, m.Start, m.Resource, m.Lifecycle} {
		for i, n := range names {
			if _, dup := d.roles[n]; !dup {
				d.roles[n], d.rank[n] = role, i
			}
		}
	}
	return d
}

// decode fills e from one message value (Seq is left to the caller). The
// error is the dead-letter reason. Attributes keep the message's member
// order, so the same message always gives the same bytes.
func (d *decoder) decode(value []byte, e *event.Event) error {
	d.obj.Reset()
	d.cand = [6]candidate{}
	d.extra = d.extra[:0]
	err := scanObject(value, &d.scratch, func(key, raw []byte) error {
		if role, ok := d.roles[string(key)]; ok {
			k := string(key)
			c := &d.cand[role]
			r := d.rank[k]
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
		d.obj.RawKey(key, compact(raw, &d.cbuf))
		return nil
	})
	if err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	for _, x := range d.extra {
		d.obj.Raw(x.key, compact(x.raw, &d.cbuf))
	}
	if e.Case, err = d.required(roleCase, "case", d.m.Case, false); err != nil {
		return err
	}
	if e.Activity, err = d.required(roleActivity, "activity", d.m.Activity, true); err != nil {
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
	if e.Resource, err = d.optional(roleResource, true); err != nil {
		return fmt.Errorf("resource: %v", err)
	}
	if e.Lifecycle, err = d.optional(roleLifecycle, true); err != nil {
		return fmt.Errorf("lifecycle: %v", err)
	}
	e.Attrs = d.obj.Bytes()
	return nil
}

// required reads a role's value, a string (or a number, kept as written)
// that must be present and non-empty.
func (d *decoder) required(role int, what string, names []string, intern bool) (string, error) {
	c := d.cand[role]
	if !c.set || isNull(c.raw) {
		return "", fmt.Errorf("no %s (looked for %s)", what, strings.Join(names, ", "))
	}
	s, err := d.optional(role, intern)
	if err != nil {
		return "", fmt.Errorf("%s: %v", what, err)
	}
	if s == "" {
		return "", fmt.Errorf("empty %s", what)
	}
	return s, nil
}

func (d *decoder) optional(role int, intern bool) (string, error) {
	c := d.cand[role]
	if !c.set || isNull(c.raw) {
		return "", nil
	}
	raw := c.raw
	var b []byte
	switch raw[0] {
	case '"':
		var err error
		if b, err = unquote(raw, &d.scratch); err != nil {
			return "", err
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		b = raw
	default:
		return "", fmt.Errorf("want a string, got %s", truncate(string(raw), 40))
	}
	if !intern {
		return string(b), nil
	}
	if s, ok := d.intern[string(b)]; ok {
		return s, nil
	}
	s := string(b)
	if len(d.intern) < 1<<16 { // bounded: a high-cardinality field must not grow memory forever
		d.intern[s] = s
	}
	return s, nil
}

// parseTime reads an ISO 8601 / RFC 3339 string (no offset = UTC) or a Unix
// epoch number (milliseconds when larger than 1e11, else seconds) as UTC µs.
func (d *decoder) parseTime(raw []byte) (int64, error) {
	if raw[0] == '"' {
		b, err := unquote(raw, &d.scratch)
		if err != nil {
			return 0, err
		}
		s := strings.TrimSpace(string(b))
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UnixMicro(), nil
			}
		}
		return 0, fmt.Errorf("cannot read %q as an ISO 8601 timestamp", truncate(s, 40))
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsInf(f, 0) || math.Abs(f) >= 1e17 {
		return 0, fmt.Errorf("want an ISO 8601 string or epoch number, got %s", truncate(string(raw), 40))
	}
	if math.Abs(f) > 1e11 {
		return int64(math.Round(f * 1e3)), nil
	}
	return int64(math.Round(f * 1e6)), nil
}

func isNull(v []byte) bool { return string(v) == "null" }

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999"}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
