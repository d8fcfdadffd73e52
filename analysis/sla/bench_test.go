package sla

import (
	"fmt"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// replicate returns n copies of l's cases in one timeline, case ids
// suffixed with the copy's number.
func replicate(l *timeline.Log, n int) *timeline.Log {
	steps, cases := l.Steps(), l.Cases()
	r := &timeline.Log{Name: l.Name, Activities: l.Activities, Resources: l.Resources,
		CaseIDs: make([]string, 0, n*cases), CaseAttrs: make([]string, 0, n*cases), CaseStart: make([]int32, 0, n*cases+1),
		Case: make([]int32, 0, n*steps), Act: make([]int32, 0, n*steps), Resource: make([]int32, 0, n*steps),
		Time: make([]int64, 0, n*steps), Start: make([]int64, 0, n*steps)}
	for k := range n {
		for c := range cases {
			r.CaseIDs = append(r.CaseIDs, fmt.Sprintf("%s-%02d", l.CaseIDs[c], k))
			r.CaseStart = append(r.CaseStart, l.CaseStart[c]+int32(k*steps))
		}
		r.CaseAttrs = append(r.CaseAttrs, l.CaseAttrs...)
		for _, c := range l.Case {
			r.Case = append(r.Case, c+int32(k*cases))
		}
		r.Act = append(r.Act, l.Act...)
		r.Resource = append(r.Resource, l.Resource...)
		r.Time = append(r.Time, l.Time...)
		r.Start = append(r.Start, l.Start...)
	}
	r.CaseStart = append(r.CaseStart, int32(n*steps))
	return r
}

// benchRules are five rules over the demo: two priority targets and a
// per-case target (business time), the assignment deadline (wall clock)
// and the Investigate cap (business time).
func benchRules(tb testing.TB) *Rules {
	rs := demoRules(tb)
	all := Rule{Name: "resolved within sla_target_hours", Kind: KindCase, From: "Open", To: "Resolve", Last: true,
		TargetAttribute: "sla_target_hours", TargetUnit: time.Hour, Business: true}
	rs.Rules = []Rule{rs.Rules[0], rs.Rules[1], rs.Rules[4], rs.Rules[5], all}
	return rs
}

// BenchmarkEvaluate: five rules on the demo log replicated 40 times
// (120,000 cases, 853,000 activity instances from 1.15 million events).
func BenchmarkEvaluate(b *testing.B) {
	l := replicate(demoLog(b), 40)
	rs := benchRules(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Evaluate(l, rs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(l.Steps()), "instances")
}

// The replicated log gives the same rates as the original, and 40 times the
// counts.
func TestReplicated(t *testing.T) {
	l := demoLog(t)
	rs := benchRules(t)
	one, err := Evaluate(l, rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	many, err := Evaluate(replicate(l, 3), rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range one.Rules {
		m := many.Rules[i]
		if m.Measured != 3*a.Measured || m.Breaches != 3*a.Breaches || len(m.Open) != 3*len(a.Open) || m.MedianSeconds != a.MedianSeconds {
			t.Errorf("%s: measured %d/%d, breaches %d/%d, open %d/%d", a.Name, m.Measured, a.Measured, m.Breaches, a.Breaches, len(m.Open), len(a.Open))
		}
	}
	// The per-case target rule agrees with the four priority rules (last
	// Resolve, so it counts reopened cases' final resolution).
	if r := one.Rules[4]; r.Measured != 97+365+1346+1165 || r.NoTarget != 0 {
		t.Errorf("per-case targets: measured %d, no target %d", r.Measured, r.NoTarget)
	}
}
