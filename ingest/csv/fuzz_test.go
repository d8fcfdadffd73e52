package csv

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pmx-dev/pmx/ingest/event"
)

// withBlockSize runs f with tiny blocks as well as the default, so that
// records straddling blocks (carry-over, growth) are exercised by small
// inputs.
func withBlockSize(size int, f func()) {
	old := blockSize
	blockSize = size
	defer func() { blockSize = old }()
	f()
}

var fuzzSeeds = []string{
	"case,activity,timestamp\nc1,A,2021-01-02 03:04:05\nc1,B,2021-01-02 03:05:00\n",
	"Case ID;Activity;Complete Timestamp;Cost\nc1;A;2021-01-02 03:04:05;12.5\n",
	"case\tevent\ttime\nc1\tA\t2021-01-02T03:04:05Z\n",
	"case,activity,timestamp,note\n\"c,1\",\"say \"\"hi\"\"\",2021-01-02 03:04:05,\"two\nlines\"\n",
	"\xEF\xBB\xBFcase,activity,timestamp\r\nc1,A,2021-01-02 03:04:05\r\n",
	"case:concept:name,concept:name,time:timestamp,case:x,start_timestamp\nc1,A,1/2/2006 3:04:05 PM,9,1/2/2006 3:00:00 PM\n",
	"case,activity,timestamp\nc1,,2021-01-02\n,B,x\nc2,\"B,2021\n",
	"case,activity,timestamp\nc,A,1318333540\nc,A,1318333541276\n",
	"a|b|c\n\"\"\"|\"|\"\n",
	"case,activity,date\nc,A,02-Jan-2006\nc,A,31.12.1999\n",
}

// FuzzRead: no input may panic, and whatever is read is well formed.
func FuzzRead(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, block uint8, rejects bool) {
		withBlockSize(8+int(block%64), func() {
			s := newCollectSink()
			m, err := Read(context.Background(), bytes.NewReader(data), "fuzz.csv", Options{Rejects: rejects}, s)
			if err != nil {
				var se *event.SourceError
				if errors.As(err, &se) && (se.Pos < 1 || se.Pos > int64(bytes.Count(data, []byte{'\n'}))+1) {
					t.Fatalf("error line %d out of range: %v", se.Pos, err)
				}
				return
			}
			checkWellFormed(t, s, m)
			if len(s.rejects) != int(m.Rejected) {
				t.Fatalf("%d rejects, meta says %d", len(s.rejects), m.Rejected)
			}
		})
	})
}

func checkWellFormed(t *testing.T, s *collectSink, m event.Meta) {
	t.Helper()
	if int64(len(s.events)) != m.Events || s.dupCases != 0 {
		t.Fatalf("%d events (meta %d), %d duplicate cases", len(s.events), m.Events, s.dupCases)
	}
	ids := map[string]bool{}
	for i, e := range s.events {
		if e.Case == "" || e.Activity == "" || (i > 0 && e.Seq <= s.events[i-1].Seq) {
			t.Fatalf("bad event %d: %+v", i, e)
		}
		for _, v := range []string{e.Case, e.Activity, e.Resource, e.Lifecycle} {
			if !utf8.ValidString(v) {
				t.Fatalf("invalid UTF-8 in %+v", e)
			}
		}
		if e.Attrs != "" && !json.Valid([]byte(e.Attrs)) {
			t.Fatalf("invalid attrs %q", e.Attrs)
		}
		ids[e.Case] = true
	}
	if len(ids) != len(s.cases) {
		t.Fatalf("%d distinct cases in events, %d emitted", len(ids), len(s.cases))
	}
	for id, a := range s.cases {
		if !ids[id] || (a != "" && !json.Valid([]byte(a))) {
			t.Fatalf("case %q attrs %q", id, a)
		}
	}
}

// FuzzSplit compares the splitter with encoding/csv on every input the
// latter accepts: same records, same fields, same starting line numbers.
func FuzzSplit(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, block uint8) {
		if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
			return // encoding/csv keeps a BOM
		}
		r := stdcsv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		var want [][]string
		var lines []int
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				return // the splitter is more lenient; nothing to compare
			}
			line, _ := r.FieldPos(0)
			want, lines = append(want, rec), append(lines, line)
		}
		withBlockSize(8+int(block%64), func() {
			sp, _ := newSplitter(bytes.NewReader(data), ',')
			n := 0
			var f [][]byte
			for blk := sp.next(); blk != nil; blk = sp.next() {
				if blk.err != nil {
					t.Fatal(blk.err)
				}
				for i := range blk.rows {
					r := &blk.rows[i]
					f = blk.rowFields(r, f)
					if n >= len(want) {
						t.Fatalf("extra record %q", f)
					}
					got := make([]string, len(f))
					for k, v := range f {
						// encoding/csv turns \r\n inside quotes into \n; the splitter keeps bytes.
						got[k] = strings.ReplaceAll(string(v), "\r\n", "\n")
					}
					if strings.Join(got, "\x00") != strings.Join(want[n], "\x00") || r.line != int64(lines[n]) {
						t.Fatalf("record %d: got %q at line %d, want %q at line %d", n, got, r.line, want[n], lines[n])
					}
					n++
				}
			}
			if n != len(want) {
				t.Fatalf("got %d records, want %d", n, len(want))
			}
		})
	})
}

// The table tests again with blocks smaller than a row.
func TestReadFormsTinyBlocks(t *testing.T)   { withBlockSize(9, func() { TestReadForms(t) }) }
func TestReadBadRowsTinyBlocks(t *testing.T) { withBlockSize(11, func() { TestReadBadRows(t) }) }
func TestTimestampFormsTinyBlocks(t *testing.T) {
	withBlockSize(16, func() { TestTimestampForms(t) })
}
