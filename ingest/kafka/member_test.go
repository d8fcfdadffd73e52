package kafka

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func TestDefaultInstanceID(t *testing.T) {
	id := DefaultInstanceID("orders", "/srv/pmx/w.duckdb", "ingest-1")
	if id != DefaultInstanceID("orders", "/srv/pmx/w.duckdb", "ingest-1") {
		t.Fatal("not deterministic")
	}
	if !strings.HasPrefix(id, "pmx-ingest-1-w.duckdb-") || len(id) != len("pmx-ingest-1-w.duckdb-")+12 {
		t.Fatalf("id %q: want pmx-HOST-FILE-HASH12", id)
	}
	for _, other := range []string{
		DefaultInstanceID("payments", "/srv/pmx/w.duckdb", "ingest-1"),
		DefaultInstanceID("orders", "/srv/other/w.duckdb", "ingest-1"),
		DefaultInstanceID("orders", "/srv/pmx/w.duckdb", "ingest-2"),
	} {
		if other == id {
			t.Errorf("%q: same id for a different group, warehouse or host", other)
		}
	}
	// Whatever the host and file are called, the id is one Kafka accepts.
	long := DefaultInstanceID("g", "/data/ünïcode file (1).duckdb", strings.Repeat("h", 300)+".example.com")
	if err := validInstanceID(long); err != nil || len(long) > 249 {
		t.Fatalf("%q (%d characters): %v", long, len(long), err)
	}
	for _, bad := range []string{"has space", "a/b", strings.Repeat("x", 250), ".."} {
		if _, err := (&Config{Brokers: []string{"b"}, Topics: []string{"t"}, Group: "g", Log: "l", InstanceID: bad}).withDefaults(); err == nil {
			t.Errorf("instance id %q accepted", bad)
		}
	}
}

// The default id is per warehouse file, however the file is named; an
// in-memory warehouse and NoInstanceID make a dynamic member.
func TestInstanceIDResolution(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "w.duckdb")
	if err := os.WriteFile(real, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.duckdb")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	cfg := Config{Group: "g"}
	ids := map[string]string{}
	for _, p := range []string{real, "w.duckdb", "./w.duckdb", link} {
		id, err := instanceID(cfg, p)
		if err != nil || id == "" {
			t.Fatalf("%s: %q, %v", p, id, err)
		}
		ids[id] = p
	}
	if len(ids) != 1 {
		t.Fatalf("one file, several ids: %v", ids)
	}
	host, _ := os.Hostname()
	resolved, _ := filepath.EvalSymlinks(real)
	if want := DefaultInstanceID("g", resolved, host); ids[want] == "" {
		t.Fatalf("ids %v, want %s", ids, want)
	}
	for _, c := range []struct {
		cfg  Config
		path string
		want string
	}{
		{Config{Group: "g"}, warehouse.InMemory, ""},
		{Config{Group: "g", InstanceID: NoInstanceID}, real, ""},
		{Config{Group: "g", InstanceID: "mine"}, real, "mine"},
	} {
		if id, err := instanceID(c.cfg, c.path); err != nil || id != c.want {
			t.Errorf("%+v on %q: %q, %v; want %q", c.cfg.InstanceID, c.path, id, err, c.want)
		}
	}
}

// Two Runs in one process can share a warehouse handle, which no file lock
// keeps apart: the second with the same static id is refused.
func TestConcurrentRunsWithOneInstanceIDRefused(t *testing.T) {
	ctx := context.Background()
	brokers := cluster(t, "events", 2)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	running := make(chan struct{})
	var once sync.Once
	cfg := Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", ProgressInterval: time.Millisecond}
	first := cfg
	first.Progress = func(Stats) { once.Do(func() { close(running) }) }
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { _, err := Run(rctx, w, first); done <- err }()
	<-running
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second) // must not run on if it is wrongly admitted
	defer cancel()
	if _, err := Run(sctx, w, cfg); err == nil || !contains(err.Error(), "already used by another ingestion in this process") {
		t.Fatalf("second Run with the same instance id: %v", err)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A member that dies without leaving the group (kill -9) keeps its
// partitions until its session times out. Restarted under the same
// (default) instance id, the ingester takes its place at once: here the
// session timeout is 5 minutes and a dynamic member would also wait out
// the 60 s rebalance timeout, yet the restart catches up within seconds,
// exactly once. (The real broker's timing is measured in .ci/kafka-it.)
func TestRestartAfterCrashResumesAtOnce(t *testing.T) {
	ctx := context.Background()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := c.ListenAddrs()
	// After the crash, LeaveGroup never reaches the group: the process is gone.
	var crashed atomic.Bool
	c.ControlKey(int16(kmsg.LeaveGroup), func(req kmsg.Request) (kmsg.Response, error, bool) {
		if !crashed.Load() {
			return nil, nil, false
		}
		c.KeepControl()
		return req.ResponseKind(), nil, true
	})
	bad := produce(t, brokers, "events", 0, 1000, 97)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var flushed atomic.Int64
	cfg := Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", FlushRows: 100,
		FlushInterval: 50 * time.Millisecond, SessionTimeout: 5 * time.Minute,
		OnFlush: func([]time.Time, time.Time) { flushed.Add(1) }}
	rctx, kill := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := Run(rctx, w, cfg); err != nil {
			t.Error(err)
		}
	}()
	for flushed.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	crashed.Store(true)
	kill()
	wg.Wait()
	bad += produce(t, brokers, "events", 1000, 500, 97)

	cfg.UntilCaughtUp, cfg.OnFlush = true, nil
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := Run(rctx, w, cfg); err != nil || rctx.Err() != nil {
		t.Fatalf("restart: %v (context: %v): still waiting for the crashed member's session?", err, rctx.Err())
	}
	if ev, distinct, dead := counts(t, w); ev != 1500 || distinct != 1500 || dead != bad {
		t.Fatalf("events %d (distinct %d), dead %d; want 1500, %d", ev, distinct, dead, bad)
	}
}

// A failed join (here the coordinator answering REQUEST_TIMED_OUT three
// times; in the field "unable to join group session: i/o timeout" under
// load) is retried, not fatal.
func TestTransientJoinErrorsAreRetried(t *testing.T) {
	ctx := context.Background()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	failJoins(c, 3, kerr.RequestTimedOut)
	brokers := c.ListenAddrs()
	bad := produce(t, brokers, "events", 0, 500, 97)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	s, err := Run(rctx, w, Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", UntilCaughtUp: true,
		FlushInterval: 100 * time.Millisecond})
	if err != nil || rctx.Err() != nil {
		t.Fatalf("run: %v (context: %v)", err, rctx.Err())
	}
	if ev, distinct, dead := counts(t, w); ev != 500 || distinct != 500 || dead != bad {
		t.Fatalf("events %d (distinct %d), dead %d; want 500, %d", ev, distinct, dead, bad)
	}
	if !contains(s.LastError, "REQUEST_TIMED_OUT") {
		t.Errorf("last error %q: want the survived join failure", s.LastError)
	}
}

// A join refused because another process has taken this member's instance
// id cannot be mended by retrying: Run stops and says so.
func TestFencedInstanceIDStops(t *testing.T) {
	ctx := context.Background()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	failJoins(c, 1000, kerr.FencedInstanceID)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	_, err = Run(rctx, w, Config{Brokers: c.ListenAddrs(), Topics: []string{"events"}, Group: "g", Log: "live", InstanceID: "ingest-a"})
	if err == nil || !contains(err.Error(), "instance id ingest-a") || !contains(err.Error(), "FENCED_INSTANCE_ID") {
		t.Fatalf("err = %v, want the fenced instance id named", err)
	}
}

// failJoins answers the next n JoinGroup requests with code.
func failJoins(c *kfake.Cluster, n int, code *kerr.Error) {
	var left atomic.Int64
	left.Store(int64(n))
	c.ControlKey(int16(kmsg.JoinGroup), func(req kmsg.Request) (kmsg.Response, error, bool) {
		if left.Add(-1) < 0 {
			c.DropControl()
			return nil, nil, false
		}
		c.KeepControl()
		resp := req.ResponseKind().(*kmsg.JoinGroupResponse)
		resp.ErrorCode = code.Code
		return resp, nil, true
	})
}
