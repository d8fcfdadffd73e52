package sla

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/stats"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Options tunes Evaluate. The zero value gives the defaults.
type Options struct {
	// Now is the instant the log is judged at; instances completing after it
	// are ignored. Zero: the log's last completion (the extraction time).
	Now time.Time
	// Level is the confidence level of the Wilson intervals; 0 means 0.95.
	Level float64
	// Alpha is the significance level of the weekly change-point test; 0
	// means 0.05.
	Alpha float64
}

// ErrLog reports a timeline whose arrays do not fit together.
var ErrLog = errors.New("sla: malformed timeline")

// ErrSpan reports a log (with Now) spanning more than the about 292 years
// SLA clocks can count in int64 nanoseconds.
var ErrSpan = errors.New("service levels are measured over at most 292 years and the log spans more")

// Evaluate judges every rule against the log; see the package
// documentation for what each figure means. It fails only on a malformed
// timeline or options; problems of a single rule (an activity the log does
// not have) are warnings in its Result.
func Evaluate(l *timeline.Log, rules *Rules, opt Options) (*Report, error) {
	if l == nil || rules == nil {
		return nil, errors.New("sla: nil log or rules")
	}
	if err := checkLog(l); err != nil {
		return nil, err
	}
	for i := range rules.Rules {
		if err := rules.Rules[i].check(); err != nil {
			return nil, fmt.Errorf("sla: rules[%d] %q: %w", i, rules.Rules[i].Name, err)
		}
	}
	if opt.Level == 0 {
		opt.Level = 0.95
	}
	if opt.Alpha == 0 {
		opt.Alpha = 0.05
	}
	if !(opt.Level > 0 && opt.Level < 1) || !(opt.Alpha > 0 && opt.Alpha < 1) {
		return nil, fmt.Errorf("sla: level %v and alpha %v must lie in (0, 1)", opt.Level, opt.Alpha)
	}
	cal := rules.Calendar
	if cal == nil {
		cal = calendar.Always()
	}
	e := &env{l: l, cal: cal, loc: cal.Location(), opt: opt}
	origin, last := int64(math.MaxInt64), int64(math.MinInt64)
	for i, t := range l.Time {
		origin, last = min(origin, t), max(last, t)
		if s := l.Start[i]; s != timeline.None && s <= t {
			origin = min(origin, s)
		}
	}
	if l.Steps() == 0 {
		origin, last = 0, 0
	}
	e.now = last
	if !opt.Now.IsZero() {
		e.now = opt.Now.UnixMicro()
	}
	origin = min(origin, e.now)
	// The clocks count nanoseconds in an int64, about 292 years: a longer
	// span would wrap around into wrong figures, so it is refused.
	if hi := max(last, e.now); hi/1000-origin/1000 > math.MaxInt64/int64(time.Millisecond) {
		return nil, fmt.Errorf("sla: %w: the log runs from %s to %s", ErrSpan,
			time.UnixMicro(origin).UTC().Format(time.RFC3339), time.UnixMicro(hi).UTC().Format(time.RFC3339))
	}
	e.acts = make(map[string]int32, len(l.Activities))
	for i, a := range l.Activities {
		e.acts[a] = int32(i)
	}
	e.ends = make([]int32, l.Cases())
	for c := range e.ends {
		lo, hi := l.CaseStart[c], l.CaseStart[c+1]
		for hi > lo && l.Time[hi-1] > e.now {
			hi--
		}
		e.ends[c] = hi
	}
	var keys []string
	business := false
	for _, r := range rules.Rules {
		for _, w := range r.Where {
			keys = append(keys, w.Attribute)
		}
		if r.TargetAttribute != "" {
			keys = append(keys, r.TargetAttribute)
		}
		business = business || r.Business
	}
	slices.Sort(keys)
	e.attrs = newAttrTable(l.CaseAttrs, l.Cases(), slices.Compact(keys))
	e.wall = newClock(l, nil, origin, e.now)
	if business {
		e.business = newClock(l, cal, origin, e.now)
	}

	rep := &Report{
		Log: l.Name, Now: time.UnixMicro(e.now).In(e.loc), Calendar: cal.Name(), Zone: e.loc.String(),
		Level: opt.Level, Alpha: opt.Alpha, Rules: make([]*Result, len(rules.Rules)),
	}
	// Rules are independent; each goroutine writes its own slot.
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i := range rules.Rules {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			rep.Rules[i] = e.rule(&rules.Rules[i])
		})
	}
	wg.Wait()
	return rep, nil
}

func checkLog(l *timeline.Log) error {
	n := len(l.Act)
	if len(l.Time) != n || len(l.Start) != n || len(l.CaseStart) != l.Cases()+1 ||
		len(l.CaseAttrs) != 0 && len(l.CaseAttrs) != l.Cases() {
		return fmt.Errorf("%w: array lengths differ", ErrLog)
	}
	if l.CaseStart[0] != 0 || int(l.CaseStart[l.Cases()]) != n {
		return fmt.Errorf("%w: case offsets do not cover the steps", ErrLog)
	}
	for c := 0; c < l.Cases(); c++ {
		lo, hi := l.CaseStart[c], l.CaseStart[c+1]
		if hi < lo {
			return fmt.Errorf("%w: case offsets decrease at case %d", ErrLog, c)
		}
		for i := lo; i < hi; i++ {
			if a := l.Act[i]; a < 0 || int(a) >= len(l.Activities) {
				return fmt.Errorf("%w: activity number %d out of range", ErrLog, a)
			}
			if i > lo && l.Time[i] < l.Time[i-1] {
				return fmt.Errorf("%w: case %q is not in time order", ErrLog, l.CaseIDs[c])
			}
		}
	}
	return nil
}

// env is what every rule of one evaluation shares; read-only once built.
type env struct {
	l        *timeline.Log
	cal      *calendar.Calendar
	loc      *time.Location
	opt      Options
	now      int64 // Unix µs
	ends     []int32
	acts     map[string]int32
	attrs    *attrTable
	wall     *clock
	business *clock // nil when no rule uses business time
}

// scope holds a rule's case filter and per-case target.
type scope struct {
	match  []matcher
	tcol   int // target attribute column, -1 for a fixed target
	target int64
	unit   float64
}

func (e *env) scope(r *Rule, res *Result) (*scope, bool) {
	s := &scope{tcol: -1, target: int64(r.Target), unit: float64(r.TargetUnit)}
	if s.unit == 0 {
		s.unit = float64(time.Hour)
	}
	ok := true
	for _, w := range r.Where {
		col := e.attrs.col(w.Attribute)
		s.match = append(s.match, newMatcher(col, w))
		if !slices.Contains(e.attrs.ok[col], true) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("no case has attribute %q", w.Attribute))
		}
	}
	if r.TargetAttribute != "" {
		s.tcol = e.attrs.col(r.TargetAttribute)
		if !slices.Contains(e.attrs.ok[s.tcol], true) {
			res.Warnings = append(res.Warnings, fmt.Sprintf("no case has target attribute %q", r.TargetAttribute))
			ok = false
		}
	}
	return s, ok
}

func (s *scope) in(a *attrTable, c int) bool {
	for i := range s.match {
		m := &s.match[i]
		if !a.ok[m.col][c] || !m.match(a.vals[m.col][c]) {
			return false
		}
	}
	return true
}

// targetOf returns case c's target in nanoseconds, false when its target
// attribute is not a positive number.
func (s *scope) targetOf(a *attrTable, c int) (int64, bool) {
	if s.tcol < 0 {
		return s.target, true
	}
	if !a.ok[s.tcol][c] {
		return 0, false
	}
	x, err := strconv.ParseFloat(a.vals[s.tcol][c], 64)
	d := x * s.unit
	if err != nil || !(d >= 1) || d > math.MaxInt64/2 {
		return 0, false
	}
	return int64(d), true
}

// measured is a window whose clock stopped; open one still running at Now.
type measured struct {
	c        int32
	k0, kEnd int32 // opening and closing instance (equal for activity rules)
	s0       int64 // working time at the window's start
	d        int64 // duration
	tgt      int64
}

type open struct {
	c         int32
	last      int32 // last instance by Now (its activity is the state)
	s0, s0us  int64
	elapsed   int64
	tgt       int64
	stateless bool // activity rules: no state conditioning
}

// rule evaluates one rule.
func (e *env) rule(r *Rule) *Result {
	res := &Result{Name: r.Name, Kind: r.Kind, Unit: "case", Clock: r.clock(),
		TargetSeconds: r.Target.Seconds(), TargetAttribute: r.TargetAttribute, Weeks: []Week{}, Open: []OpenCase{}}
	if r.Kind == KindActivity {
		res.Unit = "instance"
	}
	if r.TargetAttribute != "" {
		res.TargetUnitSeconds = cmp.Or(r.TargetUnit, time.Hour).Seconds()
	}
	k := e.wall
	if r.Business {
		k = e.business
	}
	sc, ok := e.scope(r, res)
	for _, name := range []string{r.From, r.To, r.Activity} {
		if _, found := e.acts[name]; name != "" && !found {
			res.Warnings = append(res.Warnings, fmt.Sprintf("activity %q does not occur in the log", name))
			ok = false
		}
	}
	if !ok || k == nil {
		return res
	}
	var (
		done  []measured
		opens []open
		tr    = newTrend(e.loc)
	)
	if r.Kind == KindActivity {
		done, opens = e.activity(r, k, sc, res, tr)
	} else {
		done, opens = e.window(r, k, sc, res, tr)
	}
	e.summarise(res, done, tr)
	if r.Kind != KindActivity {
		res.Outcomes = make([]Outcome, len(done))
		for i, m := range done {
			res.Outcomes[i] = Outcome{Case: m.c, Breached: m.d > m.tgt}
		}
	}
	if r.Kind != KindActivity && res.Breaches > 0 {
		res.Lost = e.lost(k, done)
	}
	e.risk(r, k, res, done, opens)
	return res
}

// summarise fills the counts, rate, quantiles and trend.
func (e *env) summarise(res *Result, done []measured, tr *trend) {
	secs := make([]float64, len(done))
	for i, m := range done {
		secs[i] = float64(m.d) / 1e9
		if m.d > m.tgt {
			res.Breaches++
		}
	}
	res.Measured = int64(len(done))
	if res.Measured > 0 {
		res.BreachRate = float64(res.Breaches) / float64(res.Measured)
		res.RateLow, res.RateHigh = stats.Wilson(res.Breaches, res.Measured, e.opt.Level)
		slices.Sort(secs)
		res.MedianSeconds, res.P90Seconds = stats.Quantile(secs, 0.5), stats.Quantile(secs, 0.9)
	}
	res.Weeks, res.Change = tr.weeks(e.opt.Alpha)
}
