package optimize

import (
	"fmt"
	"runtime"
	"time"

	"github.com/pmx-dev/pmx/analysis/sla"
)

// Objectives.
const (
	CycleTime = "cycle_time" // mean cycle time
	Waiting   = "waiting"    // mean waiting per activity instance (queueing and extraneous delay)
	SLABreach = "sla_breach" // share of cases breaching an SLA (case and between rules)
	Cost      = "cost"       // weekly running cost, keeping the mean cycle time within MaxWorse
)

// Objectives lists the objectives in the documentation's order.
var Objectives = []string{CycleTime, Waiting, SLABreach, Cost}

// objectiveKPI is the KPI an objective minimises ("" for cost, which is
// computed from the model, not simulated).
func objectiveKPI(obj string) string {
	switch obj {
	case CycleTime:
		return "cycle_time_mean_hours"
	case Waiting:
		return "waiting_mean_hours"
	case SLABreach:
		return "sla_cases_breached"
	}
	return ""
}

// Costs price changes (see the package documentation).
type Costs struct {
	// StaffPerHour prices an hour of a pool member's working time where the
	// model's pool has no cost_per_hour (default 1: cost in staff hours).
	StaffPerHour float64 `json:"staff_per_hour"`
	// Automation is the weekly cost of running one automated step.
	Automation float64 `json:"automation"`
	// Process is the weekly cost of one other process change (a rework loop
	// removed, a wait halved, two activities reordered).
	Process float64 `json:"process"`
}

// Hints are the log analyses' findings, by activity, each a weight (any
// scale; they are normalised): Waiting where cases queue (bottleneck
// findings), SLA where breached cases lose time, Rework the activities
// repeated or triggering redone work.
type Hints struct {
	Waiting map[string]float64
	SLA     map[string]float64
	Rework  map[string]float64
}

// Options of a search.
type Options struct {
	Objective string
	// SLA rules, needed by the sla_breach objective (and adding each rule's
	// breach rate to the KPIs otherwise).
	SLA *sla.Rules
	// BudgetStaff caps the people added, net of people removed (moves
	// count nothing); negative means no cap; 0 also rules out longer
	// working days (more paid time from the same people). BudgetCost caps the weekly
	// cost increase; 0 means no cap.
	BudgetStaff int
	BudgetCost  float64
	Costs       Costs
	// MaxCandidates caps the candidates evaluated (default 500);
	// Replications is the full count per candidate (default 10), Screen the
	// first look (default 3); TimeLimit bounds the search (default 2 min).
	MaxCandidates int
	Replications  int
	Screen        int
	TimeLimit     time.Duration
	// MinEffect is the smallest improvement, as a share of the baseline's
	// objective, that a combination step must bring (default 0.01); a
	// single change needs a significant gain of a thousandth of it.
	MinEffect float64
	// MaxWorse is how much longer the mean cycle time may get under the
	// cost objective (default 0.05).
	MaxWorse float64
	// Top is how many recommendations to return (default 10).
	Top int
	// Cases per replication, the arrival clock's start (Unix µs), the seed
	// and the goroutines simulating (default GOMAXPROCS).
	Cases   int
	Start   int64
	Seed    uint64
	Workers int
	Hints   Hints
	// Automatable names the steps that may be automated; nil lets the
	// search propose short routine steps (see the package documentation),
	// an empty list none.
	Automatable []string
	// Progress, when set, is called after every round.
	Progress func(p Progress)
}

// Progress is the state of a running search.
type Progress struct {
	Round       string
	Evaluated   int // candidates
	Simulations int // replications, all candidates
	Best        string
}

func (o Options) withDefaults() (Options, error) {
	if o.Objective == "" {
		o.Objective = CycleTime
	}
	switch o.Objective {
	case CycleTime, Waiting, Cost:
	case SLABreach:
		if o.SLA == nil {
			return o, fmt.Errorf("objective %s needs SLA rules", SLABreach)
		}
	default:
		return o, fmt.Errorf("objective %q: want one of %v", o.Objective, Objectives)
	}
	if o.Cases <= 0 {
		return o, fmt.Errorf("no cases to simulate")
	}
	if o.Costs.StaffPerHour <= 0 {
		o.Costs.StaffPerHour = 1
	}
	if o.MaxCandidates <= 0 {
		o.MaxCandidates = 500
	}
	if o.Replications <= 0 {
		o.Replications = 10
	}
	if o.Replications < 2 {
		return o, fmt.Errorf("replications %d: want at least 2 (intervals need them)", o.Replications)
	}
	if o.Screen <= 0 {
		o.Screen = 3
	}
	o.Screen = max(2, min(o.Screen, o.Replications))
	if o.TimeLimit <= 0 {
		o.TimeLimit = 2 * time.Minute
	}
	if o.MinEffect <= 0 {
		o.MinEffect = 0.01
	}
	if o.MaxWorse <= 0 {
		o.MaxWorse = 0.05
	}
	if o.Top <= 0 {
		o.Top = 10
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o, nil
}
