package ingest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

const goodXES = `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <trace><string key="concept:name" value="c1"/>
    <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2024-01-01T10:00:00+01:00"/></event>
    <event><string key="concept:name" value="B"/><date key="time:timestamp" value="2024-01-01T11:00:00+01:00"/></event>
  </trace>
`

// Each bad file fails its import naming the file and line, and leaves
// nothing in the warehouse; with Rejects, the bad rows are kept with the
// reason and the good ones imported.
func TestBadInputIsAtomicOrRejected(t *testing.T) {
	cases := []struct {
		name, file, body string
		line             int64
		reason           string
		rejects          int64 // with Rejects: rows kept aside (-1: the file cannot be imported at all)
		events           int64 // with Rejects: events imported
	}{
		{"xes truncated", "bad.xes", goodXES, 7, "not closed", -1, 0},
		{"xes mismatched tag", "bad.xes", strings.Replace(goodXES, "</trace>", "</event>", 1) + "</log>\n", 6, "does not match", -1, 0},
		{"xes event without timestamp", "bad.xes", strings.Replace(goodXES,
			`<date key="time:timestamp" value="2024-01-01T11:00:00+01:00"/>`, "", 1) + "</log>\n", 5, "timestamp", 1, 1},
		{"csv row without case", "bad.csv", "case,activity,timestamp\nc1,A,2024-01-01 10:00\n,B,2024-01-01 11:00\nc1,C,2024-01-01 12:00\n", 3, "case", 1, 2},
		{"csv unparseable timestamp", "bad.csv", "case,activity,timestamp\nc1,A,2024-01-01 10:00\nc1,B,2024-01-01 11:00\nc1,C,soon\n", 4, "soon", 1, 2},
		{"csv row without activity", "bad.csv", "case,activity,timestamp\nc1,A,2024-01-01 10:00\nc1,,2024-01-01 11:00\n", 3, "activity", 1, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			path := filepath.Join(dir, c.file)
			if err := os.WriteFile(path, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			_, err = ingest.ImportFile(ctx, w, path, ingest.FileOptions{})
			var se *event.SourceError
			if !errors.As(err, &se) || se.Source != path || se.Pos != c.line || !strings.Contains(err.Error(), c.reason) {
				t.Fatalf("err = %v; want %s line %d mentioning %q", err, path, c.line, c.reason)
			}
			var n int
			for _, table := range []string{"logs", "events", "cases", "steps", "rejects"} {
				if err := w.DB().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil || n != 0 {
					t.Fatalf("after the failed import %s has %d rows (%v)", table, n, err)
				}
			}
			info, err := ingest.ImportFile(ctx, w, path, ingest.FileOptions{Rejects: true})
			if c.rejects < 0 {
				if err == nil {
					t.Fatal("a file that is not well-formed imported with --rejects")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.Rejects != c.rejects || info.Instances != c.events {
				t.Fatalf("with rejects: %+v; want %d rejects, %d events", info, c.rejects, c.events)
			}
			var line int64
			var reason string
			if err := w.DB().QueryRow(`SELECT line, reason FROM rejects`).Scan(&line, &reason); err != nil || line != c.line {
				t.Fatalf("reject line %d %q (%v), want line %d", line, reason, err, c.line)
			}
		})
	}
}
