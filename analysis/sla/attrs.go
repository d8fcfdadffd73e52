package sla

import (
	"encoding/json"
	"strconv"
	"strings"
)

// attrTable holds the case attributes the rules refer to, read once per
// Evaluate: vals[k][c] is attribute keys[k] of case c as text, with ok[k][c]
// false when the case does not have it (or has null).
//
// Case attributes are JSON objects; decoding 100,000 of them with
// encoding/json costs far more than the rest of an evaluation, so the
// top-level members are found with a small scanner and only the values
// asked for are decoded.
type attrTable struct {
	keys []string
	vals [][]string
	ok   [][]bool
}

// newAttrTable reads keys from the attributes of n cases (caseAttrs may be
// empty: no case has attributes).
func newAttrTable(caseAttrs []string, n int, keys []string) *attrTable {
	t := &attrTable{keys: keys, vals: make([][]string, len(keys)), ok: make([][]bool, len(keys))}
	if len(keys) == 0 {
		return t
	}
	idx := make(map[string]int, len(keys))
	for k, name := range keys {
		idx[name] = k
		t.vals[k] = make([]string, n)
		t.ok[k] = make([]bool, n)
	}
	for c, js := range caseAttrs {
		scanObject(js, func(key, raw string) {
			if k, found := idx[key]; found {
				if v, ok := jsonText(raw); ok {
					t.vals[k][c], t.ok[k][c] = v, true
				}
			}
		})
	}
	return t
}

// col returns the column index of key, or -1.
func (t *attrTable) col(key string) int {
	for k, name := range t.keys {
		if name == key {
			return k
		}
	}
	return -1
}

// scanObject calls fn with the key and the raw JSON text of the value of
// each top-level member of the JSON object s. It stops quietly at anything
// malformed (an attribute column the warehouse wrote is valid JSON).
func scanObject(s string, fn func(key, raw string)) {
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return
	}
	i++
	for {
		i = skipSpace(s, i)
		if i >= len(s) || s[i] != '"' {
			return
		}
		end := skipString(s, i)
		if end < 0 {
			return
		}
		key, ok := jsonText(s[i:end])
		if !ok {
			return
		}
		i = skipSpace(s, end)
		if i >= len(s) || s[i] != ':' {
			return
		}
		i = skipSpace(s, i+1)
		vend := skipValue(s, i)
		if vend < 0 {
			return
		}
		fn(key, s[i:vend])
		i = skipSpace(s, vend)
		if i >= len(s) || s[i] != ',' {
			return
		}
		i++
	}
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at s[i] == '"',
// or -1.
func skipString(s string, i int) int {
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

// skipValue returns the index after the JSON value starting at s[i], or -1.
func skipValue(s string, i int) int {
	if i >= len(s) {
		return -1
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(s); j++ {
			switch s[j] {
			case '"':
				if j = skipString(s, j); j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(s) && s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ' ' && s[j] != '\n' && s[j] != '\t' && s[j] != '\r' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// jsonText returns a scalar JSON value as text: a string's content, a
// number's or boolean's literal. null, objects and arrays give false.
func jsonText(raw string) (string, bool) {
	if raw == "" || raw == "null" || raw[0] == '{' || raw[0] == '[' {
		return "", false
	}
	if raw[0] != '"' {
		return raw, true
	}
	if len(raw) >= 2 && !strings.ContainsRune(raw, '\\') {
		return raw[1 : len(raw)-1], true
	}
	var s string
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return "", false
	}
	return s, true
}

// matcher tests one Condition against attribute text.
type matcher struct {
	col  int
	text map[string]bool
	nums []float64
}

func newMatcher(col int, c Condition) matcher {
	m := matcher{col: col, text: make(map[string]bool, len(c.Values))}
	for _, v := range c.Values {
		m.text[v] = true
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			m.nums = append(m.nums, x)
		}
	}
	return m
}

func (m *matcher) match(v string) bool {
	if m.text[v] {
		return true
	}
	if len(m.nums) == 0 || v == "" || !(v[0] >= '0' && v[0] <= '9' || v[0] == '-' || v[0] == '.') {
		return false
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return false
	}
	for _, n := range m.nums {
		if n == x {
			return true
		}
	}
	return false
}
