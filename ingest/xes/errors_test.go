package xes

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/klauspost/compress/gzip"

	"github.com/pmx-dev/pmx/ingest/event"
)

// TestMalformed checks that malformed XML fails with an *event.SourceError
// at the line of the problem (for an unexpected end of file, the last line).
func TestMalformed(t *testing.T) {
	deep := "<log>" + strings.Repeat("<a>", maxDepth+1)
	for _, c := range []struct {
		name, in string
		line     int64
		reason   string
	}{
		{"unclosed element", "<log>\n<trace>\n", 3, "<trace> opened on line 2 is not closed"},
		{"mismatched end tag", "<log>\n<trace>\n</log>", 3, "end tag </log> does not match <trace> opened on line 2"},
		{"end tag without start", "</log>", 1, "without a matching start tag"},
		{"malformed end tag", "<log>\n</>\n", 2, "malformed end tag"},
		{"unquoted value", "<log>\n<string key=value/>\n</log>", 2, "value of attribute key is not quoted"},
		{"attribute without value", "<log>\n<string key \"a\"/>\n</log>", 2, "attribute key has no '=' and value"},
		{"missing attribute name", "<log>\n<string = \"a\"/>\n</log>", 2, "where an attribute name belongs"},
		{"no space between attributes", "<log>\n<string key=\"a\"value=\"b\"/>\n</log>", 2, "expected whitespace"},
		{"slash without gt", "<log>\n<string key=\"a\" / >\n</log>", 2, "'/' not followed by '>'"},
		{"no element name", "< log/>", 1, "not followed by an element name"},
		{"tag cut by end of file", "<log>\n<string key=\"a\" value=\"b\"\n", 3, "inside markup that starts on line 2"},
		{"unclosed comment", "<log>\n<!-- never closed\n</log>", 3, "inside markup that starts on line 2"},
		{"undefined entity", "<log>\n <string key=\"a\" value=\"x &foo; y\"/>\n</log>", 2, `undefined entity "&foo;"`},
		{"bare ampersand", "<log>\n <string key=\"a\" value=\"x & y\"/>\n</log>", 2, "does not start an entity reference"},
		{"bad character reference", "<log>\n <string key=\"a\" value=\"&#0;\"/>\n</log>", 2, "invalid character reference"},
		{"huge character reference", "<log>\n <string key=\"a\" value=\"&#x110000;\"/>\n</log>", 2, "invalid character reference"},
		{"entity in text", "<log>\n<trace>\n&nope;\n</trace>\n</log>", 3, `undefined entity "&nope;"`},
		{"NUL in attribute value", "<log>\n<string key=\"a\" value=\"a\x00b\"/>\n</log>", 2, "control character U+0000 is not allowed in XML 1.0"},
		{"escape in attribute value", "<log>\n<trace>\n<string key=\"concept:name\" value=\"\x1b[2J\"/>\n</trace>\n</log>", 3, "control character U+001B"},
		{"lt in attribute value", "<log>\n<string key=\"a\" value=\"a<b\"/>\n</log>", 2, "'<' in an attribute value"},
		{"text before root", "hello <log/>", 1, "text outside the root element"},
		{"text after root", "<log>\n</log>\n&amp;", 3, "text outside the root element"},
		{"second root", "<log/>\n<log/>", 2, "element after the end of the root element"},
		{"root is a trace", "<trace>\n</trace>", 1, "<trace> outside <log>"},
		{"root is not log", "<xes>\n</xes>", 1, "root element is <xes>, want <log>"},
		{"trace outside log", "<log>\n<event>\n<trace/>\n</event>\n</log>", 3, "<trace> outside <log>"},
		{"event outside trace", "<log>\n<trace>\n<string key=\"k\" value=\"v\">\n<event/>", 4, "<event> must be a child of <trace>"},
		{"log inside log", "<log>\n<log/>\n</log>", 2, "<log> is only allowed as the root element"},
		{"unknown markup", "<log>\n<!foo>\n</log>", 2, "unexpected '<!'"},
		{"doctype after root", "<log/>\n<!DOCTYPE log>", 2, "DOCTYPE after the root element"},
		{"cdata outside root", "<![CDATA[x]]><log/>", 1, "CDATA section outside the root element"},
		{"late xml declaration", "<log/>\n<?xml version=\"1.0\"?>", 2, "only allowed at the start"},
		{"unsupported encoding", "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<log/>", 1, `unsupported encoding "shift_jis"`},
		{"utf-16", "\xff\xfe<\x00l\x00", 1, "UTF-16"},
		{"empty input", "", 1, "no root element"},
		{"only whitespace", "\n\n", 3, "no root element"},
		{"too deep", deep, 1, "nested deeper than 256"},
		{"entity in an event body", "<log>\n<trace>\n<string key=\"concept:name\" value=\"c\"/>\n<event>\n" +
			"<string key=\"concept:name\" value=\"a &bogus; b\"/>\n</event></trace></log>", 5, `undefined entity "&bogus;"`},
		{"mismatch in an event body", "<log>\n<trace>\n<event>\n<string key=\"a\" value=\"b\"/>\n</trace>", 5,
			"end tag </trace> does not match <event> opened on line 3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, rejects := range []bool{false, true} {
				_, _, err := readAll([]byte(c.in), "bad.xes", Options{Rejects: rejects})
				var se *event.SourceError
				if !errors.As(err, &se) {
					t.Fatalf("error %v (%T), want *event.SourceError", err, err)
				}
				if se.Source != "bad.xes" || se.Unit != "line" || se.Pos != c.line || !strings.Contains(se.Reason, c.reason) {
					t.Errorf("got %s %s %d: %s\nwant line %d: ...%s...", se.Source, se.Unit, se.Pos, se.Reason, c.line, c.reason)
				}
			}
		})
	}
}

// TestXXE: an external entity must be refused, never resolved.
func TestXXE(t *testing.T) {
	for _, in := range []string{
		`<?xml version="1.0"?><!DOCTYPE log [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
			`<log><trace><string key="concept:name" value="&xxe;"/><event><string key="concept:name" value="&xxe;"/>` +
			`<date key="time:timestamp" value="2020-01-01T00:00:00Z"/></event></trace></log>`,
		`<!DOCTYPE log [<!ENTITY % p SYSTEM "http://127.0.0.1:1/x.dtd"> %p;]><log/>`,
		`<log><trace><string key="concept:name" value="&xxe;"/></trace></log>`,
	} {
		m, s, err := readAll([]byte(in), "xxe.xes", Options{Rejects: true})
		var se *event.SourceError
		if !errors.As(err, &se) || !(strings.Contains(se.Reason, "entity") || strings.Contains(se.Reason, "ENTITY")) {
			t.Errorf("%.60s...: error %v, want a refused entity", in, err)
		}
		if out := dump(m, s, nil); strings.Contains(out, "root:") {
			t.Errorf("the entity was expanded:\n%s", out)
		}
	}
}

func TestCancel(t *testing.T) {
	src := []byte(`<log><trace><string key="concept:name" value="c"/></trace></log>`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Read(ctx, bytes.NewReader(src), "x.xes", Options{}, &collectSink{})
	if !errors.Is(err, context.Canceled) || !errors.Is(err, event.ErrCanceled) {
		t.Errorf("error %v, want context.Canceled and event.ErrCanceled", err)
	}
}

type failSink struct{ collectSink }

var errSink = errors.New("sink is full")

func (f *failSink) Events(rec arrow.Record) error { rec.Release(); return errSink }

func TestSinkError(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "read", "timestamps.xes"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Read(context.Background(), bytes.NewReader(src), "x.xes", Options{BatchRows: 2}, &failSink{})
	if !errors.Is(err, errSink) {
		t.Errorf("error %v, want the sink's", err)
	}
}

func TestBatchRows(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "read", "timestamps.xes"))
	if err != nil {
		t.Fatal(err)
	}
	_, s, err := readAll(src, "x.xes", Options{BatchRows: 5})
	if err != nil || len(s.events) != 12 || s.batches != 3 {
		t.Errorf("%d events in %d batches (%v), want 12 in 3", len(s.events), s.batches, err)
	}
}

// TestGzipByContent: gzip is recognised by its magic bytes, not the name.
func TestGzipByContent(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "read", "attributes.xes"))
	if err != nil {
		t.Fatal(err)
	}
	_, want, err := readAll(src, "x", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(src)
	zw.Close()
	dir := t.TempDir()
	files := map[string][]byte{"compressed.xes": gz.Bytes(), "plain.xes.gz": src}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s := &collectSink{}
		m, err := ReadFile(context.Background(), path, Options{}, s)
		if err != nil || dump(m, s, nil) != dump(event.Meta{Events: 2}, want, nil) {
			t.Errorf("%s: %v\n%s", name, err, dump(m, s, nil))
		}
	}
	goroutines := runtime.NumGoroutine()
	for name, data := range map[string][]byte{
		"truncated": gz.Bytes()[:gz.Len()/2],
		"corrupt":   append(append([]byte{}, gz.Bytes()[:20]...), bytes.Repeat([]byte{0xff}, 200)...),
		"bad crc":   append(append([]byte{}, gz.Bytes()[:gz.Len()-8]...), 0, 0, 0, 0, 0, 0, 0, 0),
	} {
		_, err := Read(context.Background(), bytes.NewReader(data), name, Options{}, &collectSink{})
		if err == nil {
			t.Errorf("%s gzip: no error", name)
		}
	}
	// Zero padding after the stream (gzip -t accepts it) is ignored, and
	// errors say "gzip:" once; other trailing data is refused.
	padded := append(append([]byte{}, gz.Bytes()...), make([]byte, 10000)...)
	if _, err := Read(context.Background(), bytes.NewReader(padded), "padded", Options{}, &collectSink{}); err != nil {
		t.Errorf("zero-padded gzip: %v", err)
	}
	garbage := append(append([]byte{}, gz.Bytes()...), "junk"...)
	if _, err := Read(context.Background(), bytes.NewReader(garbage), "junk", Options{}, &collectSink{}); err == nil ||
		!strings.Contains(err.Error(), "data after the end of the compressed stream") {
		t.Errorf("gzip with trailing data: %v", err)
	}
	_, err = Read(context.Background(), bytes.NewReader(append([]byte{0x1f, 0x8b}, "xxxxxxxxxxxxxxxx"...)), "hdr", Options{}, &collectSink{})
	if err == nil || strings.Contains(err.Error(), "gzip: gzip:") {
		t.Errorf("bad gzip header: %v", err)
	}
	if n := runtime.NumGoroutine(); n > goroutines {
		t.Errorf("%d goroutines after failed reads, %d before: the inflating goroutine leaked", n, goroutines)
	}
	if _, err := ReadFile(context.Background(), filepath.Join(dir, "absent.xes"), Options{}, &collectSink{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// errReader fails after its data, as a broken disk or network would.
type errReader struct{ r io.Reader }

var errRead = errors.New("device gone")

func (e errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err == io.EOF {
		return n, errRead
	}
	return n, err
}

func TestReadError(t *testing.T) {
	_, err := Read(context.Background(), errReader{strings.NewReader("<log><trace>")}, "x.xes", Options{}, &collectSink{})
	if !errors.Is(err, errRead) {
		t.Errorf("error %v, want the read error", err)
	}
}
