package warehouse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

var receiptColumns = Columns{Case: "case:concept:name", Activity: "concept:name", Time: "time:timestamp",
	Resource: "org:resource", Lifecycle: "lifecycle:transition"}

func TestImportParquetReceipt(t *testing.T) {
	const path = "../../../shared/logs/receipt.parquet"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared logs absent: %v", err)
	}
	ctx := context.Background()
	w := open(t)
	info, err := w.ImportParquet(ctx, ImportOptions{Name: "receipt", Source: path}, path, receiptColumns, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Instances != 8577 || info.Cases != 1434 || info.Format != "parquet" {
		t.Fatalf("info = %+v", info)
	}
	var attrs string
	if err := w.DB().QueryRow(`SELECT attrs::VARCHAR FROM cases WHERE case_id = 'case-10011'`).Scan(&attrs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(attrs, `"channel":"Internet"`) {
		t.Fatalf("case attrs = %s", attrs)
	}
	// receipt.parquet holds zone-less local times (pandas dropped the zone);
	// read in their zone they give the same instants as the XES.
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Skip("no zone database")
	}
	if _, err := w.ImportParquet(ctx, ImportOptions{Name: "receipt-ams", Source: path}, path, receiptColumns, false, loc); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ log, activity, want string }{
		{"receipt", "Confirmation of receipt", "2011-10-11T13:45:40.276"},
		{"receipt-ams", "Confirmation of receipt", "2011-10-11T11:45:40.276"},
		{"receipt-ams", "T03 Adjust confirmation of receipt", "2011-11-24T14:36:51.302"},
	} {
		var ts string
		if err := w.DB().QueryRow(`SELECT strftime(min(ts), '%Y-%m-%dT%H:%M:%S.%g') FROM events JOIN logs USING (log_id)
			WHERE name = ? AND case_id = 'case-10011' AND activity = ?`, c.log, c.activity).Scan(&ts); err != nil || ts != c.want {
			t.Errorf("%s %s ts = %s (%v), want %s", c.log, c.activity, ts, err, c.want)
		}
	}
}

func TestImportParquetBadRows(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	path := filepath.Join(t.TempDir(), "bad.parquet")
	if _, err := w.DB().Exec(`COPY (SELECT * FROM (VALUES ('c1', 'A', '2024-01-01T10:00:00+02:00'), (NULL, 'B', '2024-01-01T11:00:00Z'),
		('c1', 'C', 'yesterday'), ('c1', 'D', '2024-01-01T12:00:00Z')) t(case_id, activity, ts)) TO '` + path + `' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	cols := Columns{Case: "case_id", Activity: "activity", Time: "ts"}
	_, err := w.ImportParquet(ctx, ImportOptions{Name: "bad", Source: path}, path, cols, false, nil)
	var se *event.SourceError
	if !errors.As(err, &se) || se.Pos != 2 || !strings.Contains(se.Reason, "no case id") || !strings.Contains(err.Error(), "2 bad rows") {
		t.Fatalf("err = %v, want row 2: no case id, 2 bad rows", err)
	}
	if logs, _ := w.Logs(ctx); len(logs) != 0 {
		t.Fatalf("failed import left logs %+v", logs)
	}
	info, err := w.ImportParquet(ctx, ImportOptions{Name: "bad", Source: path}, path, cols, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if info.Events != 2 || info.Rejects != 2 {
		t.Fatalf("info = %+v", info)
	}
	var line int64
	var reason, raw string
	if err := w.DB().QueryRow(`SELECT line, reason, raw FROM rejects WHERE line = 3`).Scan(&line, &reason, &raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reason, "unparseable timestamp") || !strings.Contains(raw, "yesterday") {
		t.Fatalf("reject = %d %q %q", line, reason, raw)
	}
	var hours float64
	w.DB().QueryRow(`SELECT (epoch(max(ts)) - epoch(min(ts))) / 3600 FROM events`).Scan(&hours)
	if hours != 4 { // 08:00Z to 12:00Z: the +02:00 offset was honoured
		t.Fatalf("span = %v h, want 4", hours)
	}
}

// A Parquet file whose name holds glob characters is read as that one file,
// not as a pattern: a*.parquet next to ab.parquet used to read both.
func TestImportParquetGlobCharactersInName(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	dir := t.TempDir()
	write := func(name string, rows int) string {
		path := filepath.Join(dir, name)
		if _, err := w.DB().Exec(`COPY (SELECT 'c' || (i % 3) AS case_id, 'A' AS activity, TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR AS ts
			FROM range(` + fmt.Sprint(rows) + `) t(i)) TO '` + path + `' (FORMAT parquet)`); err != nil {
			t.Fatal(err)
		}
		return path
	}
	star := write("a*.parquet", 5)
	write("ab.parquet", 7)
	write("a[b].parquet", 11)
	cols := Columns{Case: "case_id", Activity: "activity", Time: "ts"}
	for name, want := range map[string]int64{"a*.parquet": 5, "a[b].parquet": 11} {
		path := filepath.Join(dir, name)
		info, err := w.ImportParquet(ctx, ImportOptions{Name: name, Source: path}, path, cols, false, nil)
		if err != nil || info.Events != want {
			t.Errorf("%s: %+v, %v; want %d events", name, info, err, want)
		}
		if c, err := w.ParquetColumns(ctx, path); err != nil || len(c) != 3 {
			t.Errorf("%s columns: %v, %v", name, c, err)
		}
	}
	if _, err := w.ImportParquet(ctx, ImportOptions{Name: "none", Source: star}, filepath.Join(dir, "x*.parquet"), cols, false, nil); err == nil {
		t.Error("a missing file named like a glob was imported")
	}
}

// Zone-less local times become the instants Go's time.Date gives (the CSV
// reader's rule), through DuckDB's ICU, in DST gaps and overlaps too, for
// TIMESTAMP and string columns alike; times with an offset keep it.
func TestImportParquetLocalTimesLikeGo(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	locals := []string{
		"2024-03-31 01:59:59", "2024-03-31 02:30:00", "2024-03-31 03:00:00", // spring forward: 02:00-03:00 does not exist
		"2024-10-27 01:59:59", "2024-10-27 02:30:00", "2024-10-27 03:00:00", // fall back: 02:00-03:00 happens twice
		"2024-07-01 12:00:00", "1950-01-01 00:00:00", "2150-06-01 08:00:00",
	}
	var rows []string
	for i, l := range locals {
		rows = append(rows, fmt.Sprintf("('c%d', 'A', TIMESTAMP '%s', '%s')", i, l, l))
	}
	rows = append(rows, "('cz', 'A', TIMESTAMP '2024-01-01 00:00:00', '2024-01-01T10:00:00+02:00')")
	path := filepath.Join(t.TempDir(), "local.parquet")
	if _, err := w.DB().Exec(`COPY (SELECT * FROM (VALUES ` + strings.Join(rows, ", ") + `) t(case_id, activity, ts, ts_text)) TO '` + path + `' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"ts", "ts_text"} {
		name := "local-" + col
		cols := Columns{Case: "case_id", Activity: "activity", Time: col}
		if _, err := w.ImportParquet(ctx, ImportOptions{Name: name, Source: path}, path, cols, false, ams); err != nil {
			t.Fatal(err)
		}
		for i, l := range locals {
			wall, _ := time.Parse(time.DateTime, l)
			want := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, ams).UTC()
			var got time.Time
			if err := w.DB().QueryRow(`SELECT e.ts FROM events e JOIN logs g ON e.log_id = g.log_id WHERE g.name = ? AND e.case_id = ?`,
				name, fmt.Sprintf("c%d", i)).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Errorf("%s %s (Amsterdam): %s, want %s as time.Date gives", col, l, got.UTC(), want)
			}
		}
	}
	var got time.Time
	w.DB().QueryRow(`SELECT e.ts FROM events e JOIN logs g ON e.log_id = g.log_id WHERE g.name = 'local-ts_text' AND e.case_id = 'cz'`).Scan(&got)
	if want := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("a time with an offset: %s, want %s", got.UTC(), want)
	}
}

// A file read in many small pages gives the rows of one read: file order
// (seq, case and activity numbers by first appearance), each case's
// attributes from its first good row, rejects with their row numbers.
func TestImportParquetPages(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	path := filepath.Join(t.TempDir(), "pages.parquet")
	// Row i: case c(i%4) (c2's first row has no activity), case:x = i.
	if _, err := w.DB().Exec(`COPY (SELECT 'c' || (i % 4) AS "case", CASE WHEN i = 2 THEN NULL ELSE 'A' || (i % 3) END AS activity,
		TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE AS ts, i AS "case:x", 'r' || i AS note
		FROM range(23) t(i)) TO '` + path + `' (FORMAT parquet, ROW_GROUP_SIZE 5)`); err != nil {
		t.Fatal(err)
	}
	cols := Columns{Case: "case", Activity: "activity", Time: "ts"}
	defer func(n int64) { parquetPageRows = n }(parquetPageRows)
	for _, page := range []int64{3, 5, 1000} {
		parquetPageRows = page
		name := fmt.Sprintf("pages-%d", page)
		info, err := w.ImportParquet(ctx, ImportOptions{Name: name, Source: path}, path, cols, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		if info.Events != 22 || info.Rejects != 1 || info.Cases != 4 {
			t.Fatalf("page %d: %+v", page, info)
		}
		var got []string
		rows, err := w.DB().Query(`SELECT e.seq, e.case_no, e.act_src, e.attrs::VARCHAR, c.attrs::VARCHAR FROM events e
			JOIN cases c USING (log_id, case_no) JOIN logs l USING (log_id) WHERE l.name = ? ORDER BY e.seq`, name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var seq, caseNo, act int64
			var attrs, caseAttrs string
			if err := rows.Scan(&seq, &caseNo, &act, &attrs, &caseAttrs); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d c%d a%d %s %s", seq, caseNo, act, attrs, caseAttrs))
		}
		rows.Close()
		// c2's attributes come from row 6, its first good row.
		want := []string{`0 c0 a0 {"note":"r0"} {"x":0}`, `1 c1 a1 {"note":"r1"} {"x":1}`, `3 c2 a0 {"note":"r3"} {"x":3}`,
			`4 c0 a1 {"note":"r4"} {"x":0}`, `5 c1 a2 {"note":"r5"} {"x":1}`, `6 c3 a0 {"note":"r6"} {"x":6}`}
		for i, wt := range want {
			if i >= len(got) || got[i] != wt {
				t.Fatalf("page %d: rows %q..., want %q...", page, got[:min(len(got), len(want))], want)
			}
		}
		var line int64
		var raw string
		if err := w.DB().QueryRow(`SELECT line, raw FROM rejects WHERE log_name = ?`, name).Scan(&line, &raw); err != nil || line != 3 || !strings.Contains(raw, `"case:x":2`) {
			t.Fatalf("page %d: reject line %d raw %s (%v)", page, line, raw, err)
		}
	}
}

// The shared receipt.parquet read row by row, a page of 1,000 rows at a
// time, stores the same events and cases as passed through in one page.
func TestImportParquetPagesReceipt(t *testing.T) {
	const path = "../../../shared/logs/receipt.parquet"
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared logs absent: %v", err)
	}
	ctx := context.Background()
	w := open(t)
	defer func(n int64, p bool) { parquetPageRows, parquetPass = n, p }(parquetPageRows, parquetPass)
	for _, page := range []int64{1000, 1 << 20} {
		parquetPageRows, parquetPass = page, page > 1000
		if _, err := w.ImportParquet(ctx, ImportOptions{Name: fmt.Sprint(page), Source: path}, path, receiptColumns, false, nil); err != nil {
			t.Fatal(err)
		}
	}
	for table, cols := range map[string]string{
		"events": "case_id, activity, ts, resource, lifecycle, seq, attrs::VARCHAR, case_no, act_src",
		"cases":  "case_no, case_id, attrs::VARCHAR",
	} {
		var n, differ int
		if err := w.DB().QueryRow(`SELECT (SELECT count(*) FROM `+table+` WHERE log_id = 1), count(*) FROM (
			SELECT `+cols+` FROM `+table+` WHERE log_id = 1 EXCEPT ALL SELECT `+cols+` FROM `+table+` WHERE log_id = 2)`).Scan(&n, &differ); err != nil {
			t.Fatal(err)
		}
		if n == 0 || differ != 0 {
			t.Errorf("%s: %d of %d rows differ between a paged and a whole read", table, differ, n)
		}
	}
}

// Empty strings in the resource and lifecycle columns are absent values,
// as in CSV: NULL, so the log follows the standard lifecycle rule.
func TestImportParquetEmptyStringsAreNull(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	path := filepath.Join(t.TempDir(), "empty.parquet")
	if _, err := w.DB().Exec(`COPY (SELECT * FROM (VALUES ('c1', 'A', TIMESTAMP '2024-01-01 10:00', '', ''),
		('c1', 'B', TIMESTAMP '2024-01-01 11:00', 'Ann', 'complete')) t(case_id, activity, ts, resource, lifecycle)) TO '` + path + `' (FORMAT parquet)`); err != nil {
		t.Fatal(err)
	}
	cols := Columns{Case: "case_id", Activity: "activity", Time: "ts", Resource: "resource", Lifecycle: "lifecycle"}
	info, err := w.ImportParquet(ctx, ImportOptions{Name: "empty", Source: path}, path, cols, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	var nulls int
	w.DB().QueryRow(`SELECT count(*) FROM events WHERE resource IS NULL AND lifecycle IS NULL`).Scan(&nulls)
	if nulls != 1 || info.Lifecycle != "standard" || info.Instances != 2 {
		t.Fatalf("rows with NULL resource and lifecycle: %d; %+v", nulls, info)
	}
}
