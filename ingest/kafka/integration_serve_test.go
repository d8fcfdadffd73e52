package kafka

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestIntegrationServe runs `pmx serve` ingesting from a real broker
// (PMX_KAFKA_BOOTSTRAP) while a producer writes on and 20 clients poll the
// API's endpoints, each answer checked to be 200 with JSON of the
// documented shape. It kills the process with SIGKILL mid-stream, checks
// the crash point (exactly the messages before the stored offsets, each
// once), restarts it on the same warehouse file and lets it catch up: the
// overview then counts every produced event, as many as are stored. SIGTERM
// must end it with exit 0 within a few seconds, and the warehouse must hold
// every message exactly once, its stats, variants and dfg those of the
// same events imported from a file.
func TestIntegrationServe(t *testing.T) {
	bs := os.Getenv("PMX_KAFKA_BOOTSTRAP")
	if bs == "" {
		t.Skip("PMX_KAFKA_BOOTSTRAP is not set: this test needs a real Kafka broker (run .ci/kafka-it, or .ci/kafka/start and set it)")
	}
	it := newIT(t, itBinary(t), bs) // a fresh topic of 4 partitions and a fresh group
	db := filepath.Join(t.TempDir(), "w.duckdb")
	const n = 30_000
	it.prod.start(n, 250, 50*time.Millisecond)

	s := it.serve(db)
	ov := s.waitOverview("all 1,000 cases followed", 60*time.Second, func(o itOverview) bool { return o.Cases >= 1000 })
	t.Logf("first process: %d events visible when the clients start", ov.Events)
	cl := itStartPollers(t, 20, s.base)

	ov = s.waitOverview("8,000 events visible", 60*time.Second, func(o itOverview) bool { return o.Events >= 8000 })
	// No request is in flight at the kill: every answer the clients get
	// must be a 200 (a request cut by the kill proves nothing).
	cl.pause()
	s.kill()
	stored := it.checkCrashPoint(db)
	t.Logf("kill -9 with %d events visible in the API: %d stored", ov.Events, stored)
	if stored < int(ov.Events) || stored >= n {
		t.Fatalf("after the kill %d events are stored; the API had shown %d and %d are produced in all: want at least those shown, not all", stored, ov.Events, n)
	}

	restarted := time.Now()
	s = it.serve(db)
	first := s.overview()
	t.Logf("restart: listening after %.2fs, overview counts %d events", time.Since(restarted).Seconds(), first.Events)
	if first.Events < int64(stored) || first.Events > n {
		t.Fatalf("right after the restart the overview counts %d events; %d were stored at the crash", first.Events, stored)
	}
	cl.resume(s.base)
	it.prod.wait()
	ov = s.waitOverview("every produced event visible", 120*time.Second, func(o itOverview) bool { return o.Events >= n })
	if ov.Events != n {
		t.Fatalf("after catching up the overview counts %d events, %d were produced", ov.Events, n)
	}
	var st struct {
		Events int64 `json:"events"`
		Cases  int64 `json:"cases"`
	}
	s.until("/stats to count every event", 30*time.Second, func() bool {
		return s.get("/api/logs/live/stats", &st) && st.Events == n
	})
	time.Sleep(500 * time.Millisecond) // the clients poll the caught-up server a little
	cl.stop()

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	termed := time.Now()
	if err := s.wait(30 * time.Second); err != nil {
		t.Fatalf("SIGTERM: %v\n%s", err, s.output())
	}
	took := time.Since(termed)
	t.Logf("SIGTERM → exit 0 in %.2fs", took.Seconds())
	if took > 5*time.Second {
		t.Errorf("pmx serve took %v to exit after SIGTERM, want under 5 s", took)
	}
	it.checkAll(db) // all n stored, every message once; stats, variants, dfg as from a file
	cl.report(t)
}

// itServe is a running `pmx serve` and its address.
type itServe struct {
	*itProc
	base string
}

var itListening = regexp.MustCompile(`pmx serve: (http://[0-9.:]+)/`)

// serve starts `pmx serve` ingesting the test's topic into log "live" of
// db and waits until it listens; it is SIGKILLed at the end of the test if
// still running.
func (it *itEnv) serve(db string) *itServe {
	args := []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--kafka-brokers", it.bs, "--topic", it.topic, "--group", it.group,
		"--log", "live", "--flush-rows", "500", "--flush-interval", "100ms", "--refresh", "500ms", "--rate", "1000"}
	p := &itProc{t: it.t, cmd: exec.Command(it.bin, args...), done: make(chan struct{})}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		it.t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		it.t.Fatal(err)
	}
	go p.read(stderr)
	it.t.Cleanup(func() { p.kill() })
	s := &itServe{itProc: p}
	p.until("pmx serve listening", 60*time.Second, func() bool {
		for _, l := range p.lines {
			if m := itListening.FindStringSubmatch(l); m != nil {
				s.base = m[1]
				return true
			}
		}
		return false
	})
	return s
}

// itOverview is the part of /api/logs/{log}/overview the test reads.
type itOverview struct {
	Events int64 `json:"events"`
	Cases  int   `json:"cases_followed"`
}

func (s *itServe) get(path string, v any) bool {
	resp, err := http.Get(s.base + path)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode == 200 && json.Unmarshal(b, v) == nil
}

func (s *itServe) overview() itOverview {
	s.t.Helper()
	var o itOverview
	if !s.get("/api/logs/live/overview", &o) {
		s.t.Fatalf("GET /api/logs/live/overview failed\n%s", s.output())
	}
	return o
}

// until waits for cond, failing when the process exits or limit passes.
func (s *itServe) until(what string, limit time.Duration, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		select {
		case <-s.done:
			s.t.Fatalf("pmx serve exited (%v) before %s:\n%s", s.err, what, s.output())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no %s after %v:\n%s", what, limit, s.output())
		}
	}
}

func (s *itServe) waitOverview(what string, limit time.Duration, cond func(itOverview) bool) itOverview {
	s.t.Helper()
	var o itOverview
	s.until(what, limit, func() bool { return s.get("/api/logs/live/overview", &o) && cond(o) })
	return o
}

// itPollers are concurrent API clients. Each request is made holding mu's
// read lock, so pause (the write lock) waits for those in flight.
type itPollers struct {
	t      *testing.T
	mu     sync.RWMutex
	paused bool // mu is write-locked by pause
	base   atomic.Pointer[string]
	quit   chan struct{}
	wg     sync.WaitGroup

	statsMu  sync.Mutex
	lat      map[string][]time.Duration // by endpoint
	requests atomic.Int64
	failures atomic.Int64
	firstErr atomic.Pointer[string]
}

// itEndpoint is a path polled and a check of its answer's shape.
type itEndpoint struct {
	name  string
	path  func(r *rand.Rand) string
	check func(v any) error
}

func itFixed(p string) func(*rand.Rand) string { return func(*rand.Rand) string { return p } }

// itEndpoints are the API's endpoints with the shapes the README documents.
var itEndpoints = []itEndpoint{
	{"healthz", itFixed("/healthz"), func(v any) error {
		o, err := itObject(v, "status", "logs", "ingesting")
		if err == nil && (o["status"] != "ok" || fmt.Sprint(o["ingesting"]) != "[live]") {
			err = fmt.Errorf("status %v, ingesting %v", o["status"], o["ingesting"])
		}
		return err
	}},
	{"logs", itFixed("/api/logs"), func(v any) error {
		return itArray(v, 1, "id", "name", "source", "format", "events", "instances", "cases")
	}},
	{"overview", itFixed("/api/logs/live/overview"), func(v any) error {
		o, err := itObject(v, "log", "now", "open_cases", "cases_followed", "events", "batches", "activities", "hours", "throughput")
		if err == nil && o["log"] != "live" {
			err = fmt.Errorf("log %v", o["log"])
		}
		if err == nil && o["activities"] != nil {
			err = itArray(o["activities"], 0, "activity", "after", "in_progress", "waiting_before")
		}
		if err == nil {
			_, err = itObject(o["throughput"], "cases", "median_seconds", "p90_seconds", "mean_seconds")
		}
		return err
	}},
	{"worklist", itFixed("/api/logs/live/worklist?all=1"), func(v any) error {
		return itArray(v, 0, "case", "rule", "status", "deadline", "left_seconds", "target_seconds")
	}},
	{"stuck", itFixed("/api/logs/live/stuck"), func(v any) error {
		return itArray(v, 0, "case", "last_activity", "last_event", "idle_seconds", "usual_seconds")
	}},
	{"exceptions", itFixed("/api/logs/live/exceptions"), func(v any) error { return itArray(v, 0, "at", "kind", "detail") }},
	{"alerts", itFixed("/api/logs/live/alerts"), func(v any) error {
		return itArray(v, 0, "key", "log", "case", "rule", "kind", "at", "silent", "attempts")
	}},
	// The batch endpoints' figures must come from one version of the
	// derived tables (a rebuild between their queries would mix two): the
	// activity counts sum to the events, the start and end activities each
	// to the cases, and a DFG has an edge per event but each case's first.
	{"stats", itFixed("/api/logs/live/stats"), func(v any) error {
		o, err := itObject(v, "log", "cases", "events", "activities", "variants", "activity_counts", "start_activities", "end_activities",
			"case_duration_seconds", "first_event", "last_event")
		if err != nil {
			return err
		}
		events, cases := o["events"].(float64), o["cases"].(float64)
		if a, s, e := itSum(o["activity_counts"]), itSum(o["start_activities"]), itSum(o["end_activities"]); a != events || s != cases || e != cases {
			return fmt.Errorf("%v events and %v cases, but activity counts sum to %v, start activities to %v, end activities to %v", events, cases, a, s, e)
		}
		return nil
	}},
	{"dfg", itFixed("/api/logs/live/dfg"), func(v any) error {
		o, err := itObject(v, "log", "edges", "activity_counts", "start_activities", "end_activities")
		if err == nil {
			err = itArray(o["edges"], 0, "from", "to", "count")
		}
		if err != nil {
			return err
		}
		var edges float64
		for _, e := range o["edges"].([]any) {
			edges += e.(map[string]any)["count"].(float64)
		}
		if a, s, e := itSum(o["activity_counts"]), itSum(o["start_activities"]), itSum(o["end_activities"]); edges != a-s || s != e {
			return fmt.Errorf("edges count %v, activity counts %v, start activities %v, end activities %v: not one version", edges, a, s, e)
		}
		return nil
	}},
	{"variants", itFixed("/api/logs/live/variants?top=5"), func(v any) error {
		return itArray(v, 1, "activities", "count", "share", "mean_duration_seconds")
	}},
	{"analyze", itFixed("/api/logs/live/analyze"), func(v any) error { _, err := itObject(v, "log"); return err }},
	{"case", func(r *rand.Rand) string { return fmt.Sprintf("/api/logs/live/cases/case-%04d", r.IntN(1000)) }, func(v any) error {
		o, err := itObject(v, "log", "case", "events")
		if err == nil {
			err = itArray(o["events"], 1, "activity", "timestamp")
		}
		return err
	}},
}

// itSum sums an object's numbers.
func itSum(v any) float64 {
	var n float64
	o, _ := v.(map[string]any)
	for _, x := range o {
		f, _ := x.(float64)
		n += f
	}
	return n
}

func itObject(v any, keys ...string) (map[string]any, error) {
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("want an object, got %T", v)
	}
	for _, k := range keys {
		if _, ok := o[k]; !ok {
			return nil, fmt.Errorf("no %q in %v", k, itKeysOf(o))
		}
	}
	return o, nil
}

// array checks v is an array of at least min objects with the keys.
func itArray(v any, min int, keys ...string) error {
	a, ok := v.([]any)
	if !ok {
		return fmt.Errorf("want an array, got %T", v)
	}
	if len(a) < min {
		return fmt.Errorf("%d items, want at least %d", len(a), min)
	}
	for _, x := range a {
		if _, err := itObject(x, keys...); err != nil {
			return err
		}
	}
	return nil
}

func itKeysOf(o map[string]any) []string {
	var ks []string
	for k := range o {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// startPollers starts k clients, each asking a random endpoint about every
// 100 ms.
func itStartPollers(t *testing.T, k int, base string) *itPollers {
	p := &itPollers{t: t, quit: make(chan struct{}), lat: map[string][]time.Duration{}}
	p.base.Store(&base)
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: k}}
	for i := range k {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			for {
				select {
				case <-p.quit:
					return
				case <-time.After(time.Duration(50+r.IntN(100)) * time.Millisecond):
				}
				e := itEndpoints[r.IntN(len(itEndpoints))]
				p.mu.RLock()
				select {
				case <-p.quit: // stopped while paused
				default:
					p.one(hc, *p.base.Load(), e, r)
				}
				p.mu.RUnlock()
			}
		}()
	}
	t.Cleanup(p.stop)
	return p
}

func (p *itPollers) one(hc *http.Client, base string, e itEndpoint, r *rand.Rand) {
	path := e.path(r)
	start := time.Now()
	resp, err := hc.Get(base + path)
	var b []byte
	if err == nil {
		b, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	d := time.Since(start)
	p.requests.Add(1)
	var v any
	switch {
	case err != nil:
	case resp.StatusCode != 200:
		err = fmt.Errorf("status %d: %.300s", resp.StatusCode, b)
	case resp.Header.Get("Content-Type") != "application/json":
		err = fmt.Errorf("content type %q", resp.Header.Get("Content-Type"))
	default:
		if err = json.Unmarshal(b, &v); err == nil {
			err = e.check(v)
		}
		if err != nil {
			err = fmt.Errorf("%w in %.300s", err, b)
		}
	}
	if err != nil {
		p.failures.Add(1)
		msg := fmt.Sprintf("GET %s: %v", path, err)
		p.firstErr.CompareAndSwap(nil, &msg)
		return
	}
	p.statsMu.Lock()
	p.lat[e.name] = append(p.lat[e.name], d)
	p.statsMu.Unlock()
}

// pause waits for the requests in flight and holds the clients back;
// resume lets them go on against base.
func (p *itPollers) pause() { p.mu.Lock(); p.paused = true }
func (p *itPollers) resume(base string) {
	p.base.Store(&base)
	p.paused = false
	p.mu.Unlock()
}

// stop ends the clients (also paused ones: a test that failed between
// pause and resume).
func (p *itPollers) stop() {
	select {
	case <-p.quit:
		return
	default:
		close(p.quit)
	}
	if p.paused {
		p.paused = false
		p.mu.Unlock()
	}
	p.wg.Wait()
}

// report logs each endpoint's latencies and fails on any bad answer.
func (p *itPollers) report(t *testing.T) {
	t.Helper()
	p.statsMu.Lock()
	defer p.statsMu.Unlock()
	var all []time.Duration
	var lines []string
	for name, ds := range p.lat {
		all = append(all, ds...)
		slices.Sort(ds)
		lines = append(lines, fmt.Sprintf("%s n=%d p50=%v p99=%v max=%v", name, len(ds), ds[len(ds)/2].Round(time.Microsecond),
			ds[len(ds)*99/100].Round(time.Microsecond), ds[len(ds)-1].Round(time.Microsecond)))
	}
	sort.Strings(lines)
	slices.Sort(all)
	if len(all) > 0 {
		t.Logf("%d requests by 20 clients: p50 %v, p99 %v, max %v; by endpoint:\n\t%s", p.requests.Load(),
			all[len(all)/2].Round(time.Microsecond), all[len(all)*99/100].Round(time.Microsecond), all[len(all)-1].Round(time.Microsecond),
			strings.Join(lines, "\n\t"))
	}
	if f := p.failures.Load(); f > 0 {
		t.Errorf("%d of %d requests failed; the first: %s", f, p.requests.Load(), *p.firstErr.Load())
	}
	if len(p.lat) != len(itEndpoints) {
		t.Errorf("answers from %d endpoints, want all %d", len(p.lat), len(itEndpoints))
	}
}
