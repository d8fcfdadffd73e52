package facts

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
)

// Log names one log in the warehouse.
type Log struct {
	DB   *sql.DB
	ID   int64
	Name string
}

// durationSQL is a case's duration in seconds from case_facts columns.
const durationSQL = `(epoch_us(last_ts) - epoch_us(first_ts)) / 1e6`

// ComputeStats returns the log statistics (`pmx stats`).
func ComputeStats(ctx context.Context, l Log) (Stats, error) {
	s := Stats{Log: l.Name}
	var first, last sql.NullTime
	var med, mean, lo, hi sql.NullFloat64
	err := l.DB.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT variant_id), coalesce(sum(n), 0),
			median(d), avg(d), min(d), max(d), min(first_ts), max(last_ts)
		FROM (SELECT *, `+durationSQL+` AS d FROM case_facts WHERE log_id = ?)`, l.ID).
		Scan(&s.Cases, &s.Variants, &s.Events, &med, &mean, &lo, &hi, &first, &last)
	if err != nil {
		return s, fmt.Errorf("stats %s: %w", l.Name, err)
	}
	s.CaseDuration = Summary{Median: med.Float64, Mean: mean.Float64, Min: lo.Float64, Max: hi.Float64}
	if first.Valid {
		s.FirstEvent = first.Time.UTC().Format(time.RFC3339)
		s.LastEvent = last.Time.UTC().Format(time.RFC3339)
	}
	if err := l.DB.QueryRowContext(ctx, `SELECT resources FROM logs WHERE log_id = ?`, l.ID).
		Scan(&s.Resources); err != nil {
		return s, fmt.Errorf("stats %s: resources: %w", l.Name, err)
	}
	if s.ActivityCounts, err = activityCounts(ctx, l); err != nil {
		return s, err
	}
	s.Activities = int64(len(s.ActivityCounts))
	if s.StartActivities, s.EndActivities, err = endpoints(ctx, l); err != nil {
		return s, err
	}
	return s, nil
}

func activityCounts(ctx context.Context, l Log) (map[string]int64, error) {
	return countMap(ctx, l, `SELECT a.activity, s.n FROM (SELECT act_no, count(*) AS n FROM steps WHERE log_id = ? GROUP BY act_no) s
		JOIN activities a ON a.log_id = ? AND a.act_no = s.act_no`, l.ID, l.ID)
}

func endpoints(ctx context.Context, l Log) (start, end map[string]int64, err error) {
	if start, err = countMap(ctx, l, `SELECT a.activity, c.n FROM (SELECT first_act_no AS act_no, count(*) AS n FROM case_facts
		WHERE log_id = ? GROUP BY 1) c JOIN activities a ON a.log_id = ? AND a.act_no = c.act_no`, l.ID, l.ID); err != nil {
		return nil, nil, err
	}
	end, err = countMap(ctx, l, `SELECT a.activity, c.n FROM (SELECT last_act_no AS act_no, count(*) AS n FROM case_facts
		WHERE log_id = ? GROUP BY 1) c JOIN activities a ON a.log_id = ? AND a.act_no = c.act_no`, l.ID, l.ID)
	return start, end, err
}

func countMap(ctx context.Context, l Log, q string, args ...any) (map[string]int64, error) {
	rows, err := l.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.Name, err)
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("%s: %w", l.Name, err)
		}
		m[k] = n
	}
	return m, rows.Err()
}

// ComputeVariants returns the top variants by case count (ties by activity
// sequence); top <= 0 returns all.
func ComputeVariants(ctx context.Context, l Log, top int) ([]Variant, error) {
	limit := ""
	if top > 0 {
		limit = fmt.Sprintf("LIMIT %d", top)
	}
	rows, err := l.DB.QueryContext(ctx, `
		WITH d AS (SELECT variant_id, avg(`+durationSQL+`) AS mean_d FROM case_facts WHERE log_id = ? GROUP BY 1),
		t AS (SELECT sum(cases) AS total FROM variants WHERE log_id = ?)
		SELECT (SELECT list(a.activity ORDER BY u.i) FROM (SELECT unnest(v.acts) AS act_no, generate_subscripts(v.acts, 1) AS i) u
				JOIN activities a ON a.log_id = v.log_id AND a.act_no = u.act_no),
			v.cases, v.cases / t.total, d.mean_d
		FROM (SELECT * FROM variants WHERE log_id = ? ORDER BY variant_id `+limit+`) v JOIN d USING (variant_id), t
		ORDER BY v.variant_id`, l.ID, l.ID, l.ID)
	if err != nil {
		return nil, fmt.Errorf("variants %s: %w", l.Name, err)
	}
	defer rows.Close()
	out := []Variant{}
	for rows.Next() {
		var acts []any
		var v Variant
		if err := rows.Scan(&acts, &v.Count, &v.Share, &v.MeanDurationSeconds); err != nil {
			return nil, fmt.Errorf("variants %s: %w", l.Name, err)
		}
		v.Activities = make([]string, len(acts))
		for i, a := range acts {
			v.Activities[i], _ = a.(string)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ComputeDFG returns the directly-follows graph with waiting times.
func ComputeDFG(ctx context.Context, l Log) (DFG, error) {
	g := DFG{Log: l.Name, Edges: []Edge{}}
	// Both quantiles come from one ordered state per edge (half the cost
	// of median and quantile_cont side by side at ten million steps); the
	// mean is taken over integer microseconds, an exact sum, so it does not
	// depend on how DuckDB splits the work between threads (a sum of
	// doubles does, in its last bits).
	rows, err := l.DB.QueryContext(ctx, `
		WITH g AS (
			SELECT prev_act_no, act_no, count(*) AS n, avg(us) / 1e6 AS mean, quantile_cont(us / 1e6, [0.5, 0.9]) AS q
			FROM (SELECT prev_act_no, act_no, epoch_us(ts) - epoch_us(prev_ts) AS us
			      FROM steps WHERE log_id = ? AND pos > 0)
			GROUP BY 1, 2)
		SELECT f.activity, t.activity, g.n, g.mean, g.q[1], g.q[2]
		FROM g JOIN activities f ON f.log_id = ? AND f.act_no = g.prev_act_no
		       JOIN activities t ON t.log_id = ? AND t.act_no = g.act_no
		ORDER BY g.prev_act_no, g.act_no`, l.ID, l.ID, l.ID)
	if err != nil {
		return g, fmt.Errorf("dfg %s: %w", l.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Edge
		if err := rows.Scan(&e.From, &e.To, &e.Count, &e.MeanSeconds, &e.MedianSeconds, &e.P90Seconds); err != nil {
			return g, fmt.Errorf("dfg %s: %w", l.Name, err)
		}
		g.Edges = append(g.Edges, e)
	}
	if err := rows.Err(); err != nil {
		return g, fmt.Errorf("dfg %s: %w", l.Name, err)
	}
	if g.ActivityCounts, err = activityCounts(ctx, l); err != nil {
		return g, err
	}
	g.StartActivities, g.EndActivities, err = endpoints(ctx, l)
	return g, err
}

// bucketsPerDecade sets the histogram resolution: four bins per factor of ten
// (1 s, 1.8 s, 3.2 s, 5.6 s, 10 s, ...).
const bucketsPerDecade = 4

// ComputeCaseDurations returns the case-duration histogram. Cases shorter
// than a second share the first bucket [0, 1).
func ComputeCaseDurations(ctx context.Context, l Log) (Histogram, error) {
	rows, err := l.DB.QueryContext(ctx, fmt.Sprintf(`
		SELECT CASE WHEN d < 1 THEN -1 ELSE floor(log10(d) * %d)::INTEGER END AS b, count(*)
		FROM (SELECT `+durationSQL+` AS d FROM case_facts WHERE log_id = ?) GROUP BY 1 ORDER BY 1`, bucketsPerDecade), l.ID)
	if err != nil {
		return Histogram{}, fmt.Errorf("case durations %s: %w", l.Name, err)
	}
	defer rows.Close()
	counts := map[int]int64{}
	lo, hi := math.MaxInt, math.MinInt
	for rows.Next() {
		var b int
		var n int64
		if err := rows.Scan(&b, &n); err != nil {
			return Histogram{}, fmt.Errorf("case durations %s: %w", l.Name, err)
		}
		counts[b] = n
		lo, hi = min(lo, b), max(hi, b)
	}
	if err := rows.Err(); err != nil {
		return Histogram{}, err
	}
	h := Histogram{Buckets: []Bucket{}}
	for b := lo; b <= hi && len(counts) > 0; b++ {
		bk := Bucket{Count: counts[b]}
		if b < 0 {
			bk.Low, bk.High = 0, 1
		} else {
			bk.Low = math.Pow(10, float64(b)/bucketsPerDecade)
			bk.High = math.Pow(10, float64(b+1)/bucketsPerDecade)
		}
		h.Buckets = append(h.Buckets, bk)
	}
	return h, nil
}
