package csv

import (
	"compress/gzip"
	"context"
	stdcsv "encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// logsDir holds the shared real logs (outside the repository).
const logsDir = "../../../shared/logs"

func realLog(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(logsDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real log %s not available (%v); it lives in /work/shared/logs", name, err)
	}
	return p
}

func TestReceipt(t *testing.T) {
	path := realLog(t, "receipt.csv")
	s := newCollectSink()
	m, err := ReadFile(context.Background(), path, Options{}, s)
	if err != nil {
		t.Fatal(err)
	}
	if m.Events != 8577 || len(s.events) != 8577 || m.Rejected != 0 {
		t.Fatalf("events = %d (meta %d, rejected %d), want 8577", len(s.events), m.Events, m.Rejected)
	}
	if len(s.cases) != 1434 || s.dupCases != 0 {
		t.Errorf("cases = %d (dups %d), want 1434", len(s.cases), s.dupCases)
	}
	first := s.events[0]
	if got := time.UnixMicro(first.Time).UTC().Format(time.RFC3339Nano); got != "2011-10-11T11:45:40.276Z" {
		t.Errorf("first time = %s", got)
	}
	if first.Case != "case-10011" || first.Activity != "Confirmation of receipt" || first.Resource != "Resource21" ||
		first.Lifecycle != "complete" || first.Attrs != `{"concept:instance":"task-42933","org:group":"Group 1"}` {
		t.Errorf("first event = %+v", first)
	}
	var ca map[string]any
	if err := json.Unmarshal([]byte(s.cases["case-10011"]), &ca); err != nil {
		t.Fatal(err)
	}
	if ca["channel"] != "Internet" || ca["startdate"] != "2011-10-11 13:42:22.688000+02:00" || len(ca) != 7 {
		t.Errorf("case attrs = %v", ca) // enddate is empty in this case, so omitted
	}
	if want := `{"csv":{"delimiter":",","time_format":"2006-01-02 15:04:05.000000Z07:00","mapping":` +
		`{"case":"case:concept:name","activity":"concept:name","time":"time:timestamp","resource":"org:resource",` +
		`"lifecycle":"lifecycle:transition"}}}`; string(m.Attrs) != want {
		t.Errorf("meta attrs = %s", m.Attrs)
	}
	compareWithStdlib(t, path, s)

	// The same file gzipped is detected by its magic bytes, not its name.
	gz := filepath.Join(t.TempDir(), "receipt.data")
	writeGzip(t, path, gz)
	s2 := newCollectSink()
	if m2, err := ReadFile(context.Background(), gz, Options{}, s2); err != nil || m2.Events != 8577 || s2.events[8576] != s.events[8576] {
		t.Errorf("gzip: %v events, err %v", m2.Events, err)
	}
}

// compareWithStdlib checks every event against encoding/csv + time.Parse.
func compareWithStdlib(t *testing.T, path string, s *collectSink) {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := stdcsv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range recs[1:] {
		tm, err := time.Parse("2006-01-02 15:04:05.999999Z07:00", r[14])
		if err != nil {
			t.Fatal(err)
		}
		e := s.events[i]
		if e.Case != r[1] || e.Activity != r[10] || e.Lifecycle != r[11] || e.Resource != r[13] ||
			e.Time != tm.UnixMicro() || e.Seq != int64(i) {
			t.Fatalf("row %d: %+v vs %q", i, e, r)
		}
	}
}

func writeGzip(t *testing.T, src, dst string) {
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestIntervalLog(t *testing.T) {
	path := realLog(t, "interval_event_log.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	m, layout, err := Detect(f, Options{})
	f.Close()
	if err != nil || m.Start != "start_timestamp" || m.Time != "time:timestamp" || layout != "2006-01-02 15:04:05Z07:00" {
		t.Fatalf("Detect = %+v %q %v", m, layout, err)
	}
	s := newCollectSink()
	meta, err := ReadFile(context.Background(), path, Options{}, s)
	if err != nil {
		t.Fatal(err)
	}
	withStart := 0
	for _, e := range s.events {
		if e.Start != -1<<63 {
			withStart++
			if e.Start > e.Time {
				t.Errorf("start after end: %+v", e)
			}
		}
	}
	if meta.Events != 8109 || withStart != 8109 || len(s.cases) != 1266 {
		t.Errorf("events %d, with start %d, cases %d; want 8109, 8109, 1266", meta.Events, withStart, len(s.cases))
	}
	if e := s.events[0]; e.Attrs != "" || time.UnixMicro(e.Start).UTC().Format(time.RFC3339) != "2015-01-05T09:00:07Z" {
		t.Errorf("first event %+v", e)
	}
}
