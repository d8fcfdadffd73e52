package kafka

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// cluster starts an in-process Kafka (kfake) with topic t of n partitions.
func cluster(t *testing.T, topic string, partitions int32) []string {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(partitions, topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs()
}

// produce writes n good events over cases c0..c(n/5), plus one malformed
// message every badEvery good ones; it returns the malformed count.
func produce(t *testing.T, brokers []string, topic string, from, n, badEvery int) int {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	bad := 0
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	for i := from; i < from+n; i++ {
		c := fmt.Sprintf("c%d", i/5)
		v, _ := json.Marshal(map[string]any{"case:concept:name": c, "concept:name": fmt.Sprintf("step %d", i%5),
			"time:timestamp": t0.Add(time.Duration(i) * time.Minute).Format(time.RFC3339Nano), "org:resource": "r", "amount": i})
		recs = append(recs, &kgo.Record{Key: []byte(c), Value: v})
		if badEvery > 0 && i%badEvery == 0 {
			recs = append(recs, &kgo.Record{Key: []byte(c), Value: []byte(`{"concept:name": "no case"`)})
			bad++
		}
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	return bad
}

func counts(t *testing.T, w *warehouse.Warehouse) (events, distinctPos, dead int) {
	t.Helper()
	if err := w.DB().QueryRow(`SELECT count(*), count(DISTINCT json_extract(attrs, '$.amount')) FROM events`).Scan(&events, &distinctPos); err != nil {
		t.Fatal(err)
	}
	if err := w.DB().QueryRow(`SELECT count(*) FROM dead_letters`).Scan(&dead); err != nil {
		t.Fatal(err)
	}
	return
}

func TestIngestUntilCaughtUpExactlyOnce(t *testing.T) {
	ctx := context.Background()
	brokers := cluster(t, "events", 4)
	bad := produce(t, brokers, "events", 0, 1000, 97)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cfg := Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", UntilCaughtUp: true, FlushRows: 128}
	s, err := Run(ctx, w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev, distinct, dead := counts(t, w)
	if ev != 1000 || distinct != 1000 || dead != bad || s.Events != 1000 || s.DeadLetters != int64(bad) {
		t.Fatalf("events %d (distinct %d), dead %d, stats %+v; want 1000, %d dead", ev, distinct, dead, s, bad)
	}
	// A second run with nothing new stores nothing; new messages are taken once.
	produce(t, brokers, "events", 1000, 200, 0)
	if _, err := Run(ctx, w, cfg); err != nil {
		t.Fatal(err)
	}
	if ev, distinct, dead = counts(t, w); ev != 1200 || distinct != 1200 || dead != bad {
		t.Fatalf("after second run: events %d (distinct %d), dead %d", ev, distinct, dead)
	}
	var reason string
	w.DB().QueryRow(`SELECT reason FROM dead_letters LIMIT 1`).Scan(&reason)
	if reason == "" {
		t.Fatal("dead letter without a reason")
	}
	// The appended log analyses like an imported one once refreshed.
	if err := w.Refresh(ctx, "live"); err != nil {
		t.Fatal(err)
	}
	info, _ := w.Log(ctx, "live")
	if info.Instances != 1200 || info.Cases != 240 {
		t.Fatalf("log after refresh: %+v", info)
	}
}

// Cancelling mid-stream (a crash as far as the warehouse is concerned: the
// buffer is lost) and restarting neither loses nor repeats a message.
func TestCrashAndRestartIsExactlyOnce(t *testing.T) {
	ctx := context.Background()
	brokers := cluster(t, "events", 3)
	bad := produce(t, brokers, "events", 0, 3000, 101)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// Chunks of 37 events: batches are sealed whole chunks at a time while
	// catching up, the rest left in the buffer that each crash loses.
	cfg := Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", FlushRows: 100,
		FlushInterval: 50 * time.Millisecond, groupRows: 37}
	for i := 0; i < 3; i++ {
		cctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			Run(cctx, w, cfg)
		}()
		time.Sleep(time.Duration(60+40*i) * time.Millisecond)
		cancel()
		wg.Wait()
	}
	cfg.UntilCaughtUp = true
	if _, err := Run(ctx, w, cfg); err != nil {
		t.Fatal(err)
	}
	ev, distinct, dead := counts(t, w)
	if ev != 3000 || distinct != 3000 || dead != bad {
		t.Fatalf("events %d (distinct %d), dead %d; want 3000, %d", ev, distinct, dead, bad)
	}
}

// Catching up, every batch but the last is whole chunks (DuckDB row groups
// in production), and the stored positions are where the topic ends.
func TestCatchUpBatchesAreWholeChunks(t *testing.T) {
	ctx := context.Background()
	brokers := cluster(t, "events", 4)
	produce(t, brokers, "events", 0, 2000, 0)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var batches []int
	cfg := Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", UntilCaughtUp: true,
		FlushRows: 100, FlushInterval: 10 * time.Second, groupRows: 64,
		OnFlush: func(produced []time.Time, _ time.Time) { batches = append(batches, len(produced)) }}
	s, err := Run(ctx, w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if ev, distinct, _ := counts(t, w); ev != 2000 || distinct != 2000 || s.Events != 2000 {
		t.Fatalf("events %d (distinct %d), stats %d; want 2000", ev, distinct, s.Events)
	}
	for i, n := range batches[:len(batches)-1] {
		if n == 0 || n%64 != 0 {
			t.Fatalf("batch %d of %v holds %d events, not whole chunks of 64", i, batches, n)
		}
	}
	var stored int64
	w.DB().QueryRow(`SELECT sum(next_offset) FROM ingest_offsets`).Scan(&stored)
	if stored != 2000 {
		t.Fatalf("stored offsets add up to %d, want 2000", stored)
	}
}

// A partition whose decoder fills no chunk while another decoder fills them
// is still flushed within about a flush interval.
func TestSlowPartitionBesideAFastOneIsFlushed(t *testing.T) {
	if decoderCount() < 2 {
		t.Skip("one decoder: every partition fills the same chunks")
	}
	ctx := context.Background()
	brokers := cluster(t, "events", 2)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic("events"), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	send := func(part int32, c string, i int) {
		v := fmt.Sprintf(`{"case":%q,"activity":"A","time":%d}`, c, i)
		if err := cl.ProduceSync(ctx, &kgo.Record{Partition: part, Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", FlushRows: 16,
		FlushInterval: 50 * time.Millisecond, groupRows: 16}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := Run(rctx, w, cfg)
		done <- err
	}()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	send(1, "slow", 0)
	deadline := time.Now().Add(3 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		send(0, "fast", i) // keeps closing chunks on partition 0's decoder
		var n int
		w.DB().QueryRow(`SELECT count(*) FROM events WHERE case_id = 'slow'`).Scan(&n)
		if n == 1 && i > 200 {
			return
		}
	}
	t.Fatal("the slow partition's event was not stored while the fast one kept flushing")
}

func TestDecode(t *testing.T) {
	d := newDecoder(Mapping{})
	cases := []struct {
		in, reason string
	}{
		{`{"case:concept:name":"c","concept:name":"A","time:timestamp":"2024-01-01T10:00:00+02:00","x":[1, 2]}`, ""},
		{`{"case_id":7,"activity":"A","timestamp":1704103200000}`, ""},
		{`{"case_id":"c","activity":"A"}`, "no timestamp"},
		{`{"activity":"A","timestamp":1}`, "no case"},
		{`{"case":"c","activity":"A","time":"yesterday"}`, "ISO 8601"},
		{`[1,2]`, "not a JSON object"},
		{`null`, "not a JSON object"},
		{`{"case":"c","activity":"","time":1}`, "empty activity"},
	}
	for _, c := range cases {
		var e eventForTest
		err := d.decode([]byte(c.in), &e.Event)
		switch {
		case c.reason == "" && err != nil:
			t.Errorf("%s: %v", c.in, err)
		case c.reason != "" && (err == nil || !contains(err.Error(), c.reason)):
			t.Errorf("%s: err %v, want %q", c.in, err, c.reason)
		}
	}
	var e eventForTest
	d.decode([]byte(cases[0].in), &e.Event)
	if e.Time != time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC).UnixMicro() || string(e.Attrs) != `{"x":[1,2]}` {
		t.Fatalf("decoded %+v attrs %s", e.Event, e.Attrs)
	}
}

// Two members of one group share the partitions; one leaves mid-stream
// (its partitions move to the other after a flush on revoke) and more
// messages arrive meanwhile. Every message is stored exactly once.
func TestRebalanceBetweenTwoIngestersIsExactlyOnce(t *testing.T) {
	ctx := context.Background()
	brokers := cluster(t, "events", 4)
	bad := produce(t, brokers, "events", 0, 2000, 89)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	// Dynamic members: a static one does not leave the group when it stops.
	cfg := Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", FlushRows: 64,
		FlushInterval: 20 * time.Millisecond, InstanceID: NoInstanceID, groupRows: 29}
	ctxA, stopA := context.WithCancel(ctx)
	ctxB, stopB := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, c := range []context.Context{ctxA, ctxB} {
		wg.Add(1)
		go func(c context.Context) {
			defer wg.Done()
			_, err := Run(c, w, cfg)
			errs <- err
		}(c)
	}
	time.Sleep(150 * time.Millisecond)
	bad += produce(t, brokers, "events", 2000, 2000, 89)
	stopA()
	time.Sleep(300 * time.Millisecond)
	bad += produce(t, brokers, "events", 4000, 1000, 89)
	time.Sleep(200 * time.Millisecond)
	stopB()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	cfg.UntilCaughtUp = true
	if _, err := Run(ctx, w, cfg); err != nil {
		t.Fatal(err)
	}
	ev, distinct, dead := counts(t, w)
	if ev != 5000 || distinct != 5000 || dead != bad {
		t.Fatalf("events %d (distinct %d), dead %d; want 5000, %d", ev, distinct, dead, bad)
	}
}

// Records of aborted transactions are not events, and the markers that end
// transactions (offsets that never arrive as records) do not keep
// --until-caught-up from finishing.
func TestTransactionsReadCommitted(t *testing.T) {
	ctx := context.Background()
	brokers := cluster(t, "events", 1)
	p, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic("events"), kgo.TransactionalID("tx"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	send := func(from, n int, commit kgo.TransactionEndTry) {
		if err := p.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for i := from; i < from+n; i++ {
			v := fmt.Sprintf(`{"case":"c%d","activity":"A","time":%d,"amount":%d}`, i, 1700000000+i, i)
			if err := p.ProduceSync(ctx, &kgo.Record{Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.EndTransaction(ctx, commit); err != nil {
			t.Fatal(err)
		}
	}
	send(0, 10, kgo.TryCommit)
	send(10, 5, kgo.TryAbort)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cfg := Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live", UntilCaughtUp: true,
		FlushInterval: 100 * time.Millisecond}
	if _, err := Run(rctx, w, cfg); err != nil || rctx.Err() != nil {
		t.Fatalf("run: %v (context: %v)", err, rctx.Err())
	}
	if ev, distinct, _ := counts(t, w); ev != 10 || distinct != 10 {
		t.Fatalf("stored %d events (%d distinct), want the 10 committed ones", ev, distinct)
	}
}

// Dead letters also reach the dead-letter topic, with their source position
// and reason in headers.
func TestDeadLetterTopic(t *testing.T) {
	ctx := context.Background()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(2, "events"), kfake.SeedTopics(1, "events.dlq"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := c.ListenAddrs()
	bad := produce(t, brokers, "events", 0, 300, 50)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := Run(ctx, w, Config{Brokers: brokers, Topics: []string{"events"}, Group: "g", Log: "live",
		UntilCaughtUp: true, DLQTopic: "events.dlq"}); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("events.dlq"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	got := 0
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for got < bad {
		fs := cl.PollFetches(pctx)
		if pctx.Err() != nil {
			break
		}
		fs.EachRecord(func(r *kgo.Record) {
			h := map[string]string{}
			for _, x := range r.Headers {
				h[x.Key] = string(x.Value)
			}
			if h["pmx-topic"] != "events" || h["pmx-offset"] == "" || h["pmx-reason"] == "" {
				t.Errorf("dead letter headers %v", h)
			}
			got++
		})
	}
	if got != bad {
		t.Fatalf("%d messages on the dead-letter topic, want %d", got, bad)
	}
}

func TestMissingTopicAndUnreachableBrokersFailFast(t *testing.T) {
	ctx := context.Background()
	brokers := cluster(t, "events", 1)
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	_, err = Run(ctx, w, Config{Brokers: brokers, Topics: []string{"nope"}, Group: "g", Log: "live", UntilCaughtUp: true})
	if err == nil || !contains(err.Error(), `topic "nope" does not exist`) {
		t.Fatalf("missing topic: err = %v", err)
	}
	start := time.Now()
	_, err = Run(ctx, w, Config{Brokers: []string{"127.0.0.1:1"}, Topics: []string{"events"}, Group: "g", Log: "live"})
	if err == nil || !contains(err.Error(), "broker 127.0.0.1:1: unreachable") || time.Since(start) > 30*time.Second {
		t.Fatalf("unreachable: err = %v after %v", err, time.Since(start))
	}
}
