package facts

// Summary summarises a distribution of durations in seconds.
type Summary struct {
	Median float64 `json:"median"`
	Mean   float64 `json:"mean"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

// Stats is the JSON of `pmx stats --json`.
type Stats struct {
	Log             string           `json:"log"`
	Cases           int64            `json:"cases"`
	Events          int64            `json:"events"`
	Activities      int64            `json:"activities"`
	Variants        int64            `json:"variants"`
	Resources       int64            `json:"resources"`
	ActivityCounts  map[string]int64 `json:"activity_counts"`
	StartActivities map[string]int64 `json:"start_activities"`
	EndActivities   map[string]int64 `json:"end_activities"`
	// CaseDuration: last activity instance's ts minus the first one's, per
	// case (PM4Py's case duration on completions).
	CaseDuration Summary `json:"case_duration_seconds"`
	// FirstEvent and LastEvent bound the log in time (RFC 3339, UTC).
	FirstEvent string `json:"first_event"`
	LastEvent  string `json:"last_event"`
}

// Variant is one distinct activity sequence and the cases that follow it.
type Variant struct {
	Activities []string `json:"activities"`
	Count      int64    `json:"count"`
	// Share of all cases, 0..1.
	Share float64 `json:"share"`
	// MeanDurationSeconds is the mean case duration of the variant's cases.
	MeanDurationSeconds float64 `json:"mean_duration_seconds"`
}

// Edge is one directly-follows relation a→b: b is the next activity
// instance after a in the same case. Times are b.ts − a.ts in seconds.
type Edge struct {
	From          string  `json:"from"`
	To            string  `json:"to"`
	Count         int64   `json:"count"`
	MeanSeconds   float64 `json:"mean_seconds"`
	MedianSeconds float64 `json:"median_seconds"`
	P90Seconds    float64 `json:"p90_seconds"`
}

// DFG is the JSON of `pmx dfg --json`. Edges are sorted by (from, to).
type DFG struct {
	Log             string           `json:"log"`
	Edges           []Edge           `json:"edges"`
	ActivityCounts  map[string]int64 `json:"activity_counts"`
	StartActivities map[string]int64 `json:"start_activities"`
	EndActivities   map[string]int64 `json:"end_activities"`
}

// Bucket is one histogram bin [Low, High) in seconds.
type Bucket struct {
	Low   float64 `json:"low_seconds"`
	High  float64 `json:"high_seconds"`
	Count int64   `json:"count"`
}

// Histogram of case durations, bins on a logarithmic scale because case
// durations typically span minutes to months.
type Histogram struct {
	Buckets []Bucket `json:"buckets"`
}
