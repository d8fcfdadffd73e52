// Package analyze runs every time analysis of a log in one call — time
// decomposition in calendar and business time, bottlenecks, rework,
// resources, WIP, segments, drift and SLA rules — and returns one typed
// Report: what pmx analyze --json prints, pmx bottlenecks summarises and
// the tests check.
//
// It composes analysis/perf and analysis/sla over an analysis/timeline
// log; it must not import cmd, report or mining, and never writes.
package analyze

import (
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/perf"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Options tune the analysis.
type Options struct {
	// Calendar measures business time; nil = calendar time only.
	Calendar *calendar.Calendar
	// Location of weekly and hour-of-week buckets (default: the calendar's
	// zone, else UTC).
	Location *time.Location
	Top      int     // findings per kind (default 10)
	Alpha    float64 // significance level (default 0.01)
	Seed     uint64  // bootstrap seed (default 1)
	// SLA rules to evaluate (nil: none); Now is the instant open cases are
	// judged at (zero: the log's last completion).
	SLA *sla.Rules
	Now time.Time
	// GroupAttr names the event attribute the timeline's groups came from
	// (timeline.Options.GroupAttr), for labels.
	GroupAttr string
	// Skip leaves parts of the analysis out (zero: none); their fields of
	// the Report stay empty. A caller that shows a few parts of a large
	// log saves the rest: at ten million instances the time
	// decomposition's summaries and WIP take two seconds of CPU each.
	Skip Parts
}

// Parts names parts of the analysis, for Options.Skip.
type Parts uint

const (
	// PartTimes is the time decomposition's summaries (Report.Times,
	// BusinessTimes and OffHours); the per-step times every other part
	// needs are computed regardless.
	PartTimes Parts = 1 << iota
	PartBottlenecks
	PartRework // rework and ping-pong
	PartResources
	PartWIP // WIP and the hour-of-week profile
	PartSegments
	PartDrift
)

// Report is the result of Run.
type Report struct {
	Log   string `json:"log"`
	Cases int    `json:"cases"`
	Steps int    `json:"activity_instances"`
	// Times is the decomposition in calendar time; BusinessTimes in the
	// business calendar's working time (absent without a calendar).
	Times         perf.Decomposition  `json:"times"`
	BusinessTimes *perf.Decomposition `json:"business_times,omitempty"`
	// OffHours is, per case, the part of its cycle time outside working
	// hours (calendar minus business cycle time); with a calendar only.
	OffHours *perf.Dist `json:"off_hours,omitempty"`
	// Findings are the bottlenecks (in business time when a calendar is
	// given: waiting outside working hours is not the process' fault).
	Findings []perf.Finding  `json:"bottlenecks"`
	Rework   []perf.Rework   `json:"rework"`
	PingPong []perf.PingPong `json:"ping_pong"`
	// GroupPingPong is ping-pong between groups (with Options.GroupAttr at
	// load time; empty otherwise).
	GroupPingPong []perf.PingPong      `json:"group_ping_pong,omitempty"`
	Resources     []perf.ResourceStats `json:"resources"`
	Speeds        []perf.Speed         `json:"resource_speed"`
	Handovers     []perf.Handover      `json:"handovers"`
	WIP           []perf.WIP           `json:"wip"`
	HourOfWeek    []perf.HourOfWeek    `json:"hour_of_week"`
	Segments      []perf.SegmentTest   `json:"segments"`
	Drift         perf.Drift           `json:"drift"`
	SLA           *sla.Report          `json:"sla,omitempty"`
	// Involvements compare cases involving each group (event attribute
	// Options.GroupAttr) with the others.
	Involvements []perf.Involvement `json:"involvements,omitempty"`
	// BreachSegments: which case attributes explain SLA breaches.
	BreachSegments []BreachSegments   `json:"breach_segments,omitempty"`
	Seconds        map[string]float64 `json:"seconds"`
}

// Run analyses l.
func Run(l *timeline.Log, o Options) (*Report, error) {
	if o.Top <= 0 {
		o.Top = 10
	}
	if o.Alpha <= 0 {
		o.Alpha = 0.01
	}
	loc := o.Location
	if loc == nil {
		loc = time.UTC
		if o.Calendar != nil {
			loc = o.Calendar.Location()
		}
	}
	r := &Report{Log: l.Name, Cases: l.Cases(), Steps: l.Steps(), Seconds: map[string]float64{}}
	var mu sync.Mutex
	step := func(name string, fn func()) {
		start := time.Now()
		fn()
		mu.Lock()
		r.Seconds[name] = time.Since(start).Seconds()
		mu.Unlock()
	}
	// The per-step times first (calendar and business side by side); every
	// other step needs them.
	var tm, btm *perf.Times
	var cycle, bcycle []float64
	var wg sync.WaitGroup
	wg.Go(func() { step("decompose", func() { tm, cycle = perf.Decompose(l, nil), perf.CycleTimes(l, nil) }) })
	if o.Calendar != nil {
		wg.Go(func() {
			step("decompose_business", func() { btm, bcycle = perf.Decompose(l, o.Calendar), perf.CycleTimes(l, o.Calendar) })
		})
	}
	wg.Wait()
	ftm, fcycle := tm, cycle
	var clock perf.Clock
	if o.Calendar != nil {
		clock = o.Calendar
		if o.Skip&PartTimes == 0 {
			off := make([]float64, len(cycle))
			for c := range off {
				off[c] = max(cycle[c]-bcycle[c], 0)
			}
			od := perf.SummarizeDurations(off)
			r.OffHours = &od
		}
		ftm, fcycle = btm, bcycle
	}
	// Then the steps themselves, on as many goroutines as there are cores,
	// the longest first. Each writes its own fields of r, so the report
	// does not depend on the order they finish in; running them side by
	// side rather than in fixed pairs keeps both cores busy.
	var slaErr error
	// The case attributes are read once, for segments and SLA breaches.
	attrs := sync.OnceValue(func() []perf.Attribute { return perf.CategoricalAttributes(l) })
	tasks := []struct {
		part Parts // 0: always
		run  func()
	}{
		{PartBottlenecks, func() {
			step("bottlenecks", func() {
				r.Findings = perf.Bottlenecks(l, ftm, fcycle, perf.Options{Top: o.Top, Alpha: o.Alpha, Seed: o.Seed})
			})
		}},
		{PartTimes, func() { step("summarize", func() { r.Times = perf.Summarize(l, tm, cycle, "calendar") }) }},
		{PartTimes, func() {
			if o.Calendar == nil {
				return
			}
			step("summarize_business", func() {
				d := perf.Summarize(l, btm, slices.Clone(bcycle), o.Calendar.Name())
				r.BusinessTimes = &d
			})
		}},
		{0, func() {
			if o.SLA == nil {
				return
			}
			step("sla", func() { r.SLA, slaErr = sla.Evaluate(l, o.SLA, sla.Options{Now: o.Now}) })
			if slaErr == nil {
				step("sla_segments", func() { r.BreachSegments = breachSegments(attrs(), r.SLA, o.Alpha, r.SLA.Level) })
			}
		}},
		{PartWIP, func() { step("wip", func() { r.WIP, r.HourOfWeek = perf.WorkInProgress(l, ftm, loc) }) }},
		{PartRework, func() {
			step("rework", func() {
				r.Rework, r.PingPong = perf.ReworkFindings(l, tm, cycle, o.Top)
				r.GroupPingPong = perf.PingPongs(l, l.Group, l.Groups, tm, o.Top)
			})
		}},
		{PartResources, func() {
			step("resources", func() {
				r.Resources, r.Speeds, r.Handovers = perf.Resources(l, tm, clock, o.Alpha, 20)
			})
		}},
		{PartSegments, func() {
			step("segments", func() {
				r.Segments = perf.SegmentsOf(attrs(), fcycle, o.Alpha)
				r.Involvements = perf.Involvements(l, o.GroupAttr, l.Group, l.Groups, fcycle, o.Alpha)
			})
		}},
		{PartDrift, func() { step("drift", func() { r.Drift = perf.WeeklyDrift(l, fcycle, loc, o.Alpha) }) }},
	}
	next := make(chan func(), len(tasks))
	for _, t := range tasks {
		if o.Skip&t.part == 0 {
			next <- t.run
		}
	}
	close(next)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for t := range next {
				t()
			}
		})
	}
	wg.Wait()
	if slaErr != nil {
		return nil, slaErr
	}
	return r, nil
}
