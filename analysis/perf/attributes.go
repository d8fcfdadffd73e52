package perf

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Attribute is a categorical case attribute: Of[c] is case c's value as
// an index into Values, -1 where the case lacks it.
type Attribute struct {
	Name   string
	Values []string // at most maxSegmentValues
	Of     []int8
}

// Value is case c's value ("" where it lacks the attribute).
func (a *Attribute) Value(c int) string {
	if k := a.Of[c]; k >= 0 {
		return a.Values[k]
	}
	return ""
}

// CategoricalAttributes returns the case attributes that segment the log,
// by name: scalar values (a number as its shortest text, an integer
// without a point), 2 to 50 distinct ones, carried by at least half the
// cases.
//
// Case attributes are a JSON object per case; a million of them decoded
// with encoding/json cost ten seconds, so the top-level members are read
// with a small scanner, and an attribute is dropped as soon as it shows a
// 51st value. An object the scanner does not take as plainly valid
// (escapes aside, which it decodes with encoding/json) is decoded with
// encoding/json whole, so the result is the same as if every case were.
func CategoricalAttributes(l *timeline.Log) []Attribute {
	type acc struct {
		Attribute
		codes map[string]int8
		cases int
		dead  bool // more than maxSegmentValues values
	}
	accs := map[string]*acc{}
	// Cases mostly list the same keys in the same order: the previous
	// case's attribute at each position (pos; -1: none) is tried before
	// the map.
	var byPos []*acc
	set := func(c, pos int, key, value string) {
		var a *acc
		if pos >= 0 && pos < len(byPos) && byPos[pos] != nil && byPos[pos].Name == key {
			a = byPos[pos]
		} else {
			a = accs[key]
		}
		if a == nil {
			a = &acc{Attribute: Attribute{Name: key, Of: make([]int8, l.Cases())}, codes: map[string]int8{}}
			for i := range a.Of {
				a.Of[i] = -1
			}
			accs[key] = a
		}
		if pos >= 0 {
			for len(byPos) <= pos {
				byPos = append(byPos, nil)
			}
			byPos[pos] = a
		}
		if a.dead {
			return
		}
		k, ok := a.codes[value]
		if !ok {
			if len(a.Values) == maxSegmentValues {
				a.dead, a.Of, a.codes, a.Values = true, nil, nil, nil
				return
			}
			k = int8(len(a.Values))
			a.codes[value] = k
			a.Values = append(a.Values, value)
		}
		if a.Of[c] < 0 {
			a.cases++
		}
		a.Of[c] = k
	}
	var members []member
	for c, raw := range l.CaseAttrs {
		if raw == "" {
			continue
		}
		var ok bool
		if members, ok = scanMembers(raw, members[:0]); ok {
			for pos, m := range members {
				if m.key != "concept:name" {
					if s, ok := m.scalar(); ok {
						set(c, pos, m.key, s)
					}
				}
			}
			continue
		}
		var obj map[string]any
		if json.Unmarshal([]byte(raw), &obj) != nil {
			continue
		}
		for k, v := range obj {
			if s, ok := scalar(v); ok && k != "concept:name" {
				set(c, -1, k, s) // map order: no position to remember
			}
		}
	}
	var out []Attribute
	for _, a := range accs {
		if !a.dead && len(a.Values) >= 2 && a.cases*2 >= l.Cases() {
			out = append(out, a.Attribute)
		}
	}
	slices.SortFunc(out, func(x, y Attribute) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// member is one top-level member of a JSON object: its decoded key, its
// value's kind and raw text.
type member struct {
	key  string
	kind byte // '"' string, 'n' number, 't' true, 'f' false, '0' null, '{' object or array
	raw  string
}

// scalar is the member's value as scalar(json.Unmarshal(raw)) would give it.
func (m member) scalar() (string, bool) {
	switch m.kind {
	case '"':
		s, ok := jsonString(m.raw)
		return s, ok && s != ""
	case 'n':
		if plainInteger(m.raw) {
			return m.raw, true // what parsing and formatting would give
		}
		x, err := strconv.ParseFloat(m.raw, 64)
		if err != nil {
			return "", false
		}
		return scalar(x)
	case 't':
		return "true", true
	case 'f':
		return "false", true
	}
	return "", false
}

// plainInteger reports whether s is an integer literal that formats as
// itself: digits with an optional minus, no leading zero, not "-0", below
// 10^15 in magnitude.
func plainInteger(s string) bool {
	d := s
	if len(d) > 0 && d[0] == '-' {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 15 || d[0] == '0' && (len(d) > 1 || len(s) > 1) {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// scanMembers appends the members of the JSON object s to ms. It reports
// false for anything it does not take as valid JSON as it stands —
// malformed text, a number outside JSON's grammar or float64's range, a
// key given twice — and the caller then decodes s with encoding/json.
func scanMembers(s string, ms []member) ([]member, bool) {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return ms, false
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return ms, skipSpace(s, i+1) == len(s)
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return ms, false
		}
		end := stringEnd(s, i)
		if end < 0 {
			return ms, false
		}
		key, ok := jsonString(s[i:end])
		if !ok {
			return ms, false
		}
		i = skipSpace(s, end)
		if i >= len(s) || s[i] != ':' {
			return ms, false
		}
		i = skipSpace(s, i+1)
		m := member{key: key}
		if m.kind, end = valueEnd(s, i); end < 0 {
			return ms, false
		}
		m.raw = s[i:end]
		if m.kind == 'n' {
			if _, err := strconv.ParseFloat(m.raw, 64); err != nil || !jsonNumber(m.raw) {
				return ms, false
			}
		}
		ms = append(ms, m)
		i = skipSpace(s, end)
		if i < len(s) && s[i] == '}' {
			// A key given twice: the last would win, left to encoding/json.
			return ms, skipSpace(s, i+1) == len(s) && !repeatedKey(ms)
		}
		if i >= len(s) || s[i] != ',' {
			return ms, false
		}
		i = skipSpace(s, i+1)
	}
}

func repeatedKey(ms []member) bool {
	if len(ms) > 16 {
		seen := make(map[string]bool, len(ms))
		for _, m := range ms {
			if seen[m.key] {
				return true
			}
			seen[m.key] = true
		}
		return false
	}
	for i := range ms {
		for j := range i {
			if ms[i].key == ms[j].key {
				return true
			}
		}
	}
	return false
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the JSON string starting at s[i] ==
// '"', or -1.
func stringEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// jsonString decodes the JSON string literal raw: plain printable ASCII
// as it stands, anything else (escapes, other bytes) by encoding/json.
func jsonString(raw string) (string, bool) {
	plain := len(raw) >= 2
	for i := 1; plain && i < len(raw)-1; i++ {
		plain = raw[i] >= 0x20 && raw[i] < 0x7f && raw[i] != '\\' && raw[i] != '"'
	}
	if plain {
		return raw[1 : len(raw)-1], true
	}
	var s string
	if json.Unmarshal([]byte(raw), &s) != nil {
		return "", false
	}
	return s, true
}

// valueEnd returns the kind of the JSON value starting at s[i] and the
// index after it, or -1. Objects and arrays are checked with json.Valid.
func valueEnd(s string, i int) (byte, int) {
	if i >= len(s) {
		return 0, -1
	}
	switch c := s[i]; {
	case c == '"':
		return '"', stringEnd(s, i)
	case c == '{' || c == '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				if j = stringEnd(s, j); j < 0 {
					return 0, -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					if !json.Valid([]byte(s[i : j+1])) {
						return 0, -1
					}
					return '{', j + 1
				}
			}
		}
		return 0, -1
	case c == '-' || c >= '0' && c <= '9':
		j := i + 1
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == 'e' || s[j] == 'E' || s[j] == '+' || s[j] == '-') {
			j++
		}
		return 'n', j
	}
	for _, lit := range [...]struct {
		text string
		kind byte
	}{{"true", 't'}, {"false", 'f'}, {"null", '0'}} {
		if strings.HasPrefix(s[i:], lit.text) {
			return lit.kind, i + len(lit.text)
		}
	}
	return 0, -1
}

// jsonNumber reports whether s follows JSON's number grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func jsonNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10), true
		}
		return strconv.FormatFloat(x, 'g', -1, 64), true
	}
	return "", false
}
