package warehouse

import (
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// ev is a compact test event: case, activity, minute offset, lifecycle.
type ev struct {
	c, a string
	min  int
	lc   string
}

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC).UnixMicro()

// reader emits evs in batches of 2 (so streaming across batches is exercised)
// and then fails with failAfter's error if given.
func reader(evs []ev, fail error) ReadFunc {
	return func(ctx context.Context, sink event.Sink) (event.Meta, error) {
		b := event.NewBuilder(sink, 2)
		defer b.Release()
		seen := map[string]bool{}
		for i, e := range evs {
			if !seen[e.c] {
				seen[e.c] = true
				if err := b.AppendCase(e.c, []byte(`{"priority":"P1"}`)); err != nil {
					return event.Meta{}, err
				}
			}
			x := event.Event{Case: e.c, Activity: e.a, Time: t0 + int64(e.min)*60e6, Start: event.NoTime,
				Lifecycle: e.lc, Seq: int64(i), Resource: "r1"}
			if err := b.Append(&x); err != nil {
				return event.Meta{}, err
			}
		}
		if err := b.Flush(); err != nil {
			return event.Meta{}, err
		}
		return event.Meta{Events: int64(len(evs))}, fail
	}
}

func open(t *testing.T) *Warehouse {
	t.Helper()
	w, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func TestImportPairsStartComplete(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	evs := []ev{
		{"c1", "A", 0, "start"}, {"c1", "A", 5, "complete"},
		// complete without start, then a start/complete pair: FIFO must not
		// pair the first complete with the later start.
		{"c1", "B", 6, "complete"}, {"c1", "B", 7, "start"}, {"c1", "B", 9, "complete"},
		// two overlapping instances: first complete takes the oldest start.
		{"c2", "A", 0, "start"}, {"c2", "A", 1, "start"}, {"c2", "A", 3, "complete"}, {"c2", "A", 4, "complete"},
		{"c2", "C", 4, "assign"},
	}
	info, err := w.Import(ctx, ImportOptions{Name: "t", Source: "mem", Format: "test"}, reader(evs, nil))
	if err != nil {
		t.Fatal(err)
	}
	if info.Events != 10 || info.Instances != 5 || info.Cases != 2 || info.Lifecycle != "standard" {
		t.Fatalf("info = %+v", info)
	}
	rows, err := w.DB().QueryContext(ctx, `SELECT e.case_id, e.activity, s.seq, s.pos, p.activity,
		coalesce(((epoch_us(s.ts) - epoch_us(s.start_ts)) / 60e6)::INTEGER, -1)
		FROM steps s JOIN events e USING (log_id, seq) LEFT JOIN activities p ON p.log_id = s.log_id AND p.act_no = s.prev_act_no
		ORDER BY s.seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type row struct {
		c, a          string
		seq, pos      int64
		prev          *string
		serviceMinute int64
	}
	want := []struct {
		seq, pos, service int64
		prev              string
	}{{1, 0, 5, ""}, {2, 1, -1, "A"}, {4, 2, 2, "B"}, {7, 0, 3, ""}, {8, 1, 3, "A"}}
	i := 0
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.c, &r.a, &r.seq, &r.pos, &r.prev, &r.serviceMinute); err != nil {
			t.Fatal(err)
		}
		if i >= len(want) {
			t.Fatalf("extra row %+v", r)
		}
		wt := want[i]
		prev := ""
		if r.prev != nil {
			prev = *r.prev
		}
		if r.seq != wt.seq || r.pos != wt.pos || r.serviceMinute != wt.service || prev != wt.prev {
			t.Errorf("row %d = seq %d pos %d service %d prev %q; want %+v", i, r.seq, r.pos, r.serviceMinute, prev, wt)
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("got %d instance rows, want %d", i, len(want))
	}
	var cases int
	if err := w.DB().QueryRow(`SELECT count(*) FROM cases WHERE attrs->>'priority' = 'P1'`).Scan(&cases); err != nil || cases != 2 {
		t.Fatalf("cases with attrs = %d, %v", cases, err)
	}
}

func TestImportNonStandardLifecycleCountsEveryEvent(t *testing.T) {
	w := open(t)
	evs := []ev{{"c1", "A", 0, "In Progress"}, {"c1", "A", 1, "Awaiting Assignment"}, {"c1", "B", 2, "complete"}}
	info, err := w.Import(context.Background(), ImportOptions{Name: "n", Source: "mem", Format: "test"}, reader(evs, nil))
	if err != nil {
		t.Fatal(err)
	}
	if info.Instances != 3 || info.Lifecycle != "non-standard" {
		t.Fatalf("info = %+v", info)
	}
}

func TestImportIsAtomic(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	evs := make([]ev, 0, 100)
	for i := 0; i < 100; i++ {
		evs = append(evs, ev{"c", "A", i, ""})
	}
	boom := errors.New("line 101: boom")
	if _, err := w.Import(ctx, ImportOptions{Name: "x", Source: "mem", Format: "test"}, reader(evs, boom)); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	for _, table := range []string{"events", "cases", "logs", "case_facts", "variants", "steps", "activities"} {
		var n int
		if err := w.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s has %d rows after a failed import (%v)", table, n, err)
		}
	}
	// The same name is free afterwards, and a second import under it conflicts.
	if _, err := w.Import(ctx, ImportOptions{Name: "x", Source: "mem", Format: "test"}, reader(evs, nil)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Import(ctx, ImportOptions{Name: "x", Source: "mem", Format: "test"}, reader(evs, nil)); !errors.Is(err, ErrLogExists) {
		t.Fatalf("second import err = %v, want ErrLogExists", err)
	}
	info, err := w.Import(ctx, ImportOptions{Name: "x", Source: "mem", Format: "test", Replace: true}, reader(evs[:10], nil))
	if err != nil || info.Events != 10 {
		t.Fatalf("replace: %+v %v", info, err)
	}
	var n int
	w.DB().QueryRow(`SELECT count(*) FROM events`).Scan(&n)
	if n != 10 {
		t.Fatalf("events after replace = %d, want 10", n)
	}
}

func TestReopenKeepsSchemaAndLogs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Import(ctx, ImportOptions{Name: "a", Source: "mem", Format: "test"}, reader([]ev{{"c", "A", 0, ""}}, nil)); err != nil {
		t.Fatal(err)
	}
	w.Close()
	w, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var v int
	if err := w.DB().QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Fatalf("version %d (%v), want %d", v, err, SchemaVersion)
	}
	logs, err := w.Logs(ctx)
	if err != nil || len(logs) != 1 || logs[0].Name != "a" {
		t.Fatalf("logs = %+v, %v", logs, err)
	}
	if _, err := w.LogID(ctx, "nope"); !errors.Is(err, ErrNoLog) {
		t.Fatalf("LogID(nope) = %v", err)
	}
}

// Every case gets a cases row, whether or not the reader reported it, and a
// reader reporting a case twice does not duplicate its facts.
func TestCasesRowsAreComplete(t *testing.T) {
	ctx := context.Background()
	w := open(t)
	read := func(ctx context.Context, sink event.Sink) (event.Meta, error) {
		b := event.NewBuilder(sink, 0)
		defer b.Release()
		b.AppendCase("c1", []byte(`{"p":1}`))
		b.AppendCase("c1", []byte(`{"p":1}`))
		for i, c := range []string{"c1", "c2", "c2"} {
			if err := b.Append(&event.Event{Case: c, Activity: "A", Time: t0 + int64(i), Start: event.NoTime, Seq: int64(i)}); err != nil {
				return event.Meta{}, err
			}
		}
		return event.Meta{}, b.Flush()
	}
	info, err := w.Import(ctx, ImportOptions{Name: "c", Source: "mem", Format: "test"}, read)
	if err != nil {
		t.Fatal(err)
	}
	var distinct, facts int
	w.DB().QueryRow(`SELECT count(DISTINCT case_id) FROM cases`).Scan(&distinct)
	w.DB().QueryRow(`SELECT count(*) FROM case_facts`).Scan(&facts)
	if info.Cases != 2 || distinct != 2 || facts != 2 {
		t.Fatalf("cases %d, distinct case rows %d, case_facts %d; want 2, 2, 2", info.Cases, distinct, facts)
	}
}

// Every connection works in UTC, whatever the host's zone: DuckDB's ICU
// would otherwise cast TIMESTAMPTZ to TIMESTAMP in local time.
func TestConnectionsAreUTC(t *testing.T) {
	w := open(t)
	db := w.DB()
	db.SetMaxOpenConns(3)
	for range 3 {
		var tz, ts string
		if err := db.QueryRow(`SELECT current_setting('TimeZone'), CAST(TIMESTAMPTZ '2024-06-01 12:00:00+02:00' AS TIMESTAMP)::VARCHAR`).Scan(&tz, &ts); err != nil {
			t.Fatal(err)
		}
		if tz != "UTC" || ts != "2024-06-01 10:00:00" {
			t.Errorf("session zone %q, cast %q; want UTC and 10:00", tz, ts)
		}
	}
}

// A warehouse written by pmx on DuckDB 1.1.2 (go-duckdb v1.8.2, schema
// version 2) opens with today's DuckDB, its logs read the same, and it can
// be written to; its header tells who created it.
func TestOpensWarehouseOfDuckDB11(t *testing.T) {
	ctx := context.Background()
	src, err := os.Open("testdata/pmx-schema2-duckdb-v1.1.2.duckdb.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	zr, err := gzip.NewReader(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.duckdb")
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if h, ok, err := ReadFileHeader(path); err != nil || !ok || h.CreatedBy != "v1.1.2" || h.StorageVersion != 64 {
		t.Fatalf("header %+v, %v, %v", h, ok, err)
	}
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	logs, err := w.Logs(ctx)
	if err != nil || len(logs) != 1 || logs[0].Name != "running-example" || logs[0].Instances != 42 || logs[0].Cases != 6 {
		t.Fatalf("logs %+v, %v", logs, err)
	}
	var v int
	if err := w.DB().QueryRow(`SELECT max(version) FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion {
		t.Errorf("schema version %d (%v), want %d", v, err, SchemaVersion)
	}
	if err := w.Drop(ctx, "running-example"); err != nil {
		t.Fatalf("writing to the old file: %v", err)
	}
	w.Close()
	if _, ok, _ := ReadFileHeader(filepath.Join(t.TempDir())); ok {
		t.Error("a directory read as a DuckDB file")
	}
}

// An open that fails on the storage format says which DuckDB wrote the file
// and how to carry its logs over.
func TestEngineVersionError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb")
	hdr := make([]byte, 4096)
	copy(hdr[8:], "DUCK")
	hdr[12] = 99
	copy(hdr[52:], "v9.9.9")
	if err := os.WriteFile(path, hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	err := openErr(path, errors.New("IO Error: Trying to read a database file with version number 99, but we can only read version 64. The database file was created with a newer version of DuckDB."))
	if !errors.Is(err, ErrEngineVersion) || !strings.Contains(err.Error(), "created by DuckDB v9.9.9") || !strings.Contains(err.Error(), "importing them again from their sources") {
		t.Errorf("err = %v", err)
	}
	if err := openErr(path, errors.New("something else")); errors.Is(err, ErrEngineVersion) {
		t.Errorf("an unrelated error became %v", err)
	}
}
