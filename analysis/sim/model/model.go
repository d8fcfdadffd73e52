// Package model owns pmx's simulation model: what a simulated process is
// made of, and the YAML file that holds it, which `pmx simulate` writes when
// it fits a model to a log and reads back (`--model FILE`) after a person
// has edited it.
//
// A model says how cases arrive (an hour-of-week profile of the arrival rate
// and the distribution of the gaps between arrivals measured against that
// profile), which path each case takes (a whole historical variant drawn by
// its frequency, with the case attributes that came with it, a process
// tree played out with branching probabilities, or a workflow net played as
// a token game with weighted choices), how long each activity
// takes (a distribution of working time, a pool of resources that performs
// it, and an extraneous delay before it, such as waiting for the customer),
// and the resources: pools of named resources with their working hours
// (a calendar in the analysis/calendar format), speed and cost.
//
// # File format
//
//	version: 1
//	name: demo-incidents            # what the model was fitted on
//	timezone: Europe/Amsterdam      # zone of the arrival profile and of calendars without one
//	arrivals:
//	  per_hour: [0.1, 0.1, ...]     # 168 expected arrivals per hour, Monday 00:00 first
//	  gaps: {dist: gamma, shape: 0.8, scale: 1.25}   # gaps in expected arrivals (mean 1)
//	routing:
//	  mode: variants                # or: tree, net
//	  variants:
//	    - {activities: [Open, Classify, Resolve, Close], cases: 512, attributes: {priority: P3}}
//	  tree: "->( 'Open', X( 'Classify', tau ), 'Close' )"  # mode tree: PM4Py notation
//	  probabilities: {...}          # mode tree: see Tree below
//	  net: {...}                    # mode net: see Mode net below
//	priority: {attribute: priority, order: [P1, P2, P3, P4]}   # optional queue order
//	activities:
//	  Classify:
//	    pool: First line            # omitted: no resource (an automatic step)
//	    pool_by: {attribute: category, pools: {Database: DBA}}  # optional: the team owning the case's value
//	    duration: {dist: lognormal, mu: 6.2, sigma: 0.9}        # working seconds
//	    delay: {dist: exponential, mean: 7200, p_zero: 0.6}     # optional, calendar seconds
//	    delay_after: {Open: {dist: fixed, value: 0}}            # optional, by previous activity
//	    delay_by_priority: {P1: {dist: exponential, mean: 600}} # optional, by the case's priority
//	    duration_by_priority: {P1: {dist: gamma, shape: 2, scale: 300}}
//	pools:
//	  First line:
//	    cost_per_hour: 35
//	    calendar: {timezone: Europe/Amsterdam, hours: {mon-fri: ["08:00-18:00"]}}
//	    resources:
//	      - {name: Anna, speed: 1.1}                           # speed > 1: slower
//	      - {name: Bram, calendar: {timezone: UTC, hours: {mon-wed: ["09:00-17:00"]}}}
//
// Durations are seconds. A distribution is {dist: KIND, ...} with the
// parameters of sim/dist (fixed value; exponential mean; lognormal mu,
// sigma; gamma and weibull shape, scale; empirical quantiles) and an
// optional p_zero share of exact zeros. A pool or resource without a
// calendar works around the clock. Unknown fields, unknown pools or
// activities, and bad parameters are errors naming the line and the field.
// ParseDist reads one distribution on its own, in the same syntax or as a
// plain number of seconds (a fixed duration).
//
// # Mode net
//
// A designed process (a BPMN diagram converted by mining/bpmn, a PNML
// file) is a workflow net, written out under routing.net:
//
//	routing:
//	  mode: net
//	  net:
//	    places: [start, p1, p2, p3, p4, p5, end]
//	    transitions:
//	      - {id: open, label: Open, in: [start], out: [p1]}
//	      - {id: split, in: [p1], out: [p2, p3]}        # no label: silent
//	      - {id: check, label: Check, in: [p2], out: [p4]}
//	      - {id: notify, label: Notify, in: [p3], out: [p5]}
//	      - {id: join, in: [p4, p5], out: [end]}
//	    initial: {start: 1}
//	    final: {end: 1}
//	    weights:                    # place → transition → relative weight
//	      p1: {split: 1}
//	  probabilities: {attributes: {priority: {P1: 1, P2: 3}}}  # optional
//
// Each case plays the token game from the initial marking. A transition
// is enabled when its input places hold its tokens (a place listed twice
// is an arc of weight 2); it takes them when it starts and puts its
// outputs when it ends. A silent transition (no label) takes no time; a
// labelled one is an instance of its activity, with the activity's pool,
// duration and delay (delay_after does not apply: a net has no single
// previous activity). So an AND-split starts its branches at once and a
// join waits for all of them. A place that several transitions take from
// is a choice: its weights decide, for each token, which transition takes
// it, and the token waits until that one is enabled, as a BPMN gateway
// decides when the token arrives (a place with no weights listed weighs
// its transitions equally; if all weigh 0, uniformly). Only when the case
// could go no further otherwise is the choice drawn again among the
// transitions enabled then. The case ends when its marking is the final marking; a case that
// can go no further before that is an error of the run, naming the
// marking (the net is not sound). A loop of silent transitions is refused
// here, since a case could go round it without end and without time
// passing. Case attributes, if any, are drawn as in mode tree, from
// probabilities.attributes.
//
// It must not import database/sql, DuckDB, ingest, report or cmd.
package model

import (
	"github.com/pmx-dev/pmx/analysis/sim/dist"
)

// Version is the file format version this package reads and writes.
const Version = 1

// Routing modes.
const (
	Variants = "variants"
	Tree     = "tree"
	Net      = "net"
)

// Model is a simulation model (see the package documentation for the file).
type Model struct {
	Version  int        `yaml:"version" json:"version"`
	Name     string     `yaml:"name,omitempty" json:"name,omitempty"`
	Fitted   *FitInfo   `yaml:"fitted,omitempty" json:"fitted,omitempty"`
	Timezone string     `yaml:"timezone,omitempty" json:"timezone,omitempty"`
	Arrivals Arrivals   `yaml:"arrivals" json:"arrivals"`
	Routing  Routing    `yaml:"routing" json:"routing"`
	Priority *Priority  `yaml:"priority,omitempty" json:"priority,omitempty"`
	Acts     Activities `yaml:"activities" json:"activities"`
	Pools    Pools      `yaml:"pools,omitempty" json:"pools,omitempty"`
}

// FitInfo says what a fitted model was fitted on (information only).
type FitInfo struct {
	Log   string `yaml:"log" json:"log"`
	Cases int    `yaml:"cases" json:"cases"`
	From  string `yaml:"from" json:"from"`
	To    string `yaml:"to" json:"to"`
	// Starts says whether the log recorded start times (service times were
	// measured) or start times were estimated from resource availability.
	Starts string `yaml:"starts" json:"starts"`
}

// Arrivals is the arrival process: a non-homogeneous renewal process whose
// clock runs at the hourly rate PerHour (168 values, Monday 00:00 first, in
// the model's zone): a gap of g means g expected arrivals pass.
type Arrivals struct {
	PerHour []float64 `yaml:"per_hour,flow" json:"per_hour"`
	Gaps    dist.Dist `yaml:"gaps" json:"gaps"`
}

// Routing is how a case's path is chosen.
type Routing struct {
	Mode     string    `yaml:"mode" json:"mode"`
	Variants []Variant `yaml:"variants,omitempty" json:"variants,omitempty"`
	// Tree is a process tree in PM4Py's notation (mode tree), played out
	// with Probabilities.
	Tree          string         `yaml:"tree,omitempty" json:"tree,omitempty"`
	Probabilities *Probabilities `yaml:"probabilities,omitempty" json:"probabilities,omitempty"`
	// Net is a workflow net played as a token game (mode net), choices
	// weighted by its Weights.
	Net *WorkflowNet `yaml:"net,omitempty" json:"net,omitempty"`
}

// Variant is one observed path with the case attributes that came with it;
// it is drawn with probability proportional to Cases.
type Variant struct {
	Activities []string          `yaml:"activities,flow" json:"activities"`
	Cases      float64           `yaml:"cases" json:"cases"`
	Attributes map[string]string `yaml:"attributes,omitempty,flow" json:"attributes,omitempty"`
}

// Probabilities play a process tree out. Operators are addressed by their
// position in the tree: "0" is the root, "0.2" its third child, and so on.
type Probabilities struct {
	// Choice: for each exclusive choice (X), the probability of each child
	// in order.
	Choice map[string][]float64 `yaml:"choice,omitempty" json:"choice,omitempty"`
	// Redo: for each loop (*), the probability of taking the redo part
	// again after each pass through the body.
	Redo map[string]float64 `yaml:"redo,omitempty" json:"redo,omitempty"`
	// Attributes: case attributes drawn independently of the path, each a
	// distribution over values (relative frequencies).
	Attributes map[string]map[string]float64 `yaml:"attributes,omitempty" json:"attributes,omitempty"`
}

// Priority orders resource queues by a case attribute: values earlier in
// Order go first, values not listed last; ties first come, first served.
type Priority struct {
	Attribute string   `yaml:"attribute" json:"attribute"`
	Order     []string `yaml:"order,flow" json:"order"`
}

// Activity is how one activity is performed.
type Activity struct {
	// Pool performs the activity; "" means no resource (an automatic step,
	// which never waits for anyone and works around the clock).
	Pool string `yaml:"pool,omitempty" json:"pool,omitempty"`
	// PoolBy sends the work of cases with the listed values of a case
	// attribute to other pools: the team that owns the case's category
	// investigates it. Values not listed go to Pool.
	PoolBy *PoolBy `yaml:"pool_by,omitempty" json:"pool_by,omitempty"`
	// Duration is the working time it takes (seconds; a resource's
	// calendar pauses it outside working hours).
	Duration dist.Dist `yaml:"duration" json:"duration"`
	// Delay is an extraneous wait before the activity can start (calendar
	// seconds), e.g. waiting for the customer; nil means none.
	Delay *dist.Dist `yaml:"delay,omitempty" json:"delay,omitempty"`
	// DelayAfter replaces Delay when the case's previous activity is the
	// key ("" for the case's first activity): waiting often depends on what
	// came before (a reply to a question, a part after an order). Used in
	// variant replay, where the previous activity is known.
	DelayAfter map[string]*dist.Dist `yaml:"delay_after,omitempty" json:"delay_after,omitempty"`
	// DurationByPriority replaces Duration for cases whose priority
	// attribute has the key's value (urgent work is often done faster).
	DurationByPriority map[string]*dist.Dist `yaml:"duration_by_priority,omitempty" json:"duration_by_priority,omitempty"`
	// DelayByPriority replaces both when the case's priority attribute
	// (the model's priority) has the key's value: urgent cases often wait
	// less for reasons no queue shows.
	DelayByPriority map[string]*dist.Dist `yaml:"delay_by_priority,omitempty" json:"delay_by_priority,omitempty"`
}

// PoolBy chooses an activity's pool by a case attribute's value.
type PoolBy struct {
	Attribute string            `yaml:"attribute" json:"attribute"`
	Pools     map[string]string `yaml:"pools" json:"pools"`
}

// Activities by name.
type Activities map[string]*Activity

// Pool is a group of resources that perform the same activities.
type Pool struct {
	CostPerHour float64     `yaml:"cost_per_hour,omitempty" json:"cost_per_hour,omitempty"`
	Calendar    *Calendar   `yaml:"calendar,omitempty" json:"calendar,omitempty"`
	Resources   []*Resource `yaml:"resources" json:"resources"`
}

// Pools by name.
type Pools map[string]*Pool

// Resource is one member of a pool.
type Resource struct {
	Name string `yaml:"name" json:"name"`
	// Speed multiplies the activity's drawn duration: 1 (or 0, unset) is
	// the typical member, 1.2 takes 20 % longer.
	Speed float64 `yaml:"speed,omitempty" json:"speed,omitempty"`
	// Calendar is the resource's own working time; nil means the pool's.
	Calendar *Calendar `yaml:"calendar,omitempty" json:"calendar,omitempty"`
}

// Calendar is working time in the analysis/calendar format: a zone, working
// hours per weekday ("mon-fri": ["08:00-12:00", "13:00-17:00"]) and
// holidays (dates).
type Calendar struct {
	Timezone string              `yaml:"timezone,omitempty" json:"timezone,omitempty"`
	Hours    map[string][]string `yaml:"hours,flow" json:"hours"`
	Holidays []string            `yaml:"holidays,omitempty,flow" json:"holidays,omitempty"`
}

// Clone returns a deep copy, for scenarios that change a model.
func (m *Model) Clone() *Model {
	c := *m
	if m.Fitted != nil {
		f := *m.Fitted
		c.Fitted = &f
	}
	c.Arrivals.PerHour = append([]float64(nil), m.Arrivals.PerHour...)
	c.Routing.Variants = make([]Variant, len(m.Routing.Variants))
	for i, v := range m.Routing.Variants {
		v.Activities = append([]string(nil), v.Activities...)
		if v.Attributes != nil {
			a := make(map[string]string, len(v.Attributes))
			for k, x := range v.Attributes {
				a[k] = x
			}
			v.Attributes = a
		}
		c.Routing.Variants[i] = v
	}
	if p := m.Routing.Probabilities; p != nil {
		q := &Probabilities{Choice: map[string][]float64{}, Redo: map[string]float64{}, Attributes: map[string]map[string]float64{}}
		for k, v := range p.Choice {
			q.Choice[k] = append([]float64(nil), v...)
		}
		for k, v := range p.Redo {
			q.Redo[k] = v
		}
		for k, v := range p.Attributes {
			a := make(map[string]float64, len(v))
			for x, f := range v {
				a[x] = f
			}
			q.Attributes[k] = a
		}
		c.Routing.Probabilities = q
	}
	c.Routing.Net = m.Routing.Net.clone()
	if m.Priority != nil {
		p := *m.Priority
		p.Order = append([]string(nil), p.Order...)
		c.Priority = &p
	}
	c.Acts = make(Activities, len(m.Acts))
	for k, a := range m.Acts {
		b := *a
		if a.Delay != nil {
			d := *a.Delay
			b.Delay = &d
		}
		b.DelayAfter = cloneDists(a.DelayAfter)
		b.DelayByPriority = cloneDists(a.DelayByPriority)
		b.DurationByPriority = cloneDists(a.DurationByPriority)
		if a.PoolBy != nil {
			pb := PoolBy{Attribute: a.PoolBy.Attribute, Pools: make(map[string]string, len(a.PoolBy.Pools))}
			for v, p := range a.PoolBy.Pools {
				pb.Pools[v] = p
			}
			b.PoolBy = &pb
		}
		c.Acts[k] = &b
	}
	c.Pools = make(Pools, len(m.Pools))
	for k, p := range m.Pools {
		q := *p
		q.Calendar = p.Calendar.clone()
		q.Resources = make([]*Resource, len(p.Resources))
		for i, r := range p.Resources {
			s := *r
			s.Calendar = r.Calendar.clone()
			q.Resources[i] = &s
		}
		c.Pools[k] = &q
	}
	return &c
}

func cloneDists(m map[string]*dist.Dist) map[string]*dist.Dist {
	if m == nil {
		return nil
	}
	out := make(map[string]*dist.Dist, len(m))
	for k, d := range m {
		dd := *d
		out[k] = &dd
	}
	return out
}

func (c *Calendar) clone() *Calendar {
	if c == nil {
		return nil
	}
	d := *c
	d.Hours = make(map[string][]string, len(c.Hours))
	for k, v := range c.Hours {
		d.Hours[k] = append([]string(nil), v...)
	}
	d.Holidays = append([]string(nil), c.Holidays...)
	return &d
}
