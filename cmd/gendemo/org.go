package main

import (
	"fmt"
	"time"
)

// Assignment groups (org:group).
const (
	gServiceDesk = "Service Desk"
	gNetwork     = "Network Ops"
	gWorkplace   = "Workplace"
	gApps        = "App Support"
	gDBA         = "DBA"
)

var categories = []string{"Network", "Hardware", "Software", "Access", "Database"}

// ownerGroup is the group that can actually fix a category. Access means
// accounts and permissions, which Workplace administers.
var ownerGroup = map[string]string{
	"Network": gNetwork, "Hardware": gWorkplace, "Software": gApps, "Access": gWorkplace, "Database": gDBA,
}

// misroute is, per category, the chance that dispatch sends an incident to
// the wrong group first and the group it is then sent to. Database and
// Software symptoms look alike to the Service Desk ("the application is
// slow"), which is why those two ping-pong most.
var misroute = map[string]struct {
	p    float64
	to   []string
	toWt []float64
}{
	"Network":  {0.15, []string{gWorkplace, gApps}, []float64{0.8, 0.2}},
	"Hardware": {0.08, []string{gNetwork}, []float64{1}},
	"Software": {0.20, []string{gDBA, gWorkplace}, []float64{0.6, 0.4}},
	"Access":   {0.08, []string{gApps}, []float64{1}},
	"Database": {0.35, []string{gApps}, []float64{1}},
}

// investigateMedian is the median working minutes of a first Investigate in
// the owning group, by category.
var investigateMedian = map[string]float64{
	"Network": 75, "Hardware": 100, "Software": 110, "Access": 35, "Database": 210,
}

// reopenFactor scales the chance that a resolution is reopened.
var reopenFactor = map[string]float64{
	"Network": 0.8, "Hardware": 1.2, "Software": 1.3, "Access": 0.6, "Database": 1.0,
}

// resolutionCodes per category; the first is the usual outcome.
var resolutionCodes = map[string][]string{
	"Network":  {"Configuration change", "Hardware replaced", "Workaround", "No fault found"},
	"Hardware": {"Hardware replaced", "Repaired on site", "Workaround", "No fault found"},
	"Software": {"Software fix applied", "Configuration change", "Workaround", "User instructed"},
	"Access":   {"Access granted", "Password reset", "User instructed", "Workaround"},
	"Database": {"Query tuned", "Configuration change", "Workaround", "Restored from backup"},
}

var resolutionWeights = []float64{0.55, 0.2, 0.15, 0.1}

// customers are the business units and client organisations served; the
// weights make a few of them account for most of the volume. Some names
// carry characters that must be escaped in XML.
var customers = []struct {
	name string
	w    float64
}{
	{"Gemeente Waterland", 9}, {"Noordzee Logistics", 8}, {"Van Dijk & Zonen", 7}, {"Rijnmond Zorg", 7},
	{"Polderbank", 6}, {"De Haan Bouw", 5}, {"Brüggen Logistik GmbH", 5}, {"Amstel Verzekeringen", 5},
	{"Klein's Bakkerij", 4}, {"Hogeschool Lelystad", 4}, {"Café Noir Hotels", 4}, {"Kustwacht Regio Noord", 3},
	{"Zuidas Legal", 3}, {"Veluwe Energie", 3}, {"Maasstad Ziekenhuis", 3}, {"Tulip Retail", 3},
	{"Finance (internal)", 3}, {"HR (internal)", 3}, {"Sales <EMEA>", 2}, {"Marketing (internal)", 2},
	{"Drechtsteden Water", 2}, {"Utrecht Mobility", 2}, {"Leiden BioLabs", 2}, {"Groningen Data Center", 2},
	{"\"Het Anker\" Stichting", 2}, {"Eindhoven Precision", 2}, {"Twente Textiel", 1}, {"Zeeland Ports", 1},
	{"Haarlem Media", 1}, {"Friesland Dairy", 1}, {"Delft Robotics", 1}, {"Breda Foods", 1},
	{"Arnhem Insurance", 1}, {"Nijmegen Care", 1}, {"Tilburg Textiles", 1}, {"Almere Housing", 1},
}

// agent is a named employee (org:resource).
type agent struct {
	name   string
	group  string
	speed  float64 // multiplies processing time; > 1 is slower
	reopen float64 // multiplies the chance that their resolutions are reopened
	cal    *calendar
	disp   *calendar // dispatch calendar; nil when not a dispatcher
	busy   time.Time // end of the agent's current work
}

type agentSpec struct {
	name, group   string
	speed, reopen float64
	shift         int // index into shifts
	dayOff        time.Weekday
	partTime      bool
	dispatcher    bool
	leave         [][2]string
}

// shifts: early, normal, late desk shifts; DBA incident duty is two windows
// a day because the DBAs spend the rest on changes and projects.
var shifts = [][]span{
	{{hm(8, 0), hm(16, 30)}},
	{{hm(8, 30), hm(17, 0)}},
	{{hm(9, 30), hm(18, 0)}},
	{{hm(10, 0), hm(12, 0)}, {hm(14, 0), hm(16, 0)}},
}

const dbaDuty = 3

var staff = []agentSpec{
	{name: "Sanne Jansen", group: gServiceDesk, speed: 0.9, reopen: 1, shift: 1, dispatcher: true},
	{name: "Lucas de Vries", group: gServiceDesk, speed: 1.0, reopen: 1, shift: 0, leave: [][2]string{{"2026-02-23", "2026-02-27"}}},
	{name: "Emma van den Berg", group: gServiceDesk, speed: 1.05, reopen: 1, shift: 2},
	{name: "Milan Visser", group: gServiceDesk, speed: 1.0, reopen: 1, shift: 0, dispatcher: true},
	{name: "Julia Smit", group: gServiceDesk, speed: 0.95, reopen: 1, shift: 2, leave: [][2]string{{"2026-05-26", "2026-05-29"}}},
	{name: "Noah Meijer", group: gServiceDesk, speed: 1.1, reopen: 1, shift: 1},
	{name: "Tess de Boer", group: gServiceDesk, speed: 1.0, reopen: 1, shift: 2, dispatcher: true},
	{name: "Finn Mulder", group: gServiceDesk, speed: 1.0, reopen: 1, shift: 0},
	{name: "Lotte de Groot", group: gServiceDesk, speed: 0.9, reopen: 1, shift: 1, leave: [][2]string{{"2026-04-28", "2026-05-08"}}},
	{name: "Sem Bos", group: gServiceDesk, speed: 1.15, reopen: 1.2, shift: 2},
	{name: "Fleur Vos", group: gServiceDesk, speed: 1.0, reopen: 1, shift: 0, partTime: true, dayOff: time.Friday},
	{name: "Levi Peters", group: gServiceDesk, speed: 1.0, reopen: 1, shift: 1, dispatcher: true, leave: [][2]string{{"2026-06-15", "2026-06-26"}}},
	{name: "Anna Hendriks", group: gServiceDesk, speed: 0.95, reopen: 1, shift: 2},
	{name: "Jesse van Leeuwen", group: gServiceDesk, speed: 1.05, reopen: 1, shift: 0},

	{name: "Ruben Dekker", group: gNetwork, speed: 0.9, reopen: 1, shift: 0},
	{name: "Iris Brouwer", group: gNetwork, speed: 1.0, reopen: 1, shift: 1},
	{name: "Thijs de Wit", group: gNetwork, speed: 1.0, reopen: 1, shift: 2, leave: [][2]string{{"2026-04-28", "2026-05-08"}}},
	{name: "Noor Dijkstra", group: gNetwork, speed: 0.95, reopen: 1, shift: 1, leave: [][2]string{{"2026-02-16", "2026-02-20"}}},
	{name: "Bram Smits", group: gNetwork, speed: 1.7, reopen: 1, shift: 1},
	{name: "Yara de Graaf", group: gNetwork, speed: 1.05, reopen: 1, shift: 2},

	{name: "Sven van der Meer", group: gWorkplace, speed: 1.0, reopen: 1, shift: 0, leave: [][2]string{{"2026-06-22", "2026-07-03"}}},
	{name: "Lisa van der Linden", group: gWorkplace, speed: 0.95, reopen: 1, shift: 1},
	{name: "Gijs Kok", group: gWorkplace, speed: 1.0, reopen: 1, shift: 2, leave: [][2]string{{"2026-04-28", "2026-05-08"}}},
	{name: "Evi Jacobs", group: gWorkplace, speed: 1.05, reopen: 1, shift: 0},
	{name: "Mees de Haan", group: gWorkplace, speed: 1.0, reopen: 1, shift: 1},
	{name: "Sara Vermeulen", group: gWorkplace, speed: 0.9, reopen: 1, shift: 1, partTime: true, dayOff: time.Friday},
	{name: "Luuk van den Heuvel", group: gWorkplace, speed: 1.8, reopen: 1, shift: 2},
	{name: "Roos van der Veen", group: gWorkplace, speed: 1.0, reopen: 1, shift: 0, leave: [][2]string{{"2026-02-16", "2026-02-20"}}},

	{name: "Joost van den Broek", group: gApps, speed: 1.0, reopen: 1, shift: 1},
	{name: "Femke de Bruijn", group: gApps, speed: 0.95, reopen: 1, shift: 0, partTime: true, dayOff: time.Wednesday},
	{name: "Stijn de Jong", group: gApps, speed: 1.05, reopen: 1, shift: 2, leave: [][2]string{{"2026-04-28", "2026-05-01"}}},
	{name: "Maud van Beek", group: gApps, speed: 1.6, reopen: 1, shift: 1},
	{name: "Timo Willems", group: gApps, speed: 1.0, reopen: 1, shift: 0},
	{name: "Elin van Dam", group: gApps, speed: 0.95, reopen: 1, shift: 2},
	{name: "Koen Hoekstra", group: gApps, speed: 0.6, reopen: 3.5, shift: 1},
	{name: "Nina Maas", group: gApps, speed: 1.0, reopen: 1, shift: 1, leave: [][2]string{{"2026-02-23", "2026-02-27"}}},

	{name: "Marco Verhoeven", group: gDBA, speed: 1.0, reopen: 1, shift: dbaDuty, leave: [][2]string{{"2026-02-16", "2026-02-20"}}},
	{name: "Priya Raman", group: gDBA, speed: 0.9, reopen: 1, shift: dbaDuty, leave: [][2]string{{"2026-06-29", "2026-07-10"}}},
	{name: "Dirk Koster", group: gDBA, speed: 1.5, reopen: 1, shift: dbaDuty, leave: [][2]string{{"2026-05-11", "2026-05-22"}}},
	{name: "Ilse Prins", group: gDBA, speed: 1.0, reopen: 1, shift: dbaDuty, leave: [][2]string{{"2026-05-11", "2026-05-22"}}},
}

// lead escalates incidents on behalf of the Service Desk.
const lead = "Sanne Jansen"

// mondayDispatchFrom is when dispatch starts on Mondays, after the weekly
// planning meeting.
var mondayDispatchFrom = hm(10, 30)

// org holds the staff and the shared calendars.
type org struct {
	loc    *time.Location
	std    *calendar // business hours: Mon-Fri 08:00-18:00, closed on holidays
	always *calendar // on-call for P1: around the clock
	groups map[string][]*agent
	lead   *agent
}

func newOrg(loc *time.Location) (*org, error) {
	std, err := newCalendar(loc, weekdays(span{hm(8, 0), hm(18, 0)}), true, nil)
	if err != nil {
		return nil, err
	}
	var all [7][]span
	for d := range all {
		all[d] = []span{{0, 24 * 60}}
	}
	always, err := newCalendar(loc, all, false, nil)
	if err != nil {
		return nil, err
	}
	o := &org{loc: loc, std: std, always: always, groups: map[string][]*agent{}}
	for _, s := range staff {
		week := weekdays(shifts[s.shift]...)
		if s.partTime {
			week[s.dayOff] = nil
		}
		cal, err := newCalendar(loc, week, true, s.leave)
		if err != nil {
			return nil, fmt.Errorf("agent %s: %w", s.name, err)
		}
		a := &agent{name: s.name, group: s.group, speed: s.speed, reopen: s.reopen, cal: cal}
		if s.dispatcher {
			a.disp = cal.withMondayStart(mondayDispatchFrom)
		}
		o.groups[s.group] = append(o.groups[s.group], a)
		if s.name == lead {
			o.lead = a
		}
	}
	if o.lead == nil {
		return nil, fmt.Errorf("lead %q is not on the staff", lead)
	}
	return o, nil
}

// dispatchers returns the Service Desk agents who assign incidents.
func (o *org) dispatchers() []*agent {
	var ds []*agent
	for _, a := range o.groups[gServiceDesk] {
		if a.disp != nil {
			ds = append(ds, a)
		}
	}
	return ds
}
