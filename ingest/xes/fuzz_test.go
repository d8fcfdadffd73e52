package xes

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pmx-dev/pmx/ingest/event"
)

// FuzzRead feeds arbitrary bytes to the reader. It must never panic or
// hang; whatever it emits must be valid (UTF-8 strings, JSON attrs); and a
// tiny buffer, which moves every buffer end into tokens and keeps the fast
// path out, must give exactly the same result as the normal one.
//
//	go test -run x -fuzz FuzzRead -fuzztime 60s ./ingest/xes/
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "read", "*.xes"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, uint8(0))
		}
	}
	for _, s := range []string{
		`<log><trace><string key="concept:name" value="c"/><event><string key="concept:name" value="a"/>` +
			`<date key="time:timestamp" value="2020-01-01T00:00:00Z"/></event></trace></log>`,
		`<log><classifier name="C" keys="concept:name 'a b'"/><trace><string key="concept:name" value="c"/>` +
			`<event><string key="a b" value="x"/><string key="concept:name" value="a"/>` +
			`<date key="time:timestamp" value="2020-01-01T00:00:00.123456789-03:30"/></event></trace></log>`,
		`<log><trace><event><list key="l"><values><int key="i" value="1"><float key="f" value="2"/></int>` +
			`</values></list></event></trace></log>`,
		"<log>\n<trace>\n</log>",
		`<!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]><log>&x;</log>`,
	} {
		f.Add([]byte(s), uint8(1))
	}
	defer func(n int) { initialBuf = n }(initialBuf)
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		opt := Options{Rejects: mode&1 != 0, BatchRows: 1 + int(mode>>4)}
		if mode&2 != 0 {
			opt.Classifier = "C"
		}
		initialBuf = 256 << 10
		m, s, err := readAll(data, "fuzz.xes", opt)
		checkOutput(t, m, s, err)
		want := dump(m, s, err)
		initialBuf = 1 + int(mode>>2)%13
		m, s, err = readAll(data, "fuzz.xes", opt)
		if got := dump(m, s, err); got != want {
			t.Fatalf("a %d-byte buffer changes the result:\n%s\nwant\n%s", initialBuf, got, want)
		}
	})
}

func checkOutput(t *testing.T, m event.Meta, s *collectSink, err error) {
	t.Helper()
	// Errors name the source: malformed XML as *event.SourceError, the
	// rest (a broken gzip stream, an unknown classifier) wrapped.
	var se *event.SourceError
	if err != nil && !errors.As(err, &se) && !strings.Contains(err.Error(), "xes fuzz.xes: ") {
		t.Fatalf("error without its source: %v", err)
	}
	if m.Attrs != nil && !json.Valid(m.Attrs) {
		t.Fatalf("meta attrs not JSON: %q", m.Attrs)
	}
	for _, e := range s.events {
		for _, v := range []string{e.Case, e.Activity, e.Resource, e.Lifecycle} {
			if !utf8.ValidString(v) {
				t.Fatalf("invalid UTF-8 %q in %+v", v, e)
			}
		}
		if !e.AttrsNull && !json.Valid([]byte(e.Attrs)) {
			t.Fatalf("attrs not JSON: %q", e.Attrs)
		}
	}
	for _, c := range s.cases {
		if !utf8.ValidString(c.ID) || !c.AttrsNull && !json.Valid([]byte(c.Attrs)) {
			t.Fatalf("bad case row %+v", c)
		}
	}
	for _, r := range s.rejects {
		if !utf8.ValidString(r.Raw) || !utf8.ValidString(r.Reason) {
			t.Fatalf("bad reject %+v", r)
		}
	}
}
