package live

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Clock is an SLA clock ticking for an open case.
type Clock struct {
	Case string `json:"case"`
	Rule string `json:"rule"`
	// Deadline is when the target is reached; RiskAt when RiskShare of it
	// is (Unix µs; in the rule's clock, business or wall).
	Deadline int64 `json:"-"`
	RiskAt   int64 `json:"-"`
	// TargetSeconds and, at the last evaluation, ElapsedSeconds, in the
	// rule's clock.
	TargetSeconds  float64 `json:"target_seconds"`
	ElapsedSeconds float64 `json:"elapsed_seconds"`
	evaluated      int64
	business       bool
}

type clockKey struct {
	rule int
	c    string
}

// Alert is an open case at risk of breaching a rule, or breaching it.
type Alert struct {
	Key  string `json:"key"` // log, case, rule and kind: raised once
	Log  string `json:"log"`
	Case string `json:"case"`
	Rule string `json:"rule"`
	Kind string `json:"kind"` // "at-risk" or "breach"
	// At is when it became so (Unix µs of the stream clock); Deadline the
	// clock's deadline.
	At       time.Time `json:"at"`
	Deadline time.Time `json:"deadline"`
	// LastActivity and Resource say where the case is.
	LastActivity string `json:"last_activity"`
	Resource     string `json:"resource,omitempty"`
}

// AlertKey is the key of the alert of kind for a case and rule.
func AlertKey(log, c, rule, kind string) string {
	return fmt.Sprintf("%q %q %q %q", log, c, rule, kind)
}

// timelineOf builds a timeline of the given cases (their retained events),
// for the SLA rules.
func (s *State) timelineOf(cases []*caseState) *timeline.Log {
	l := &timeline.Log{Name: s.o.Log, Activities: s.acts, Resources: s.res}
	for _, c := range cases {
		if len(c.acts) == 0 {
			continue
		}
		k := int32(len(l.CaseIDs))
		l.CaseIDs = append(l.CaseIDs, c.id)
		l.CaseAttrs = append(l.CaseAttrs, c.attrs)
		l.CaseStart = append(l.CaseStart, int32(len(l.Act)))
		// Instances in completion order (as the warehouse orders them);
		// they arrive in it but for late events.
		if slices.IsSorted(c.times) {
			l.Case = slices.Grow(l.Case, len(c.acts))
			for range c.acts {
				l.Case = append(l.Case, k)
			}
			l.Act = append(l.Act, c.acts...)
			l.Time = append(l.Time, c.times...)
			l.Start = append(l.Start, c.starts...)
			l.Resource = append(l.Resource, c.res...)
			continue
		}
		order := make([]int, len(c.acts))
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(i, j int) bool { return c.times[order[i]] < c.times[order[j]] })
		for _, i := range order {
			l.Case = append(l.Case, k)
			l.Act = append(l.Act, c.acts[i])
			l.Time = append(l.Time, c.times[i])
			l.Start = append(l.Start, c.starts[i])
			l.Resource = append(l.Resource, c.res[i])
		}
	}
	l.CaseStart = append(l.CaseStart, int32(len(l.Act)))
	return l
}

// evaluate re-judges the touched cases' SLA clocks.
func (s *State) evaluate(cases []*caseState) ([]Alert, error) {
	if s.o.Rules == nil || len(s.o.Rules.Rules) == 0 || len(cases) == 0 {
		return nil, nil
	}
	// cases are in the order the batch first touched them (its case
	// attributes by id, then its events): deterministic, no sort needed.
	l := s.timelineOf(cases)
	if l.Cases() == 0 {
		return nil, nil
	}
	// Judged at the stream clock, not at judged(): sla.Evaluate ignores
	// what completes after Now, and a partition read ahead of the
	// watermark has stopped clocks past it (a case that ended there would
	// keep an open clock no later event re-judges). Deadlines are instants,
	// so tick and the views still compare them with judged().
	rep, err := sla.Evaluate(l, s.o.Rules, sla.Options{Now: time.UnixMicro(s.now).UTC()})
	if err != nil {
		return nil, fmt.Errorf("live: SLA rules: %w", err)
	}
	for _, c := range cases {
		for ri := range s.o.Rules.Rules {
			delete(s.clocks, clockKey{ri, c.id})
		}
	}
	var alerts []Alert
	for ri, r := range rep.Rules {
		rule := s.o.Rules.Rules[ri]
		for _, oc := range r.Open {
			if oc.Status != "open" && oc.Status != "breached" {
				continue
			}
			ck := &Clock{Case: oc.CaseID, Rule: r.Name, Deadline: oc.Deadline.UnixMicro(), TargetSeconds: oc.TargetSeconds,
				ElapsedSeconds: oc.ElapsedSeconds, evaluated: s.now, business: rule.Business}
			ck.RiskAt = s.riskAt(ck)
			s.clocks[clockKey{ri, oc.CaseID}] = ck
		}
		// A clock that stopped over its target within the batch: the case
		// breached without the clock ever being seen open.
		for _, o := range r.Outcomes {
			if !o.Breached {
				continue
			}
			c := s.cases[l.CaseIDs[o.Case]]
			if s.quiet {
				s.raised[AlertKey(s.o.Log, c.id, r.Name, "breach")] = true
				continue
			}
			if a, ok := s.raise(c, r.Name, "breach", s.now, 0); ok {
				alerts = append(alerts, a)
			}
		}
	}
	return alerts, nil
}

// riskAt is when a clock's elapsed time reaches RiskShare of its target,
// counted on from its last evaluation in the rule's clock. A wall clock
// that passed it before the evaluation has it in the past (the evaluation
// is at the stream clock, which may be ahead of the instant clocks are
// judged at); a business clock that did is taken as at risk from the
// evaluation on.
func (s *State) riskAt(ck *Clock) int64 {
	left := s.o.RiskShare*ck.TargetSeconds - ck.ElapsedSeconds
	business := ck.business && s.o.Rules.Calendar != nil
	if left <= 0 && business {
		return ck.evaluated
	}
	us := int64(left * 1e6)
	if business {
		return s.o.Rules.Calendar.AddMicros(ck.evaluated, us)
	}
	return ck.evaluated + us
}

// raise records an alert unless its key was raised before.
func (s *State) raise(c *caseState, rule, kind string, at, deadline int64) (Alert, bool) {
	id := ""
	if c != nil {
		id = c.id
	}
	key := AlertKey(s.o.Log, id, rule, kind)
	if s.raised[key] {
		return Alert{}, false
	}
	s.raised[key] = true
	a := Alert{Key: key, Log: s.o.Log, Case: id, Rule: rule, Kind: kind, At: time.UnixMicro(at).UTC()}
	if deadline != 0 {
		a.Deadline = time.UnixMicro(deadline).UTC()
	}
	if c != nil {
		if la := c.lastAct(); la >= 0 {
			a.LastActivity = s.acts[la]
			if r := c.res[len(c.res)-1]; r >= 0 {
				a.Resource = s.res[r]
			}
		}
	}
	s.alerts = append(s.alerts, a)
	if len(s.alerts) > s.o.Feed {
		s.alerts = s.alerts[len(s.alerts)-s.o.Feed:]
	}
	if kind == "breach" {
		s.exception(Exception{At: at, Kind: "breach", Case: id, Activity: a.LastActivity, Detail: rule})
	}
	return a, true
}

// Tick advances the stream clock to now (when later) and raises the
// alerts of clocks that passed their risk point or deadline.
func (s *State) Tick(now int64) []Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = max(s.now, now)
	return s.tick(s.judged())
}

func (s *State) tick(now int64) []Alert {
	keys := make([]clockKey, 0, len(s.clocks))
	for k, ck := range s.clocks {
		if now >= ck.RiskAt {
			keys = append(keys, k)
		}
	}
	// Deterministic order: by deadline, then case and rule.
	slices.SortFunc(keys, func(a, b clockKey) int {
		ca, cb := s.clocks[a], s.clocks[b]
		switch {
		case ca.Deadline != cb.Deadline:
			return cmpInt(ca.Deadline, cb.Deadline)
		case a.c != b.c:
			if a.c < b.c {
				return -1
			}
			return 1
		}
		return a.rule - b.rule
	})
	var out []Alert
	for _, k := range keys {
		ck := s.clocks[k]
		c := s.cases[ck.Case]
		if now >= ck.Deadline {
			if a, ok := s.raise(c, ck.Rule, "breach", ck.Deadline, ck.Deadline); ok {
				out = append(out, a)
			}
			continue
		}
		if a, ok := s.raise(c, ck.Rule, "at-risk", ck.RiskAt, ck.Deadline); ok {
			out = append(out, a)
		}
	}
	return out
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
