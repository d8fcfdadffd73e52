package sla

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

var demo struct {
	once sync.Once
	log  *timeline.Log
	err  error
}

// demoLog imports the bundled demo log into a scratch warehouse once per
// test binary and returns its timeline (read-only: tests must not modify
// it).
func demoLog(tb testing.TB) *timeline.Log {
	tb.Helper()
	if testing.Short() {
		tb.Skip("imports the demo log")
	}
	demo.once.Do(func() {
		ctx := context.Background()
		dir, err := os.MkdirTemp("", "sla-demo")
		if err != nil {
			demo.err = err
			return
		}
		defer os.RemoveAll(dir)
		w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"))
		if err != nil {
			demo.err = err
			return
		}
		defer w.Close()
		if _, err := ingest.ImportFile(ctx, w, "../../ingest/demo/incidents.xes.gz", ingest.FileOptions{Name: "demo"}); err != nil {
			demo.err = err
			return
		}
		demo.log, demo.err = timeline.Load(ctx, w, "demo")
	})
	if demo.err != nil {
		tb.Fatal(demo.err)
	}
	return demo.log
}

func demoRules(tb testing.TB) *Rules {
	tb.Helper()
	rs, err := ParseFile("../../ingest/demo/sla.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return rs
}

func byName(tb testing.TB, rep *Report, name string) *Result {
	tb.Helper()
	for _, r := range rep.Rules {
		if r.Name == name {
			return r
		}
	}
	tb.Fatalf("no result for rule %q", name)
	return nil
}

// The README's table (planted pattern 7): breach rates per priority for the
// first and the last Resolve, and the resolved counts.
func TestDemoResolution(t *testing.T) {
	l := demoLog(t)
	rs := demoRules(t)
	// The same four rules with occurrence: last, built in Go.
	for _, r := range rs.Rules[:4] {
		r.Name = strings.Replace(r.Name, "resolved", "finally resolved", 1)
		r.Last = true
		rs.Rules = append(rs.Rules, r)
	}
	rep, err := Evaluate(l, rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		prio        string
		resolved    int64
		first, last float64 // breach rates, README ±0.5 point
		medianHours float64 // README, rounded to 0.1 h
	}{
		{prio: "P1", resolved: 97, first: 0.18, last: 0.23, medianHours: 2.2},
		{prio: "P2", resolved: 365, first: 0.31, last: 0.36, medianHours: 5.1},
		{prio: "P3", resolved: 1346, first: 0.10, last: 0.12, medianHours: 5.2},
		{prio: "P4", resolved: 1165, first: 0.01, last: 0.01, medianHours: 4.8},
	}
	for i, w := range want {
		first, last := rep.Rules[i], rep.Rules[6+i]
		t.Logf("%s: resolved %d, first Resolve %d breaches = %.2f%% [%.1f%%, %.1f%%], last %d = %.2f%%, median %.2f h, p90 %.1f h, open %d (%d breached)",
			w.prio, first.Measured, first.Breaches, 100*first.BreachRate, 100*first.RateLow, 100*first.RateHigh,
			last.Breaches, 100*last.BreachRate, first.MedianSeconds/3600, first.P90Seconds/3600, len(first.Open), first.OpenBreached)
		if first.Measured != w.resolved || last.Measured != w.resolved {
			t.Errorf("%s: resolved %d / %d, README %d", w.prio, first.Measured, last.Measured, w.resolved)
		}
		if math.Abs(first.BreachRate-w.first) > 0.005 {
			t.Errorf("%s: first Resolve breach rate %.4f, README %.2f", w.prio, first.BreachRate, w.first)
		}
		if math.Abs(last.BreachRate-w.last) > 0.005 {
			t.Errorf("%s: last Resolve breach rate %.4f, README %.2f", w.prio, last.BreachRate, w.last)
		}
		if math.Abs(first.MedianSeconds/3600-w.medianHours) > 0.05 {
			t.Errorf("%s: median %.3f h, README %.1f h", w.prio, first.MedianSeconds/3600, w.medianHours)
		}
	}
}

// The README's breakdown of P1/P2 breaches (first Resolve) by category,
// with per-case targets from sla_target_hours: Database 77 %, the other
// categories 11–24 %.
func TestDemoCategories(t *testing.T) {
	l := demoLog(t)
	src := "calendar: business-hours.yaml\nrules:\n"
	cats := []string{"Database", "Network", "Hardware", "Software", "Access"}
	for _, c := range cats {
		src += "  - {name: " + c + ", case: {from: Open, to: Resolve}, target: {attribute: sla_target_hours}, time: business, where: {priority: [P1, P2], category: " + c + "}}\n"
	}
	rs, err := Parse(strings.NewReader(src), "categories.yaml", DirCalendars("../../ingest/demo"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(l, rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rules {
		t.Logf("%-8s P1/P2 measured %3d, over target %.1f%%", r.Name, r.Measured, 100*r.BreachRate)
		lo, hi := 0.105, 0.245
		if r.Name == "Database" {
			lo, hi = 0.765, 0.775
		}
		if r.BreachRate < lo || r.BreachRate > hi {
			t.Errorf("%s: %.3f over target, README %v–%v", r.Name, r.BreachRate, lo, hi)
		}
	}
}

// The whole report on the demo: it marshals to JSON (no NaN), the same
// input gives the same bytes, and the open cases are the 27 unresolved
// incidents of the README (planted pattern 9).
func TestDemoReport(t *testing.T) {
	l := demoLog(t)
	rs := demoRules(t)
	rep, err := Evaluate(l, rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Evaluate(l, rs, Options{})
	if b, _ := json.MarshalIndent(again, "", "  "); !bytes.Equal(a, b) {
		t.Error("two evaluations differ")
	}
	// Now defaults to the last event (16:47:32 on 3 July, shortly before the
	// extract's nominal 17:00).
	if last := time.UnixMicro(slices.Max(l.Time)); !rep.Now.Equal(last) || rep.Now.Location().String() != "Europe/Amsterdam" {
		t.Errorf("now %v, want the last event %v", rep.Now, last)
	}
	var open, breached int
	for _, r := range rep.Rules[:4] {
		open += len(r.Open)
		breached += int(r.OpenBreached)
		for i, o := range r.Open {
			if i > 0 && o.Status == "breached" && r.Open[i-1].Status != "breached" {
				t.Errorf("%s: breached case %s listed after one at risk", r.Name, o.CaseID)
			}
			if o.Status == "open" && (o.Probability == nil || o.Basis == "breached" || o.Deadline.Before(rep.Now)) {
				t.Errorf("%s: %+v", r.Name, o)
			}
		}
	}
	if open != 27 {
		t.Errorf("%d open cases over the four priorities, README 27", open)
	}
	for _, r := range rep.Rules {
		t.Logf("%s: in scope %d, measured %d, breaches %d (%.1f%%), median %.1f h, open %d (%d breached); %v",
			r.Name, r.InScope, r.Measured, r.Breaches, 100*r.BreachRate, r.MedianSeconds/3600, len(r.Open), r.OpenBreached, r.Change)
	}
	if testing.Verbose() {
		t.Logf("%s", a)
	}
}

// withOpenedOn returns a copy of l (sharing its arrays) whose case
// attributes also hold opened_on, the weekday of the case's first event in
// Amsterdam: a derived attribute for where.
func withOpenedOn(tb testing.TB, l *timeline.Log) *timeline.Log {
	tb.Helper()
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		tb.Fatal(err)
	}
	c := *l
	c.CaseAttrs = make([]string, len(l.CaseAttrs))
	for i, a := range l.CaseAttrs {
		day := time.UnixMicro(l.Time[l.CaseStart[i]]).In(ams).Weekday().String()
		c.CaseAttrs[i] = strings.TrimSuffix(a, "}") + `, "opened_on": "` + day + `"}`
	}
	return &c
}

// Planted pattern 2: Open → first Assign is slow on Mondays. README: on
// Mondays a median of 67 min and 21 % within 30 min; Tuesday–Friday 30–34
// min and 42–50 %.
func TestDemoAssignMondays(t *testing.T) {
	l := withOpenedOn(t, demoLog(t))
	src := `
rules:
  - name: all
    between: {from: Open, to: Assign, cancel: [Resolve, Close]}
    target: 30m
  - name: monday
    between: {from: Open, to: Assign, cancel: [Resolve, Close]}
    target: 30m
    where: {opened_on: Monday}
  - name: tue-fri
    between: {from: Open, to: Assign, cancel: [Resolve, Close]}
    target: 30m
    where: {opened_on: [Tuesday, Wednesday, Thursday, Friday]}
`
	for _, d := range []string{"Tuesday", "Wednesday", "Thursday", "Friday"} {
		src += "  - {name: " + d + ", between: {from: Open, to: Assign, cancel: [Resolve, Close]}, target: 30m, where: {opened_on: " + d + "}}\n"
	}
	rs, err := Parse(strings.NewReader(src), "assign.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Evaluate(l, rs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Rules {
		t.Logf("%-9s measured %4d, within 30 min %.1f%%, median %.1f min, cancelled %d, open %d",
			r.Name, r.Measured, 100*(1-r.BreachRate), r.MedianSeconds/60, r.Cancelled, len(r.Open))
	}
	all, mon := rep.Rules[0], rep.Rules[1]
	if math.Abs((1-mon.BreachRate)-0.21) > 0.02 || math.Abs(mon.MedianSeconds/60-67) > 3 {
		t.Errorf("Monday: %.1f%% within 30 min, median %.1f min; README 21%%, 67 min", 100*(1-mon.BreachRate), mon.MedianSeconds/60)
	}
	for _, r := range rep.Rules[3:] {
		if in := 1 - r.BreachRate; in < 0.41 || in > 0.51 || r.MedianSeconds/60 < 29 || r.MedianSeconds/60 > 35 {
			t.Errorf("%s: %.1f%% within 30 min, median %.1f min; README 42–50 %%, 30–34 min", r.Name, 100*in, r.MedianSeconds/60)
		}
	}
	// The overall rate is computed from Open to the first Assign: every
	// started case is measured, open or cancelled (a first-line fix).
	if all.Started != all.Measured+all.Cancelled+int64(len(all.Open)) || all.Cancelled < 400 {
		t.Errorf("started %d ≠ measured %d + cancelled %d + open %d", all.Started, all.Measured, all.Cancelled, len(all.Open))
	}
	if all.BreachRate <= rep.Rules[2].BreachRate || mon.BreachRate <= rep.Rules[2].BreachRate+0.2 {
		t.Errorf("breach rates: all %.3f, Monday %.3f, Tue–Fri %.3f", all.BreachRate, mon.BreachRate, rep.Rules[2].BreachRate)
	}
}
