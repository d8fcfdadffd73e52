// Package fit discovers a simulation model from a log's activity instances
// (a timeline.Log) in seconds, where Simod needs hours: every step is a
// closed-form estimate or a maximum-likelihood fit, and one short
// simulation of the training log calibrates the waiting no queue explains.
//
//   - Arrivals: each case arrives at its first instance's start (its
//     completion where starts are not recorded). The hour-of-week profile
//     is the arrivals counted per hour of the week, divided by the weeks the
//     log spans; the gaps between arrivals, measured in expected arrivals of
//     that profile, get a fitted distribution (mean 1 for a Poisson process;
//     larger variance for bursty arrivals).
//   - Routing: variant replay draws a whole (variant, case attributes) pair
//     with its observed frequency, so attributes stay with the paths they
//     came with; the attributes kept are categorical case attributes with
//     2 to 12 values present in most cases (at most MaxAttributes, fewest
//     values first). Tree mode plays out the given process tree, each
//     exclusive choice weighted by how often its branches' activities occur
//     and each loop's redo probability from how often its body repeats.
//     Net mode plays a designed workflow net (Design, e.g. from a BPMN
//     file): the log is aligned to it (mining/conformance) and each place
//     with a choice weighs its output transitions by how often they fired
//     in the aligned runs (synchronous, model-only and silent moves; log
//     moves are ignored). Probabilities and durations the design's file
//     gives win over the log's; a task the log never saw needs a duration
//     there. Durations, delays, arrivals and calendars are fitted as in the
//     other modes, for the activities the net's labels name.
//   - Resources: pools are groups of resources with similar activity
//     profiles (cosine similarity of activity counts ≥ 0.7, single
//     linkage); each activity goes to the pool that performed it most. A
//     pool's calendar is the hours of the week in which its resources
//     record at least 2 % of the pool's peak-hour activity (around the
//     clock if that is nearly every hour). Logs without resources get no
//     pools: every activity is an unlimited automatic step. In net mode a
//     design with lanes replaces the clustering for its lanes' tasks: each
//     lane is a pool of the resources who performed its tasks in the log
//     (a lane nobody in the log worked in keeps the clustering's pools).
//   - Durations: service time is start to completion where the log records
//     starts, otherwise from the later of the enabling instant (the case's
//     previous completion; in net mode, when the step's tokens came in its
//     case's aligned run) and the resource's previous completion, in the
//     pool's working time; one distribution per activity chosen by AIC
//     (sim/dist), and per resource a speed factor (its median over the
//     activity's median, pooled over activities, from 20 instances on).
//     Where service times would load a pool above 85 % of its working
//     time, they are scaled down to that and the rest counts as delay.
//   - Extraneous delay: the waiting before an instance that its resource's
//     availability does not explain (the resource was free and at work),
//     fitted per activity. A calibration run then simulates the training
//     period and adds or removes delay per activity until the simulated
//     mean time from enabling to completion matches the log's.
//
// It reads a timeline.Log and returns a model.Model; it must not import
// database/sql, DuckDB, ingest, report or cmd.
package fit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Options tune the fit. The zero value fits variant replay in UTC.
type Options struct {
	// Location is the zone of calendars and of the arrival profile
	// (default UTC).
	Location *time.Location
	// Mode is model.Variants (default; model.Net when Design is set),
	// model.Tree (needs Tree) or model.Net (needs Design).
	Mode string
	// Tree is the process tree to play out in tree mode, in PM4Py
	// notation (e.g. from mining/inductive).
	Tree string
	// Design is the designed process mode net plays (e.g. from a BPMN
	// file, see DesignFromBPMN).
	Design *Design
	// MaxAttributes bounds the case attributes kept with variants
	// (default 2; -1 for none).
	MaxAttributes int
	// Calibration is how many calibration runs adjust the delays (default
	// 1: with heavy-tailed waits a run's means are noisy, and further
	// rounds chase that noise; -1 for none).
	Calibration int
	// Seed of the calibration runs.
	Seed uint64
}

// Report says how the fit went, for people.
type Report struct {
	Cases, Instances int
	Starts           bool     // the log records start times
	Pools            int      // resource pools found
	Notes            []string // decisions worth knowing
}

// ErrEmpty reports a log with too little to fit.
var ErrEmpty = errors.New("fit: the log needs at least two cases with activity instances")

// Fit discovers a model from l (FitContext without cancellation).
func Fit(l *timeline.Log, o Options) (*model.Model, *Report, error) {
	return FitContext(context.Background(), l, o)
}

// FitContext discovers a model from l; cancelling ctx stops the one long
// step, aligning the log to a design (mode net).
func FitContext(ctx context.Context, l *timeline.Log, o Options) (*model.Model, *Report, error) {
	if o.Location == nil {
		o.Location = time.UTC
	}
	switch {
	case o.Mode == "" && o.Design != nil:
		o.Mode = model.Net
	case o.Mode == "":
		o.Mode = model.Variants
	}
	if o.MaxAttributes == 0 {
		o.MaxAttributes = 2
	}
	if o.Calibration == 0 {
		o.Calibration = 1
	}
	if l.Cases() < 2 || l.Steps() == 0 {
		return nil, nil, ErrEmpty
	}
	f := &fitter{ctx: ctx, l: l, o: o, rep: &Report{Cases: l.Cases(), Instances: l.Steps()}}
	f.index()
	m := &model.Model{Version: model.Version, Name: l.Name, Timezone: o.Location.String(), Acts: model.Activities{}}
	m.Fitted = &model.FitInfo{Log: l.Name, Cases: l.Cases(),
		From: time.UnixMicro(f.first).UTC().Format(time.RFC3339), To: time.UnixMicro(f.last).UTC().Format(time.RFC3339),
		Starts: "estimated from resource availability"}
	if f.rep.Starts {
		m.Fitted.Starts = "recorded"
	}
	var err error
	if m.Arrivals, err = f.arrivals(); err != nil {
		return nil, nil, err
	}
	f.chooseTeam()
	if err := f.routing(m); err != nil {
		return nil, nil, err
	}
	f.pools(m)
	f.durations(m)
	if o.Mode == model.Net {
		f.designDurations(m)
		f.lanes(m)
		prune(m)
		f.rep.Pools = len(m.Pools)
	}
	if err := m.Validate(); err != nil {
		return nil, nil, fmt.Errorf("fit: the fitted model is invalid (a bug): %w", err)
	}
	if o.Calibration > 0 {
		if err := f.calibrate(m); err != nil {
			return nil, nil, err
		}
	}
	return m, f.rep, nil
}

// fitter holds what the steps share.
type fitter struct {
	ctx context.Context
	l   *timeline.Log
	o   Options
	rep *Report
	// per step
	enabled []int64 // previous completion in the case, or the step's own start for the first
	begin   []int64 // start, recorded or estimated
	first   int64   // earliest instant
	last    int64   // latest instant
	arrival []int64 // per case
	// per case: its priority attribute's value ("" = none)
	prio []string
	// per resource: index of its pool, its calendar
	poolOf  []int
	poolCal []*calendar.Calendar
	// the categorical case attributes (read once), and the one whose value
	// says which team does a case's work (nil: none does)
	cats *[]caseAttr
	team *caseAttr
}

// index computes enabling instants, arrivals and the log's span.
func (f *fitter) index() {
	l := f.l
	n := l.Steps()
	f.enabled = make([]int64, n)
	f.begin = make([]int64, n)
	f.arrival = make([]int64, l.Cases())
	f.first, f.last = math.MaxInt64, math.MinInt64
	starts := 0
	for c := range l.Cases() {
		lo, hi := int(l.CaseStart[c]), int(l.CaseStart[c+1])
		for i := lo; i < hi; i++ {
			st := l.Start[i]
			if st != timeline.None && st <= l.Time[i] {
				starts++
			} else {
				st = l.Time[i]
			}
			f.begin[i] = st
			if i == lo {
				f.enabled[i] = st
				f.arrival[c] = st
			} else {
				f.enabled[i] = l.Time[i-1]
			}
			f.first, f.last = min(f.first, st), max(f.last, l.Time[i])
		}
	}
	// A log "records starts" when most instances have one.
	f.rep.Starts = starts*2 > n
}

// arrivals fits the arrival profile and the gap distribution.
func (f *fitter) arrivals() (model.Arrivals, error) {
	arr := slices.Clone(f.arrival)
	slices.Sort(arr)
	// The rate is measured over the central 98 % of arrivals: a few stray
	// cases years before the rest (old tickets migrated into a system, say)
	// would otherwise stretch the span and dilute the rate.
	if trim := len(arr) / 100; trim > 0 {
		arr = arr[trim : len(arr)-trim]
	}
	span := float64(arr[len(arr)-1]-arr[0]) / 1e6 / 3600 / 168 // weeks
	var a model.Arrivals
	a.PerHour = make([]float64, model.HoursPerWeek)
	for _, t := range arr {
		a.PerHour[hourOfWeek(t, f.o.Location)]++
	}
	weeks := max(span, 1.0/168) // at least an hour's worth
	for i := range a.PerHour {
		a.PerHour[i] /= weeks
	}
	// Gaps in expected arrivals: the profile's integral between arrivals.
	gaps := make([]float64, 0, len(arr)-1)
	for i := 1; i < len(arr); i++ {
		gaps = append(gaps, expected(a.PerHour, arr[i-1], arr[i], f.o.Location))
	}
	d, _ := dist.Fit(gaps)
	if !(d.MeanValue() > 0) {
		// All cases arrived at once: spread them evenly instead.
		d = dist.Dist{Kind: dist.Exponential, Mean: 1}
		f.note("all cases arrive at the same instant; arrivals are modelled as a Poisson process")
	}
	// The gaps are measured against the whole log's profile. Its shape
	// stays; its level then comes from the most recent third of arrivals: a
	// model is used to look ahead from the log's end, and logs extracted as
	// "cases open in a window" (BPIC 2013) or of a growing process arrive
	// faster at the end than on average.
	if k := len(arr) / 3; k >= 30 {
		recent := arr[len(arr)-k:]
		if rspan := float64(recent[len(recent)-1]-recent[0]) / 1e6 / 3600 / 168; rspan > 0 {
			level := float64(k) / rspan
			var total float64
			for _, v := range a.PerHour {
				total += v
			}
			if total > 0 {
				for i := range a.PerHour {
					a.PerHour[i] *= level / total
				}
			}
		}
	}
	a.Gaps = d
	return a, nil
}

// hourOfWeek is t's hour of the week in loc, Monday 00:00 = 0.
func hourOfWeek(us int64, loc *time.Location) int {
	t := time.UnixMicro(us).In(loc)
	return (int(t.Weekday())+6)%7*24 + t.Hour()
}

// expected is the integral of the hourly rate profile over [a, b).
func expected(perHour []float64, a, b int64, loc *time.Location) float64 {
	const hour = int64(time.Hour / time.Microsecond)
	var sum, week float64
	for _, v := range perHour {
		week += v
	}
	if b-a > 168*hour {
		w := (b - a) / (168 * hour)
		sum += float64(w) * week
		a += w * 168 * hour
	}
	for a < b {
		t := time.UnixMicro(a).In(loc)
		into := int64(t.Minute())*60_000_000 + int64(t.Second())*1_000_000 + int64(t.Nanosecond()/1000)
		end := min(a+hour-into, b)
		sum += perHour[(int(t.Weekday())+6)%7*24+t.Hour()] * float64(end-a) / float64(hour)
		a = end
	}
	return sum
}

func (f *fitter) note(format string, args ...any) {
	f.rep.Notes = append(f.rep.Notes, fmt.Sprintf(format, args...))
}

// routing fills the model's routing and activity names.
func (f *fitter) routing(m *model.Model) error {
	l := f.l
	for _, a := range l.Activities {
		m.Acts[a] = &model.Activity{Duration: dist.Zero}
	}
	switch f.o.Mode {
	case model.Tree, model.Net:
		// Both play a model out; case attributes are drawn on their own.
		p := &model.Probabilities{}
		if f.o.Mode == model.Tree {
			var err error
			if p, err = treeProbabilities(l, f.o.Tree); err != nil {
				return err
			}
			m.Routing = model.Routing{Mode: model.Tree, Tree: f.o.Tree, Probabilities: p}
		} else {
			net, err := f.netRouting(f.ctx, m)
			if err != nil {
				return err
			}
			m.Routing = model.Routing{Mode: model.Net, Net: net}
		}
		attrs, _ := f.caseAttributes()
		f.keepTeam(attrs)
		if len(attrs) > 0 {
			p.Attributes = map[string]map[string]float64{}
			for _, a := range attrs {
				p.Attributes[a.name] = map[string]float64{}
				for _, v := range a.values {
					if v != "" {
						p.Attributes[a.name][v]++
					}
				}
			}
			m.Routing.Probabilities = p
		}
		m.Priority = priorityOf(attrs)
		f.setPriority(attrs, m.Priority)
		return nil
	case model.Variants:
	default:
		return fmt.Errorf("fit: mode %q: want %s, %s or %s", f.o.Mode, model.Variants, model.Tree, model.Net)
	}
	attrs, _ := f.caseAttributes()
	f.keepTeam(attrs)
	type key struct{ acts, attrs string }
	index := map[key]int{}
	var vs []model.Variant
	for c := range l.Cases() {
		lo, hi := l.CaseStart[c], l.CaseStart[c+1]
		var sb strings.Builder
		acts := make([]string, 0, hi-lo)
		steps := make([]int32, 0, hi-lo)
		for i := lo; i < hi; i++ {
			steps = append(steps, i)
		}
		if f.rep.Starts {
			// Replayed one after the other, a path is in the order its
			// instances started: where instances overlapped, that is the
			// order the log shows them in by start (and the validation
			// measures order them in).
			sort.SliceStable(steps, func(a, b int) bool { return f.begin[steps[a]] < f.begin[steps[b]] })
		}
		for _, i := range steps {
			a := l.Activities[l.Act[i]]
			acts = append(acts, a)
			sb.WriteString(a)
			sb.WriteByte(0)
		}
		var ab strings.Builder
		var av map[string]string
		for _, a := range attrs {
			if v := a.values[c]; v != "" {
				if av == nil {
					av = map[string]string{}
				}
				av[a.name] = v
				ab.WriteString(a.name + "=" + v + "\x00")
			}
		}
		k := key{sb.String(), ab.String()}
		if i, ok := index[k]; ok {
			vs[i].Cases++
			continue
		}
		index[k] = len(vs)
		vs = append(vs, model.Variant{Activities: acts, Cases: 1, Attributes: av})
	}
	// Most frequent first (ties by path, then attributes), so the file
	// reads from the common to the rare.
	sort.SliceStable(vs, func(i, j int) bool {
		if vs[i].Cases != vs[j].Cases {
			return vs[i].Cases > vs[j].Cases
		}
		return strings.Join(vs[i].Activities, "\x00") < strings.Join(vs[j].Activities, "\x00")
	})
	m.Routing = model.Routing{Mode: model.Variants, Variants: vs}
	m.Priority = priorityOf(attrs)
	f.setPriority(attrs, m.Priority)
	return nil
}

// setPriority keeps each case's priority value for the delays.
func (f *fitter) setPriority(attrs []caseAttr, p *model.Priority) {
	if p == nil {
		return
	}
	for _, a := range attrs {
		if a.name == p.Attribute {
			f.prio = a.values
		}
	}
}

// caseAttr is one kept case attribute: its values per case ("" = absent).
type caseAttr struct {
	name   string
	values []string
	kinds  int
}

// caseAttributes picks the categorical case attributes worth keeping.
func (f *fitter) caseAttributes() ([]caseAttr, error) {
	if f.o.MaxAttributes < 0 {
		return nil, nil
	}
	out := slices.Clone(f.categorical())
	sort.Slice(out, func(i, j int) bool {
		pi, pj := isPriority(out[i].name), isPriority(out[j].name)
		if pi != pj {
			return pi // a priority attribute first: it orders queues
		}
		ti, tj := f.team != nil && out[i].name == f.team.name, f.team != nil && out[j].name == f.team.name
		if ti != tj {
			return ti // then the one that chooses the team
		}
		if out[i].kinds != out[j].kinds {
			return out[i].kinds < out[j].kinds
		}
		return out[i].name < out[j].name
	})
	if len(out) > f.o.MaxAttributes {
		out = out[:f.o.MaxAttributes]
	}
	return out, nil
}

// categorical reads the categorical case attributes once: 2 to 12 values,
// present in at least 80 % of the cases.
func (f *fitter) categorical() []caseAttr {
	if f.cats != nil {
		return *f.cats
	}
	l := f.l
	n := l.Cases()
	parsed := make([]map[string]any, n)
	present := map[string]int{}
	distinct := map[string]map[string]bool{}
	for c := range n {
		if l.CaseAttrs[c] == "" {
			continue
		}
		var m map[string]any
		if json.Unmarshal([]byte(l.CaseAttrs[c]), &m) != nil {
			continue
		}
		parsed[c] = m
		for k, v := range m {
			s, ok := scalar(v)
			if !ok {
				continue
			}
			present[k]++
			if distinct[k] == nil {
				distinct[k] = map[string]bool{}
			}
			if len(distinct[k]) <= 12 {
				distinct[k][s] = true
			}
		}
	}
	var out []caseAttr
	for k, p := range present {
		if k == "concept:name" || p*10 < n*8 || len(distinct[k]) < 2 || len(distinct[k]) > 12 {
			continue
		}
		a := caseAttr{name: k, values: make([]string, n), kinds: len(distinct[k])}
		for c, m := range parsed {
			if s, ok := scalar(m[k]); ok {
				a.values[c] = s
			}
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	f.cats = &out
	return out
}

func isPriority(name string) bool { return strings.EqualFold(name, "priority") }

// scalar renders a JSON attribute value as text; lists and maps are not
// categories.
func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, x != ""
	case float64:
		return fmt.Sprint(x), true
	case bool:
		return fmt.Sprint(x), true
	case map[string]any:
		// pmx keeps typed XES values as {"type": ..., "value": ...}.
		if val, ok := x["value"]; ok {
			return scalar(val)
		}
	}
	return "", false
}

// priorityOf orders queues by a "priority" attribute when the log has one,
// values in natural order (P1 before P2, 1 before 2).
func priorityOf(attrs []caseAttr) *model.Priority {
	for _, a := range attrs {
		if !isPriority(a.name) {
			continue
		}
		seen := map[string]bool{}
		var order []string
		for _, v := range a.values {
			if v != "" && !seen[v] {
				seen[v] = true
				order = append(order, v)
			}
		}
		sort.Slice(order, func(i, j int) bool { return naturalLess(order[i], order[j]) })
		return &model.Priority{Attribute: a.name, Order: order}
	}
	return nil
}

// naturalLess compares with digit runs as numbers: "P2" < "P10".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}
