package ingest_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/ingest"
)

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// Issue 9, item 11: formats are told by content, and files pmx cannot
// import get one short line naming what they are and what pmx imports,
// instead of a CSV reader's complaint quoting the whole file.
func TestDetectFormat(t *testing.T) {
	duck := string(make([]byte, 8)) + "DUCK" + strings.Repeat("\x00", 100)
	for _, tc := range []struct {
		file, body string
		format     string // "" = refused
		what       string // in the refusal
	}{
		{"a.xes", goodXES, "xes", ""},
		{"a.xes.gz", gz(goodXES), "xes", ""},
		{"noext", goodXES, "xes", ""},
		{"a.csv", "case,activity,timestamp\n1,A,2024-01-01\n", "csv", ""},
		{"a.txt", "\xef\xbb\xbfcase;activity;timestamp\n", "csv", ""},
		{"a.csv.gz", gz("case,activity,timestamp\n"), "csv", ""},
		{"weird.csv", "[x],activity\n", "csv", ""}, // JSON-looking, but named .csv
		{"a.parquet", "PAR1....", "parquet", ""},
		{"renamed.csv", "PAR1....", "parquet", ""}, // content wins over the name
		{"log.jsonocel", `{"ocel:global-event":{}, "ocel:objects":{}}`, "", "OCEL object-centric log in JSON"},
		{"log.json", `{"objectTypes":[],"eventTypes":[]}`, "", "OCEL object-centric log in JSON"},
		{"events.json", `[{"case":"1"}]`, "", "JSON"},
		{"log.xmlocel", `<?xml version="1.0"?><log><object-types/></log>`, "", "OCEL object-centric log in XML"},
		{"log.sqlite", "SQLite format 3\x00" + strings.Repeat("\x00", 100), "", "SQLite database"},
		{"w.duckdb", duck, "", "DuckDB database"},
		{"book.xlsx", "PK\x03\x04" + strings.Repeat("\x00", 50), "", "ZIP archive"},
		{"model.pnml", `<?xml version="1.0"?><!-- c --><pnml><net/></pnml>`, "", "Petri net (PNML)"},
		{"model.bpmn", `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="x"/>`, "", "BPMN model"},
		{"page.html", `<!DOCTYPE html><html><body/></html>`, "", "root <html>"},
		{"a.bin", "\x00\x01\x02\x03binary", "", "binary data"},
		{"nul.xes", strings.Replace(goodXES, `value="A"`, "value=\"A\x00\"", 1), "xes", ""}, // the reader names the line
		{"utf16.xes", "\xff\xfe<\x00l\x00o\x00g\x00", "", "UTF-16"},
		{"a.xes.bz2", "BZh91AY&SY", "", "bzip2"},
		{"gz.parquet.gz", gz("PAR1...."), "", "gzip-compressed Parquet"},
	} {
		path := filepath.Join(t.TempDir(), tc.file)
		if err := os.WriteFile(path, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ingest.DetectFormat(path)
		if tc.format != "" {
			if err != nil || got != tc.format {
				t.Errorf("%s: %q, %v; want %s", tc.file, got, err, tc.format)
			}
			continue
		}
		if !errors.Is(err, ingest.ErrUnsupportedFormat) || !strings.Contains(err.Error(), tc.what) ||
			!strings.Contains(err.Error(), "pmx imports XES") || strings.Count(err.Error(), "\n") > 0 || len(err.Error()) > 400 {
			t.Errorf("%s: %q, %v; want a one-line refusal naming %q", tc.file, got, err, tc.what)
		}
	}
}

// The shared OCEL logs are refused before any reader sees them.
func TestDetectSharedOCEL(t *testing.T) {
	for _, f := range []string{"recruiting-red.jsonocel", "ocel20_example.sqlite"} {
		path := filepath.Join("../../shared/logs", f)
		if _, err := os.Stat(path); err != nil {
			t.Skipf("shared logs absent (%s)", path)
		}
		if _, err := ingest.DetectFormat(path); !errors.Is(err, ingest.ErrUnsupportedFormat) || !strings.Contains(err.Error(), "OCEL") {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func FuzzDetectFormat(f *testing.F) {
	for _, s := range []string{goodXES, "case,activity\n", "PAR1", `{"ocel:x":1}`, "<pnml/>", "\x1f\x8b", "<!-- x"} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "f")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		format, err := ingest.DetectFormat(path)
		if (format == "") == (err == nil) {
			t.Fatalf("format %q with err %v", format, err)
		}
	})
}
