package warehouse

import (
	"context"
	"fmt"
)

// instancePredicate is the SQL condition on an events row that makes it an
// activity instance (see event.StandardLifecycle).
func instancePredicate(standard bool) string {
	if standard {
		return "lower(coalesce(lifecycle, 'complete')) = 'complete'"
	}
	return "true"
}

// derive builds activities, steps, case_facts and variants for log id from
// its events. standard selects the instance rule (see
// event.StandardLifecycle); pair enables start/complete matching.
//
// Start pairing follows a FIFO queue per (case, activity): a start is
// queued, a complete takes the oldest queued start, and a complete that finds
// the queue empty has no start. In SQL: with bal = running (#starts −
// #completes), the completes that found the queue empty are exactly those
// where the running minimum of min(0, bal) drops, and a matched complete
// takes the start whose ordinal is (#completes so far + that minimum).
func derive(ctx context.Context, tx *txConn, id int64, standard, pair bool) error {
	inst := instancePredicate(standard)
	pairs := "SELECT NULL::BIGINT seq, NULL::TIMESTAMP start_ts WHERE false"
	if pair {
		pairs = fmt.Sprintf(`
		WITH lc AS (
			SELECT case_no, act_src, ts, seq, lower(coalesce(lifecycle, 'complete')) = 'start' AS is_start
			FROM events WHERE log_id = %[1]d AND lower(coalesce(lifecycle, 'complete')) IN ('start', 'complete')
		), r AS (
			SELECT *, sum(CASE WHEN is_start THEN 1 ELSE -1 END) OVER w AS bal,
				sum(is_start::INTEGER) OVER w AS nstart,
				sum((NOT is_start)::INTEGER) OVER w AS ncomp
			FROM lc WINDOW w AS (PARTITION BY case_no, act_src ORDER BY ts, seq ROWS UNBOUNDED PRECEDING)
		), m AS (
			SELECT *, least(0, min(bal) OVER w) AS lowest
			FROM r WINDOW w AS (PARTITION BY case_no, act_src ORDER BY ts, seq ROWS UNBOUNDED PRECEDING)
		), m2 AS (
			SELECT *, coalesce(lag(lowest) OVER (PARTITION BY case_no, act_src ORDER BY ts, seq), 0) AS prev_lowest FROM m
		)
		SELECT c.seq, st.ts AS start_ts FROM m2 c JOIN m2 st
			ON st.case_no = c.case_no AND st.act_src = c.act_src AND st.is_start AND st.nstart = c.ncomp + c.lowest
		WHERE NOT c.is_start AND c.lowest = c.prev_lowest`, id)
	}
	cf := fmt.Sprintf("case_acts_%d", id)
	stmts := []string{
		fmt.Sprintf(`INSERT INTO activities SELECT %[1]d, (row_number() OVER (ORDER BY activity) - 1)::INTEGER, activity, act_src
			FROM (SELECT DISTINCT activity, act_src FROM events WHERE log_id = %[1]d AND %[2]s)`, id, inst),
		fmt.Sprintf(`INSERT INTO steps
			WITH s AS (
				SELECT e.case_no, a.act_no, e.ts, e.start_ts, e.seq
				FROM events e JOIN activities a ON a.log_id = %[1]d AND a.act_src = e.act_src
				WHERE e.log_id = %[1]d AND %[2]s
			), p AS (%[3]s)
			SELECT %[1]d, s.case_no, (row_number() OVER w - 1)::INTEGER, s.act_no, lag(s.act_no) OVER w, s.ts,
				coalesce(s.start_ts, p.start_ts), lag(s.ts) OVER w, s.seq
			FROM s LEFT JOIN p USING (seq)
			WINDOW w AS (PARTITION BY s.case_no ORDER BY s.ts, s.seq)`, id, inst, pairs),
		// A case's sequence: an ordered aggregate (list(act_no ORDER BY pos))
		// is slow, so each step is packed into one integer that sorts by pos
		// (pos in the high 32 bits), the unordered list is sorted, and the
		// act_no is unpacked: the same list at a quarter of the cost.
		fmt.Sprintf(`CREATE TEMP TABLE %[2]s AS
			SELECT *, acts[1] AS first_act_no, acts[-1] AS last_act_no FROM (
				SELECT case_no, list_transform(list_sort(list((pos::BIGINT << 32) | act_no)), x -> (x & 4294967295)::INTEGER) AS acts,
					count(*)::INTEGER AS n, min(ts) AS first_ts, max(ts) AS last_ts, min(coalesce(start_ts, ts)) AS first_start_ts
				FROM steps WHERE log_id = %[1]d GROUP BY case_no)`, id, cf),
		// act_no order is name order, so list order is the order of the
		// activity-name sequences: ties rank like the oracle's.
		fmt.Sprintf(`INSERT INTO variants
			SELECT %[1]d, row_number() OVER (ORDER BY count(*) DESC, acts), acts, count(*)
			FROM %[2]s GROUP BY acts`, id, cf),
		fmt.Sprintf(`INSERT INTO case_facts
			SELECT %[1]d, f.case_no, c.case_id, v.variant_id, f.n, f.first_ts, f.last_ts, f.first_start_ts, f.first_act_no, f.last_act_no
			FROM %[2]s f JOIN (SELECT DISTINCT case_no, case_id FROM cases WHERE log_id = %[1]d) c ON c.case_no = f.case_no
				JOIN variants v ON v.log_id = %[1]d AND v.acts = f.acts`, id, cf),
		`DROP TABLE ` + cf,
	}
	for _, q := range stmts {
		if err := tx.exec(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
