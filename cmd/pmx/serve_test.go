package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func TestServeUsage(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces without a token", []string{"--addr", ":8080"}, "--token"},
		{"a public address without a token", []string{"--addr", "192.0.2.7:8080"}, "reachable from other machines"},
		{"a short token", []string{"--token", "abc"}, "16 characters"},
		{"brokers without topic and group", []string{"--kafka-brokers", "127.0.0.1:9092"}, "go together"},
		{"a webhook that is no URL", []string{"--alert-webhook", "file:///etc/passwd"}, "http://"},
		{"no port", []string{"--addr", "localhost"}, "host:port"},
		{"an argument", []string{"extra"}, "unexpected argument"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"serve", "--db", filepath.Join(t.TempDir(), "w.duckdb")}, c.args...)
			_, errOut, code := pmx(t, args...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Fatalf("code %d, stderr %q; want 2 and %q", code, errOut, c.want)
			}
		})
	}
}

// startServe runs pmx serve until the returned stop is called (it returns
// the exit code) and waits for its address.
func startServe(t *testing.T, args ...string) (base string, stop func() int, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, &env{stdout: io.Discard, stderr: stderr}, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...))
	}()
	re := regexp.MustCompile(`pmx serve: (http://[0-9.:]+)/`)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("pmx serve ended with %d before listening: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("pmx serve did not start: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("pmx serve did not stop within 30 s of its context: %s", stderr.String())
			}
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return base, stop, stderr
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK && v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v in %s", url, err, b)
		}
	}
	return resp.StatusCode
}

// One process ingests from Kafka and serves: what is produced shows in the
// API while the stream runs, a stop (SIGTERM's context) drains the
// ingester with every event stored once, and a restart without Kafka
// serves the same log read from the file.
func TestServeIngestsAndServes(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	broker := c.ListenAddrs()[0]
	cl, err := kgo.NewClient(kgo.SeedBrokers(broker), kgo.DefaultProduceTopic("events"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	t0 := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	produced := 0
	produce := func(cases, from int) {
		t.Helper()
		var recs []*kgo.Record
		for i := from; i < from+cases; i++ {
			id := fmt.Sprintf("INC-%04d", i)
			at := t0.Add(time.Duration(i) * time.Second)
			for j, a := range []string{"Open", "Assign", "Resolve"} {
				if i%2 == 1 && a == "Resolve" {
					continue // odd cases stay open
				}
				v := fmt.Sprintf(`{"case":%q,"activity":%q,"timestamp":%q,"resource":"r%d"}`, id, a, at.Add(time.Duration(j)*time.Minute).Format(time.RFC3339), i%3)
				recs = append(recs, &kgo.Record{Key: []byte(id), Value: []byte(v)})
			}
		}
		recs = append(recs, &kgo.Record{Key: []byte("bad"), Value: []byte(`{"case": "no activity"}`)})
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
		produced += len(recs) - 1
	}
	produce(200, 0)
	db := filepath.Join(t.TempDir(), "w.duckdb")
	base, stop, stderr := startServe(t, "--db", db, "--kafka-brokers", broker, "--topic", "events", "--group", "g",
		"--log", "incidents", "--flush-interval", "100ms", "--refresh", "100ms")
	var health struct {
		Status    string
		Ingesting []string
	}
	if code := getJSON(t, base+"/healthz", &health); code != 200 || health.Status != "ok" || len(health.Ingesting) != 1 || health.Ingesting[0] != "incidents" {
		t.Fatalf("healthz: %d %+v", code, health)
	}
	var ov struct {
		Open   int   `json:"open_cases"`
		Events int64 `json:"events"`
	}
	var st struct{ Events, Cases int64 }
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within 20 s (overview %+v, stats %+v); stderr %s", what, ov, st, stderr.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("the live view shows the first 200 cases' open ones", func() bool {
		return getJSON(t, base+"/api/logs/incidents/overview", &ov) == 200 && ov.Open == 100
	})
	waitFor("the batch endpoint counts what was stored", func() bool {
		return getJSON(t, base+"/api/logs/incidents/stats", &st) == 200 && st.Events == int64(produced) && st.Cases == 200
	})
	produce(100, 200)
	waitFor("the next events show without a restart", func() bool {
		return getJSON(t, base+"/api/logs/incidents/overview", &ov) == 200 && ov.Open == 150
	})
	waitFor("and in the batch endpoints", func() bool {
		return getJSON(t, base+"/api/logs/incidents/stats", &st) == 200 && st.Events == int64(produced) && st.Cases == 300
	})
	var ex []struct {
		Kind string `json:"kind"`
	}
	if code := getJSON(t, base+"/api/logs/incidents/exceptions", &ex); code != 200 {
		t.Fatalf("exceptions: %d", code)
	}
	dead := 0
	for _, e := range ex {
		if e.Kind == "dead-letter" {
			dead++
		}
	}
	if dead != 2 {
		t.Errorf("exceptions list %d dead letters, want 2: %+v", dead, ex)
	}
	if code := stop(); code != 0 {
		t.Fatalf("stop: exit %d, stderr %s", code, stderr.String())
	}
	w, err := warehouse.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var n, distinct, deadRows int64
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*), count(DISTINCT (case_id, activity)) FROM events`).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if err := w.DB().QueryRowContext(ctx, `SELECT count(*) FROM dead_letters`).Scan(&deadRows); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if n != int64(produced) || distinct != n || deadRows != 2 {
		t.Fatalf("stored %d events (%d distinct) and %d dead letters; produced %d and 2", n, distinct, deadRows, produced)
	}
	// Served again from the file alone: the same log, its open cases rebuilt.
	base, _, _ = startServe(t, "--db", db)
	if code := getJSON(t, base+"/api/logs/incidents/overview", &ov); code != 200 || ov.Open != 150 {
		t.Fatalf("after restart: %d, open %d", code, ov.Open)
	}
	ex = nil
	if code := getJSON(t, base+"/api/logs/incidents/exceptions", &ex); code != 200 || len(ex) == 0 {
		t.Fatalf("exceptions after restart: %d %+v", code, ex)
	}
	dead = 0
	for _, e := range ex {
		if e.Kind == "dead-letter" {
			dead++
		}
	}
	if dead != 2 {
		t.Errorf("after restart the feed lists %d dead letters, want the 2 stored", dead)
	}
	if code := getJSON(t, base+"/api/logs/nope/stats", nil); code != 404 {
		t.Errorf("unknown log: %d", code)
	}
}

// The live page's path and assets are served by the command (the browser
// test of the page itself is report/serve's TestChromiumLivePage).
func TestServePages(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.duckdb")
	if _, errOut, code := pmx(t, "demo", "--db", db, "-o", filepath.Join(t.TempDir(), "d.html")); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	base, _, _ := startServe(t, "--db", db)
	for _, p := range []string{"/", "/logs/demo-incidents", "/assets/live.js", "/logs/demo-incidents/report"} {
		resp, err := http.Get(base + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(b) == 0 || resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: %d, %d bytes, CSP %q", p, resp.StatusCode, len(b), resp.Header.Get("Content-Security-Policy"))
		}
	}
	_ = os.Remove(db)
}
