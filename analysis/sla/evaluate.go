package sla

import (
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
	e.attrs = newAttrTable(l.CaseAttrs, slices.Compact(keys))
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
	if len(l.Time) != n || len(l.Start) != n || len(l.CaseStart) != l.Cases()+1 || len(l.CaseAttrs) != l.Cases() {
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
		res.TargetUnitSeconds = r.TargetUnit.Seconds()
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
		tr    = newTrend()
	)
	if r.Kind == KindActivity {
		done, opens = e.activity(r, k, sc, res, tr)
	} else {
		done, opens = e.window(r, k, sc, res, tr)
	}
	e.summarise(res, done, tr)
	if r.Kind != KindActivity && res.Breaches > 0 {
		res.Lost = e.lost(k, done)
	}
	e.risk(r, k, res, done, opens)
	return res
}

// window runs a case or between rule over the cases.
func (e *env) window(r *Rule, k *clock, sc *scope, res *Result, tr *trend) ([]measured, []open) {
	l := e.l
	from, to := int32(-1), int32(-1)
	if r.From != "" {
		from = e.acts[r.From]
	}
	if r.To != "" {
		to = e.acts[r.To]
	}
	var cancel []bool // by activity number; nil without cancel
	for _, name := range r.Cancel {
		if a, found := e.acts[name]; found {
			if cancel == nil {
				cancel = make([]bool, len(l.Activities))
			}
			cancel[a] = true
		} else {
			res.Warnings = append(res.Warnings, fmt.Sprintf("cancel activity %q does not occur in the log", name))
		}
	}
	var (
		done  []measured
		opens []open
	)
	for c := range l.Cases() {
		lo, hi := l.CaseStart[c], e.ends[c]
		if hi <= lo || !sc.in(e.attrs, c) {
			continue
		}
		tgt, ok := sc.targetOf(e.attrs, c)
		if !ok {
			res.NoTarget++
			continue
		}
		res.InScope++
		k0 := lo
		if from >= 0 {
			for k0 < hi && l.Act[k0] != from {
				k0++
			}
			if k0 == hi {
				continue
			}
		}
		res.Started++
		s0us := l.Time[k0]
		s0 := k.at(l, int(k0))
		if st := l.Start[k0]; st != timeline.None && st <= s0us {
			s0us, s0 = st, k.atStart(l, int(k0))
		}
		end := int32(-1)
		switch {
		case to < 0:
			end = hi - 1
		case r.Last:
			for i := hi - 1; i > k0; i-- {
				if l.Act[i] == to {
					end = i
					break
				}
			}
		default:
			for i := k0 + 1; i < hi; i++ {
				if l.Act[i] == to {
					end = i
					break
				}
			}
		}
		if cancel != nil && cancelled(l, cancel, k0, hi, to) {
			res.Cancelled++
			continue
		}
		if end < 0 {
			opens = append(opens, open{c: int32(c), last: hi - 1, s0: s0, s0us: s0us, elapsed: max(0, k.now-s0), tgt: tgt})
			tr.add(e, s0us, false, true)
			continue
		}
		m := measured{c: int32(c), k0: k0, kEnd: end, s0: s0, d: max(0, k.at(l, int(end))-s0), tgt: tgt}
		done = append(done, m)
		tr.add(e, s0us, m.d > tgt, false)
	}
	return done, opens
}

// cancelled reports whether a cancel activity occurs in (k0, hi) before the
// first instance of to (to < 0: anywhere).
func cancelled(l *timeline.Log, cancel []bool, k0, hi, to int32) bool {
	for i := k0 + 1; i < hi; i++ {
		a := l.Act[i]
		if a == to {
			return false
		}
		if cancel[a] {
			return true
		}
	}
	return false
}

// activity runs an activity cap over its instances.
func (e *env) activity(r *Rule, k *clock, sc *scope, res *Result, tr *trend) ([]measured, []open) {
	l := e.l
	act := e.acts[r.Activity]
	var (
		done  []measured
		opens []open
	)
	for c := range l.Cases() {
		lo, hi := l.CaseStart[c], l.CaseStart[c+1]
		if hi <= lo || !sc.in(e.attrs, c) {
			continue
		}
		tgt, tgtOK := int64(0), false
		for i := lo; i < hi; i++ {
			if l.Act[i] != act {
				continue
			}
			st := l.Start[i]
			hasStart := st != timeline.None && st <= l.Time[i]
			if l.Time[i] > e.now && !(hasStart && st <= e.now) {
				continue // not begun by Now, as far as the log can tell
			}
			if !tgtOK {
				if tgt, tgtOK = sc.targetOf(e.attrs, c); !tgtOK {
					res.NoTarget++
					continue
				}
			}
			res.InScope++
			var s0, s0us int64
			switch {
			case hasStart:
				s0, s0us = k.atStart(l, int(i)), st
			case i > lo:
				s0, s0us = k.at(l, int(i-1)), l.Time[i-1]
			default:
				res.Unmeasured++
				continue
			}
			res.Started++
			if l.Time[i] > e.now {
				opens = append(opens, open{c: int32(c), last: i, s0: s0, s0us: s0us, elapsed: max(0, k.now-s0), tgt: tgt, stateless: true})
				tr.add(e, s0us, false, true)
				continue
			}
			m := measured{c: int32(c), k0: i, kEnd: i, s0: s0, d: max(0, k.at(l, int(i))-s0), tgt: tgt}
			done = append(done, m)
			tr.add(e, s0us, m.d > m.tgt, false)
		}
	}
	return done, opens
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
