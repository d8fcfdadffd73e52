package sla

import "time"

// Report is the evaluation of a rules file against a log.
type Report struct {
	Log string `json:"log"`
	// Now is the instant the log is judged at (Options.Now).
	Now time.Time `json:"now"`
	// Calendar is the calendar's name ("24x7" without one); Zone the zone of
	// the weekly trend and of the instants in the report.
	Calendar string    `json:"calendar"`
	Zone     string    `json:"zone"`
	Level    float64   `json:"level"` // confidence level of the breach-rate intervals
	Alpha    float64   `json:"alpha"` // significance level of the change-point test
	Rules    []*Result `json:"rules"`
}

// Result is one rule's evaluation. Durations are seconds. For an activity
// rule every count is of activity instances; otherwise of cases.
type Result struct {
	Name  string `json:"name"`
	Kind  Kind   `json:"kind"`
	Unit  string `json:"unit"`  // "case" or "instance"
	Clock string `json:"clock"` // "business" or "calendar"
	// TargetSeconds is the rule's target; 0 when it comes from a case
	// attribute (TargetAttribute, times TargetUnitSeconds).
	TargetSeconds     float64 `json:"target_seconds"`
	TargetAttribute   string  `json:"target_attribute,omitempty"`
	TargetUnitSeconds float64 `json:"target_unit_seconds,omitempty"`

	// InScope counts cases matching where (activity rules: instances of the
	// activity in those cases, up to Now).
	InScope int64 `json:"in_scope"`
	// NoTarget counts cases in scope left out because their target
	// attribute is missing or not a positive number.
	NoTarget int64 `json:"no_target,omitempty"`
	// Started counts those whose clock started (the from activity occurred);
	// for activity rules, instances with a measurable window.
	Started int64 `json:"started"`
	// Unmeasured counts activity instances without a start time and
	// without a predecessor in the case (no window to measure).
	Unmeasured int64 `json:"unmeasured,omitempty"`
	// Cancelled counts started cases whose window a cancel activity called
	// off (the rule does not apply to them).
	Cancelled int64 `json:"cancelled,omitempty"`
	// Measured counts started ones whose clock also stopped by Now;
	// Breaches those among them whose duration is over the target.
	Measured int64 `json:"measured"`
	Breaches int64 `json:"breaches"`
	// BreachRate is Breaches/Measured (0 when nothing was measured), with
	// its Wilson score interval [RateLow, RateHigh] at the report's level.
	BreachRate float64 `json:"breach_rate"`
	RateLow    float64 `json:"rate_low"`
	RateHigh   float64 `json:"rate_high"`
	// MedianSeconds and P90Seconds summarise the measured durations
	// (linear interpolation, stats.Quantile).
	MedianSeconds float64 `json:"median_seconds"`
	P90Seconds    float64 `json:"p90_seconds"`

	// Weeks is the trend by ISO week of the window's start, first to last
	// week with a started case, weeks without any included.
	Weeks  []Week  `json:"weeks"`
	Change *Change `json:"change,omitempty"`

	// Lost says where breached cases lost their time (case and between
	// rules with at least one breach).
	Lost *Lost `json:"lost,omitempty"`

	// OpenBreached and OpenAtRisk count the open cases (started, not
	// stopped by Now) over their target already and not yet; Open lists
	// them all, most at risk first.
	OpenBreached int64      `json:"open_breached"`
	OpenAtRisk   int64      `json:"open_at_risk"`
	Open         []OpenCase `json:"open"`

	// Warnings are problems that do not stop the rule: an activity or an
	// attribute the log does not have.
	Warnings []string `json:"warnings,omitempty"`

	// Outcomes are the measured cases of a case or between rule (case
	// index into the timeline, breached or not), for analyses that
	// break breach rates down further (analysis/analyze). Not in the JSON.
	Outcomes []Outcome `json:"-"`
}

// Week is one ISO week of a rule's trend.
type Week struct {
	Week     string  `json:"week"`  // ISO week, "2026-W14"
	Start    string  `json:"start"` // its Monday, YYYY-MM-DD
	Cases    int64   `json:"cases"` // measured, started this week
	Breaches int64   `json:"breaches"`
	Rate     float64 `json:"rate"` // Breaches/Cases; 0 without cases
	Open     int64   `json:"open"` // started this week, still open at Now
}

// Change is the most likely shift in the weekly breach rate (Pettitt's
// test over the weeks with measured cases).
type Change struct {
	Since string `json:"since"` // first ISO week of the new regime
	// Before and After are the pooled breach rates (breaches/cases) of the
	// weeks before Since and from Since on.
	Before      float64 `json:"before"`
	After       float64 `json:"after"`
	P           float64 `json:"p"`
	Significant bool    `json:"significant"` // P < the report's alpha
	Text        string  `json:"text"`        // "since 2026-W14 the breach rate went from 12% to 25% (p = 0.003)"
}

// Lost compares where breached and on-target cases waited inside the
// rule's window.
type Lost struct {
	BreachedCases int64 `json:"breached_cases"`
	OtherCases    int64 `json:"other_cases"`
	// BreachedWaitSeconds and OtherWaitSeconds are the mean waiting per case
	// inside the window.
	BreachedWaitSeconds float64 `json:"breached_wait_seconds"`
	OtherWaitSeconds    float64 `json:"other_wait_seconds"`
	Activities          []Loss  `json:"activities"` // waiting before each activity
	Handovers           []Loss  `json:"handovers"`  // waiting on each previous activity → activity
}

// Loss is one activity's or handover's part of the waiting.
type Loss struct {
	Activity string `json:"activity,omitempty"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	// BreachedShare is its share of the breached cases' total waiting;
	// OtherShare the same for the cases that met the target.
	BreachedShare float64 `json:"breached_share"`
	OtherShare    float64 `json:"other_share"`
	// BreachedMeanSeconds and OtherMeanSeconds are its waiting per case of
	// each group.
	BreachedMeanSeconds float64 `json:"breached_mean_seconds"`
	OtherMeanSeconds    float64 `json:"other_mean_seconds"`
}

// OpenCase is a case (an instance, for activity rules) whose clock started
// but had not stopped at Now.
type OpenCase struct {
	CaseID         string    `json:"case_id"`
	ElapsedSeconds float64   `json:"elapsed_seconds"`
	TargetSeconds  float64   `json:"target_seconds"`
	Deadline       time.Time `json:"deadline"` // when the target's time has elapsed
	State          string    `json:"state"`    // last activity by Now
	Status         string    `json:"status"`   // "breached" or "open"
	// Probability of breaching (1 when breached; absent when unknown), the
	// basis it was estimated on ("breached", "state", "all" or "none") and
	// the number of reference cases.
	Probability *float64 `json:"probability,omitempty"`
	Basis       string   `json:"basis"`
	Reference   int64    `json:"reference"`
}

// Outcome is one measured case of a case or between rule.
type Outcome struct {
	Case     int32
	Breached bool
}
