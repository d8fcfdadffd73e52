package serve

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/live"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// incidents is a small log: I1 resolved, I2 open since 08:00, I3 closed
// after a reopen.
const incidents = `case_id,activity,timestamp,resource
I1,Open,2026-03-02T08:00:00Z,ann
I1,Resolve,2026-03-02T09:00:00Z,bob
I1,Close,2026-03-02T10:00:00Z,bob
I2,Open,2026-03-02T08:00:00Z,ann
I3,Open,2026-03-02T08:30:00Z,ann
I3,Resolve,2026-03-02T09:30:00Z,bob
I3,Resolve,2026-03-02T09:40:00Z,bob
I3,Close,2026-03-02T09:50:00Z,bob
`

const fourHours = `
rules:
  - name: resolved in 4 hours
    case: {from: Open, to: Resolve}
    target: 4h
`

// clock is a settable wall clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock(t time.Time) *clock    { return &clock{t: t} }
func at(h, m int) time.Time          { return time.Date(2026, 3, 2, h, m, 0, 0, time.UTC) }
func ms(t time.Time) int64           { return t.UnixMicro() }
func mustRules(t *testing.T) *sla.Rules {
	t.Helper()
	r, err := sla.Parse(strings.NewReader(fourHours), "r.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// warehouseWith opens a warehouse file holding the incidents log.
func warehouseWith(t *testing.T, path string) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if logs, _ := w.Logs(ctx); len(logs) == 0 {
		csv := filepath.Join(t.TempDir(), "incidents.csv")
		os.WriteFile(csv, []byte(incidents), 0o644)
		if _, err := ingest.ImportFile(ctx, w, csv, ingest.FileOptions{Name: "incidents"}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.RemoteAddr = "192.0.2.1:1234"
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, type %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return v
}

// Every endpoint answers the documented JSON; the batch endpoints the same
// values the CLI prints; errors are JSON with their status.
func TestAPI(t *testing.T) {
	ctx := context.Background()
	w := warehouseWith(t, filepath.Join(t.TempDir(), "w.duckdb"))
	defer w.Close()
	s, err := New(ctx, w, Options{Rules: mustRules(t), Now: newClock(at(12, 0)).now})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	logs := decode[[]warehouse.LogInfo](t, get(t, h, "/api/logs"))
	if len(logs) != 1 || logs[0].Name != "incidents" || logs[0].Cases != 3 {
		t.Fatalf("logs %+v", logs)
	}
	id, _ := w.LogID(ctx, "incidents")
	fl := facts.Log{DB: w.DB(), ID: id, Name: "incidents"}
	want, _ := facts.ComputeStats(ctx, fl)
	wb, _ := json.Marshal(want)
	if got := strings.TrimSpace(get(t, h, "/api/logs/incidents/stats").Body.String()); got != string(wb) {
		t.Errorf("stats\n%s\nwant\n%s", got, wb)
	}
	if g := decode[facts.DFG](t, get(t, h, "/api/logs/incidents/dfg")); len(g.Edges) != 3 {
		t.Errorf("dfg %+v", g)
	}
	if vs := decode[[]facts.Variant](t, get(t, h, "/api/logs/incidents/variants?top=1")); len(vs) != 1 {
		t.Errorf("variants %+v", vs)
	}
	an := decode[map[string]any](t, get(t, h, "/api/logs/incidents/analyze"))
	if an["log"] != "incidents" || an["sla"] == nil {
		t.Errorf("analyze %v", an)
	}
	ov := decode[live.Overview](t, get(t, h, "/api/logs/incidents/overview"))
	if ov.Open != 1 || ov.Log != "incidents" || !ov.Now.Equal(at(10, 0)) {
		t.Errorf("overview %+v", ov)
	}
	// I2 opened at 08:00 and was never resolved: breached at 12:00, the
	// log's clock being its last event (10:00)? No: the stored log's clock
	// stands at 10:00, so I2 is at risk (3 of 4 hours passed at 11:00 —
	// not yet): on track, 2 hours left.
	wl := decode[[]live.WorkItem](t, get(t, h, "/api/logs/incidents/worklist?all=1"))
	if len(wl) != 1 || wl[0].Case != "I2" || wl[0].Status != "on-track" || wl[0].LeftSeconds != 7200 || wl[0].Resource != "ann" {
		t.Errorf("worklist %+v", wl)
	}
	if st := decode[[]live.Stuck](t, get(t, h, "/api/logs/incidents/stuck")); len(st) != 0 {
		t.Errorf("stuck %+v", st)
	}
	ex := decode[[]live.FeedItem](t, get(t, h, "/api/logs/incidents/exceptions"))
	if len(ex) != 1 || ex[0].Kind != "rework" || ex[0].Case != "I3" {
		t.Errorf("exceptions %+v", ex)
	}
	if al := decode[[]StoredAlert](t, get(t, h, "/api/logs/incidents/alerts")); len(al) != 0 {
		t.Errorf("alerts %+v", al)
	}
	cv := decode[CaseView](t, get(t, h, "/api/logs/incidents/cases/I3"))
	if len(cv.Events) != 4 || cv.Events[2].Activity != "Resolve" || cv.Events[0].Resource != "ann" {
		t.Errorf("case %+v", cv)
	}
	if hz := decode[Health](t, get(t, h, "/healthz")); hz.Status != "ok" || hz.Logs != 1 {
		t.Errorf("healthz %+v", hz)
	}
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/api/logs/nope/stats", 404, `no log \"nope\"`},
		{"/api/logs/incidents/cases/I9", 404, `no case \"I9\"`},
		{"/api/logs/incidents/variants?top=lots", 400, "top="},
		{"/api/logs/incidents/worklist?limit=0", 400, "limit="},
		{"/api/whatever", 404, "no such endpoint"},
	} {
		rec := get(t, h, tc.path)
		var e apiError
		if rec.Code != tc.status || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Status != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s: %d %s", tc.path, rec.Code, rec.Body)
		}
	}
	r := httptest.NewRequest(http.MethodPost, "/api/logs", strings.NewReader("{}"))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d", rec.Code)
	}
	if csp := get(t, h, "/api/logs").Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP %q", csp)
	}
}

// With a token, requests without it (or with a wrong one) get 401; the
// header or the cookie a ?token= visit sets lets them in; /healthz is open.
func TestToken(t *testing.T) {
	ctx := context.Background()
	w := warehouseWith(t, filepath.Join(t.TempDir(), "w.duckdb"))
	defer w.Close()
	s, err := New(ctx, w, Options{Token: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	if rec := get(t, h, "/api/logs"); rec.Code != 401 || !strings.Contains(rec.Body.String(), "Bearer") {
		t.Errorf("no token: %d %s", rec.Code, rec.Body)
	}
	if rec := get(t, h, "/api/logs", "Authorization", "Bearer s3creT"); rec.Code != 401 {
		t.Errorf("wrong token: %d", rec.Code)
	}
	if rec := get(t, h, "/api/logs", "Authorization", "Bearer s3cret"); rec.Code != 200 {
		t.Errorf("right token: %d", rec.Code)
	}
	if rec := get(t, h, "/healthz"); rec.Code != 200 {
		t.Errorf("healthz: %d", rec.Code)
	}
	rec := get(t, h, "/api/logs?token=s3cret")
	cookie := rec.Result().Cookies()
	if rec.Code != 303 || rec.Header().Get("Location") != "/api/logs" || len(cookie) != 1 || !cookie[0].HttpOnly || cookie[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("?token=: %d %v %v", rec.Code, rec.Header(), cookie)
	}
	if rec := get(t, h, "/api/logs", "Cookie", cookie[0].Name+"="+cookie[0].Value); rec.Code != 200 {
		t.Errorf("cookie: %d", rec.Code)
	}
	if rec := get(t, h, "/api/logs?token=wrong"); rec.Code != 401 {
		t.Errorf("wrong ?token=: %d", rec.Code)
	}
	for addr, want := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true, "0.0.0.0:8080": false, "192.168.1.2:80": false, ":8080": false} {
		if IsLoopback(addr) != want {
			t.Errorf("IsLoopback(%q) = %v", addr, !want)
		}
	}
}

// A client over its rate gets 429 with Retry-After; others are not held
// back.
func TestRateLimit(t *testing.T) {
	ctx := context.Background()
	w := warehouseWith(t, filepath.Join(t.TempDir(), "w.duckdb"))
	defer w.Close()
	c := newClock(at(12, 0))
	s, err := New(ctx, w, Options{RatePerClient: 10, Burst: 5, Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for i := range 5 {
		if rec := get(t, h, "/api/logs"); rec.Code != 200 {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
	}
	if rec := get(t, h, "/api/logs"); rec.Code != 429 || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("over the burst: %d", rec.Code)
	}
	r := httptest.NewRequest(http.MethodGet, "/api/logs", nil)
	r.RemoteAddr = "198.51.100.7:9"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != 200 {
		t.Errorf("another client: %d", rec.Code)
	}
	c.add(200 * time.Millisecond) // two tokens back
	if rec := get(t, h, "/api/logs"); rec.Code != 200 {
		t.Errorf("after a pause: %d", rec.Code)
	}
}

// Events stream: the overview at once, then what a committed batch changes
// (after the next tick) and its alerts.
func TestSSE(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := warehouseWith(t, filepath.Join(t.TempDir(), "w.duckdb"))
	defer w.Close()
	c := newClock(at(10, 0))
	s, err := New(ctx, w, Options{Rules: mustRules(t), Live: []string{"incidents"}, Now: c.now, Tick: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	go s.Run(ctx)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/events?log=incidents")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("type %q", resp.Header.Get("Content-Type"))
	}
	events := make(chan [2]string, 100)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var kind string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				kind = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				events <- [2]string{kind, strings.TrimPrefix(line, "data: ")}
			}
		}
		close(events)
	}()
	next := func(kind string) string {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case e, ok := <-events:
				if !ok {
					t.Fatalf("stream ended waiting for %s", kind)
				}
				if e[0] == kind {
					return e[1]
				}
			case <-deadline:
				t.Fatalf("no %s event", kind)
			}
		}
	}
	var ov live.Overview
	json.Unmarshal([]byte(next("overview")), &ov)
	if ov.Open != 1 {
		t.Fatalf("first overview %+v", ov)
	}
	if err := s.Committed(ctx, "incidents", live.Batch{Events: []live.Event{{Case: "I4", Activity: "Open", Time: ms(at(10, 5))}}}); err != nil {
		t.Fatal(err)
	}
	for ov.Open != 2 {
		json.Unmarshal([]byte(next("overview")), &ov)
	}
	// I2's clock (opened 08:00, 4 hours) passes its risk point at 11:00 of
	// the stream clock, which runs on with the wall clock from 10:05.
	c.add(56 * time.Minute)
	var a live.Alert
	json.Unmarshal([]byte(next("alert")), &a)
	if a.Case != "I2" || a.Kind != "at-risk" {
		t.Errorf("alert %+v", a)
	}
}

// Alerts are stored: a restarted server raises none twice, and the webhook
// gets each once, retried while it fails; alerts due before the log was
// first watched are listed as silent, never sent.
func TestAlertsWebhookAndRestart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	backoffUnit = time.Millisecond
	defer func() { backoffUnit = time.Second }()
	var posts atomic.Int32
	var got []live.Alert
	var mu sync.Mutex
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if posts.Add(1) <= 2 {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		var a live.Alert
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &a)
		mu.Lock()
		got = append(got, a)
		mu.Unlock()
	}))
	defer hook.Close()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w := warehouseWith(t, path)
	c := newClock(at(10, 0))
	o := Options{Rules: mustRules(t), Live: []string{"incidents"}, Now: c.now, Webhook: hook.URL, Tick: 10 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, nil))}
	s, err := New(ctx, w, o)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancelRun := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { defer close(ran); s.Run(runCtx) }()
	stop := func() { cancelRun(); <-ran } // nothing uses the warehouse after
	waitFor := func(n int) {
		deadline := time.Now().Add(5 * time.Second)
		for {
			mu.Lock()
			k := len(got)
			mu.Unlock()
			if k >= n || time.Now().After(deadline) {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	c.add(90 * time.Minute) // I2 (opened 08:00) is at risk from 11:00 of the stream clock
	waitFor(1)
	c.add(90 * time.Minute) // and breached at 12:00
	waitFor(2)
	stop()
	mu.Lock()
	if len(got) != 2 || got[0].Kind != "at-risk" || got[1].Kind != "breach" || got[1].Case != "I2" {
		t.Fatalf("webhook got %+v", got)
	}
	mu.Unlock()
	stored, _ := s.al.list(ctx, "incidents", 10)
	if len(stored) != 2 || stored[0].Sent == nil || stored[1].Attempts != 3 {
		t.Errorf("stored %+v", stored)
	}
	w.Close()
	// The restart: same warehouse, later; nothing raised or sent again.
	w = warehouseWith(t, path)
	defer w.Close()
	c.add(time.Hour)
	s2, err := New(ctx, w, o)
	if err != nil {
		t.Fatal(err)
	}
	runCtx, cancelRun = context.WithCancel(ctx)
	defer cancelRun()
	ran = make(chan struct{})
	go func() { defer close(ran); s2.Run(runCtx) }()
	time.Sleep(200 * time.Millisecond)
	stop()
	if n := posts.Load(); n != 4 {
		t.Errorf("%d webhook posts after the restart, want 4 (2 failed, 2 sent)", n)
	}
	if stored, _ := s2.al.list(ctx, "incidents", 10); len(stored) != 2 {
		t.Errorf("%d alerts stored after the restart", len(stored))
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
