package kafka

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/csv"
	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Test-only import of analysis/facts: the round trip is judged by what an
// analysis shows, which is the contract replay has to keep.

const replayRunningExample = "../../../shared/logs/running-example.xes"

// handBuiltCSV has what the shared logs may lack: start/complete pairs, a
// start column, missing resources, equal timestamps within a case (order by
// seq), attributes that collide with canonical keys or with names the
// ingester would read as a column, and characters that need escaping.
const handBuiltCSV = `case,activity,timestamp,start,resource,lifecycle,amount,org:resource,note
c1,register,2024-03-01T08:00:00Z,,ann,complete,10,x,"plain"
c1,check,2024-03-01T09:00:00Z,,bob,start,,,"say ""hi"""
c2,register,2024-03-01T09:00:00Z,,,complete,7.5,,"multi
line"
c1,check,2024-03-01T09:30:00Z,,bob,complete,,,
c1,decide,2024-03-01T09:30:00Z,2024-03-01T09:10:00Z,cid,complete,3,,"{""json"":1}"
c2,check,2024-03-02T10:00:00Z,2024-03-02T09:00:00Z,ann,complete,,,"ünïcode ✓"
c3,register,2024-03-02T10:00:00Z,,bob,complete,1,,
c2,decide,2024-03-03T11:00:00.123456Z,,,complete,,,
c3,decide,2024-03-04T12:00:00Z,,ann,complete,2,,
`

func replayCluster(t *testing.T, topic string, partitions int32) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

func importForReplay(t *testing.T, w *warehouse.Warehouse, path string) warehouse.LogInfo {
	t.Helper()
	opt := ingest.FileOptions{}
	if filepath.Base(path) == "hand.csv" {
		opt.CSV.Mapping = csv.Mapping{Case: "case", Activity: "activity", Time: "timestamp", Start: "start",
			Resource: "resource", Lifecycle: "lifecycle"}
	}
	info, err := ingest.ImportFile(context.Background(), w, path, opt)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// Replaying a log and ingesting the topic back gives a log that analyses
// identically, and the same event rows.
func TestReplayRoundTrip(t *testing.T) {
	hand := filepath.Join(t.TempDir(), "hand.csv")
	if err := os.WriteFile(hand, []byte(handBuiltCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{hand, replayRunningExample} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			if _, err := os.Stat(path); err != nil {
				t.Skipf("log absent: %v", err)
			}
			// Tiny chunks: boundaries fall between events with equal
			// timestamps, which must neither be lost nor repeated.
			defer func(n int) { warehouse.ScanRows = n }(warehouse.ScanRows)
			warehouse.ScanRows = 2
			ctx := context.Background()
			w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			info := importForReplay(t, w, path)
			brokers := replayCluster(t, "replay", 3)
			rs, err := Replay(ctx, w, ReplayConfig{Brokers: brokers, Topic: "replay", Log: info.Name})
			if err != nil {
				t.Fatal(err)
			}
			if rs.Events != info.Events || !rs.Complete || rs.Bytes == 0 {
				t.Fatalf("replay stats %+v; want %d events, complete", rs, info.Events)
			}
			s, err := Run(ctx, w, Config{Brokers: brokers, Topics: []string{"replay"}, Group: "g", Log: "back", UntilCaughtUp: true})
			if err != nil {
				t.Fatal(err)
			}
			if s.Events != info.Events || s.DeadLetters != 0 {
				t.Fatalf("ingested %d events, %d dead letters; want %d, 0", s.Events, s.DeadLetters, info.Events)
			}
			if err := w.Refresh(ctx, "back"); err != nil {
				t.Fatal(err)
			}
			orig, back := analyse(t, w, info.Name), analyse(t, w, "back")
			for k := range orig {
				if !reflect.DeepEqual(orig[k], back[k]) {
					t.Errorf("%s differs:\noriginal %+v\nreplayed %+v", k, orig[k], back[k])
				}
			}
			if o, b := eventRows(t, w, info.Name), eventRows(t, w, "back"); !reflect.DeepEqual(o, b) {
				t.Errorf("event rows differ:\noriginal %v\nreplayed %v", o, b)
			}
		})
	}
}

// analyse returns a log's stats, variants, DFG and duration histogram with
// the log name blanked.
func analyse(t *testing.T, w *warehouse.Warehouse, name string) map[string]any {
	t.Helper()
	ctx := context.Background()
	id, err := w.LogID(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	l := facts.Log{DB: w.DB(), ID: id, Name: name}
	st, err1 := facts.ComputeStats(ctx, l)
	vs, err2 := facts.ComputeVariants(ctx, l, 0)
	g, err3 := facts.ComputeDFG(ctx, l)
	h, err4 := facts.ComputeCaseDurations(ctx, l)
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Log, g.Log = "", ""
	if st.Events == 0 {
		t.Fatalf("log %s analyses as empty", name)
	}
	return map[string]any{"stats": st, "variants": vs, "dfg": g, "durations": h}
}

// eventRows returns a log's rows without seq (renumbered by arrival), in a
// canonical order, attrs decoded (key order is not kept by design) and
// without the attributes replay drops.
func eventRows(t *testing.T, w *warehouse.Warehouse, name string) []string {
	t.Helper()
	rows, err := w.DB().Query(`SELECT case_id, activity, strftime(ts, '%Y-%m-%dT%H:%M:%S.%f'),
		coalesce(strftime(start_ts, '%Y-%m-%dT%H:%M:%S.%f'), '-'), coalesce(resource, '-'), coalesce(lifecycle, '-'),
		coalesce(attrs::VARCHAR, 'null')
		FROM events WHERE log_id = (SELECT log_id FROM logs WHERE name = ?) ORDER BY case_id, ts, seq`, name)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f [7]string
		if err := rows.Scan(&f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]); err != nil {
			t.Fatal(err)
		}
		var attrs map[string]any
		if err := json.Unmarshal([]byte(f[6]), &attrs); err != nil {
			t.Fatalf("attrs %s: %v", f[6], err)
		}
		for k := range canonical { // replay drops attributes named like a column, by design
			delete(attrs, k)
		}
		if len(attrs) == 0 {
			attrs = nil
		}
		a, _ := json.Marshal(attrs) // maps marshal with sorted keys
		f[6] = string(a)
		out = append(out, strings.Join(f[:], " | "))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var replayTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)

// The messages themselves: XES keys, µs UTC times, keyed by case, each case
// in one partition, and every partition in time order.
func TestReplayMessages(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	path := filepath.Join(t.TempDir(), "hand.csv")
	os.WriteFile(path, []byte(handBuiltCSV), 0o644)
	info := importForReplay(t, w, path)
	brokers := replayCluster(t, "m", 4)
	if _, err := Replay(ctx, w, ReplayConfig{Brokers: brokers, Topic: "m", Log: info.Name}); err != nil {
		t.Fatal(err)
	}
	recs := consumeAll(t, brokers, "m", int(info.Events))
	partOf := map[string]int32{}
	lastTS := map[int32]string{}
	for _, r := range recs {
		var m map[string]any
		if err := json.Unmarshal(r.Value, &m); err != nil {
			t.Fatalf("message %s: %v", r.Value, err)
		}
		c, _ := m["case:concept:name"].(string)
		ts, _ := m["time:timestamp"].(string)
		if c == "" || string(r.Key) != c || m["concept:name"] == nil || !replayTimeRE.MatchString(ts) {
			t.Fatalf("message %s key %q", r.Value, r.Key)
		}
		if p, ok := partOf[c]; ok && p != r.Partition {
			t.Fatalf("case %s in partitions %d and %d", c, p, r.Partition)
		}
		partOf[c] = r.Partition
		if ts < lastTS[r.Partition] {
			t.Fatalf("partition %d out of time order: %s after %s", r.Partition, ts, lastTS[r.Partition])
		}
		lastTS[r.Partition] = ts
		if c == "c1" && m["concept:name"] == "register" {
			// The org:resource column value wins over the colliding attribute.
			if m["org:resource"] != "ann" || m["amount"] != 10.0 || m["note"] != "plain" {
				t.Fatalf("c1 register: %s", r.Value)
			}
		}
		if c == "c1" && m["concept:name"] == "decide" && m["start_timestamp"] != "2024-03-01T09:10:00.000000Z" {
			t.Fatalf("c1 decide: %s", r.Value)
		}
	}
}

func consumeAll(t *testing.T, brokers []string, topic string, n int) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			t.Fatalf("consumed %d of %d messages: %v", len(out), n, err)
		}
		out = append(out, fs.Records()...)
	}
	return out
}

// A time-scaled replay keeps the log's gaps divided by the speed.
func TestReplaySpeed(t *testing.T) {
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	path := filepath.Join(t.TempDir(), "paced.csv")
	os.WriteFile(path, []byte("case,activity,timestamp\nc,a,2024-01-01T00:00:00Z\nc,b,2024-01-01T01:00:00Z\nc,c,2024-01-01T03:00:00Z\n"), 0o644)
	info := importForReplay(t, w, path)
	brokers := replayCluster(t, "p", 1)
	start := time.Now()
	// 3 h of log at 36,000× take 0.3 s: gaps of 0.1 s and 0.2 s.
	if _, err := Replay(ctx, w, ReplayConfig{Brokers: brokers, Topic: "p", Log: info.Name, Speed: 36000}); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 290*time.Millisecond || el > 5*time.Second {
		t.Fatalf("paced replay took %v, want about 0.3s", el)
	}
	recs := consumeAll(t, brokers, "p", 3)
	gap1, gap2 := recs[1].Timestamp.Sub(recs[0].Timestamp), recs[2].Timestamp.Sub(recs[1].Timestamp)
	if gap1 < 90*time.Millisecond || gap1 > 400*time.Millisecond || gap2 < 190*time.Millisecond || gap2 > 500*time.Millisecond {
		t.Fatalf("gaps %v, %v; want about 100ms, 200ms", gap1, gap2)
	}
	// A canceled replay stops early and says so, without an error.
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(100*time.Millisecond, cancel)
	s, err := Replay(cctx, w, ReplayConfig{Brokers: brokers, Topic: "p", Log: info.Name, Speed: 3600})
	if err != nil || s.Complete || s.Events != 1 {
		t.Fatalf("canceled replay: %+v, %v; want 1 event, incomplete, no error", s, err)
	}
	if _, err := Replay(ctx, w, ReplayConfig{Brokers: brokers, Topic: "nope", Log: info.Name}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("unknown topic: %v", err)
	}
}

// Attributes whose names the ingester would read as a column it lacks are
// shielded by an explicit null, so they come back as attributes.
func TestReplayMessageShieldsAliases(t *testing.T) {
	attrs := ` {"concept:name":"x", "resource":"bob","nested":{"a":[1,"}\"]"]},"q\"k":"v","start":"2020-01-01T00:00:00Z"} `
	msg, err := appendMembers([]byte(`{"case:concept:name":"c","concept:name":"A","time:timestamp":"2024-01-01T00:00:00.000000Z"`),
		attrs, &[3]bool{})
	if err != nil {
		t.Fatal(err)
	}
	msg = append(msg, '}')
	var e event.Event
	if err := newDecoder(Mapping{}).decode(msg, &e); err != nil {
		t.Fatalf("%s: %v", msg, err)
	}
	var got map[string]any
	json.Unmarshal(e.Attrs, &got)
	want := map[string]any{"resource": "bob", "nested": map[string]any{"a": []any{1.0, "}\"]"}}, "q\"k": "v", "start": "2020-01-01T00:00:00Z"}
	if e.Activity != "A" || e.Resource != "" || e.Start != event.NoTime || !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded %+v attrs %s from %s", e, e.Attrs, msg)
	}
	for _, bad := range []string{`[1]`, `{"a":}`, `{"a":1`, `{"a" 1}`, `{"a":"x}`} {
		if _, err := appendMembers(nil, bad, &[3]bool{}); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
