// Package validate checks a simulation model against the log it stands
// for, the way the simulation literature does: split the log in time, fit
// on the earlier part, simulate the later part several times, and measure
// how far each simulated log is from the real one (sim/measures).
//
// The split is by case arrival (first start, or first completion where
// starts are not recorded): the first TrainShare of cases (default 70 %)
// train, the rest test. Each replication simulates the test's case count
// with the arrival clock started where the last WarmUp training cases
// arrived, so the test period begins with work in progress as the real one
// did; those warm-up cases and a cool-down after the test are left out of
// the comparison, and so are simulated events after the log's last event,
// where the real cases are cut off. Where the log records no starts, simulated instances are
// compared by their completions only, as the real ones must be.
//
// It must not import database/sql, DuckDB, ingest, report or cmd.
package validate

import (
	"errors"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/fit"
	"github.com/pmx-dev/pmx/analysis/sim/measures"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/stats"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Options of a validation.
type Options struct {
	TrainShare   float64 // default 0.7
	Replications int     // default 10
	Seed         uint64  // default 1
	Workers      int     // default GOMAXPROCS
	Fit          fit.Options
}

// Interval is a measure's mean over the replications and its 95 %
// confidence interval (Student's t). A measure no replication could
// compute (a simulated log with no event before the log's end) is null.
type Interval struct {
	Mean stats.Float `json:"mean"`
	Low  stats.Float `json:"ci95_low"`
	High stats.Float `json:"ci95_high"`
}

// Result is a validation: case counts, the measures, and the fitted model.
type Result struct {
	Train        int                 `json:"train"`
	Test         int                 `json:"test"`
	Replications int                 `json:"replications"`
	Measures     map[string]Interval `json:"measures"`
	// TestMedianCycleHours is the test log's median cycle time (last end −
	// first start), the scale the cycle-time EMD is read against.
	TestMedianCycleHours float64      `json:"test_median_cycle_hours"`
	Model                *model.Model `json:"-"`
	Fit                  *fit.Report  `json:"fit"`
}

// ErrTooSmall reports a log too small to split.
var ErrTooSmall = errors.New("validate: the log needs at least 10 cases to split into training and test")

// Run validates a model fitted to l's earlier cases against its later ones.
func Run(l *timeline.Log, o Options) (*Result, error) {
	if o.TrainShare <= 0 || o.TrainShare >= 1 {
		o.TrainShare = 0.7
	}
	if o.Replications <= 0 {
		o.Replications = 10
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if l.Cases() < 10 {
		return nil, ErrTooSmall
	}
	order, arrival := byArrival(l)
	nTrain := int(math.Round(o.TrainShare * float64(len(order))))
	nTrain = min(max(nTrain, 2), len(order)-2)
	train, test := Subset(l, order[:nTrain]), Subset(l, order[nTrain:])
	m, rep, err := fit.Fit(train, o.Fit)
	if err != nil {
		return nil, err
	}
	s, err := engine.Compile(m)
	if err != nil {
		return nil, err
	}
	starts := rep.Starts
	real := Instances(test, starts)
	// The real test cases stop where the log stops: cases still open then
	// are cut short. Simulated events after that instant are dropped alike,
	// or the simulation would be compared with cases it could not see.
	end := int64(math.MinInt64)
	for _, in := range real {
		end = max(end, in.End)
	}
	warm := min(nTrain, max(1, len(order[nTrain:])/4))
	clock := arrival[order[nTrain-warm]]
	res := &Result{Train: nTrain, Test: len(order) - nTrain, Replications: o.Replications, Model: m, Fit: rep,
		TestMedianCycleHours: medianCycleHours(real)}
	reports := make([]measures.Report, o.Replications)
	errs := make([]error, o.Replications)
	var wg sync.WaitGroup
	sem := make(chan struct{}, o.Workers)
	for r := range o.Replications {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var sim []measures.Instance
			_, err := s.Run(engine.Options{Cases: res.Test, WarmUp: warm, CoolDown: max(1, res.Test/10), Start: clock,
				Seed: o.Seed, Replication: r, Emit: func(in engine.Instance) {
					if in.End > end {
						return
					}
					st := in.Start
					if !starts {
						st = in.End
					}
					sim = append(sim, measures.Instance{Case: in.Case, Activity: s.Activities[in.Activity], Start: st, End: in.End})
				}})
			if err != nil {
				errs[r] = err
				return
			}
			reports[r] = measures.All(real, sim)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	res.Measures = summarize(reports)
	return res, nil
}

// byArrival returns the case indices in arrival order and each case's
// arrival (its first start, or first completion).
func byArrival(l *timeline.Log) ([]int, []int64) {
	arr := make([]int64, l.Cases())
	for c := range arr {
		lo, hi := l.CaseStart[c], l.CaseStart[c+1]
		arr[c] = math.MaxInt64
		for i := lo; i < hi; i++ {
			t := l.Time[i]
			if s := l.Start[i]; s != timeline.None && s < t {
				t = s
			}
			arr[c] = min(arr[c], t)
		}
	}
	order := make([]int, len(arr))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return arr[order[a]] < arr[order[b]] })
	return order, arr
}

// Subset is the timeline of the given cases, in that order.
func Subset(l *timeline.Log, cases []int) *timeline.Log {
	s := &timeline.Log{Name: l.Name, Activities: l.Activities, Resources: l.Resources, Groups: l.Groups}
	for k, c := range cases {
		lo, hi := l.CaseStart[c], l.CaseStart[c+1]
		s.CaseIDs = append(s.CaseIDs, l.CaseIDs[c])
		s.CaseAttrs = append(s.CaseAttrs, l.CaseAttrs[c])
		s.CaseStart = append(s.CaseStart, int32(len(s.Act)))
		for i := lo; i < hi; i++ {
			s.Case = append(s.Case, int32(k))
			s.Act = append(s.Act, l.Act[i])
			s.Resource = append(s.Resource, l.Resource[i])
			if len(l.Group) > 0 {
				s.Group = append(s.Group, l.Group[i])
			}
			s.Time = append(s.Time, l.Time[i])
			s.Start = append(s.Start, l.Start[i])
		}
	}
	s.CaseStart = append(s.CaseStart, int32(len(s.Act)))
	return s
}

// Instances is a timeline as measure instances; without starts (or where
// an instance has none) the start is the completion.
func Instances(l *timeline.Log, starts bool) []measures.Instance {
	out := make([]measures.Instance, 0, l.Steps())
	for i, a := range l.Act {
		st := l.Time[i]
		if s := l.Start[i]; starts && s != timeline.None && s <= st {
			st = s
		}
		out = append(out, measures.Instance{Case: int(l.Case[i]), Activity: l.Activities[a], Start: st, End: l.Time[i]})
	}
	return out
}

func medianCycleHours(log []measures.Instance) float64 {
	first, last := map[int]int64{}, map[int]int64{}
	for _, in := range log {
		if f, ok := first[in.Case]; !ok || in.Start < f {
			first[in.Case] = in.Start
		}
		if e, ok := last[in.Case]; !ok || in.End > e {
			last[in.Case] = in.End
		}
	}
	var cs []float64
	for c, f := range first {
		cs = append(cs, float64(last[c]-f)/3.6e9)
	}
	if len(cs) == 0 {
		return math.NaN()
	}
	slices.Sort(cs)
	if len(cs)%2 == 1 {
		return cs[len(cs)/2]
	}
	return (cs[len(cs)/2-1] + cs[len(cs)/2]) / 2
}

// summarize is each measure's mean and 95 % t-interval over replications.
func summarize(rs []measures.Report) map[string]Interval {
	get := map[string]func(measures.Report) float64{
		"ngram_2_distance":         func(r measures.Report) float64 { return r.NGram2 },
		"ngram_3_distance":         func(r measures.Report) float64 { return r.NGram3 },
		"cycle_time_emd_hours":     func(r measures.Report) float64 { return r.CycleTime },
		"relative_event_emd_hours": func(r measures.Report) float64 { return r.RelativeEvnt },
		"absolute_event_emd_hours": func(r measures.Report) float64 { return r.AbsoluteEvnt },
		"circadian_emd":            func(r measures.Report) float64 { return r.Circadian },
		"arrival_emd_hours":        func(r measures.Report) float64 { return r.Arrival },
	}
	out := map[string]Interval{}
	for k, g := range get {
		xs := make([]float64, len(rs))
		for i, r := range rs {
			xs[i] = g(r)
		}
		out[k] = Mean95(xs)
	}
	return out
}

// Mean95 is the mean of xs with its 95 % Student-t interval (the mean
// itself for one value).
func Mean95(all []float64) Interval {
	xs := slices.DeleteFunc(slices.Clone(all), math.IsNaN)
	if len(xs) == 0 {
		return Interval{stats.Undefined, stats.Undefined, stats.Undefined}
	}
	n := float64(len(xs))
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= n
	if len(xs) < 2 {
		return Interval{stats.Float(mean), stats.Float(mean), stats.Float(mean)}
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	se := math.Sqrt(ss/(n-1)) / math.Sqrt(n)
	h := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975) * se
	return Interval{stats.Float(mean), stats.Float(mean - h), stats.Float(mean + h)}
}
