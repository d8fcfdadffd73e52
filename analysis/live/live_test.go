package live

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/sla"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC) // a Monday

func at(d time.Duration) int64 { return t0.Add(d).UnixMicro() }

func rules(t *testing.T, src string) *sla.Rules {
	t.Helper()
	r, err := sla.Parse(strings.NewReader(src), "rules.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func ev(c, a string, d time.Duration, more ...string) Event {
	e := Event{Case: c, Activity: a, Time: at(d)}
	if len(more) > 0 {
		e.Resource = more[0]
	}
	if len(more) > 1 {
		e.Lifecycle = more[1]
	}
	return e
}

var profile = Profile{End: []string{"Close"}, StuckAfter: map[string]float64{"Open": 3600, "Investigate": 7200},
	Next: map[string]map[string]float64{"Open": {"Investigate": 0.75, "Close": 0.25}}}

func apply(t *testing.T, s *State, es ...Event) []Alert {
	t.Helper()
	a, err := s.Apply(Batch{Events: es})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Counts follow the stream: arrivals, open cases by last activity, work
// started and not completed (start/complete pairs make one instance),
// expected waiting before the next activity, completions and throughput.
func TestCounts(t *testing.T) {
	s := New(Options{Log: "l", Profile: profile})
	apply(t, s, ev("a", "Open", 0, "ann"), ev("b", "Open", 10*time.Minute, "bob"), ev("c", "Open", 70*time.Minute))
	apply(t, s, ev("a", "Investigate", 80*time.Minute, "ann", "start"), ev("b", "Close", 90*time.Minute))
	o := s.Overview(0)
	if o.Open != 2 || o.Events != 5 || o.Batches != 2 {
		t.Fatalf("open %d events %d batches %d", o.Open, o.Events, o.Batches)
	}
	want := []ActivityLoad{{Activity: "Close", Waiting: 0.5}, {Activity: "Investigate", Inside: 1, Waiting: 1.5}, {Activity: "Open", After: 2}}
	if !reflect.DeepEqual(o.Activities, want) {
		t.Errorf("activities %+v, want %+v", o.Activities, want)
	}
	if len(o.Hours) != 2 || o.Hours[0].Arrivals != 2 || o.Hours[1].Arrivals != 1 || o.Hours[1].Completions != 1 || o.Hours[0].Open != 2 || o.Hours[1].Open != 2 {
		t.Errorf("hours %+v", o.Hours)
	}
	if o.Throughput.Cases != 1 || o.Throughput.Median != 80*60 {
		t.Errorf("throughput %+v", o.Throughput)
	}
	// The completion closes the started instance: one step, not two.
	apply(t, s, ev("a", "Investigate", 100*time.Minute, "ann", "complete"))
	o = s.Overview(0)
	if o.Activities[1].Inside != 0 || o.Activities[1].After != 1 || o.Events != 6 {
		t.Errorf("after the completion: %+v", o.Activities)
	}
	if c := s.cases["a"]; len(c.acts) != 2 || c.starts[1] != at(80*time.Minute) {
		t.Errorf("case a: %+v", c)
	}
}

// Rework, a reopened case and dead letters reach the exceptions feed,
// newest first; a reopened case is open again and counts no new arrival.
func TestExceptions(t *testing.T) {
	s := New(Options{Log: "l", Profile: profile})
	apply(t, s, ev("a", "Open", 0), ev("a", "Investigate", time.Hour), ev("a", "Investigate", 2*time.Hour), ev("a", "Close", 3*time.Hour))
	if _, err := s.Apply(Batch{Events: []Event{ev("a", "Reopen", 4*time.Hour)},
		DeadLetters: []DeadLetter{{Where: "incidents/0/17", Reason: "not JSON", At: at(4 * time.Hour)}}}); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range s.Exceptions(0) {
		kinds = append(kinds, e.Kind+":"+e.Case)
	}
	if got := strings.Join(kinds, ","); got != "dead-letter:,reopen:a,rework:a" {
		t.Errorf("exceptions %s", got)
	}
	o := s.Overview(0)
	arrivals := 0
	for _, h := range o.Hours {
		arrivals += h.Arrivals
	}
	if o.Open != 1 || arrivals != 1 || o.Hours[len(o.Hours)-1].Open != 1 {
		t.Errorf("after reopening: open %d, arrivals %d, hours %+v", o.Open, arrivals, o.Hours)
	}
}

const caseRule = `
rules:
  - name: resolved in 4 hours
    case: {from: Open, to: Resolve}
    target: 4h
`

// A clock opens with the case, is at risk after 3 of its 4 hours, breached
// after 4 — each alert once, whatever ticks follow — and leaves the
// worklist when the case is resolved.
func TestClocksAndAlerts(t *testing.T) {
	s := New(Options{Log: "l", Profile: profile, Rules: rules(t, caseRule)})
	if a := apply(t, s, ev("a", "Open", 0, "ann"), ev("b", "Open", time.Hour)); len(a) != 0 {
		t.Fatalf("alerts at once: %+v", a)
	}
	w := s.Worklist(true, 0)
	if len(w) != 2 || w[0].Case != "a" || w[0].Status != "on-track" || w[0].Deadline != t0.Add(4*time.Hour) || w[0].LeftSeconds != 3*3600 || w[0].Resource != "ann" {
		t.Fatalf("worklist %+v", w)
	}
	if len(s.Worklist(false, 0)) != 0 {
		t.Error("cases on track in the at-risk worklist")
	}
	a := s.Tick(at(3*time.Hour + time.Second))
	if len(a) != 1 || a[0].Case != "a" || a[0].Kind != "at-risk" || !a[0].At.Equal(t0.Add(3*time.Hour)) || a[0].LastActivity != "Open" {
		t.Fatalf("at 3 h: %+v", a)
	}
	if a := s.Tick(at(3*time.Hour + 2*time.Second)); len(a) != 0 {
		t.Errorf("raised again: %+v", a)
	}
	a = s.Tick(at(4*time.Hour + 30*time.Minute))
	if len(a) != 2 || a[0].Kind != "breach" || a[0].Case != "a" || !a[0].At.Equal(t0.Add(4*time.Hour)) || a[1].Kind != "at-risk" || a[1].Case != "b" {
		t.Fatalf("at 4.5 h: %+v", a)
	}
	if w := s.Worklist(false, 0); len(w) != 2 || w[0].Status != "breached" || w[0].LeftSeconds != -1800 || w[1].Status != "at-risk" {
		t.Errorf("worklist at 4.5 h %+v", w)
	}
	// Resolving a stops its clock (its breach is not raised again); the
	// stream's clock passing b's deadline breaches b.
	a = apply(t, s, ev("a", "Resolve", 5*time.Hour+time.Minute))
	if len(a) != 1 || a[0].Case != "b" || a[0].Kind != "breach" {
		t.Errorf("alerts when resolving a: %+v", a)
	}
	if w := s.Worklist(true, 0); len(w) != 1 || w[0].Case != "b" {
		t.Errorf("worklist after resolving a: %+v", w)
	}
	if got := len(s.Alerts(0)); got != 4 {
		t.Errorf("%d alerts listed, want 4", got)
	}
	// A case opened and resolved late within one batch breaches without a
	// clock ever seen open: one alert, at once.
	a = apply(t, s, ev("c", "Open", 6*time.Hour), ev("c", "Resolve", 11*time.Hour))
	if len(a) != 1 || a[0].Case != "c" || a[0].Kind != "breach" {
		t.Errorf("late breach: %+v", a)
	}
}

// Seeded alert keys (raised before a restart) are not raised again.
func TestSeedAvoidsDuplicates(t *testing.T) {
	s := New(Options{Log: "l", Profile: profile, Rules: rules(t, caseRule)})
	s.Seed([]string{AlertKey("l", "a", "resolved in 4 hours", "at-risk")})
	apply(t, s, ev("a", "Open", 0))
	a := s.Tick(at(5 * time.Hour))
	if len(a) != 1 || a[0].Kind != "breach" {
		t.Errorf("alerts %+v, want the breach only", a)
	}
}

// Business-hours clocks count working time only: a case opened Friday
// 16:00 with an 8-business-hour target (Monday to Friday 08:00–18:00) is
// due Monday 14:00 and at risk from Monday 12:00 (6 working hours).
func TestBusinessClock(t *testing.T) {
	r := rules(t, `
calendar: {timezone: UTC, hours: {mon-fri: ["08:00-18:00"]}}
rules:
  - name: eight business hours
    case: {from: Open, to: Resolve}
    target: 8h
    time: business
`)
	s := New(Options{Log: "l", Profile: profile, Rules: r})
	fri := time.Date(2026, 3, 6, 16, 0, 0, 0, time.UTC)
	if _, err := s.Apply(Batch{Events: []Event{{Case: "a", Activity: "Open", Time: fri.UnixMicro()}}}); err != nil {
		t.Fatal(err)
	}
	w := s.Worklist(true, 0)
	mon := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	if len(w) != 1 || !w[0].Deadline.Equal(mon.Add(14*time.Hour)) {
		t.Fatalf("worklist %+v", w)
	}
	if a := s.Tick(mon.Add(11*time.Hour + 59*time.Minute).UnixMicro()); len(a) != 0 {
		t.Errorf("at risk too early: %+v", a)
	}
	if a := s.Tick(mon.Add(12 * time.Hour).UnixMicro()); len(a) != 1 || a[0].Kind != "at-risk" || !a[0].At.Equal(mon.Add(12*time.Hour)) {
		t.Errorf("not at risk at Monday 12:00: %+v", a)
	}
}

// A case idle after its last step for longer than that step's usual wait
// is stuck; an ended case never is.
func TestStuck(t *testing.T) {
	s := New(Options{Log: "l", Profile: profile})
	apply(t, s, ev("a", "Open", 0, "ann"), ev("b", "Open", 30*time.Minute), ev("c", "Open", 0), ev("c", "Close", 10*time.Minute))
	apply(t, s, ev("d", "Investigate", 90*time.Minute))
	st := s.Stuck(0)
	if len(st) != 1 || st[0].Case != "a" || st[0].IdleSeconds != 5400 || st[0].UsualSeconds != 3600 || st[0].Resource != "ann" {
		t.Errorf("stuck %+v", st)
	}
}

// Rebuilding from the stored log gives the state that following the same
// events batch by batch gave, and raises no alert for breaches the history
// measured.
func TestRebuildEqualsIncremental(t *testing.T) {
	r := rules(t, caseRule)
	stream := []Event{ev("a", "Open", 0, "ann"), ev("b", "Open", time.Hour), ev("a", "Investigate", 2*time.Hour, "bob"),
		ev("a", "Resolve", 7*time.Hour), ev("a", "Close", 8*time.Hour), ev("c", "Open", 9*time.Hour), ev("c", "Investigate", 9*time.Hour+time.Minute),
		ev("c", "Investigate", 10*time.Hour)}
	inc := New(Options{Log: "l", Profile: profile, Rules: r})
	for i := 0; i < len(stream); i += 3 {
		apply(t, inc, stream[i:min(i+3, len(stream))]...)
	}
	l := inc.timelineOf([]*caseState{inc.cases["a"], inc.cases["b"], inc.cases["c"]})
	re := New(Options{Log: "l", Profile: profile, Rules: r})
	alerts, err := re.Rebuild(l, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Case == "a" {
			t.Errorf("the history's breach of a alerted: %+v", a)
		}
	}
	oi, or := inc.Overview(0), re.Overview(0)
	oi.Batches, or.Batches = 0, 0
	if !reflect.DeepEqual(oi, or) {
		t.Errorf("overview\nincremental %+v\nrebuilt     %+v", oi, or)
	}
	if wi, wr := inc.Worklist(true, 0), re.Worklist(true, 0); !reflect.DeepEqual(wi, wr) {
		t.Errorf("worklist\nincremental %+v\nrebuilt     %+v", wi, wr)
	}
	if si, sr := inc.Stuck(0), re.Stuck(0); !reflect.DeepEqual(si, sr) {
		t.Errorf("stuck\nincremental %+v\nrebuilt     %+v", si, sr)
	}
}

// Hours beyond the window fold into the open count's base: the counts
// kept stay right.
func TestWindow(t *testing.T) {
	s := New(Options{Log: "l", Profile: profile, Window: 3})
	apply(t, s, ev("a", "Open", 0), ev("b", "Open", time.Hour), ev("a", "Close", 2*time.Hour))
	apply(t, s, ev("c", "Open", 5*time.Hour))
	o := s.Overview(0)
	if len(o.Hours) != 3 || o.Hours[0].Open != 1 || o.Hours[2].Open != 2 || o.Hours[2].Arrivals != 1 {
		t.Errorf("hours %+v", o.Hours)
	}
}

func TestLifecycleKind(t *testing.T) {
	for v, want := range map[string]int{"": liInstance, "COMPLETE": liInstance, "start": liStart, "Start": liStart, "schedule": liSkip, "resume": liSkip, "approved": liInstance} {
		if got := lifecycleKind(v); got != want {
			t.Errorf("%q: %d, want %d", v, got, want)
		}
	}
}

// Learn reads the history: the p95 of the wait after each activity, the
// activities that end cases, and what follows what.
func TestLearn(t *testing.T) {
	s := New(Options{Log: "h"})
	var es []Event
	for i := range 40 {
		c := string(rune('A'+i%26)) + string(rune('a'+i/26))
		d := time.Duration(i) * time.Hour
		es = append(es, ev(c, "Open", d), ev(c, "Work", d+time.Duration(i+1)*time.Minute), ev(c, "Close", d+time.Duration(i+1)*time.Minute+time.Hour))
	}
	apply(t, s, es...)
	var cases []*caseState
	for _, c := range s.cases {
		cases = append(cases, c)
	}
	p := Learn(s.timelineOf(cases))
	// Waits after Open are 1..40 minutes: the 95th percentile is the 38th.
	if p.StuckAfter["Open"] != 38*60 || p.StuckAfter["Work"] != 3600 || len(p.StuckAfter) != 2 {
		t.Errorf("stuck after %v", p.StuckAfter)
	}
	if strings.Join(p.End, ",") != "Close" {
		t.Errorf("end activities %v", p.End)
	}
	if p.Next["Open"]["Work"] != 1 || p.Next["Work"]["Close"] != 1 {
		t.Errorf("next %v", p.Next)
	}
}

// However a stream is cut into batches, the state is the same.
func TestBatchingDoesNotMatter(t *testing.T) {
	r := rules(t, caseRule)
	rng := rand.New(rand.NewPCG(3, 4))
	acts := []string{"Open", "Investigate", "Resolve", "Close"}
	var stream []Event
	for c := range 60 {
		id := "c" + strconv.Itoa(c)
		tt := time.Duration(rng.IntN(48)) * time.Hour
		for _, a := range acts[:1+rng.IntN(4)] {
			tt += time.Duration(rng.IntN(300)) * time.Minute
			stream = append(stream, ev(id, a, tt, "r"+strconv.Itoa(rng.IntN(3))))
			if rng.IntN(8) == 0 {
				stream = append(stream, ev(id, "Investigate", tt+time.Minute)) // rework
			}
		}
	}
	slices.SortStableFunc(stream, func(a, b Event) int { return cmpInt(a.Time, b.Time) })
	whole := New(Options{Log: "l", Profile: profile, Rules: r})
	apply(t, whole, stream...)
	for _, size := range []int{1, 7, 50} {
		cut := New(Options{Log: "l", Profile: profile, Rules: r})
		for i := 0; i < len(stream); i += size {
			apply(t, cut, stream[i:min(i+size, len(stream))]...)
		}
		ow, oc := whole.Overview(0), cut.Overview(0)
		ow.Batches, oc.Batches = 0, 0
		if !reflect.DeepEqual(ow, oc) {
			t.Errorf("batches of %d: overview\n%+v\n%+v", size, ow, oc)
		}
		if ww, wc := whole.Worklist(true, 0), cut.Worklist(true, 0); !reflect.DeepEqual(ww, wc) {
			t.Errorf("batches of %d: worklist\n%+v\n%+v", size, ww, wc)
		}
		if sw, sc := whole.Stuck(0), cut.Stuck(0); !reflect.DeepEqual(sw, sc) {
			t.Errorf("batches of %d: stuck differs", size)
		}
	}
}

// While a backlog is caught up, one partition's events can run hours
// ahead of another's: clocks are judged at the batch's watermark (the
// lagging partitions' latest time), so the lagging cases are not called
// late by the leading partition's clock. Without it, case a looks
// breached at b's 10 h although its own partition has only reached 1 h.
func TestWatermarkHoldsClocksWhileCatchingUp(t *testing.T) {
	for _, c := range []struct {
		name      string
		watermark int64
		want      int // alerts for case a
	}{
		{"with the watermark", at(time.Hour), 0},
		{"without", 0, 1}, // the breach (its risk point passed unseen)
	} {
		t.Run(c.name, func(t *testing.T) {
			s := New(Options{Log: "l", Profile: profile, Rules: rules(t, caseRule)})
			alerts, err := s.Apply(Batch{Events: []Event{ev("a", "Open", 0, "ann"), ev("b", "Open", 10*time.Hour)}, Watermark: c.watermark})
			if err != nil {
				t.Fatal(err)
			}
			alerts = append(alerts, s.Tick(at(10*time.Hour+time.Minute))...)
			var forA int
			for _, a := range alerts {
				if a.Case == "a" {
					forA++
				}
			}
			if forA != c.want {
				t.Fatalf("%d alerts for a, want %d: %+v", forA, c.want, alerts)
			}
			if c.watermark != 0 {
				if w := s.Worklist(false, 0); len(w) != 0 {
					t.Errorf("worklist while catching up: %+v", w)
				}
				// a's partition catches up: a is resolved within its
				// target; no alert was ever due.
				if a := apply(t, s, ev("a", "Resolve", 2*time.Hour)); len(a) != 0 {
					t.Errorf("alerts after catching up: %+v", a)
				}
			}
		})
	}
}

// A case that ends in a partition read ahead of the watermark is judged
// with its whole stream: its clock stops at its last event even though
// that event is later than the instant clocks are judged at, and no alert
// follows when the watermark passes its deadline (the benchmark's backlog
// raised thousands of such false breaches).
func TestCaseEndedAheadOfTheWatermark(t *testing.T) {
	s := New(Options{Log: "l", Profile: profile, Rules: rules(t, caseRule)})
	// Partition 1 (case a) is read up to 9 h, partition 2 (case b) up to
	// 1 h: the watermark is 1 h.
	alerts, err := s.Apply(Batch{Events: []Event{ev("a", "Open", 0), ev("b", "Open", 30*time.Minute),
		ev("a", "Resolve", 2*time.Hour), ev("c", "Open", 5*time.Hour), ev("c", "Resolve", 9*time.Hour+30*time.Minute)}, Watermark: at(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// c's clock ran past its deadline (resolved at 9.5 h, 4.5 h after it opened) without
	// ever being seen open: the breach is news once, at once.
	if len(alerts) != 1 || alerts[0].Case != "c" || alerts[0].Kind != "breach" {
		t.Fatalf("alerts of the first batch: %+v, want c's breach", alerts)
	}
	// Partition 2 catches up: b is resolved in time, then both partitions
	// move on to 20 h. Only b's clock was ever open.
	alerts, err = s.Apply(Batch{Events: []Event{ev("b", "Resolve", 3*time.Hour), ev("d", "Open", 20*time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 0 {
		t.Fatalf("alerts after catching up: %+v, want none", alerts)
	}
	if w := s.Worklist(true, 0); len(w) != 1 || w[0].Case != "d" {
		t.Errorf("worklist: %+v, want d's clock alone", w)
	}
}

// A state rebuilt while a backlog is caught up (pmx serve relearning a
// profile) judges its clocks at the watermark it is given, as the state it
// replaces did: the lagging partition's open case is not at risk yet.
func TestRebuildAtTheWatermark(t *testing.T) {
	r := rules(t, caseRule)
	src := New(Options{Log: "l", Profile: profile, Rules: r})
	if _, err := src.Apply(Batch{Events: []Event{ev("a", "Open", 0), ev("b", "Open", 8*time.Hour), ev("b", "Resolve", 9*time.Hour)},
		Watermark: at(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	l := src.timelineOf([]*caseState{src.cases["a"], src.cases["b"]})
	for _, c := range []struct {
		watermark int64
		want      int
	}{{src.Watermark(), 0}, {0, 1}} {
		re := New(Options{Log: "l", Profile: profile, Rules: r})
		alerts, err := re.Rebuild(l, c.watermark)
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != c.want {
			t.Errorf("rebuilt at watermark %d: alerts %+v, want %d", c.watermark, alerts, c.want)
		}
	}
}

// Names that share bytes (one buffer sliced, as BatchOf slices case ids)
// are told apart by length, and an activity named like a resource keeps
// its own index.
func TestNamesSharingBytes(t *testing.T) {
	buf := "ReviewReviewed"
	s := New(Options{Log: "l"})
	apply(t, s, ev("a", buf[:6], 0, buf[:6]), ev("a", buf, time.Minute, buf), ev("b", buf[:6], 2*time.Minute, buf))
	apply(t, s, ev("b", buf, 3*time.Minute, buf[:6]))
	if !reflect.DeepEqual(s.acts, []string{"Review", "ReviewReviewed"}) || !reflect.DeepEqual(s.res, []string{"Review", "ReviewReviewed"}) {
		t.Fatalf("activities %q, resources %q", s.acts, s.res)
	}
	for _, c := range []struct {
		id   string
		acts []int32
		res  []int32
	}{{"a", []int32{0, 1}, []int32{0, 1}}, {"b", []int32{0, 1}, []int32{1, 0}}} {
		if got := s.cases[c.id]; !reflect.DeepEqual(got.acts, c.acts) || !reflect.DeepEqual(got.res, c.res) {
			t.Errorf("case %s: activities %v resources %v, want %v %v", c.id, got.acts, got.res, c.acts, c.res)
		}
	}
}
