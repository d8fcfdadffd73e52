package export_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/report/export"
	"github.com/pmx-dev/pmx/report/outfile"
)

func demo(t *testing.T) *warehouse.Warehouse {
	t.Helper()
	w, err := warehouse.Open(context.Background(), warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if _, err := ingest.ImportFile(context.Background(), w, "../../ingest/demo/incidents.xes.gz", ingest.FileOptions{Name: "incidents"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestParquetDir reads the hive-partitioned export back with DuckDB's
// read_parquet(…, hive_partitioning = true): the same events, each in the
// partition of its log and completion month.
func TestParquetDir(t *testing.T) {
	ctx := context.Background()
	w := demo(t)
	dir := filepath.Join(t.TempDir(), "out")
	res, err := export.Export(ctx, w, "incidents", export.Options{ParquetDir: dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Events != 28699 || res.Format != "parquet-dir" {
		t.Fatalf("result %+v", res)
	}
	if _, err := os.Stat(filepath.Join(dir, "log=incidents", "month=2026-01")); err != nil {
		t.Fatalf("hive layout: %v", err)
	}
	glob := filepath.Join(dir, "**", "*.parquet")
	var n, missing, extra, wrongPart int64
	err = w.DB().QueryRowContext(ctx, `WITH p AS (SELECT * FROM read_parquet(?, hive_partitioning = true)),
		e AS (SELECT case_id, activity, epoch_us(ts) AS us, coalesce(resource, '') AS r FROM events WHERE log_id = (SELECT log_id FROM logs WHERE name = 'incidents')),
		q AS (SELECT "case:concept:name" AS case_id, "concept:name" AS activity, epoch_us("time:timestamp") AS us, coalesce("org:resource", '') AS r FROM p)
		SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM (FROM e EXCEPT ALL FROM q)), (SELECT count(*) FROM (FROM q EXCEPT ALL FROM e)),
			(SELECT count(*) FROM p WHERE log <> 'incidents' OR month <> strftime("time:timestamp", '%Y-%m'))`, glob).Scan(&n, &missing, &extra, &wrongPart)
	if err != nil {
		t.Fatal(err)
	}
	if n != 28699 || missing != 0 || extra != 0 || wrongPart != 0 {
		t.Fatalf("read back %d rows (want 28699), %d missing, %d extra, %d in the wrong partition", n, missing, extra, wrongPart)
	}
	// A log's partition is never written over; another log joins the data set.
	if _, err := export.Export(ctx, w, "incidents", export.Options{ParquetDir: dir}, nil); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("second export into %s: %v", dir, err)
	}
	if _, err := ingest.ImportFile(ctx, w, "../../ingest/demo/incidents.xes.gz", ingest.FileOptions{Name: "a/b=c d"}); err != nil {
		t.Fatal(err)
	}
	if _, err := export.Export(ctx, w, "a/b=c d", export.Options{ParquetDir: dir}, nil); err != nil {
		t.Fatal(err)
	}
	var logs string
	if err := w.DB().QueryRowContext(ctx, `SELECT string_agg(DISTINCT log || ':' || n, ',' ORDER BY log || ':' || n) FROM (SELECT log, count(*) AS n FROM read_parquet(?, hive_partitioning = true) GROUP BY log)`, glob).Scan(&logs); err != nil {
		t.Fatal(err)
	}
	if logs != "a/b=c d:28699,incidents:28699" {
		t.Fatalf("logs in the data set: %s", logs)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Fatalf("%d entries in %s, want the two log= directories", len(ents), dir)
	}
}

func TestExportErrors(t *testing.T) {
	ctx := context.Background()
	w := demo(t)
	dir := t.TempDir()
	input := filepath.Join(dir, "in.xes")
	if err := os.WriteFile(input, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := &outfile.Guard{}
	g.Protect(input, "an input of this command")
	for _, tc := range []struct {
		name string
		log  string
		opt  export.Options
		want string
	}{
		{"unknown extension", "incidents", export.Options{Out: filepath.Join(dir, "x.txt")}, ".xes, .xes.gz, .csv, .csv.gz or .parquet"},
		{"gzip parquet", "incidents", export.Options{Out: filepath.Join(dir, "x.parquet.gz")}, ".parquet"},
		{"no output", "incidents", export.Options{}, "exactly one"},
		{"both outputs", "incidents", export.Options{Out: filepath.Join(dir, "x.csv"), ParquetDir: filepath.Join(dir, "d")}, "exactly one"},
		{"no such log", "nope", export.Options{Out: filepath.Join(dir, "x.csv")}, "no such log"},
		{"input", "incidents", export.Options{Out: input}, "refusing to overwrite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := export.Export(ctx, w, tc.log, tc.opt, g)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if b, _ := os.ReadFile(input); string(b) != "x" {
		t.Fatal("the input was overwritten")
	}
}

// TestXESHostileStrings: names with markup, quotes, line breaks, bidi
// overrides and control characters give well-formed XES that imports back
// to the same strings; characters XML 1.0 cannot carry (ESC) become U+FFFD.
func TestXESHostileStrings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	csvText := "case,activity,timestamp,resource,note,case:origin\n" +
		"\"c<1>&\"\"\",\"A \"\"x\"\" ]]> <b>\",2024-01-01T10:00:00Z,\"r\u202e1\",\"line1\nline2\ttab\",\"o'k & <done>\"\n" +
		"\"c<1>&\"\"\",B\x1b[31m,2024-01-01T11:00:00Z,r2,\x1b]0;title\x07,\n"
	src := filepath.Join(dir, "hostile.csv")
	if err := os.WriteFile(src, []byte(csvText), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.ImportFile(ctx, w, src, ingest.FileOptions{Name: "h"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.Write(ctx, w, "h", export.XES, &buf); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	for {
		if _, err := dec.Token(); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			t.Fatalf("not well-formed: %v\n%s", err, buf.String())
		}
	}
	out := filepath.Join(dir, "h.xes")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.ImportFile(ctx, w, out, ingest.FileOptions{Name: "h2"}); err != nil {
		t.Fatalf("re-import: %v\n%s", err, buf.String())
	}
	evs, attrs, found, err := w.CaseEvents(ctx, "h2", "c<1>&\"")
	if err != nil || !found || len(evs) != 2 {
		t.Fatalf("case: found %v, %d events, %v", found, len(evs), err)
	}
	if evs[0].Activity != `A "x" ]]> <b>` || evs[0].Resource != "r\u202e1" || evs[1].Activity != "B\uFFFD[31m" {
		t.Errorf("activities/resources %q %q %q", evs[0].Activity, evs[0].Resource, evs[1].Activity)
	}
	if string(evs[0].Attrs) != `{"note":"line1\nline2\ttab"}` || string(evs[1].Attrs) != "{\"note\":\"\uFFFD]0;title\uFFFD\"}" {
		t.Errorf("event attributes %s, %s", evs[0].Attrs, evs[1].Attrs)
	}
	if string(attrs) != `{"origin":"o'k & <done>"}` {
		t.Errorf("case attributes %s", attrs)
	}
}
