package main

import (
	"container/heap"
	"fmt"
	"time"
)

type attrKind uint8

const (
	kString attrKind = iota
	kInt
	kFloat
	kBool
)

type attr struct {
	kind     attrKind
	key, val string
}

func str(k, v string) attr { return attr{kString, k, v} }
func num(k string, v int) attr {
	return attr{kInt, k, fmt.Sprint(v)}
}

// event is one XES event before it is written.
type event struct {
	name, lifecycle string
	t               time.Time
	utc             bool   // written by an integration that logs in UTC ('Z')
	res             *agent // nil for system and customer events
	visible         bool   // customer_visible
	attrs           []attr
	seq             int // generation order: breaks ties when sorting
}

type taskKind uint8

const (
	tOpen taskKind = iota
	tClassify
	tAssign
	tInvestigate
	tResolve
	tFirstLine
)

type task struct {
	at   time.Time
	seq  int
	kind taskKind
	inc  *incident
}

// taskQueue orders work by the instant it becomes ready. Handling tasks in
// that order lets each group act as a first-come-first-served queue served
// by its agents, so waiting times follow from load.
type taskQueue []*task

func (q taskQueue) Len() int { return len(q) }
func (q taskQueue) Less(i, j int) bool {
	if c := q[i].at.Compare(q[j].at); c != 0 {
		return c < 0
	}
	return q[i].seq < q[j].seq
}
func (q taskQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *taskQueue) Push(x any)   { *q = append(*q, x.(*task)) }
func (q *taskQueue) Pop() any {
	old := *q
	t := old[len(old)-1]
	*q = old[:len(old)-1]
	return t
}

type sim struct {
	r      *rng
	org    *org
	cutoff time.Time
	q      taskQueue
	seq    int
}

func (s *sim) push(at time.Time, kind taskKind, inc *incident) {
	// Work that would become ready after the extract is never seen.
	if at.After(s.cutoff) {
		return
	}
	s.seq++
	heap.Push(&s.q, &task{at: at, seq: s.seq, kind: kind, inc: inc})
}

func (s *sim) run() {
	for s.q.Len() > 0 {
		t := heap.Pop(&s.q).(*task)
		switch t.kind {
		case tOpen:
			s.open(t.inc, t.at)
		case tClassify:
			s.classify(t.inc, t.at)
		case tAssign:
			s.assign(t.inc, t.at)
		case tInvestigate:
			s.investigate(t.inc, t.at)
		case tResolve:
			s.resolve(t.inc, t.at)
		case tFirstLine:
			s.firstLine(t.inc, t.at)
		}
	}
}

// emit records an event. Agents' events are written to the second in local
// time; integrations log milliseconds in UTC.
func (s *sim) emit(inc *incident, e event) {
	if e.utc {
		e.t = e.t.Truncate(time.Second).Add(time.Duration(s.r.intn(1000)) * time.Millisecond)
	} else {
		e.t = e.t.Truncate(time.Second)
	}
	e.seq = len(inc.events)
	inc.events = append(inc.events, e)
}

// work emits an activity instance (start and complete) done by a.
func (s *sim) work(inc *incident, name string, a *agent, from, to time.Time, attrs ...attr) {
	s.emit(inc, event{name: name, lifecycle: "start", t: from, res: a})
	s.emit(inc, event{name: name, lifecycle: "complete", t: to, res: a, visible: name == "Resolve", attrs: attrs})
}

// step emits a single 'complete' event done by a.
func (s *sim) step(inc *incident, name string, a *agent, t time.Time, visible bool, attrs ...attr) {
	s.emit(inc, event{name: name, lifecycle: "complete", t: t, res: a, visible: visible, attrs: attrs})
}

// system emits a 'complete' event logged by an integration (no resource).
func (s *sim) system(inc *incident, name string, t time.Time, visible bool, attrs ...attr) {
	s.emit(inc, event{name: name, lifecycle: "complete", t: t, utc: true, visible: visible, attrs: attrs})
}

// pickAgent returns the candidate who can start first after ready, counting
// the pickup delay in their own working time, and that start.
func (s *sim) pickAgent(cands []*agent, calOf func(*agent) *calendar, ready time.Time, pickup time.Duration) (*agent, time.Time) {
	// Start the scan at a random agent so idle agents share the work.
	off := s.r.intn(len(cands))
	var best *agent
	var bestT time.Time
	for i := range cands {
		a := cands[(i+off)%len(cands)]
		st := calOf(a).add(later(ready, a.busy), pickup)
		if best == nil || st.Before(bestT) {
			best, bestT = a, st
		}
	}
	return best, bestT
}

func ownCal(a *agent) *calendar { return a.cal }

// schedule decides who in cands works on inc next and when, honouring
// priority: P1 interrupts whoever is best placed (or calls out the on-call
// agent at night), P2 jumps most of the queue, P3/P4 wait their turn. The
// calendar returned is the one the work is timed in.
func (s *sim) schedule(inc *incident, cands []*agent, calOf func(*agent) *calendar, ready time.Time, pickupMean float64) (*agent, *calendar, time.Time) {
	pickup := minutes(s.r.exp(pickupMean))
	if inc.priority == 1 {
		if s.org.std.isWorking(ready) {
			a, _ := s.pickAgent(cands, calOf, ready, 0)
			return a, s.org.always, ready.Add(minutes(s.r.uniform(3, 12)))
		}
		_, wk := ready.ISOWeek()
		return cands[wk%len(cands)], s.org.always, ready.Add(minutes(s.r.uniform(20, 45)))
	}
	a, st := s.pickAgent(cands, calOf, ready, pickup)
	cal := calOf(a)
	if inc.priority == 2 {
		wait := cal.between(ready, st)
		if jump := cal.add(ready, max(pickup, wait*3/10)); jump.Before(st) {
			st = jump
		}
	}
	return a, cal, st
}

// escalate lets the Service Desk lead escalate an incident that is still
// waiting for its owning group's first hands-on work (about to start at st)
// when its clock passes a threshold. For P1/P2 this is the "SLA at risk"
// rule and gets someone on it sooner; for P3/P4 it is the customer
// complaining once the target has passed. Follow-ups (after a customer reply
// or a reopen) are never escalated: the incident is being worked on.
func (s *sim) escalate(inc *incident, ready, st time.Time) time.Time {
	if inc.escalated || inc.investigated {
		return st
	}
	target := time.Duration(inc.slaHours * float64(time.Hour))
	switch {
	case inc.priority <= 2 && s.org.std.between(inc.opened, st) > target/2:
		// Noticed when the threshold passes, or on arrival in the queue if it
		// passed during an earlier step.
		et := later(s.org.std.add(inc.opened, target/2), ready).Add(minutes(s.r.uniform(1, 10)))
		if !et.Before(st) {
			return st
		}
		s.step(inc, "Escalate", s.org.lead, et, false, str("reason", "SLA at risk"))
		inc.escalated = true
		if exp := s.org.std.add(et, minutes(s.r.uniform(10, 40))); exp.Before(st) {
			return exp
		}
	case inc.priority >= 3 && s.org.std.between(inc.opened, st) > target/2 && s.r.chance(0.5):
		et := later(s.org.std.add(inc.opened, target/2), ready).Add(minutes(s.r.uniform(5, 120)))
		if et.Before(st) {
			s.step(inc, "Escalate", s.org.lead, et, false, str("reason", "Customer complaint"))
			inc.escalated = true
		}
	}
	return st
}
