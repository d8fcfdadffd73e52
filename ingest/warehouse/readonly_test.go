package warehouse

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// analystWarehouse is a warehouse file with two hand-built logs, closed so
// that OpenReadOnly may open it.
func analystWarehouse(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// c1: A (started at 0, done at 5), B at 10, A again at 20, B again at 30.
	// c2: X three times, a minute apart.
	t1 := []ev{{"c1", "A", 0, "start"}, {"c1", "A", 5, "complete"}, {"c1", "B", 10, "complete"}, {"c1", "A", 20, "complete"},
		{"c1", "B", 30, "complete"}, {"c2", "X", 0, "complete"}, {"c2", "X", 1, "complete"}, {"c2", "X", 2, "complete"}}
	if _, err := w.Import(ctx, ImportOptions{Name: "t1", Source: "mem", Format: "test"}, reader(t1, nil)); err != nil {
		t.Fatal(err)
	}
	// Same case id in another log: the macros must keep logs apart.
	t2 := []ev{{"c1", "A", 0, "complete"}, {"c1", "A", 90, "complete"}}
	if _, err := w.Import(ctx, ImportOptions{Name: "t2", Source: "mem", Format: "test"}, reader(t2, nil)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAnalystViewsAndMacros(t *testing.T) {
	ctx := context.Background()
	r, err := OpenReadOnly(ctx, analystWarehouse(t))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, tc := range []struct {
		query, want string // want: rows joined by ";", values by ","
	}{
		{`SELECT throughput_time('t1', 'c1'), throughput_time('t1', 'c2'), throughput_time('t2', 'c1'), throughput_time('t1', 'nope')`, "1500,120,5400,<nil>"},
		{`SELECT rework_count('t1', 'c1', 'A'), rework_count('t1', 'c1', 'B'), rework_count('t1', 'c1', 'Z'), rework_count('t1', 'c2', 'X'), rework_count('t2', 'c1', 'A')`, "1,1,0,2,1"},
		{`SELECT waiting_time('t1', 'c1'), waiting_time('t1', 'c2')`, "1500,120"},
		// Arguments that are columns of the calling query are per row.
		{`SELECT case_id, rework_count(log, case_id, 'X') FROM v_cases WHERE log = 't1' ORDER BY case_id`, "c1,0;c2,2"},
		{`SELECT case_id, throughput_time(log, case_id), waiting_time(log, case_id) FROM v_cases ORDER BY log, case_id`, "c1,1500,1500;c2,120,120;c1,5400,5400"},
		{`SELECT count(*), count(*) FILTER (WHERE lifecycle = 'start') FROM v_events WHERE log = 't1'`, "8,1"},
		{`SELECT pos, activity, coalesce(prev_activity, '-'), waiting_s, processing_s FROM v_steps WHERE log = 't1' AND case_id = 'c1' ORDER BY pos`,
			"0,A,-,<nil>,300;1,B,A,300,<nil>;2,A,B,600,<nil>;3,B,A,600,<nil>"},
		{`SELECT case_id, instances, duration_s, first_activity, last_activity, attrs->>'priority' FROM v_cases WHERE log = 't1' ORDER BY case_id`,
			"c1,4,1500,A,B,P1;c2,3,120,X,X,P1"},
		{`SELECT array_to_string(activities, '>'), cases, share FROM v_variants WHERE log = 't1' ORDER BY activities`, "A>B>A>B,1,0.5;X>X>X,1,0.5"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			res, err := r.Query(ctx, tc.query)
			if err != nil {
				t.Fatal(err)
			}
			var rows []string
			for _, row := range res.Rows {
				var vals []string
				for _, v := range row {
					vals = append(vals, strings.TrimSuffix(strings.TrimSuffix(fmtValue(v), ".0"), ".000"))
				}
				rows = append(rows, strings.Join(vals, ","))
			}
			if got := strings.Join(rows, ";"); got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func fmtValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case float64:
		return strings.TrimRight(strings.TrimRight(strconvF(x), "0"), ".")
	}
	return strings.TrimSpace(strings.ReplaceAll(fmtAny(v), "\n", " "))
}

// TestReadOnlyRefuses: no statement changes the file or touches another
// file; what is allowed (temporary tables) vanishes with the connection.
func TestReadOnlyRefuses(t *testing.T) {
	ctx := context.Background()
	path := analystWarehouse(t)
	sum := func() [32]byte {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(b)
	}
	before := sum()
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside.csv")
	if err := os.WriteFile(outside, []byte("a\n1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, want string }{
		{`INSERT INTO logs SELECT * FROM logs`, "read-only"},
		{`UPDATE events SET activity = 'x'`, "read-only"},
		{`DELETE FROM events`, "read-only"},
		{`DROP TABLE events`, "read-only"},
		{`CREATE TABLE t (a INTEGER)`, "read-only"},
		{`CREATE VIEW v AS SELECT 1`, "read-only"},
		{`CREATE MACRO m() AS 1`, "read-only"},
		{`SELECT 1; DELETE FROM cases`, "read-only"},
		{`ATTACH '` + filepath.Join(dir, "x.duckdb") + `' AS x`, "disabled by configuration"},
		{`ATTACH ':memory:' AS m`, "read-only"},
		{`COPY events TO '` + filepath.Join(dir, "out.csv") + `'`, "disabled by configuration"},
		{`COPY (SELECT 1) TO '` + filepath.Join(dir, "out.parquet") + `' (FORMAT parquet)`, "disabled by configuration"},
		{`EXPORT DATABASE '` + filepath.Join(dir, "dump") + `'`, "disabled by configuration"},
		{`INSTALL httpfs`, "disabled by configuration"},
		{`LOAD httpfs`, "disabled through configuration"},
		{`SELECT * FROM read_csv('` + outside + `')`, "disabled by configuration"},
		{`SELECT * FROM read_text('` + outside + `')`, "disabled by configuration"},
		{`SELECT * FROM glob('` + dir + `/*')`, "disabled by configuration"},
		{`SELECT * FROM read_parquet('https://example.com/x.parquet')`, "disabled by configuration"},
		{`SET enable_external_access = true`, "locked"},
		{`SET access_mode = 'read_write'`, "locked"},
		{`RESET lock_configuration`, "locked"},
		{`DROP VIEW v_events`, ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			_, err := r.Query(ctx, tc.query)
			if tc.want == "" {
				return // allowed or not, the views are temporary
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error on several lines: %q", err)
			}
		})
	}
	if _, err := r.Query(ctx, `CREATE TEMP TABLE scratch AS SELECT 1 AS a`); err != nil {
		t.Fatalf("temporary table: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"out.csv", "out.parquet", "dump", "x.duckdb"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s was written", f)
		}
	}
	if _, err := os.Stat(path + ".wal"); err == nil {
		t.Error("a write-ahead log appeared")
	}
	if sum() != before {
		t.Fatal("the warehouse file changed")
	}
	r, err = OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Query(ctx, `SELECT * FROM scratch`); err == nil {
		t.Fatal("the temporary table outlived its connection")
	}
	res, err := r.Query(ctx, `SELECT count(*) FROM v_events`)
	if err != nil || res.Rows[0][0] != int64(10) {
		t.Fatalf("after the attempts: %v, %v", res, err)
	}
}

func TestOpenReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.duckdb")
	if _, err := OpenReadOnly(context.Background(), path); err == nil {
		t.Fatal("no error")
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("OpenReadOnly created the file")
	}
}

func strconvF(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }
func fmtAny(v any) string       { return fmt.Sprint(v) }
