package filter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Criteria are the filter's criteria; the zero value keeps everything. It
// marshals to the JSON recorded with a derived log (pmx logs --json).
type Criteria struct {
	// From and To bound a time frame (either may be zero: unbounded). Cases
	// says which cases it keeps: "contained" (first and last activity
	// instance inside), "intersecting" (the default: some part of the case
	// inside), "started" or "completed" (first, last instance inside).
	From  time.Time `json:"from,omitzero"`
	To    time.Time `json:"to,omitzero"`
	Cases string    `json:"cases,omitempty"`
	// Trim keeps only the events inside the frame (instead of Cases).
	Trim bool `json:"trim,omitempty"`
	// TopVariants keeps the cases of the K most frequent variants (ties by
	// activity names); VariantCoverage those of the most frequent variants
	// that together cover at least this share of the cases.
	TopVariants     int     `json:"top_variants,omitempty"`
	VariantCoverage float64 `json:"variant_coverage,omitempty"`
	// Has: cases with an instance of every one of these activities; NotHas:
	// with none of these.
	Has    []string `json:"has,omitempty"`
	NotHas []string `json:"not_has,omitempty"`
	// StartsWith / EndsWith: cases whose first / last activity instance is
	// this one.
	StartsWith string `json:"starts_with,omitempty"`
	EndsWith   string `json:"ends_with,omitempty"`
	// KeepActivities keeps only the events of these activities.
	KeepActivities []string `json:"keep_activities,omitempty"`
	// Where is an attribute expression (see where.go).
	Where string `json:"where,omitempty"`
	// MinDuration and MaxDuration bound the case duration (first to last
	// activity instance), in seconds; 0 is unbounded.
	MinDuration float64 `json:"min_duration_seconds,omitempty"`
	MaxDuration float64 `json:"max_duration_seconds,omitempty"`
	// Follows: cases in which B directly follows A, for every pair.
	Follows [][2]string `json:"follows,omitempty"`
	// Repeats: cases with two or more instances of each of these.
	Repeats []string `json:"repeats,omitempty"`
}

// ErrCriteria is wrapped by errors in criteria (bad values, conflicts).
var ErrCriteria = errors.New("filter criteria")

// Empty reports whether c keeps everything.
func (c Criteria) Empty() bool {
	b, _ := json.Marshal(c)
	return string(b) == "{}"
}

// Query is criteria compiled to the SQL of warehouse.DeriveOptions.
type Query struct {
	Cases     string
	CaseArgs  []any
	Events    string
	EventArgs []any
}

// caseFacts selects from the source log's case_facts; conditions are ANDed.
const caseFacts = `SELECT case_no FROM case_facts cf WHERE cf.log_id = {{src}}`

// actNo is the subquery giving a source activity's act_no from its name.
const actNo = `(SELECT act_no FROM activities WHERE log_id = {{src}} AND activity = ?)`

// Compile checks c and translates it to SQL.
func Compile(c Criteria) (Query, error) {
	var q Query
	var conds []string
	add := func(cond string, args ...any) {
		conds = append(conds, cond)
		q.CaseArgs = append(q.CaseArgs, args...)
	}
	switch c.Cases {
	case "", "contained", "intersecting", "started", "completed":
	default:
		return q, fmt.Errorf("%w: --cases %q: want contained, intersecting, started or completed", ErrCriteria, c.Cases)
	}
	framed := !c.From.IsZero() || !c.To.IsZero()
	if !framed && (c.Cases != "" || c.Trim) {
		return q, fmt.Errorf("%w: --cases and --trim need a time frame (--from and/or --to)", ErrCriteria)
	}
	if c.Trim && c.Cases != "" {
		return q, fmt.Errorf("%w: give --cases or --trim, not both", ErrCriteria)
	}
	if framed && !c.From.IsZero() && !c.To.IsZero() && c.To.Before(c.From) {
		return q, fmt.Errorf("%w: --to %s is before --from %s", ErrCriteria, c.To.Format(time.RFC3339), c.From.Format(time.RFC3339))
	}
	lo, hi := c.From.UTC(), c.To.UTC()
	if c.From.IsZero() {
		lo = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if c.To.IsZero() {
		hi = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	if framed {
		switch c.Cases {
		case "contained":
			add(`cf.first_ts >= ?::TIMESTAMP AND cf.last_ts <= ?::TIMESTAMP`, lo, hi)
		case "started":
			add(`cf.first_ts BETWEEN ?::TIMESTAMP AND ?::TIMESTAMP`, lo, hi)
		case "completed":
			add(`cf.last_ts BETWEEN ?::TIMESTAMP AND ?::TIMESTAMP`, lo, hi)
		default: // intersecting; with --trim the empty cases fall away in the copy
			add(`cf.first_ts <= ?::TIMESTAMP AND cf.last_ts >= ?::TIMESTAMP`, hi, lo)
		}
		if c.Trim {
			q.Events = `e.ts BETWEEN ?::TIMESTAMP AND ?::TIMESTAMP`
			q.EventArgs = append(q.EventArgs, lo, hi)
		}
	}
	if c.TopVariants < 0 {
		return q, fmt.Errorf("%w: --top-variants %d: want a positive count", ErrCriteria, c.TopVariants)
	}
	if c.TopVariants > 0 {
		add(`cf.variant_id <= ?`, c.TopVariants)
	}
	if c.VariantCoverage < 0 || c.VariantCoverage > 1 {
		return q, fmt.Errorf("%w: --variant-coverage %g: want a share between 0 and 1", ErrCriteria, c.VariantCoverage)
	}
	if c.VariantCoverage > 0 {
		add(`cf.variant_id IN (SELECT variant_id FROM (SELECT variant_id,
			sum(cases) OVER (ORDER BY variant_id) - cases AS before, sum(cases) OVER () AS total
			FROM variants WHERE log_id = {{src}}) WHERE before < ? * total)`, c.VariantCoverage)
	}
	for _, a := range c.Has {
		add(`cf.case_no IN (SELECT case_no FROM steps WHERE log_id = {{src}} AND act_no = `+actNo+`)`, a)
	}
	for _, a := range c.NotHas {
		add(`cf.case_no NOT IN (SELECT case_no FROM steps WHERE log_id = {{src}} AND act_no IS NOT DISTINCT FROM `+actNo+`)`, a)
	}
	if c.StartsWith != "" {
		add(`cf.first_act_no = `+actNo, c.StartsWith)
	}
	if c.EndsWith != "" {
		add(`cf.last_act_no = `+actNo, c.EndsWith)
	}
	if c.MinDuration < 0 || c.MaxDuration < 0 || (c.MaxDuration > 0 && c.MaxDuration < c.MinDuration) {
		return q, fmt.Errorf("%w: case duration bounds %gs to %gs are not a range", ErrCriteria, c.MinDuration, c.MaxDuration)
	}
	dur := `(epoch_us(cf.last_ts) - epoch_us(cf.first_ts)) / 1e6`
	if c.MinDuration > 0 {
		add(dur+` >= ?`, c.MinDuration)
	}
	if c.MaxDuration > 0 {
		add(dur+` <= ?`, c.MaxDuration)
	}
	for _, f := range c.Follows {
		add(`cf.case_no IN (SELECT case_no FROM steps WHERE log_id = {{src}} AND pos > 0
			AND prev_act_no = `+actNo+` AND act_no = `+actNo+`)`, f[0], f[1])
	}
	for _, a := range c.Repeats {
		add(`cf.case_no IN (SELECT case_no FROM steps WHERE log_id = {{src}} AND act_no = `+actNo+`
			GROUP BY case_no HAVING count(*) >= 2)`, a)
	}
	if c.Where != "" {
		e, err := ParseWhere(c.Where)
		if err != nil {
			return q, err
		}
		cond, args := whereSQL(e)
		add(`cf.case_no IN (SELECT e.case_no FROM events e LEFT JOIN cases c ON c.log_id = e.log_id AND c.case_no = e.case_no
			WHERE e.log_id = {{src}} AND `+cond+`)`, args...)
	}
	if len(c.KeepActivities) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(c.KeepActivities)), ", ")
		if q.Events != "" {
			q.Events += " AND "
		}
		q.Events += `e.activity IN (` + ph + `)`
		for _, a := range c.KeepActivities {
			q.EventArgs = append(q.EventArgs, a)
		}
	}
	q.Cases = caseFacts
	for _, cond := range conds {
		q.Cases += "\n\tAND " + cond
	}
	return q, nil
}

// Options name the derived log.
type Options struct {
	Name    string // the new log
	From    string // the log filtered
	Replace bool   // replace an existing log named Name
	// Trace, when set, receives every SQL statement and its duration.
	Trace func(stmt string, d time.Duration)
}

// Apply creates the derived log opt.Name from the cases and events of
// opt.From that c keeps.
func Apply(ctx context.Context, w *warehouse.Warehouse, opt Options, c Criteria) (warehouse.LogInfo, error) {
	q, err := Compile(c)
	if err != nil {
		return warehouse.LogInfo{}, err
	}
	// The spec is shown as it is (pmx logs): no \u003e for a > in --where.
	var spec bytes.Buffer
	enc := json.NewEncoder(&spec)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return warehouse.LogInfo{}, err
	}
	return w.Derive(ctx, warehouse.DeriveOptions{Name: opt.Name, From: opt.From, Replace: opt.Replace, Spec: bytes.TrimSpace(spec.Bytes()), Trace: opt.Trace,
		Cases: q.Cases, CaseArgs: q.CaseArgs, Events: q.Events, EventArgs: q.EventArgs})
}
