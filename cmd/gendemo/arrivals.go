package main

import (
	"fmt"
	"slices"
	"time"
)

// incident is one case and its simulation state.
type incident struct {
	id        string
	opened    time.Time // arrival: when the ticket exists
	outage    bool      // part of the planted network outage
	priority  int       // 1..4
	category  string
	channel   string
	customer  string
	impact    int // 1 = high .. 3 = low
	urgency   int
	slaHours  float64 // business hours from Open to Resolve
	firstLine bool    // the Service Desk resolves it without assigning
	initGroup string

	route []string // groups it passes through; the last one owns it
	pos   int
	owner *agent // who investigated last, so follow-ups stay with them
	waits int    // remaining rounds of waiting for the customer

	work         float64 // working minutes spent since the last Resolve
	investigated bool    // the owning group has looked at it once
	noReply      bool    // the customer never answered the last question
	escalated    bool
	reopens      int
	events       []event
}

var (
	priorityShare = []float64{3, 12, 45, 40}
	slaHours      = []float64{4, 8, 24, 72}
	// impactUrgency lists the (impact, urgency) pairs that the ITIL priority
	// matrix maps to P1..P4.
	impactUrgency = [][][2]int{
		{{1, 1}},
		{{1, 2}, {2, 1}},
		{{2, 2}, {1, 3}, {3, 1}},
		{{2, 3}, {3, 2}, {3, 3}},
	}
	// categoryShare by priority (index 0 = P1); outages and database
	// failures are what becomes a P1.
	categoryShare = [][]float64{
		{40, 5, 25, 5, 25},
		{25, 15, 30, 15, 15},
		{18, 22, 30, 21, 9},
		{15, 25, 28, 25, 7},
	}
	weekdayWeight = [7]float64{0.10, 1.30, 1.10, 1.00, 1.00, 0.85, 0.12} // Sunday first
	// hourWeight is the share of tickets opened in each local hour on a
	// working day: a morning peak, a lunch dip and a quieter afternoon.
	hourWeight  = []float64{0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4, 6, 6, 5, 3.5, 5, 5.5, 5, 4, 3, 1.5, 1, 0.8, 0.6, 0.4, 0.3}
	weekendHour = []float64{0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.9, 0.8, 0.6, 0.4}
)

// The planted outage: a WAN failure at a large customer floods the desk
// with Network incidents in one morning.
var (
	outageDay      = "2026-03-10"
	outageFrom     = hm(9, 40)
	outageTo       = hm(11, 30)
	outageShare    = 0.015
	outageCustomer = "Noordzee Logistics"
)

type arrival struct {
	t      time.Time
	outage bool
}

// arrivals draws n opening instants between start and end with a weekly and
// daily pattern, plus the outage burst, sorted in time.
func arrivals(r *rng, loc *time.Location, start, end time.Time, n int) ([]arrival, error) {
	var days []time.Time
	var wts []float64
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		w := weekdayWeight[d.Weekday()]
		if holidays[d.Format(time.DateOnly)] {
			w = 0.15
		}
		// Busy and quiet days: a day's volume varies around its mean.
		days = append(days, d)
		wts = append(wts, w*r.lognormal(1, 0.15))
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("empty period")
	}
	od, err := time.ParseInLocation(time.DateOnly, outageDay, loc)
	if err != nil {
		return nil, err
	}
	out := make([]arrival, 0, n)
	burst := int(float64(n)*outageShare + 0.5)
	if !od.Before(start) && od.Before(end) {
		for range burst {
			m := r.uniform(float64(outageFrom), float64(outageTo))
			out = append(out, arrival{t: od.Add(minutes(m)).Truncate(time.Second), outage: true})
		}
	}
	for len(out) < n {
		d := days[r.pick(wts)]
		prof := hourWeight
		if weekdayWeight[d.Weekday()] < 0.5 || holidays[d.Format(time.DateOnly)] {
			prof = weekendHour
		}
		h := r.pick(prof)
		t := time.Date(d.Year(), d.Month(), d.Day(), h, 0, 0, 0, loc).Add(time.Duration(r.intn(3600)) * time.Second)
		if !t.Before(end) {
			continue
		}
		out = append(out, arrival{t: t})
	}
	slices.SortStableFunc(out, func(a, b arrival) int { return a.t.Compare(b.t) })
	return out, nil
}

// newIncident draws a case's attributes. inHours says whether it was opened
// during business hours, which decides how customers can reach the desk.
func newIncident(r *rng, id string, a arrival, inHours bool) *incident {
	inc := &incident{id: id, opened: a.t, outage: a.outage}
	inc.priority = 1 + r.pick(priorityShare)
	inc.category = categories[r.pick(categoryShare[inc.priority-1])]
	if a.outage {
		inc.priority = 2 + r.pick([]float64{0.4, 0.6})
		inc.category = "Network"
	}
	iu := impactUrgency[inc.priority-1]
	p := iu[r.intn(len(iu))]
	inc.impact, inc.urgency = p[0], p[1]
	inc.slaHours = slaHours[inc.priority-1]

	channels := []string{"Phone", "Email", "Portal"}
	var cw []float64
	switch {
	case a.outage:
		cw = []float64{0.6, 0.1, 0.3}
	case inHours && inc.priority == 1:
		cw = []float64{0.75, 0.15, 0.10}
	case inHours:
		cw = []float64{0.30, 0.25, 0.45}
	case inc.priority == 1: // the out-of-hours hotline is for P1 only
		cw = []float64{0.70, 0.10, 0.20}
	default:
		cw = []float64{0, 0.40, 0.60}
	}
	inc.channel = channels[r.pick(cw)]

	cwts := make([]float64, len(customers))
	for i, c := range customers {
		cwts[i] = c.w
	}
	inc.customer = customers[r.pick(cwts)].name
	if a.outage {
		inc.customer = outageCustomer
	}

	owner := ownerGroup[inc.category]
	inc.route = []string{owner}
	mr := misroute[inc.category]
	wrong := mr.to[r.pick(mr.toWt)]
	switch {
	case a.outage:
	case r.chance(mr.p):
		inc.route = []string{wrong, owner}
		// Ping-pong: the owner is not convinced either and sends it back.
		if r.chance(0.22) {
			inc.route = []string{wrong, owner, wrong, owner}
		}
	case r.chance(0.04):
		inc.route = []string{owner, wrong, owner}
	}

	firstLine := map[string]float64{"Access": 0.5, "Software": 0.08, "Hardware": 0.06, "Network": 0.03}
	inc.firstLine = inc.priority > 1 && !a.outage && r.chance(firstLine[inc.category])
	inc.initGroup = inc.route[0]
	if inc.firstLine {
		inc.initGroup = gServiceDesk
		inc.route = []string{owner}
	}

	waitShare := map[string]float64{"Access": 0.25, "Software": 0.30, "Hardware": 0.30, "Network": 0.12, "Database": 0.15}
	pw := waitShare[inc.category]
	if inc.priority == 1 || a.outage {
		pw = 0.05
	}
	if !inc.firstLine && r.chance(pw) {
		inc.waits = 1
		if r.chance(0.2) {
			inc.waits = 2
		}
	}
	return inc
}
