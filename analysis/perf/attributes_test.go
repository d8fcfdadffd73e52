package perf

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// categoricalReference is CategoricalAttributes done the plain way: every
// case decoded with encoding/json.
func categoricalReference(l *timeline.Log) map[string][]string {
	vals := map[string][]string{}
	for c, raw := range l.CaseAttrs {
		var m map[string]any
		if raw == "" || json.Unmarshal([]byte(raw), &m) != nil {
			continue
		}
		for k, v := range m {
			s, ok := scalar(v)
			if !ok || k == "concept:name" {
				continue
			}
			if vals[k] == nil {
				vals[k] = make([]string, l.Cases())
			}
			vals[k][c] = s
		}
	}
	for attr, col := range vals {
		distinct := map[string]bool{}
		n := 0
		for _, v := range col {
			if v != "" {
				distinct[v] = true
				n++
			}
		}
		if len(distinct) < 2 || len(distinct) > maxSegmentValues || n*2 < l.Cases() {
			delete(vals, attr)
		}
	}
	return vals
}

// The scanner gives what encoding/json gives on every case: plain members,
// escapes and non-ASCII text, numbers in every JSON form (and some outside
// it), nested values, null, a key given twice, malformed objects, and
// attributes with too many values or on too few cases.
func TestCategoricalAttributesAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	values := []string{`"a"`, `"b"`, `""`, `"caf\u00e9"`, `"café"`, `"x\"y"`, `"tab\there"`, `"\ud83d\ude00"`, "\"bad\xff\"",
		`1`, `1.0`, `-0`, `2.5`, `1e3`, `1E+2`, `0.1e-1`, `12345678901234567890`, `1e400`, `01`, `1.`, `-`, `+1`,
		`true`, `false`, `null`, `{"n": [1, {"m": "}"}]}`, `[1, "]"]`, `{"broken": }`}
	keys := []string{"prio", "kind", "concept:name", "caf\\u00e9", "dup", "many"}
	n := 3000
	l := &timeline.Log{CaseAttrs: make([]string, n), CaseIDs: make([]string, n), CaseStart: make([]int32, n+1)}
	for c := range l.CaseAttrs {
		var b strings.Builder
		b.WriteString("{")
		for j := range 2 + r.IntN(5) {
			if j > 0 {
				b.WriteString([]string{",", " , ", ",\n"}[r.IntN(3)])
			}
			k := keys[r.IntN(len(keys))]
			if j < 2 { // every case has prio and kind
				k = keys[j]
			}
			v := values[r.IntN(len(values))]
			switch k {
			case "prio":
				v = fmt.Sprintf(`"P%d"`, r.IntN(4))
			case "kind":
				v = values[r.IntN(12)] // strings and numbers: a categorical mix
			case "many":
				v = fmt.Sprint(r.IntN(80))
			}
			fmt.Fprintf(&b, `"%s": %s`, k, v)
		}
		b.WriteString([]string{"}", " }\n", "},", "}}"}[r.IntN(4)*r.IntN(2)*r.IntN(2)])
		l.CaseAttrs[c] = b.String()
		if r.IntN(20) == 0 {
			l.CaseAttrs[c] = []string{"", "null", "[]", "{}", `{"prio": "P1",}`}[r.IntN(5)]
		}
	}
	want := categoricalReference(l)
	got := map[string][]string{}
	for _, a := range CategoricalAttributes(l) {
		col := make([]string, n)
		for c := range col {
			col[c] = a.Value(c)
		}
		got[a.Name] = col
	}
	if len(want) == 0 {
		t.Fatal("the reference finds no attribute: the test data is too thin")
	}
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				for c := range want[k] {
					if got[k] == nil || got[k][c] != want[k][c] {
						t.Fatalf("attribute %q, case %d %s: got %q, want %q", k, c, l.CaseAttrs[c], got[k], want[k][c])
					}
				}
			}
		}
		t.Fatalf("attributes %v, want %v", keysOf(got), keysOf(want))
	}
}

func keysOf(m map[string][]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
