package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/kafka"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/report/internal/cdp"
)

// TestChromiumServeReplay is pmx serve end to end in a real browser: the
// server and the exactly-once Kafka ingester wired in-process as
// `pmx serve --kafka-brokers` wires them, events published by the pmx
// binary's `pmx replay`, and the live page, opened once, showing what the
// second replay changed — the WIP figure, the worklist and the map's
// badges — within 2 s of the replay's exit, without a reload.
//
// The broker is kfake (in-process) unless PMX_KAFKA_BOOTSTRAP names a real
// one (.ci/kafka-it), on which a fresh topic is created. PMX_BIN, when
// set, is the pmx binary to use instead of building one.
//
// The log "incidents" has a stored history of six closed cases
// (Open → Resolve → Close, a day ago), from which the server learns that
// Close ends a case; the rule is Open → Resolve within 4 h (at risk after
// 3 h). The stream's events are timed just before the wall clock (T, the
// test's start), so that the stream clock runs with it:
//
//	batch 1: INC-101 Open T-3h30 (at risk), INC-102 Open T-3h20 (at risk),
//	         INC-103 Open T-20m, INC-104 Open T-2h / Resolve T-1h,
//	         INC-105 Open T-1m                       → 5 open; worklist 101, 102
//	batch 2: INC-101 Resolve, Close; INC-104 Close; new INC-201 Open T-4h30
//	         (breached), INC-202 and INC-203 Open    → 6 open; worklist 201, 102
func TestChromiumServeReplay(t *testing.T) {
	b := cdp.New(t, 1280, 1000) // skips unless PMX_CHROMIUM=1
	started := time.Now()
	bin := replayBinary(t)
	t.Logf("pmx binary ready after %v", time.Since(started).Round(time.Millisecond))
	brokers, where := replayBrokers(t)
	topic := replayTopic(t, brokers)
	t.Logf("broker: %s, topic %s", where, topic)
	dir := t.TempDir()
	now := time.Now().UTC().Truncate(time.Second)
	ts := func(d time.Duration) string { return now.Add(-d).Format(time.RFC3339) }

	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(dir, "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	var hist strings.Builder
	hist.WriteString("case,activity,timestamp,resource\n")
	for i := range 6 {
		open := 30*time.Hour - time.Duration(i)*time.Hour
		fmt.Fprintf(&hist, "INC-%03d,Open,%s,ann\nINC-%03d,Resolve,%s,bob\nINC-%03d,Close,%s,bob\n",
			i+1, ts(open), i+1, ts(open-time.Hour), i+1, ts(open-90*time.Minute))
	}
	histFile := replayCSV(t, dir, "history.csv", hist.String())
	if _, err := ingest.ImportFile(ctx, w, histFile, ingest.FileOptions{Name: "incidents"}); err != nil {
		t.Fatal(err)
	}

	// Wired as cmd/pmx/serve.go wires pmx serve --kafka-brokers (the
	// flush interval of --flush-interval 100ms).
	o := Options{Rules: mustRules(t), Live: []string{"incidents"}, WriteLock: &sync.Mutex{}}
	cfg := kafka.Config{Brokers: brokers, Topics: []string{topic}, Group: topic, Log: "incidents",
		FlushInterval: 100 * time.Millisecond, WriteLock: o.WriteLock}
	s, err := New(ctx, w, o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	runCtx, stopRun := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { s.Run(runCtx); close(ran) }()
	cfg.OnCommit = func(ctx context.Context, c kafka.Committed) error {
		return s.CommittedRecords(ctx, c.Log, c.Events, c.DeadLetters, c.Watermark)
	}
	ingestCtx, stopIngest := context.WithCancel(ctx)
	ingested := make(chan error, 1)
	go func() {
		_, err := kafka.Run(ingestCtx, w, cfg)
		ingested <- err
	}()
	// The ingester drains first; then Run's end closes the page's stream,
	// without which srv.Close would wait for it.
	defer func() {
		stopIngest()
		select {
		case err := <-ingested:
			if err != nil {
				t.Errorf("kafka.Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("kafka.Run did not return within 30 s of its context's end")
		}
		stopRun()
		<-ran
		srv.Close()
		w.Close()
	}()

	replay := func(name, csv string, events int) time.Time {
		t.Helper()
		file := replayCSV(t, dir, name, csv)
		rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(rctx, bin, "replay", file, "--brokers", strings.Join(brokers, ","), "--topic", topic, "--progress", "0")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		exited := time.Now()
		if err != nil || !strings.Contains(string(out), fmt.Sprintf("published %d events", events)) {
			t.Fatalf("pmx replay %s: %v\n%s", name, err, out)
		}
		return exited
	}

	replayed := replay("batch1.csv", "case,activity,timestamp,resource\n"+
		"INC-101,Open,"+ts(3*time.Hour+30*time.Minute)+",ann\n"+
		"INC-102,Open,"+ts(3*time.Hour+20*time.Minute)+",ann\n"+
		"INC-104,Open,"+ts(2*time.Hour)+",cid\n"+
		"INC-104,Resolve,"+ts(time.Hour)+",bob\n"+
		"INC-103,Open,"+ts(20*time.Minute)+",cid\n"+
		"INC-105,Open,"+ts(time.Minute)+",ann\n", 6)
	// The first batch stored and followed before the page opens (its map
	// is drawn from the stored log).
	deadline := time.Now().Add(60 * time.Second)
	for {
		var ov struct {
			Open int `json:"open_cases"`
		}
		if replayGet(t, srv.URL+"/api/logs/incidents/overview", &ov) && ov.Open == 5 {
			t.Logf("the first batch was followed %v after pmx replay exited", time.Since(replayed).Round(time.Millisecond))
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first batch was not followed within 60 s: %d open cases", ov.Open)
		}
		time.Sleep(50 * time.Millisecond)
	}

	b.Navigate(srv.URL+"/logs/incidents", `document.body.getAttribute("data-updates") >= 1 &&
		document.getElementById("k-open").textContent === "5" && document.querySelectorAll("#worklist tbody tr").length === 2`)
	type view struct {
		Open, Risk, Breached string
		Rows                 []string // case and status
		Badges               map[string]string
		Marker               int
	}
	read := func() view {
		var v view
		b.Eval(`(function () {
			var rows = [].map.call(document.querySelectorAll("#worklist tbody tr"), function (tr) {
				return tr.cells[0].textContent + " " + tr.cells[2].textContent;
			});
			var badges = {};
			[].forEach.call(document.querySelectorAll("g.live-badge"), function (g) { badges[g.getAttribute("data-activity")] = g.getAttribute("data-count"); });
			return {Open: document.getElementById("k-open").textContent, Risk: document.getElementById("k-risk").textContent,
				Breached: document.getElementById("k-breached").textContent, Rows: rows, Badges: badges, Marker: window.__pmxMarker || 0};
		})()`, &v)
		return v
	}
	v := read()
	if v.Open != "5" || v.Risk != "2" || v.Breached != "0" || strings.Join(v.Rows, ", ") != "INC-101 at-risk, INC-102 at-risk" ||
		v.Badges["Open"] != "4" || v.Badges["Resolve"] != "1" {
		t.Fatalf("first view %+v", v)
	}
	b.Screenshot("serve-replay-before", "")
	b.Eval(`window.__pmxMarker = 1`, nil) // gone if the page reloads

	exited := replay("batch2.csv", "case,activity,timestamp,resource\n"+
		"INC-201,Open,"+ts(4*time.Hour+30*time.Minute)+",dan\n"+
		"INC-101,Resolve,"+ts(40*time.Second)+",bob\n"+
		"INC-104,Close,"+ts(35*time.Second)+",bob\n"+
		"INC-101,Close,"+ts(30*time.Second)+",bob\n"+
		"INC-202,Open,"+ts(20*time.Second)+",ann\n"+
		"INC-203,Open,"+ts(10*time.Second)+",cid\n", 6)
	for {
		v = read()
		if v.Open == "6" && v.Risk == "1" && v.Breached == "1" && strings.Join(v.Rows, ", ") == "INC-201 breached, INC-102 at-risk" &&
			v.Badges["Open"] == "6" && v.Badges["Resolve"] == "0" {
			break
		}
		if time.Since(exited) > 2*time.Second {
			t.Fatalf("the page did not show the second replay within 2 s of pmx replay's exit: %+v", v)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the page showed the second replay %v after pmx replay exited", time.Since(exited).Round(time.Millisecond))
	if v.Marker != 1 {
		t.Errorf("the page was reloaded (its marker is gone): %+v", v)
	}
	b.Screenshot("serve-replay-after", "")
	var errs string
	b.Eval(`(document.body.getAttribute("data-pmx-error") || "") + (document.body.getAttribute("data-pmx-fetch-error") || "")`, &errs)
	if f := b.Failures(); len(f) > 0 || errs != "" {
		t.Errorf("page errors: %v %s", f, errs)
	}
	t.Logf("test took %v", time.Since(started).Round(time.Millisecond))
}

// replayBinary builds cmd/pmx once for the test (or takes PMX_BIN).
func replayBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("PMX_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "pmx")
	cmd := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, "github.com/pmx-dev/pmx/cmd/pmx")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags duckdb_arrow ./cmd/pmx: %v\n%s", err, out)
	}
	return bin
}

// replayBrokers is the real broker of PMX_KAFKA_BOOTSTRAP, or an
// in-process kfake cluster closed when the test ends.
func replayBrokers(t *testing.T) ([]string, string) {
	t.Helper()
	if bs := os.Getenv("PMX_KAFKA_BOOTSTRAP"); bs != "" {
		return strings.Split(bs, ","), "real broker " + bs
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs(), "kfake"
}

// replayTopic creates a fresh topic of 4 partitions (deleted at the end).
func replayTopic(t *testing.T, brokers []string) string {
	t.Helper()
	topic := "pmx-serve-replay-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := adm.CreateTopics(ctx, 4, 1, nil, topic)
	if err == nil {
		err = res.Error()
	}
	if err != nil {
		cl.Close()
		t.Fatalf("create topic %s: %v", topic, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = adm.DeleteTopics(ctx, topic)
		cl.Close()
	})
	return topic
}

func replayCSV(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// replayGet decodes a JSON answer; false unless 200.
func replayGet(t *testing.T, url string, v any) bool {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK && json.NewDecoder(resp.Body).Decode(v) == nil
}
