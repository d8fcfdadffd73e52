package csv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/pmx-dev/pmx/ingest/event"
)

// manyRows is a log of n rows in n/3 cases.
func manyRows(n int) string {
	var b strings.Builder
	b.WriteString("case,activity,timestamp,n\n")
	for i := range n {
		fmt.Fprintf(&b, "c%d,A%d,2021-01-02 03:04:%02d,%d\n", i/3, i%5, i%60, i)
	}
	return b.String()
}

type failingReader struct {
	r     io.Reader
	after int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk on fire")
	}
	if len(p) > f.after {
		p = p[:f.after]
	}
	n, err := f.r.Read(p)
	f.after -= n
	return n, err
}

type failingSink struct{ discardSink }

func (failingSink) Events(rec arrow.Record) error { rec.Release(); return errors.New("sink full") }

func TestReadFailures(t *testing.T) {
	src := manyRows(200_000) // several blocks and batches
	t.Run("read error", func(t *testing.T) {
		var s discardSink
		_, err := Read(context.Background(), &failingReader{strings.NewReader(src), 3 << 20}, "x.csv", Options{}, &s)
		if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), "x.csv") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("sink error", func(t *testing.T) {
		_, err := Read(context.Background(), strings.NewReader(src), "x.csv", Options{BatchRows: 1000}, &failingSink{})
		if err == nil || !strings.Contains(err.Error(), "sink full") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var s discardSink
		_, err := Read(ctx, strings.NewReader(src), "x.csv", Options{}, &s)
		if !errors.Is(err, event.ErrCanceled) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := ReadFile(context.Background(), filepath.Join(t.TempDir(), "nope.csv"), Options{}, &discardSink{})
		if !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad row late", func(t *testing.T) {
		bad := src + "cx,A,yesterday,1\n" + manyRows(10)[len("case,activity,timestamp,n\n"):]
		s, m, err := readString(t, bad, Options{Rejects: true, BatchRows: 7000})
		if err != nil || m.Events != 200_010 || len(s.rejects) != 1 || s.rejects[0].Line != 200_002 {
			t.Fatalf("events %d rejects %+v err %v", m.Events, s.rejects, err)
		}
		checkWellFormed(t, s, m)
		for i, e := range s.events { // Seq counts the rejected row
			if want := int64(i); i >= 200_000 {
				want++
				if e.Seq != want {
					t.Fatalf("event %d seq %d", i, e.Seq)
				}
			} else if e.Seq != want {
				t.Fatalf("event %d seq %d", i, e.Seq)
			}
		}
		_, _, err = readString(t, bad, Options{})
		var se *event.SourceError
		if !errors.As(err, &se) || se.Pos != 200_002 {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestCasesAcrossBlocks: case starts are decided in input order even when
// a case spans blocks and batches, and a case that reappears later (an
// unsorted log) is not emitted twice.
func TestCasesAcrossBlocks(t *testing.T) {
	var b strings.Builder
	b.WriteString("case,activity,timestamp,case:k\n")
	for i := range 30_000 {
		fmt.Fprintf(&b, "c%d,A,2021-01-02,v%d\n", (i/7)%1000, i)
	}
	withBlockSize(4096, func() {
		s, m, err := readString(t, b.String(), Options{BatchRows: 999})
		if err != nil {
			t.Fatal(err)
		}
		checkWellFormed(t, s, m)
		if len(s.cases) != 1000 || s.cases["c5"] != `{"k":"v35"}` || s.caseOrder[0] != "c0" {
			t.Fatalf("%d cases, c5 = %s", len(s.cases), s.cases["c5"])
		}
	})
}

func TestDetectOptions(t *testing.T) {
	src := "case,activity,timestamp\nc,A,2021-01-02\n"
	if _, l, err := Detect(strings.NewReader(src), Options{TimeFormat: "2006-01-02"}); err != nil || l != "2006-01-02" {
		t.Errorf("layout %q %v", l, err)
	}
	if _, _, err := Detect(strings.NewReader(src), Options{Mapping: Mapping{Case: "-"}}); err == nil {
		t.Error("required column declared absent: no error")
	}
	if _, _, err := Detect(strings.NewReader("\"case,activity\n"), Options{}); err == nil || !strings.Contains(err.Error(), "unterminated") {
		t.Errorf("err = %v", err)
	}
	if _, l, err := Detect(strings.NewReader("case,activity,timestamp\n"), Options{}); err != nil || l != "" {
		t.Errorf("header only: %q %v", l, err)
	}
}

func TestCaseSet(t *testing.T) {
	var s caseSet
	seen := map[string]bool{}
	for i := range 300_000 {
		id := fmt.Sprintf("case-%d", (i*7919)%200_000)
		if got := s.add(id); got == seen[id] {
			t.Fatalf("add(%q) = %v after %d ids", id, got, len(seen))
		}
		seen[id] = true
	}
	if len(s.ids) != len(seen) {
		t.Fatalf("%d ids, want %d", len(s.ids), len(seen))
	}
}
