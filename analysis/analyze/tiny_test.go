package analyze

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// tinyLog decodes fuzz bytes into a small, valid timeline: up to 4 cases of
// up to 6 instances over 3 activities and 2 resources, times in hours that
// may repeat (zero waits, zero cycle times), optional starts, optional
// case attributes. Tiny and degenerate logs are where empty samples, zero
// totals and 0/0 shares come from.
func tinyLog(data []byte) *timeline.Log {
	next := func() int {
		if len(data) == 0 {
			return 0
		}
		b := data[0]
		data = data[1:]
		return int(b)
	}
	l := &timeline.Log{Name: "tiny", Activities: []string{"A", "B", "C"}, Resources: []string{"r0", "r1"}}
	cases := 1 + next()%4
	const hour = 3_600_000_000
	for c := range cases {
		l.CaseIDs = append(l.CaseIDs, "c"+string(rune('0'+c)))
		attrs := ""
		if v := next() % 3; v > 0 {
			attrs = `{"priority":"P` + string(rune('0'+v)) + `"}`
		}
		l.CaseAttrs = append(l.CaseAttrs, attrs)
		l.CaseStart = append(l.CaseStart, int32(len(l.Act)))
		n := 1 + next()%6
		var ts []int64
		t := int64(next()%4) * hour
		for range n {
			t += int64(next()%3) * hour
			ts = append(ts, t)
		}
		slices.Sort(ts)
		for _, t := range ts {
			l.Case = append(l.Case, int32(c))
			l.Act = append(l.Act, int32(next()%3))
			r := int32(next()%3) - 1
			l.Resource = append(l.Resource, r)
			l.Time = append(l.Time, t)
			start := int64(timeline.None)
			if next()%2 == 1 {
				start = t - int64(next()%2)*hour
			}
			l.Start = append(l.Start, start)
		}
	}
	l.CaseStart = append(l.CaseStart, int32(len(l.Act)))
	return l
}

const tinyRules = `
rules:
  - name: B within 2h
    case: {from: A, to: B}
    target: 2h
  - name: C within 1h of A
    case: {from: A, to: C}
    target: 1h
    where: {priority: P1}
  - name: A at most 1h
    activity: A
    target: 1h
`

// No NaN or Inf reaches the JSON of pmx analyze, whatever the log: every
// undefined figure is null (or left out) instead. json.Marshal fails on NaN,
// which is what pmx analyze --json printed on a two-event, one-case log.
func FuzzRunTiny(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 0, 1, 0, 0, 0, 0, 1, 1, 0}, // one case, two events: all waiting on one activity
		{0, 0, 0, 0, 0, 0, 0},          // one case, one event
		{3, 1, 5, 2, 1, 1, 1, 2, 0, 1, 1, 2, 2, 2, 1, 0, 0, 1},
		{1, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		[]byte(strings.Repeat("\x07\x03\x01", 30)),
	} {
		f.Add(seed)
	}
	rules, err := sla.Parse(strings.NewReader(tinyRules), "tiny.yaml", nil)
	if err != nil {
		f.Fatal(err)
	}
	cal, err := calendar.Parse(strings.NewReader("timezone: UTC\nhours:\n  mon-fri: [\"09:00-17:00\"]\n"), "cal.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		l := tinyLog(data)
		for _, o := range []Options{{}, {Calendar: cal, SLA: rules}} {
			r, err := Run(l, o)
			if err != nil {
				t.Fatalf("log %v: %v", data, err)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("log %v: %v at %s", data, err, nanPath(reflect.ValueOf(r), "report"))
			}
		}
	})
}

// The reproduction from the issue: a two-event, one-case log, where one
// activity holds all the waiting time.
func TestRunTwoEventsOneCase(t *testing.T) {
	const hour = 3_600_000_000
	l := &timeline.Log{Name: "two", Activities: []string{"a", "b"}, CaseIDs: []string{"1"}, CaseAttrs: []string{""},
		CaseStart: []int32{0, 2}, Case: []int32{0, 0}, Act: []int32{0, 1}, Resource: []int32{-1, -1},
		Time: []int64{0, hour}, Start: []int64{-1, -1}}
	r, err := Run(l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("analyze JSON: %v at %s", err, nanPath(reflect.ValueOf(r), "report"))
	}
	f := r.Findings[0]
	if f.Where != "b" || f.Share != 1 || f.P.Defined() || f.Effect.Defined() || f.Significant {
		t.Errorf("finding %+v; want b holding all the waiting, untested", f)
	}
	if !strings.Contains(string(b), `"p":null`) {
		t.Errorf("an untested finding's p is not null in %s", b)
	}
}

// nanPath names the first NaN or Inf float in v, for a readable failure.
func nanPath(v reflect.Value, path string) string {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return ""
		}
		return nanPath(v.Elem(), path)
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return path
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if p := nanPath(v.Field(i), path+"."+v.Type().Field(i).Name); p != "" {
				return p
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p := nanPath(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			if p := nanPath(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k)); p != "" {
				return p
			}
		}
	}
	return ""
}
