package warehouse

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/ingest/csv"
	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/xes"
)

// sqlDerive is the derivation as pmx ran it in SQL before it moved to Go
// (instances.go): the reference the Go derivation must reproduce table for
// table, row for row.
func sqlDerive(ctx context.Context, tx *txConn, id int64) error {
	q := make([]string, len(event.StandardLifecycle))
	for i, s := range event.StandardLifecycle {
		q[i] = "'" + s + "'"
	}
	var nonStandard, starts int64
	if err := tx.queryRow(ctx, fmt.Sprintf(`SELECT
		count(*) FILTER (WHERE lifecycle IS NOT NULL AND lower(lifecycle) NOT IN (%s)),
		count(*) FILTER (WHERE lower(lifecycle) = 'start')
		FROM events WHERE log_id = %d`, strings.Join(q, ","), id), nil, &nonStandard, &starts); err != nil {
		return err
	}
	standard := nonStandard == 0
	pair := standard && starts > 0
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
		fmt.Sprintf(`CREATE TEMP TABLE %[2]s AS
			SELECT *, acts[1] AS first_act_no, acts[-1] AS last_act_no FROM (
				SELECT case_no, list_transform(list_sort(list((pos::BIGINT << 32) | act_no)), x -> (x & 4294967295)::INTEGER) AS acts,
					count(*)::INTEGER AS n, min(ts) AS first_ts, max(ts) AS last_ts, min(coalesce(start_ts, ts)) AS first_start_ts
				FROM steps WHERE log_id = %[1]d GROUP BY case_no)`, id, cf),
		fmt.Sprintf(`INSERT INTO variants
			SELECT %[1]d, row_number() OVER (ORDER BY count(*) DESC, acts), acts, count(*)
			FROM %[2]s GROUP BY acts`, id, cf),
		fmt.Sprintf(`INSERT INTO case_facts
			SELECT %[1]d, f.case_no, c.case_id, v.variant_id, f.n, f.first_ts, f.last_ts, f.first_start_ts, f.first_act_no, f.last_act_no
			FROM %[2]s f JOIN (SELECT DISTINCT case_no, case_id FROM cases WHERE log_id = %[1]d) c ON c.case_no = f.case_no
				JOIN variants v ON v.log_id = %[1]d AND v.acts = f.acts`, id, cf),
		`DROP TABLE ` + cf,
	}
	for _, s := range stmts {
		if err := tx.exec(ctx, s); err != nil {
			return err
		}
	}
	lifecycle := "standard"
	if !standard {
		lifecycle = "non-standard"
	}
	return tx.exec(ctx, `UPDATE logs SET
			events = (SELECT count(*) FROM events WHERE log_id = ?),
			instances = (SELECT count(*) FROM steps WHERE log_id = ?),
			cases = (SELECT count(*) FROM case_facts WHERE log_id = ?),
			resources = (SELECT count(DISTINCT resource) FROM events WHERE log_id = ? AND `+inst+`),
			lifecycle = ?
		WHERE log_id = ?`, id, id, id, id, lifecycle, id)
}

// derivedRows renders log id's derived tables and counts as sorted text.
func derivedRows(t *testing.T, w *Warehouse, id int64) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, q := range map[string]string{
		"activities": `SELECT act_no, activity, act_src FROM activities WHERE log_id = ? ORDER BY act_no`,
		"steps":      `SELECT case_no, pos, act_no, prev_act_no, ts, start_ts, prev_ts, seq FROM steps WHERE log_id = ? ORDER BY case_no, pos`,
		"case_facts": `SELECT case_no, case_id, variant_id, n, first_ts, last_ts, first_start_ts, first_act_no, last_act_no
			FROM case_facts WHERE log_id = ? ORDER BY case_no`,
		"variants": `SELECT variant_id, acts::VARCHAR, cases FROM variants WHERE log_id = ? ORDER BY variant_id`,
		"logs":     `SELECT events, instances, cases, resources, lifecycle FROM logs WHERE log_id = ?`,
	} {
		rows, err := w.DB().Query(q, id)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out[table] = append(out[table], fmt.Sprintf("%v", vals))
		}
		rows.Close()
	}
	return out
}

// checkAgainstSQL compares log name's derived tables with what sqlDerive
// makes of the same events.
func checkAgainstSQL(t *testing.T, w *Warehouse, name string) {
	t.Helper()
	ctx := context.Background()
	id, err := w.LogID(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	got := derivedRows(t, w, id)
	if err := w.withTx(ctx, nil, func(_ driver.Conn, tx *txConn) error {
		if err := deleteDerived(ctx, tx, id); err != nil {
			return err
		}
		return sqlDerive(ctx, tx, id)
	}); err != nil {
		t.Fatal(err)
	}
	want := derivedRows(t, w, id)
	compareDerived(t, name+" (import)", got, want)
	// The same from the stored events, as Refresh and imports of more than
	// collectEvents events derive them.
	if err := w.withTx(ctx, nil, func(_ driver.Conn, tx *txConn) error { return rederive(ctx, tx, id) }); err != nil {
		t.Fatal(err)
	}
	compareDerived(t, name+" (read back)", derivedRows(t, w, id), want)
}

func compareDerived(t *testing.T, name string, got, want map[string][]string) {
	t.Helper()
	for _, table := range []string{"logs", "activities", "variants", "case_facts", "steps"} {
		g, wt := got[table], want[table]
		if len(g) != len(wt) {
			t.Errorf("%s: %s has %d rows, SQL derivation %d", name, table, len(g), len(wt))
			continue
		}
		for i := range g {
			if g[i] != wt[i] {
				t.Errorf("%s: %s row %d = %s, SQL derivation %s", name, table, i, g[i], wt[i])
				break
			}
		}
	}
}

const sharedLogs = "../../../shared/logs"

// The Go derivation reproduces the SQL derivation on every shared log:
// standard and non-standard lifecycles, start/complete pairs, start
// columns (interval_event_log.csv), equal timestamps.
func TestDeriveMatchesSQLOnSharedLogs(t *testing.T) {
	if _, err := os.Stat(sharedLogs); err != nil {
		t.Skipf("shared logs absent (%s)", sharedLogs)
	}
	ctx := context.Background()
	w := open(t)
	files, _ := filepath.Glob(filepath.Join(sharedLogs, "*"))
	n := 0
	for _, path := range files {
		base := filepath.Base(path)
		var read ReadFunc
		switch {
		case strings.HasSuffix(base, ".xes") || strings.HasSuffix(base, ".xes.gz"):
			read = func(ctx context.Context, sink event.Sink) (event.Meta, error) {
				f, err := os.Open(path)
				if err != nil {
					return event.Meta{}, err
				}
				defer f.Close()
				return xes.Read(ctx, f, path, xes.Options{}, sink)
			}
		case strings.HasSuffix(base, ".csv"):
			read = func(ctx context.Context, sink event.Sink) (event.Meta, error) {
				return csv.ReadFile(ctx, path, csv.Options{}, sink)
			}
		default:
			continue
		}
		if _, err := w.Import(ctx, ImportOptions{Name: base, Source: path, Format: "test"}, read); err != nil {
			t.Fatalf("%s: %v", base, err)
		}
		checkAgainstSQL(t, w, base)
		n++
	}
	if n < 8 {
		t.Fatalf("checked %d shared logs", n)
	}
}

// On random logs full of the cases that make pairing hard (overlapping
// instances, completions before any start, starts never completed, equal
// timestamps, mixed-case and Unicode lifecycle values, start timestamps in
// the source) the Go derivation matches the SQL derivation exactly.
func TestDeriveMatchesSQLOnRandomLogs(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	lifecycles := [][]string{
		{"start", "complete", "", "START", "Complete", "assign", "un\u212Anown"}, // standard (the Kelvin sign lowers to k)
		{"start", "complete", ""},
		{"", "complete"},
		{"start", "complete", "In Progress"}, // non-standard
	}
	defer func(e int64, r, c int) { deriveRangeEvents, stepRecordRows, collectEvents = e, r, c }(deriveRangeEvents, stepRecordRows, collectEvents)
	for round := range 24 {
		r := rand.New(rand.NewPCG(uint64(round), 7))
		// Half the logs are derived in several ranges of cases, written in
		// several step records, at import too (too many to collect).
		deriveRangeEvents, stepRecordRows, collectEvents = 2_000_000, RowGroupRows, 2_000_000
		if round%2 == 1 {
			deriveRangeEvents, stepRecordRows, collectEvents = int64(50+round), 7+round, 100
		}
		lcs := lifecycles[round%len(lifecycles)]
		withStart := round%3 == 1
		var evs []event.Event
		for i := range 300 + r.IntN(300) {
			e := event.Event{Case: fmt.Sprintf("c%d", r.IntN(25)), Activity: string(rune('A' + r.IntN(4))),
				Time: t0 + int64(r.IntN(40))*60e6, Start: event.NoTime, Lifecycle: lcs[r.IntN(len(lcs))], Seq: int64(i)}
			if r.IntN(3) == 0 {
				e.Resource = fmt.Sprintf("r%d", r.IntN(5))
			}
			if withStart && i >= 150 && r.IntN(2) == 0 { // later batches only: earlier events get NULL starts
				e.Start = e.Time - int64(r.IntN(10))*60e6
			}
			evs = append(evs, e)
		}
		name := fmt.Sprintf("random-%d", round)
		read := func(ctx context.Context, sink event.Sink) (event.Meta, error) {
			b := event.NewBuilder(sink, 64)
			defer b.Release()
			for i := range evs {
				if err := b.Append(&evs[i]); err != nil {
					return event.Meta{}, err
				}
			}
			return event.Meta{}, b.Flush()
		}
		if _, err := w.Import(ctx, ImportOptions{Name: name, Source: "mem", Format: "test"}, read); err != nil {
			t.Fatal(err)
		}
		checkAgainstSQL(t, w, name)
	}
}

// lifecycleKind folds case like DuckDB's lower(), which the SQL derivation
// and the lifecycle rule in pmx logs used.
func TestLifecycleKindFoldsLikeDuckDB(t *testing.T) {
	w := open(t)
	for _, v := range []string{"complete", "COMPLETE", "Start", "sTART", "assign", "ASSİGN", "un\u212Anown", "ſtart", "In Progress", "", " start", "completed"} {
		var lower string
		if err := w.DB().QueryRow(`SELECT lower(?)`, v).Scan(&lower); err != nil {
			t.Fatal(err)
		}
		want := lcNonStandard
		switch {
		case lower == "complete":
			want = lcComplete
		case lower == "start":
			want = lcStart
		case strings.Contains(","+strings.Join(event.StandardLifecycle, ",")+",", ","+lower+","):
			want = lcOther
		}
		if got := lifecycleKind(v, true); got != want {
			t.Errorf("lifecycleKind(%q) = %d; DuckDB lowers it to %q, kind %d", v, got, lower, want)
		}
	}
	if lifecycleKind("", false) != lcComplete {
		t.Error("NULL lifecycle is not a completion")
	}
}

// BenchmarkDerive derives instances from 1M events in 167k cases (200
// variants), listed case by case in time order as most sources list them.
func BenchmarkDerive(b *testing.B) {
	const n, perCase = 1_000_000, 6
	ev := &eventCols{caseNo: make([]int32, n), actSrc: make([]int32, n), ts: make([]int64, n), seq: make([]int64, n), kind: make([]uint8, n)}
	r := rand.New(rand.NewPCG(1, 2))
	var patterns [200][perCase]int32
	for p := range patterns {
		for k := range perCase {
			patterns[p][k] = int32(r.IntN(27))
		}
	}
	for i := range n {
		p := (i / perCase) * 7919 % len(patterns)
		ev.caseNo[i], ev.actSrc[i], ev.ts[i], ev.seq[i] = int32(i/perCase), patterns[p][i%perCase], int64(i)*1e6, int64(i)
	}
	var pairs []actKind
	for a := range 27 {
		pairs = append(pairs, actKind{actSrc: int32(a), name: fmt.Sprintf("activity %02d", 26-a), kind: lcComplete})
	}
	b.ResetTimer()
	for b.Loop() {
		d := newDeriver(pairs)
		d.addRange(ev, 0, (n+perCase-1)/perCase)
		var steps int
		for _, f := range d.facts {
			steps += int(d.walk(f.caseNo, func(*step) {}))
		}
		d.finish()
		if steps != n {
			b.Fatalf("%d steps", steps)
		}
	}
}
