package warehouse

import (
	"context"
	"fmt"
)

// deriveEvents returns the statement that moves staged rows into events.
//
// Activity instances: where every lifecycle value is a standard XES
// transition (standard), an instance is a row whose lifecycle is 'complete'
// or absent; otherwise every row is one. pos/prev_activity/prev_ts order the
// instances of a case by (ts, seq), so ties keep source order.
//
// Start pairing (pair) follows a FIFO queue per (case, activity): a start is
// queued, a complete takes the oldest queued start, and a complete that finds
// the queue empty has no start. In SQL: with bal = running (#starts −
// #completes), the completes that found the queue empty are exactly those
// where the running minimum of min(0, bal) drops, and a matched complete
// takes the start whose ordinal is (#completes so far + that minimum).
func deriveEvents(id int64, stage string, standard, pair bool) string {
	instance := "true"
	if standard {
		instance = "lower(coalesce(lifecycle, 'complete')) = 'complete'"
	}
	pairs := "SELECT NULL::BIGINT seq, NULL::TIMESTAMP start_ts WHERE false"
	if pair {
		pairs = fmt.Sprintf(`
		WITH lc AS (
			SELECT case_id, activity, ts, seq, lower(coalesce(lifecycle, 'complete')) = 'start' AS is_start
			FROM %[1]s WHERE lower(coalesce(lifecycle, 'complete')) IN ('start', 'complete')
		), r AS (
			SELECT *, sum(CASE WHEN is_start THEN 1 ELSE -1 END) OVER w AS bal,
				sum(is_start::INTEGER) OVER w AS nstart,
				sum((NOT is_start)::INTEGER) OVER w AS ncomp
			FROM lc WINDOW w AS (PARTITION BY case_id, activity ORDER BY ts, seq ROWS UNBOUNDED PRECEDING)
		), m AS (
			SELECT *, least(0, min(bal) OVER w) AS lowest
			FROM r WINDOW w AS (PARTITION BY case_id, activity ORDER BY ts, seq ROWS UNBOUNDED PRECEDING)
		), m2 AS (
			SELECT *, coalesce(lag(lowest) OVER (PARTITION BY case_id, activity ORDER BY ts, seq), 0) AS prev_lowest FROM m
		)
		SELECT c.seq, st.ts AS start_ts FROM m2 c JOIN m2 st
			ON st.case_id = c.case_id AND st.activity = c.activity AND st.is_start AND st.nstart = c.ncomp + c.lowest
		WHERE NOT c.is_start AND c.lowest = c.prev_lowest`, stage)
	}
	return fmt.Sprintf(`
	INSERT INTO events (log_id, case_id, activity, ts, start_ts, resource, lifecycle, seq, instance, attrs,
		pos, prev_activity, prev_ts)
	WITH s AS (SELECT *, %[3]s AS inst FROM %[2]s),
	p AS (%[4]s)
	SELECT %[1]d, s.case_id, s.activity, s.ts, coalesce(s.start_ts, p.start_ts), s.resource, s.lifecycle, s.seq,
		s.inst, s.attrs,
		CASE WHEN s.inst THEN (row_number() OVER w) - 1 END,
		CASE WHEN s.inst THEN lag(s.activity) OVER w END,
		CASE WHEN s.inst THEN lag(s.ts) OVER w END
	FROM s LEFT JOIN p ON p.seq = s.seq
	WINDOW w AS (PARTITION BY s.case_id, s.inst ORDER BY s.ts, s.seq)`, id, stage, instance, pairs)
}

// deriveFacts builds case_facts and variants for log id from its events.
// Variant ids rank variants by frequency, ties by activity sequence, so they
// are deterministic.
func deriveFacts(ctx context.Context, tx *txConn, id int64) error {
	tmp := fmt.Sprintf("cf_%d", id)
	stmts := []string{
		fmt.Sprintf(`CREATE TEMP TABLE %[2]s AS
			SELECT case_id, list(activity ORDER BY pos) AS acts, count(*) AS n, min(ts) AS first_ts, max(ts) AS last_ts,
				min(coalesce(start_ts, ts)) AS first_start_ts, arg_min(activity, pos) AS first_activity,
				arg_max(activity, pos) AS last_activity
			FROM events WHERE log_id = %[1]d AND instance GROUP BY case_id`, id, tmp),
		fmt.Sprintf(`INSERT INTO variants
			SELECT %[1]d, row_number() OVER (ORDER BY count(*) DESC, acts), acts, count(*)
			FROM %[2]s GROUP BY acts`, id, tmp),
		fmt.Sprintf(`INSERT INTO case_facts
			SELECT %[1]d, c.case_id, v.variant_id, c.n, c.first_ts, c.last_ts, c.first_start_ts, c.first_activity, c.last_activity
			FROM %[2]s c JOIN variants v ON v.log_id = %[1]d AND v.activities = c.acts`, id, tmp),
		`DROP TABLE ` + tmp,
	}
	for _, q := range stmts {
		if err := tx.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
