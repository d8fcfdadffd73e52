package warehouse

// AnalystSQL creates the views and macros pmx sql documents, as temporary
// objects (they need no write access and no migration). Times are UTC
// TIMESTAMPs; durations are seconds (DOUBLE). The derived tables behind
// v_steps, v_cases and v_variants are as of the log's last import or
// refresh (pmx logs: stale).
//
//	v_events    every stored event: log, case_id, activity, ts, start_ts,
//	            resource, lifecycle, seq (position in the source), attrs
//	            (JSON), case_attrs (JSON)
//	v_steps     the activity instances: log, case_id, pos (0-based in the
//	            case), activity, prev_activity, start_ts, ts, prev_ts,
//	            waiting_s (from the previous instance's completion to this
//	            one's start, or completion when it has no start),
//	            processing_s (start to completion; NULL without a start)
//	v_cases     one row per case: log, case_id, instances, first_ts, last_ts,
//	            duration_s (last minus first completion, as pmx stats),
//	            first_activity, last_activity, variant_id, attrs
//	v_variants  log, variant_id, activities (VARCHAR[]), cases, share
//
//	throughput_time(log_name, case_name)     duration_s of the case
//	rework_count(log_name, case_name, act)   times act was repeated in the
//	                                         case (occurrences beyond the first)
//	waiting_time(log_name, case_name)        sum of the case's waiting_s
//
// A macro's arguments are substituted into its subquery as written, so the
// subqueries read the views through columns renamed pmx_*: an argument such
// as the column log of the calling query then still means the caller's
// column (SELECT throughput_time(log, case_id) FROM v_cases works per row).
const AnalystSQL = `
CREATE TEMP VIEW v_events AS
SELECT l.name AS log, e.case_id, e.activity, e.ts, e.start_ts, e.resource, e.lifecycle, e.seq, e.attrs, c.attrs AS case_attrs
FROM events e JOIN logs l ON l.log_id = e.log_id
LEFT JOIN cases c ON c.log_id = e.log_id AND c.case_no = e.case_no;

CREATE TEMP VIEW v_steps AS
SELECT l.name AS log, f.case_id, s.pos, a.activity, p.activity AS prev_activity, s.start_ts, s.ts, s.prev_ts,
	(epoch_us(coalesce(s.start_ts, s.ts)) - epoch_us(s.prev_ts)) / 1e6 AS waiting_s,
	(epoch_us(s.ts) - epoch_us(s.start_ts)) / 1e6 AS processing_s
FROM steps s JOIN logs l ON l.log_id = s.log_id
JOIN case_facts f ON f.log_id = s.log_id AND f.case_no = s.case_no
JOIN activities a ON a.log_id = s.log_id AND a.act_no = s.act_no
LEFT JOIN activities p ON p.log_id = s.log_id AND p.act_no = s.prev_act_no;

CREATE TEMP VIEW v_cases AS
SELECT l.name AS log, f.case_id, f.n AS instances, f.first_ts, f.last_ts,
	(epoch_us(f.last_ts) - epoch_us(f.first_ts)) / 1e6 AS duration_s,
	fa.activity AS first_activity, la.activity AS last_activity, f.variant_id, c.attrs
FROM case_facts f JOIN logs l ON l.log_id = f.log_id
JOIN activities fa ON fa.log_id = f.log_id AND fa.act_no = f.first_act_no
JOIN activities la ON la.log_id = f.log_id AND la.act_no = f.last_act_no
LEFT JOIN cases c ON c.log_id = f.log_id AND c.case_no = f.case_no;

CREATE TEMP VIEW v_variants AS
WITH u AS (SELECT log_id, variant_id, cases, generate_subscripts(acts, 1) AS i, unnest(acts) AS act_no FROM variants)
SELECT l.name AS log, u.variant_id, list(a.activity ORDER BY u.i) AS activities, any_value(u.cases) AS cases,
	any_value(u.cases) / sum(any_value(u.cases)) OVER (PARTITION BY l.name) AS share
FROM u JOIN logs l ON l.log_id = u.log_id JOIN activities a ON a.log_id = u.log_id AND a.act_no = u.act_no
GROUP BY l.name, u.variant_id;

CREATE TEMP MACRO throughput_time(log_name, case_name) AS
	(SELECT any_value(pmx_d) FROM (SELECT log AS pmx_l, case_id AS pmx_c, duration_s AS pmx_d FROM v_cases)
	WHERE pmx_l = log_name AND pmx_c = case_name);

CREATE TEMP MACRO rework_count(log_name, case_name, act) AS
	(SELECT greatest(count(*) - 1, 0) FROM (SELECT log AS pmx_l, case_id AS pmx_c, activity AS pmx_a FROM v_steps)
	WHERE pmx_l = log_name AND pmx_c = case_name AND pmx_a = act);

CREATE TEMP MACRO waiting_time(log_name, case_name) AS
	(SELECT coalesce(sum(pmx_w), 0) FROM (SELECT log AS pmx_l, case_id AS pmx_c, waiting_s AS pmx_w FROM v_steps)
	WHERE pmx_l = log_name AND pmx_c = case_name);
`
