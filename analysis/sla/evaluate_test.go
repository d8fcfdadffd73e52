package sla

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

func hours(h float64) float64 { return h * 3600 }

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// Case rules: scope by where, the first and the last Resolve, business
// time across a weekend, a holiday and the spring DST change, and wall-clock
// time across the same.
func TestCaseRule(t *testing.T) {
	l := buildLog(t,
		// 1h to the first Resolve, 5h to the last.
		tcase{"A", `{"priority": "P1"}`, []string{"Open@2026-03-02 10:00", "Resolve@2026-03-02 11:00",
			"Reopen@2026-03-02 12:00", "Resolve@2026-03-02 15:00", "Close@2026-03-03 10:00"}},
		tcase{"B", `{"priority": "P2"}`, []string{"Open@2026-03-02 10:00", "Resolve@2026-03-09 10:00"}},
		tcase{"C", ``, []string{"Open@2026-03-02 10:00", "Resolve@2026-03-09 10:00"}},
		// Friday 17:00 CET to Monday 09:00 CEST: 2 business hours, 63 wall
		// hours (the night of 29 March is an hour short).
		tcase{"D", `{"priority": "P1", "n": 1}`, []string{"Open@2026-03-27 17:00", "Resolve@2026-03-30 09:00"}},
		// A Resolve before the Open does not stop the clock: 30 min.
		tcase{"E", `{"priority": "P1"}`, []string{"Resolve@2026-03-03 08:00", "Open@2026-03-03 09:30", "Resolve@2026-03-03 10:00"}},
		// Friday 17:00 to Tuesday 09:00 over Easter Monday: 2 business
		// hours, 88 wall hours.
		tcase{"F", `{"priority": "P1"}`, []string{"Open@2026-04-03 17:00", "Resolve@2026-04-07 09:00"}},
	)
	rep := evaluate(t, l, deskCalendar+`
rules:
  - {name: first, case: {from: Open, to: Resolve}, target: 1h30m, time: business, where: {priority: P1}}
  - {name: last, case: {from: Open, to: Resolve, occurrence: last}, target: 1h30m, time: business, where: {priority: [P1]}}
  - {name: wall, case: {from: Open, to: Resolve}, target: 2d, where: {priority: P1}}
  - {name: whole, case: , target: 1d, where: {n: 1.0}}
`, Options{})
	type want struct {
		inScope, measured, breaches int64
		median, p90                 float64 // hours
	}
	for i, w := range []want{
		{4, 4, 2, 1.5, 2},   // 1, 2, 0.5, 2
		{4, 4, 3, 2, 4.1},   // 5, 2, 0.5, 2
		{4, 4, 2, 32, 80.5}, // 1, 63, 0.5, 88
		{1, 1, 1, 63, 63},
	} {
		r := rep.Rules[i]
		if r.InScope != w.inScope || r.Started != w.inScope || r.Measured != w.measured || r.Breaches != w.breaches ||
			!near(r.MedianSeconds, hours(w.median)) || !near(r.P90Seconds, hours(w.p90)) {
			t.Errorf("%s: in scope %d, measured %d, breaches %d, median %v h, p90 %v h; want %+v",
				r.Name, r.InScope, r.Measured, r.Breaches, r.MedianSeconds/3600, r.P90Seconds/3600, w)
		}
		if len(r.Open) != 0 {
			t.Errorf("%s: open %v", r.Name, r.Open)
		}
	}
	first := rep.Rules[0]
	if first.BreachRate != 0.5 || !(first.RateLow < 0.5 && first.RateHigh > 0.5) {
		t.Errorf("rate %v [%v, %v]", first.BreachRate, first.RateLow, first.RateHigh)
	}
	// Weeks of the start instant: A and E in W10, D in W13, F in W14; the
	// empty weeks between are listed.
	var got []string
	for _, w := range first.Weeks {
		got = append(got, fmt.Sprintf("%s %s %d/%d", w.Week, w.Start, w.Breaches, w.Cases))
	}
	if s := strings.Join(got, ", "); s != "2026-W10 2026-03-02 0/2, 2026-W11 2026-03-09 0/0, 2026-W12 2026-03-16 0/0, 2026-W13 2026-03-23 1/1, 2026-W14 2026-03-30 1/1" {
		t.Errorf("weeks: %s", s)
	}
	if first.Change != nil {
		t.Errorf("change point on %d weeks: %+v", len(first.Weeks), first.Change)
	}
}

// Between rules start at the first from and stop at the first to after it;
// cancel calls a case off; an unfinished case is open and, past its target,
// breached.
func TestBetweenRule(t *testing.T) {
	l := buildLog(t,
		tcase{"c1", "", []string{"Open@2026-03-02 09:00", "Classify@2026-03-02 09:10", "Assign@2026-03-02 09:20", "Assign@2026-03-02 11:00"}},
		tcase{"c2", "", []string{"Open@2026-03-02 09:00", "Resolve@2026-03-02 09:15", "Reopen@2026-03-02 11:00", "Assign@2026-03-02 12:00"}},
		tcase{"c3", "", []string{"Open@2026-03-02 09:00"}},
		tcase{"c4", "", []string{"Assign@2026-03-02 08:00", "Open@2026-03-02 09:00", "Assign@2026-03-02 09:45"}},
		tcase{"c5", "", []string{"Classify@2026-03-02 09:00"}},
	)
	now := at(t, "2026-03-02 12:30")
	rep := evaluate(t, l, `
rules:
  - {name: assign, between: {from: Open, to: Assign, cancel: Resolve}, target: 30m}
  - {name: no cancel, between: {from: Open, to: Assign}, target: 30m}
`, Options{Now: now})
	r := rep.Rules[0]
	if r.InScope != 5 || r.Started != 4 || r.Cancelled != 1 || r.Measured != 2 || r.Breaches != 1 || r.OpenBreached != 1 || r.OpenAtRisk != 0 {
		t.Fatalf("in scope %d, started %d, cancelled %d, measured %d, breaches %d, open %d+%d",
			r.InScope, r.Started, r.Cancelled, r.Measured, r.Breaches, r.OpenBreached, r.OpenAtRisk)
	}
	if !near(r.MedianSeconds, hours(0.5*(20.0/60+0.75))) {
		t.Errorf("median %v s, want the mean of 20 and 45 min", r.MedianSeconds)
	}
	o := r.Open[0]
	if o.CaseID != "c3" || o.Status != "breached" || o.Basis != "breached" || *o.Probability != 1 ||
		!near(o.ElapsedSeconds, hours(3.5)) || o.TargetSeconds != 1800 || !o.Deadline.Equal(at(t, "2026-03-02 09:30")) || o.State != "Open" {
		t.Errorf("open case %+v", o)
	}
	// Without cancel, c2 is measured: 3 hours to the Assign after its reopening.
	if r := rep.Rules[1]; r.Measured != 3 || r.Breaches != 2 || r.Cancelled != 0 {
		t.Errorf("without cancel: measured %d, breaches %d", r.Measured, r.Breaches)
	}
}

// Activity caps: service time where a start exists, else the sojourn from
// the previous completion; a first instance without start has no duration;
// an instance running at Now is open.
func TestActivityRule(t *testing.T) {
	l := buildLog(t,
		tcase{"a1", "", []string{"Open@2026-03-02 09:00", "Investigate@2026-03-02 10:00..2026-03-02 13:00", "Investigate@2026-03-02 14:00..2026-03-02 15:00"}},
		tcase{"a2", "", []string{"Investigate@2026-03-02 11:00", "Review@2026-03-02 12:00", "Investigate@2026-03-02 16:00"}},
		tcase{"a3", "", []string{"Open@2026-03-03 09:00", "Investigate@2026-03-03 10:00..2026-03-03 17:00"}},
		// Friday 17:00 to Monday 09:00: 2 business hours.
		tcase{"a4", "", []string{"Open@2026-02-27 08:00", "Investigate@2026-02-27 17:00..2026-03-02 09:00"}},
	)
	rep := evaluate(t, l, deskCalendar+`
rules:
  - {name: wall, activity: Investigate, target: 2h30m}
  - {name: business, activity: Investigate, target: 2h30m, time: business}
`, Options{Now: at(t, "2026-03-03 12:00")})
	wall, bus := rep.Rules[0], rep.Rules[1]
	// wall: 3h, 1h, 4h (sojourn), 64h; a3 open; a2's first unmeasured.
	if wall.Unit != "instance" || wall.InScope != 6 || wall.Unmeasured != 1 || wall.Started != 5 || wall.Measured != 4 || wall.Breaches != 3 {
		t.Fatalf("wall: %+v", wall)
	}
	if bus.Measured != 4 || bus.Breaches != 2 || !near(bus.MedianSeconds, hours(2.5)) { // 3, 1, 4, 2
		t.Errorf("business: measured %d, breaches %d, median %v h", bus.Measured, bus.Breaches, bus.MedianSeconds/3600)
	}
	// a3 has run 2h of 2h30m; of the measured instances longer than 2h (3h,
	// 4h, 64h) all breached.
	o := wall.Open[0]
	if len(wall.Open) != 1 || o.CaseID != "a3" || o.Status != "open" || o.Basis != "all" || o.Reference != 3 || *o.Probability != 1 ||
		!near(o.ElapsedSeconds, hours(2)) || !o.Deadline.Equal(at(t, "2026-03-03 12:30")) || o.State != "Investigate" {
		t.Errorf("open: %+v", wall.Open)
	}
	if wall.Lost != nil {
		t.Errorf("activity rule with a lost section")
	}
	// At the log's end nothing is open: a timeline has completed instances only.
	rep = evaluate(t, l, `rules: [{name: wall, activity: Investigate, target: 2h30m}]`, Options{})
	if r := rep.Rules[0]; len(r.Open) != 0 || r.Measured != 5 {
		t.Errorf("at the end: measured %d, open %d", r.Measured, len(r.Open))
	}
}

// Open cases at risk: the empirical share of breaches among measured cases
// still open at the same elapsed time, in the same state when at least 30
// of them are.
func TestOpenRisk(t *testing.T) {
	base := time.Date(2026, 1, 5, 0, 0, 0, 0, ams)
	stamp := func(t time.Time) string { return t.In(ams).Format("2006-01-02 15:04") }
	var cases []tcase
	add := func(id string, start time.Time, steps ...any) {
		tc := tcase{id: id, steps: []string{"Open@" + stamp(start)}}
		for i := 0; i+1 < len(steps); i += 2 {
			tc.steps = append(tc.steps, fmt.Sprintf("%s@%s", steps[i], stamp(start.Add(time.Duration(steps[i+1].(float64)*float64(time.Hour))))))
		}
		cases = append(cases, tc)
	}
	// 35 cases wait for the customer (30 resolve at 8h, 5 at 4h), 35 are
	// worked on (30 resolve at 4h, 5 at 7h). Target 5h: 35 breaches.
	for i := range 70 {
		start := base.Add(time.Duration(i) * 24 * time.Hour)
		state, end := "Wait", 8.0
		switch {
		case i < 5:
			end = 4
		case i >= 35 && i < 65:
			state, end = "Work", 4
		case i >= 65:
			state, end = "Work", 7
		}
		add(fmt.Sprintf("m%02d", i), start, state, 1.0, "Resolve", end)
	}
	now := base.Add(100*24*time.Hour + 10*time.Hour)
	ago := func(h float64) time.Time { return now.Add(-time.Duration(h * float64(time.Hour))) }
	add("X", ago(3), "Wait", 1.0)
	add("Y", ago(3), "Work", 1.0)
	add("Z", ago(0.5))
	add("W", ago(4.5), "Work", 1.0)
	add("V", ago(9), "Wait", 1.0)
	l := buildLog(t, cases...)
	rep := evaluate(t, l, `
rules:
  - {name: five, case: {from: Open, to: Resolve}, target: 5h}
  - {name: ten, case: {from: Open, to: Resolve}, target: 10h}
`, Options{Now: now})
	type want struct {
		id, status, basis, state string
		p                        float64 // -1: unknown
		ref                      int64
	}
	check := func(r *Result, wants []want) {
		t.Helper()
		if len(r.Open) != len(wants) {
			t.Fatalf("%s: %d open, want %d", r.Name, len(r.Open), len(wants))
		}
		for i, w := range wants {
			o := r.Open[i]
			p := -1.0
			if o.Probability != nil {
				p = *o.Probability
			}
			if o.CaseID != w.id || o.Status != w.status || o.Basis != w.basis || o.State != w.state || !near(p, w.p) || o.Reference != w.ref {
				t.Errorf("%s: open[%d] = %s %s %s %s p=%v n=%d; want %+v", r.Name, i, o.CaseID, o.Status, o.Basis, o.State, p, o.Reference, w)
			}
		}
	}
	five := rep.Rules[0]
	if five.Measured != 70 || five.Breaches != 35 || five.OpenBreached != 1 || five.OpenAtRisk != 4 {
		t.Fatalf("five: measured %d, breaches %d, open %d+%d", five.Measured, five.Breaches, five.OpenBreached, five.OpenAtRisk)
	}
	check(five, []want{
		{"V", "breached", "breached", "Wait", 1, 0},
		{"W", "open", "all", "Work", 1, 35},           // only 5 Work cases run past 4.5h: all 35 longer ones breached
		{"X", "open", "state", "Wait", 30.0 / 35, 35}, // waiting at 3h: 30 of 35 breached
		{"Z", "open", "state", "Open", 0.5, 70},       // nothing done yet at 0.5h: all 70
		{"Y", "open", "state", "Work", 5.0 / 35, 35},  // worked on at 3h: 5 of 35 breached
	})
	if d := five.Open[2].Deadline; !d.Equal(ago(3).Add(5 * time.Hour)) {
		t.Errorf("deadline of X %v", d)
	}
	// With a 10h target nothing breached; V has run longer than any
	// measured case, so its probability is unknown and it is listed last.
	check(rep.Rules[1], []want{
		{"W", "open", "all", "Work", 0, 35},
		{"X", "open", "state", "Wait", 0, 35},
		{"Y", "open", "state", "Work", 0, 35},
		{"Z", "open", "state", "Open", 0, 70},
		{"V", "open", "none", "Wait", -1, 0},
	})
}

// Lost: the waiting inside the window, breached cases against the rest.
func TestLost(t *testing.T) {
	l := buildLog(t,
		// Breached (4.5h): waits Classify 0.5h, Investigate 2.5h, Resolve 0.5h.
		tcase{"L1", "", []string{"Open@2026-03-02 10:00", "Classify@2026-03-02 10:30", "Investigate@2026-03-02 13:00..2026-03-02 14:00", "Resolve@2026-03-02 14:30"}},
		// On target (2h): waits Classify 1h, Investigate 0.25h, Resolve 0.25h.
		tcase{"L2", "", []string{"Open@2026-03-02 10:00", "Classify@2026-03-02 11:00", "Investigate@2026-03-02 11:15..2026-03-02 11:45", "Resolve@2026-03-02 12:00"}},
	)
	rep := evaluate(t, l, `rules: [{name: r, case: {from: Open, to: Resolve}, target: 3h}]`, Options{})
	lost := rep.Rules[0].Lost
	if lost == nil || lost.BreachedCases != 1 || lost.OtherCases != 1 || !near(lost.BreachedWaitSeconds, hours(3.5)) || !near(lost.OtherWaitSeconds, hours(1.5)) {
		t.Fatalf("lost: %+v", lost)
	}
	want := []Loss{
		{Activity: "Investigate", BreachedShare: 2.5 / 3.5, OtherShare: 0.25 / 1.5, BreachedMeanSeconds: hours(2.5), OtherMeanSeconds: hours(0.25)},
		{Activity: "Classify", BreachedShare: 0.5 / 3.5, OtherShare: 1 / 1.5, BreachedMeanSeconds: hours(0.5), OtherMeanSeconds: hours(1)},
		{Activity: "Resolve", BreachedShare: 0.5 / 3.5, OtherShare: 0.25 / 1.5, BreachedMeanSeconds: hours(0.5), OtherMeanSeconds: hours(0.25)},
	}
	for i, w := range want {
		g := lost.Activities[i]
		if g.Activity != w.Activity || !near(g.BreachedShare, w.BreachedShare) || !near(g.OtherShare, w.OtherShare) ||
			!near(g.BreachedMeanSeconds, w.BreachedMeanSeconds) || !near(g.OtherMeanSeconds, w.OtherMeanSeconds) {
			t.Errorf("activities[%d] = %+v, want %+v", i, g, w)
		}
	}
	if h := lost.Handovers[0]; h.From != "Classify" || h.To != "Investigate" || !near(h.BreachedShare, 2.5/3.5) {
		t.Errorf("handovers[0] = %+v", h)
	}
}

// Per-case targets from an attribute; cases without a usable one are left
// out.
func TestTargetAttribute(t *testing.T) {
	l := buildLog(t,
		tcase{"t1", `{"sla_target_hours": 4.0}`, []string{"Open@2026-03-02 09:00", "Resolve@2026-03-02 14:00"}},
		tcase{"t2", `{"sla_target_hours": 8}`, []string{"Open@2026-03-02 09:00", "Resolve@2026-03-02 14:00"}},
		tcase{"t3", `{"sla_target_hours": "abc"}`, []string{"Open@2026-03-02 09:00", "Resolve@2026-03-02 14:00"}},
		tcase{"t4", `{"other": {"sla_target_hours": 1}}`, []string{"Open@2026-03-02 09:00", "Resolve@2026-03-02 14:00"}},
		tcase{"t5", `{"sla_target_hours": 0.5}`, []string{"Open@2026-03-02 09:00"}},
	)
	rep := evaluate(t, l, deskCalendar+`
rules:
  - {name: r, case: {from: Open, to: Resolve}, target: {attribute: sla_target_hours}, time: business}
  - {name: minutes, case: {from: Open, to: Resolve}, target: {attribute: sla_target_hours, unit: 1m}}
`, Options{Now: at(t, "2026-03-02 15:00")})
	r := rep.Rules[0]
	if r.InScope != 3 || r.NoTarget != 2 || r.Measured != 2 || r.Breaches != 1 || r.TargetAttribute != "sla_target_hours" || r.TargetUnitSeconds != 3600 {
		t.Errorf("in scope %d, no target %d, measured %d, breaches %d", r.InScope, r.NoTarget, r.Measured, r.Breaches)
	}
	if o := r.Open[0]; o.CaseID != "t5" || o.Status != "breached" || o.TargetSeconds != 1800 || !o.Deadline.Equal(at(t, "2026-03-02 09:30")) {
		t.Errorf("open %+v", o)
	}
	if r := rep.Rules[1]; r.Breaches != 2 {
		t.Errorf("targets in minutes: %d breaches", r.Breaches)
	}
}

// The weekly trend is by the start instant in the calendar's zone, and a
// step in the rate is found by the change-point test.
func TestTrend(t *testing.T) {
	var cases []tcase
	for w := range 10 {
		open := time.Date(2026, 1, 5+7*w, 10, 0, 0, 0, ams)
		end := open.Add(time.Hour)
		if w >= 5 {
			end = open.Add(3 * time.Hour)
		}
		f := func(t time.Time) string { return t.Format("2006-01-02 15:04") }
		cases = append(cases, tcase{fmt.Sprint(w), "", []string{"Open@" + f(open), "Resolve@" + f(end)}})
	}
	l := buildLog(t, cases...)
	rep := evaluate(t, l, `rules: [{name: r, case: {from: Open, to: Resolve}, target: 2h}]`, Options{})
	r := rep.Rules[0]
	// A clean step after five of ten weeks: Pettitt's K = 25 (U_5 with
	// midranks 3 and 8), P = 2·exp(-6K²/(n³+n²)).
	ch := r.Change
	if ch == nil || ch.Since != "2026-W07" || ch.Before != 0 || ch.After != 1 || !near(ch.P, 2*math.Exp(-6.0*25*25/(1000+100))) {
		t.Fatalf("change: %+v", ch)
	}
	if ch.Significant != (ch.P < 0.05) || !strings.HasPrefix(ch.Text, "since 2026-W07 the breach rate went from 0% to 100% (p = 0.066)") {
		t.Errorf("change: %+v", ch)
	}
	// Sunday 1 March 23:30 UTC is Monday 00:30 in Amsterdam: week 9 in UTC,
	// week 10 in the calendar's zone.
	late := buildLog(t, tcase{"late", "", []string{"Open@2026-03-02 00:30", "Resolve@2026-03-02 01:00"}})
	for _, c := range []struct{ cal, zone, week string }{{"", "UTC", "2026-W09"}, {deskCalendar, "Europe/Amsterdam", "2026-W10"}} {
		rep := evaluate(t, late, c.cal+`rules: [{name: r, case: {from: Open, to: Resolve}, target: 2h}]`, Options{})
		if w := rep.Rules[0].Weeks; rep.Zone != c.zone || len(w) != 1 || w[0].Week != c.week || w[0].Cases != 1 {
			t.Errorf("in %s: weeks %+v", rep.Zone, w)
		}
	}
}

// Names the log lacks are warnings, not errors; a malformed timeline is an
// error.
func TestWarningsAndErrors(t *testing.T) {
	l := buildLog(t, tcase{"c", `{"priority": "P1"}`, []string{"Open@2026-03-02 09:00", "Resolve@2026-03-02 10:00"}})
	rep := evaluate(t, l, `
rules:
  - {name: a, activity: Triage, target: 1h}
  - {name: b, between: {from: Open, to: Fix}, target: 1h}
  - {name: c, case: {to: Resolve}, target: 1h, where: {prio: P1}}
  - {name: d, case: {to: Resolve, cancel: Nope}, target: 1h}
`, Options{})
	for i, want := range []string{`activity "Triage" does not occur in the log`, `activity "Fix" does not occur in the log`,
		`no case has attribute "prio"`, `cancel activity "Nope" does not occur in the log`} {
		r := rep.Rules[i]
		if len(r.Warnings) != 1 || r.Warnings[0] != want {
			t.Errorf("%s: warnings %q, want %q", r.Name, r.Warnings, want)
		}
	}
	if r := rep.Rules[3]; r.Measured != 1 {
		t.Errorf("an unknown cancel activity stopped the rule")
	}
	bad := *l
	bad.Time = bad.Time[:1]
	if _, err := Evaluate(&bad, mustParse(t, `rules: [{name: a, activity: Open, target: 1h}]`), Options{}); !errors.Is(err, ErrLog) {
		t.Errorf("malformed log: %v", err)
	}
	if _, err := Evaluate(l, mustParse(t, `rules: [{name: a, activity: Open, target: 1h}]`), Options{Level: 2}); err == nil {
		t.Error("level 2 accepted")
	}
	for _, r := range []Rule{
		{Name: "no kind", Target: time.Hour},
		{Name: "no activity", Kind: KindActivity, Target: time.Hour},
		{Name: "half between", Kind: KindBetween, From: "Open", Target: time.Hour},
		{Name: "no target", Kind: KindCase},
		{Name: "two targets", Kind: KindCase, Target: time.Hour, TargetAttribute: "t"},
	} {
		if _, err := Evaluate(l, &Rules{Rules: []Rule{r}}, Options{}); err == nil || !strings.Contains(err.Error(), r.Name) {
			t.Errorf("%s: %v", r.Name, err)
		}
	}
	// A log built without case attributes; a Rules value without calendar
	// and a per-case target with the default unit.
	noAttrs := *l
	noAttrs.CaseAttrs = nil
	rep, err := Evaluate(&noAttrs, &Rules{Rules: []Rule{
		{Name: "where", Kind: KindCase, Target: time.Hour, Where: []Condition{{"priority", []string{"P1"}}}},
		{Name: "attr", Kind: KindCase, TargetAttribute: "sla_target_hours"},
	}}, Options{})
	if err != nil || rep.Rules[0].InScope != 0 || rep.Rules[1].TargetUnitSeconds != 3600 || len(rep.Rules[1].Warnings) != 1 {
		t.Errorf("no attributes: %v, %+v", err, rep)
	}
	empty := &timeline.Log{CaseStart: []int32{0}}
	if _, err := Evaluate(empty, mustParse(t, `rules: [{name: a, activity: Open, target: 1h}]`), Options{}); err != nil {
		t.Errorf("empty log: %v", err)
	}
}

// An earlier Now replays the log as it stood then.
func TestNowReplay(t *testing.T) {
	l := buildLog(t,
		tcase{"c1", "", []string{"Open@2026-03-02 09:00", "Resolve@2026-03-02 10:00"}},
		tcase{"c2", "", []string{"Open@2026-03-02 09:30", "Resolve@2026-03-02 13:00"}},
		tcase{"c3", "", []string{"Open@2026-03-02 12:00", "Resolve@2026-03-02 12:30"}},
	)
	rep := evaluate(t, l, `rules: [{name: r, case: {from: Open, to: Resolve}, target: 2h}]`, Options{Now: at(t, "2026-03-02 11:00")})
	r := rep.Rules[0]
	if r.InScope != 2 || r.Measured != 1 || len(r.Open) != 1 || r.Open[0].CaseID != "c2" || !near(r.Open[0].ElapsedSeconds, hours(1.5)) {
		t.Errorf("at 11:00: in scope %d, measured %d, open %+v", r.InScope, r.Measured, r.Open)
	}
	if !rep.Now.Equal(at(t, "2026-03-02 11:00")) {
		t.Errorf("now %v", rep.Now)
	}
}

// Business time over the spring DST change: a calendar working around the
// clock counts the short night, and deadlines are the calendar's Add.
func TestBusinessDST(t *testing.T) {
	l := buildLog(t,
		tcase{"D", "", []string{"Open@2026-03-27 17:00", "Resolve@2026-03-30 09:00"}},
		tcase{"G", "", []string{"Open@2026-03-27 17:30"}},
	)
	now := at(t, "2026-03-30 09:00")
	rep := evaluate(t, l, `
calendar: {timezone: Europe/Amsterdam, hours: {mon-sun: ["00:00-24:00"]}}
rules: [{name: r, case: {from: Open, to: Resolve}, target: 63h, time: business}]
`, Options{Now: now})
	r := rep.Rules[0]
	if r.MedianSeconds != hours(63) || r.Breaches != 0 {
		t.Errorf("around the clock: %v h, %d breaches; want 63 h, 0", r.MedianSeconds/3600, r.Breaches)
	}
	if o := r.Open[0]; o.CaseID != "G" || o.ElapsedSeconds != hours(62.5) || !o.Deadline.Equal(at(t, "2026-03-30 09:30")) || o.Status != "open" {
		t.Errorf("open G: %+v", o)
	}
	// Desk hours: D took 1h + 1h; G has had 30 min + 1 h and is due on
	// Monday 09:30 (CEST) after 30 more.
	rep = evaluate(t, l, deskCalendar+`rules: [{name: r, case: {from: Open, to: Resolve}, target: 2h, time: business}]`, Options{Now: now})
	r = rep.Rules[0]
	if r.MedianSeconds != hours(2) || r.Breaches != 0 {
		t.Errorf("desk hours: D took %v h", r.MedianSeconds/3600)
	}
	if o := r.Open[0]; o.ElapsedSeconds != hours(1.5) || !o.Deadline.Equal(at(t, "2026-03-30 09:30")) || o.Deadline.Format("-07:00") != "+02:00" {
		t.Errorf("open G with desk hours: %+v", o)
	}
}

// A log longer than the SLA clocks can count (292 years in nanoseconds) is
// refused with ErrSpan, never measured with a wrapped-around clock.
func TestEvaluateRefusesSpanOverClock(t *testing.T) {
	l := buildLog(t,
		tcase{id: "old", steps: []string{"Open@0001-01-01 00:00", "Resolve@0001-01-02 00:00"}},
		tcase{id: "new", steps: []string{"Open@9999-12-30 00:00", "Resolve@9999-12-31 00:00"}},
	)
	_, err := Evaluate(l, mustParse(t, "rules:\n  - name: r\n    case: {from: Open, to: Resolve}\n    target: 4h\n"), Options{})
	if !errors.Is(err, ErrSpan) || !strings.Contains(err.Error(), "to 9999-12-30") {
		t.Fatalf("err = %v, want ErrSpan naming the log's span", err)
	}
}
