package main

import "time"

// open records the ticket's creation. Phone calls are answered by the first
// free Service Desk agent, who classifies on the call; e-mail and portal
// tickets are created by the integration and wait for classification.
func (s *sim) open(inc *incident, t time.Time) {
	ch := str("channel", inc.channel)
	if inc.channel != "Phone" {
		s.system(inc, "Open", t, true, ch)
		s.push(t, tClassify, inc)
		return
	}
	sd := s.org.groups[gServiceDesk]
	var a *agent
	cal := s.org.always
	st := t
	if inc.priority == 1 && !s.org.std.isWorking(t) {
		_, wk := t.ISOWeek()
		a, st = sd[wk%len(sd)], t.Add(minutes(s.r.uniform(1, 5)))
	} else {
		a, st = s.pickAgent(sd, ownCal, t, 0)
		cal = a.cal
	}
	s.step(inc, "Open", a, st, true, ch)
	done := cal.add(st, minutes(s.r.uniform(3, 9)*a.speed))
	s.step(inc, "Classify", a, done, false)
	a.busy = later(a.busy, done)
	s.afterClassify(inc, a, done)
}

func (s *sim) classify(inc *incident, ready time.Time) {
	a, cal, st := s.schedule(inc, s.org.groups[gServiceDesk], ownCal, ready, 12)
	done := cal.add(st, minutes(s.r.uniform(4, 12)*a.speed))
	s.step(inc, "Classify", a, done, false)
	a.busy = later(a.busy, done)
	s.afterClassify(inc, a, done)
}

// afterClassify routes the ticket: the desk fixes simple ones itself, P1s
// are assigned on the spot, everything else goes to the dispatch queue.
func (s *sim) afterClassify(inc *incident, a *agent, t time.Time) {
	switch {
	case inc.firstLine:
		inc.owner = a
		s.push(t.Add(minutes(s.r.uniform(1, 5))), tFirstLine, inc)
	case inc.priority == 1:
		at := t.Add(minutes(s.r.uniform(1, 3)))
		s.step(inc, "Assign", a, at, false, str("to_group", inc.route[inc.pos]))
		a.busy = later(a.busy, at)
		if s.r.chance(0.6) {
			// A major incident is declared; at night by whoever is on call.
			by := s.org.lead
			if !s.org.std.isWorking(at) {
				by = a
			}
			s.step(inc, "Escalate", by, at.Add(minutes(s.r.uniform(2, 10))), false, str("reason", "Major incident"))
			inc.escalated = true
		}
		s.push(at, tInvestigate, inc)
	default:
		s.push(t, tAssign, inc)
	}
}

func (s *sim) assign(inc *incident, ready time.Time) {
	dispCal := func(a *agent) *calendar { return a.disp }
	a, cal, st := s.schedule(inc, s.org.dispatchers(), dispCal, ready, 12)
	m := s.r.uniform(2, 6)
	if st.In(s.org.loc).Weekday() == time.Monday {
		// The weekend's backlog is re-read and re-prioritised ticket by ticket.
		m *= 2.5
	}
	done := cal.add(st, minutes(m*a.speed))
	s.step(inc, "Assign", a, done, false, str("to_group", inc.route[inc.pos]))
	a.busy = later(a.busy, done)
	if inc.priority == 2 && !inc.escalated && s.r.chance(0.05) {
		s.step(inc, "Escalate", s.org.lead, done.Add(minutes(s.r.uniform(10, 90))), false, str("reason", "Customer request"))
		inc.escalated = true
	}
	s.push(done, tInvestigate, inc)
}

func (s *sim) investigate(inc *incident, ready time.Time) {
	g := inc.route[inc.pos]
	final := inc.pos == len(inc.route)-1
	a, cal, st := s.schedule(inc, s.org.groups[g], ownCal, ready, 25)
	if o := inc.owner; o != nil && o.group == g {
		oa, ocal, ost := s.schedule(inc, []*agent{o}, ownCal, ready, 10)
		// Follow-ups stay with the same agent unless they are away for long.
		if s.org.std.between(st, ost) < 6*time.Hour {
			a, cal, st = oa, ocal, ost
		}
	}
	st = s.escalate(inc, ready, st)

	var m float64
	switch {
	case !final: // a look, then "not ours"
		m = s.r.uniform(10, 40)
	case inc.investigated:
		m = s.r.lognormal(0.4*investigateMedian[inc.category], 0.6)
	default:
		m = s.r.lognormal(investigateMedian[inc.category], 0.6)
	}
	if inc.priority == 1 {
		m *= 0.8 // all hands on deck
	}
	m *= a.speed
	done := cal.add(st, minutes(m))
	s.work(inc, "Investigate", a, st, done)
	a.busy = later(a.busy, done)

	if !final {
		rt := done.Add(minutes(s.r.uniform(1, 6)))
		inc.pos++
		s.step(inc, "Reassign", a, rt, false, str("to_group", inc.route[inc.pos]))
		inc.owner = nil
		s.push(rt, tInvestigate, inc)
		return
	}
	inc.owner, inc.investigated = a, true
	inc.work += m
	if inc.waits > 0 {
		inc.waits--
		s.waitForCustomer(inc, a, done)
		return
	}
	s.push(done.Add(minutes(s.r.uniform(0, 20))), tResolve, inc)
}

// waitForCustomer puts the ticket on hold until the customer answers; some
// never do and the agent resolves after three business days.
func (s *sim) waitForCustomer(inc *incident, a *agent, t time.Time) {
	wt := t.Add(minutes(s.r.uniform(1, 8)))
	how := "Email"
	if s.r.chance(0.3) {
		how = "Phone"
	}
	s.step(inc, "Wait for Customer", a, wt, true, str("channel", how))
	if s.r.chance(0.12) {
		inc.noReply = true
		s.push(s.org.std.add(wt, 30*time.Hour), tResolve, inc)
		return
	}
	rt := wt.Add(minutes(s.r.lognormal(300, 1.1)))
	if s.r.chance(0.8) {
		rt = s.org.std.next(rt).Add(minutes(s.r.uniform(0, 30)))
	}
	how = "Email"
	if s.r.chance(0.4) {
		how = "Portal"
	}
	s.system(inc, "Customer Replied", rt, true, str("channel", how))
	s.push(rt, tInvestigate, inc)
}

func (s *sim) resolve(inc *incident, ready time.Time) {
	a, cal, st := s.schedule(inc, []*agent{inc.owner}, ownCal, ready, 5)
	m := s.r.lognormal(20, 0.5) * a.speed
	if inc.priority == 1 {
		m *= 0.7
	}
	s.finish(inc, a, st, cal.add(st, minutes(m)), m)
}

// firstLine is the Service Desk fixing the ticket itself (password resets,
// how-to questions) right after classifying it.
func (s *sim) firstLine(inc *incident, ready time.Time) {
	a, cal, st := s.schedule(inc, []*agent{inc.owner}, ownCal, ready, 2)
	m := s.r.lognormal(12, 0.4) * a.speed
	s.finish(inc, a, st, cal.add(st, minutes(m)), m)
}

// finish emits the Resolve instance with the effort the agent books: what
// they spent since the last resolution, rounded to the 5-minute units of the
// time sheet and usually less than the elapsed working time (agents work on
// several tickets at once).
func (s *sim) finish(inc *incident, a *agent, st, done time.Time, m float64) {
	codes := resolutionCodes[inc.category]
	code := codes[s.r.pick(resolutionWeights)]
	switch {
	case inc.noReply:
		code = "No response from customer"
	case a.reopen > 1 && s.r.chance(0.35):
		code = "Workaround"
	}
	effort := int((inc.work+m)*s.r.uniform(0.6, 1.0)/5+0.5) * 5
	effort = max(effort, 5)
	s.work(inc, "Resolve", a, st, done, num("effort_minutes", effort), str("resolution_code", code))
	a.busy = later(a.busy, done)
	inc.work, inc.noReply = 0, false
	s.afterResolve(inc, a, done, code)
}

// afterResolve either reopens the incident (rework) or closes it.
func (s *sim) afterResolve(inc *incident, a *agent, t time.Time, code string) {
	p := 0.06 * a.reopen * reopenFactor[inc.category]
	if code == "Workaround" {
		p *= 1.8
	}
	switch inc.reopens {
	case 0:
	case 1:
		p *= 0.3
	default:
		p = 0
	}
	if s.r.chance(p) {
		inc.reopens++
		rt := t.Add(minutes(min(s.r.lognormal(18*60, 0.9), 4.5*24*60)))
		if s.r.chance(0.5) {
			sd, _ := s.pickAgent(s.org.groups[gServiceDesk], ownCal, rt, 0)
			rt = sd.cal.next(later(rt, sd.busy))
			s.step(inc, "Reopen", sd, rt, true, str("channel", "Phone"))
			sd.busy = rt.Add(3 * time.Minute)
		} else {
			s.system(inc, "Reopen", rt, true, str("channel", "Portal"))
		}
		if a.group == gServiceDesk {
			// Fixed at the desk but came back: now it goes to second line.
			inc.owner = nil
			s.push(rt, tAssign, inc)
			return
		}
		s.push(rt, tInvestigate, inc)
		return
	}
	switch u := s.r.float(); {
	case u < 0.45:
		ct := t.Add(minutes(s.r.lognormal(240, 1.2)))
		if s.r.chance(0.7) {
			ct = s.org.std.next(ct).Add(minutes(s.r.uniform(0, 60)))
		}
		s.system(inc, "Close", ct, true, str("close_code", "Confirmed by customer"))
	case u < 0.85:
		// The nightly job closes tickets resolved five days ago.
		l := t.In(s.org.loc)
		ct := time.Date(l.Year(), l.Month(), l.Day()+5, 3, 15, s.r.intn(120), 0, s.org.loc)
		s.system(inc, "Close", ct, true, str("close_code", "Auto-closed"))
	default:
		sd, _ := s.pickAgent(s.org.groups[gServiceDesk], ownCal, t, 0)
		ct := sd.cal.add(t, minutes(s.r.uniform(30, 16*60)))
		s.step(inc, "Close", sd, ct, true, str("close_code", "Closed by Service Desk"))
	}
}
