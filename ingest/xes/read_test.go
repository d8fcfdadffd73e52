package xes

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// The small hand-written logs live in testdata/read/NAME.xes, each with
// NAME.golden holding everything the reader produced (meta, events, cases,
// rejects or the error) in a readable form. Options for a case are given in
// the file itself, in a comment: <!-- pmx-test: classifier="X" rejects -->.
// go test -run TestGolden -update rewrites the golden files; review the
// diff before committing it.

var update = flag.Bool("update", false, "rewrite testdata/read/*.golden from the current output")

var testOpts = regexp.MustCompile(`pmx-test:([^>]*)-->`)

func caseOptions(t testing.TB, src []byte) Options {
	var opt Options
	m := testOpts.FindSubmatch(src)
	if m == nil {
		return opt
	}
	for _, f := range strings.Fields(string(m[1])) {
		switch k, v, _ := strings.Cut(f, "="); k {
		case "rejects":
			opt.Rejects = true
		case "classifier":
			opt.Classifier = strings.ReplaceAll(strings.Trim(v, `"`), "_", " ")
		case "batch":
			fmt.Sscan(v, &opt.BatchRows)
		default:
			t.Fatalf("unknown pmx-test option %q", f)
		}
	}
	return opt
}

// readAll reads src with opt into a collecting sink.
func readAll(src []byte, name string, opt Options) (event.Meta, *collectSink, error) {
	s := &collectSink{}
	m, err := Read(context.Background(), bytes.NewReader(src), name, opt, s)
	return m, s, err
}

// dump renders a read deterministically for golden files and for
// comparing reads of the same input.
func dump(m event.Meta, s *collectSink, err error) string {
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
		var se *event.SourceError
		if errors.As(err, &se) {
			fmt.Fprintf(&b, "error line: %d\n", se.Pos)
		}
	}
	fmt.Fprintf(&b, "meta: events=%d rejected=%d classifier=%q\n", m.Events, m.Rejected, m.Classifier)
	if m.Attrs != nil {
		fmt.Fprintf(&b, "meta attrs: %s\n", m.Attrs)
	}
	for _, e := range s.events {
		fmt.Fprintf(&b, "event %d case=%q activity=%q ts=%s", e.Seq, e.Case, e.Activity, usString(e.Time))
		if e.Start != event.NoTime {
			fmt.Fprintf(&b, " start=%s", usString(e.Start))
		}
		if !e.ResNull {
			fmt.Fprintf(&b, " resource=%q", e.Resource)
		}
		if !e.LcNull {
			fmt.Fprintf(&b, " lifecycle=%q", e.Lifecycle)
		}
		if !e.AttrsNull {
			fmt.Fprintf(&b, " attrs=%s", e.Attrs)
		}
		b.WriteByte('\n')
	}
	for _, c := range s.cases {
		fmt.Fprintf(&b, "case %q", c.ID)
		if !c.AttrsNull {
			fmt.Fprintf(&b, " attrs=%s", c.Attrs)
		}
		b.WriteByte('\n')
	}
	for _, r := range s.rejects {
		fmt.Fprintf(&b, "reject line=%d reason=%q raw=%q\n", r.Line, r.Reason, r.Raw)
	}
	return b.String()
}

func usString(us int64) string {
	return time.UnixMicro(us).UTC().Format("2006-01-02T15:04:05.000000Z")
}

func goldenCases(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join("testdata", "read", "*.xes"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases in testdata/read: %v", err)
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, path := range goldenCases(t) {
		name := strings.TrimSuffix(filepath.Base(path), ".xes")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m, s, err := readAll(src, name+".xes", caseOptions(t, src))
			got := dump(m, s, err)
			golden := strings.TrimSuffix(path, ".xes") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestBufferBoundaries reads every case with buffers so small that buffer
// ends fall inside every kind of token, and with input delivered in odd
// chunks: the result must not change.
func TestBufferBoundaries(t *testing.T) {
	defer func(n int) { initialBuf = n }(initialBuf)
	inputs := map[string][]byte{}
	for _, path := range goldenCases(t) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(path)] = src
	}
	if src, err := os.ReadFile(filepath.Join(logsDir, "running-example.xes")); err == nil {
		inputs["running-example.xes"] = src
	}
	for name, src := range inputs {
		opt := caseOptions(t, src)
		initialBuf = 256 << 10
		m, s, err := readAll(src, name, opt)
		want := dump(m, s, err)
		for _, size := range []int{1, 7, 16, 33, 64, 100, 257, 1000} {
			initialBuf = size
			m, s, err := readAll(src, name, opt)
			if got := dump(m, s, err); got != want {
				t.Errorf("%s with a %d-byte buffer:\n%s\nwant\n%s", name, size, got, want)
			}
		}
	}
}
