package kafka

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
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
	m     Mapping
	roles map[string]int // field name → role, for fields that are mapped
	obj   event.Object
	keys  []string
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
	d := &decoder{m: m, roles: map[string]int{}}
	for role, names := range [][]string{m.Case, m.Activity, m.Time, m.Start, m.Resource, m.Lifecycle} {
		for _, n := range names {
			if _, dup := d.roles[n]; !dup {
				d.roles[n] = role
			}
		}
	}
	return d
}

// decode fills e from one message value (Seq is left to the caller). The
// error is the dead-letter reason.
func (d *decoder) decode(value []byte, e *event.Event) error {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.UseNumber()
	if err := dec.Decode(&fields); err != nil {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	if fields == nil {
		return fmt.Errorf("not a JSON object: null")
	}
	var found [6]json.RawMessage
	var foundRank [6]int
	d.keys = d.keys[:0]
	for k, v := range fields {
		role, ok := d.roles[k]
		if !ok {
			d.keys = append(d.keys, k)
			continue
		}
		// The earliest listed name of a role wins; later ones stay attributes.
		rank := indexOf(d.names(role), k)
		if found[role] == nil || rank < foundRank[role] {
			if found[role] != nil {
				d.keys = append(d.keys, d.names(role)[foundRank[role]])
			}
			found[role], foundRank[role] = v, rank
		} else {
			d.keys = append(d.keys, k)
		}
	}
	var err error
	if e.Case, err = requiredString(found[roleCase], "case", d.m.Case); err != nil {
		return err
	}
	if e.Activity, err = requiredString(found[roleActivity], "activity", d.m.Activity); err != nil {
		return err
	}
	if found[roleTime] == nil || isNull(found[roleTime]) {
		return fmt.Errorf("no timestamp (looked for %s)", strings.Join(d.m.Time, ", "))
	}
	if e.Time, err = parseTime(found[roleTime]); err != nil {
		return fmt.Errorf("timestamp: %v", err)
	}
	e.Start = event.NoTime
	if v := found[roleStart]; v != nil && !isNull(v) {
		if e.Start, err = parseTime(v); err != nil {
			return fmt.Errorf("start timestamp: %v", err)
		}
	}
	e.Resource, _ = optionalString(found[roleResource])
	e.Lifecycle, _ = optionalString(found[roleLifecycle])
	sort.Strings(d.keys) // deterministic attrs whatever the map order
	d.obj.Reset()
	for _, k := range d.keys {
		var buf bytes.Buffer
		if err := json.Compact(&buf, fields[k]); err != nil {
			return fmt.Errorf("field %q: %v", k, err)
		}
		d.obj.Raw(k, buf.Bytes())
	}
	e.Attrs = d.obj.Bytes()
	return nil
}

func (d *decoder) names(role int) []string {
	return [][]string{d.m.Case, d.m.Activity, d.m.Time, d.m.Start, d.m.Resource, d.m.Lifecycle}[role]
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return len(xs)
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// requiredString reads a string (or a number, kept as written) that must be
// present and non-empty.
func requiredString(v json.RawMessage, role string, names []string) (string, error) {
	if v == nil || isNull(v) {
		return "", fmt.Errorf("no %s (looked for %s)", role, strings.Join(names, ", "))
	}
	s, err := optionalString(v)
	if err != nil {
		return "", fmt.Errorf("%s: %v", role, err)
	}
	if s == "" {
		return "", fmt.Errorf("empty %s", role)
	}
	return s, nil
}

func optionalString(v json.RawMessage) (string, error) {
	if v == nil || isNull(v) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		return n.String(), nil
	}
	return "", fmt.Errorf("want a string, got %s", truncate(string(v), 40))
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999"}

// parseTime reads an ISO 8601 / RFC 3339 string (no offset = UTC) or a Unix
// epoch number (milliseconds when larger than 1e11, else seconds) as UTC µs.
func parseTime(v json.RawMessage) (int64, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
				return t.UnixMicro(), nil
			}
		}
		return 0, fmt.Errorf("cannot read %q as an ISO 8601 timestamp", truncate(s, 40))
	}
	var f float64
	if err := json.Unmarshal(v, &f); err == nil && !math.IsInf(f, 0) && math.Abs(f) < 1e17 {
		if math.Abs(f) > 1e11 {
			return int64(f * 1e3), nil
		}
		return int64(f * 1e6), nil
	}
	return 0, fmt.Errorf("want an ISO 8601 string or epoch number, got %s", truncate(string(v), 40))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
