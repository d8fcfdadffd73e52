package kafka

import (
	"context"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/kafka/kafkabench"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// BenchmarkIngest measures, in one run, against a real broker when
// PMX_KAFKA_BOOTSTRAP is set and else against kfake (in process, so it
// shares the CPUs with what it serves):
//
//   - events/s: kafka.Run with UntilCaughtUp into a fresh warehouse file, N
//     divided by its wall time (group join to the last commit and the
//     closing checkpoint): the pipeline;
//   - decode-events/s: the pipeline's first half alone, the same N messages
//     decoded into Arrow records from memory as Run does, no Kafka;
//   - append-events/s: its second half alone, those records appended to a
//     fresh warehouse file in the batches and with the DuckDB settings Run
//     uses while catching up (two row groups a batch, a DuckDB thread per
//     row group), then the closing checkpoint;
//   - ratio: events/s over the slower of the two halves, how close the
//     pipeline gets to its ceiling (target 0.8; and 500k events/s);
//   - baseline-events/s: a franz-go group consumer that only polls and
//     discards, until it has seen all N messages;
//   - p50-ms, p99-ms: produce→queryable latency of a producer at a steady
//     rate (PMX_BENCH_RATE, default 50,000 msgs/s, for 5 s) while Run
//     flushes every 200 ms, from Config.OnFlush.
//
// N is PMX_BENCH_EVENTS (default 1,000,000) JSON messages of about 230
// bytes. Phases are labelled for profiles: go tool pprof -tagfocus phase=run.
// Run it with -benchtime 1x: each phase already measures one whole pass.
func BenchmarkIngest(b *testing.B) {
	n := kafkabench.EnvInt(b, "PMX_BENCH_EVENTS", 1_000_000)
	rate := kafkabench.EnvInt(b, "PMX_BENCH_RATE", 50_000)
	brokers, where := kafkabench.Brokers(b)
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	topic, latTopic := "pmx-bench-"+run, "pmx-bench-lat-"+run
	kafkabench.CreateTopics(b, brokers, topic, latTopic)
	ctx := context.Background()

	b.StopTimer()
	start := time.Now()
	benchLabel("produce", func() { benchProduce(b, brokers, topic, 0, n, nil) })
	b.Logf("%s: produced %d messages to %s in %.1fs (%.0f/s)", where, n, topic, time.Since(start).Seconds(),
		float64(n)/time.Since(start).Seconds())
	b.StartTimer()

	var decode, appendOnly float64
	var recs []arrow.Record
	benchLabel("decode", func() { decode, recs = benchDecodeAlone(b, n) })
	benchLabel("append", func() { appendOnly = benchAppendAlone(b, recs, n) })
	var baseline float64
	benchLabel("baseline", func() { baseline = benchConsumeOnly(b, brokers, topic, n, "pmx-bench-base-"+run) })

	var ingest float64
	benchLabel("run", func() {
		w, err := warehouse.Open(ctx, filepath.Join(b.TempDir(), "w.duckdb"))
		if err != nil {
			b.Fatal(err)
		}
		defer w.Close()
		start := time.Now()
		s, err := Run(ctx, w, Config{Brokers: brokers, Topics: []string{topic}, Group: "pmx-bench-run-" + run,
			Log: "bench", UntilCaughtUp: true})
		el := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		var stored, distinct int64
		if err := w.DB().QueryRow(`SELECT count(*), count(DISTINCT json_extract(attrs, '$.uid')) FROM events`).
			Scan(&stored, &distinct); err != nil {
			b.Fatal(err)
		}
		if s.Events != int64(n) || stored != int64(n) || distinct != int64(n) || s.DeadLetters != 0 {
			b.Fatalf("Run stored %d events (%d distinct, stats %d, %d dead letters), want %d", stored, distinct, s.Events, s.DeadLetters, n)
		}
		ingest = float64(n) / el.Seconds()
		b.Logf("%s: Run stored %d events in %.2fs, %d flushes", where, n, el.Seconds(), s.Flushes)
	})

	var p50, p99 time.Duration
	benchLabel("latency", func() { p50, p99 = benchLatency(b, brokers, latTopic, rate, "pmx-bench-lat-"+run) })

	ceiling := min(decode, appendOnly)
	b.ReportMetric(ingest, "events/s")
	b.ReportMetric(decode, "decode-events/s")
	b.ReportMetric(appendOnly, "append-events/s")
	b.ReportMetric(ingest/ceiling, "ratio")
	b.ReportMetric(baseline, "baseline-events/s")
	b.ReportMetric(float64(p50.Microseconds())/1e3, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1e3, "p99-ms")
	b.Logf("%s: Run %.0f events/s; decode alone %.0f, append alone %.0f events/s: %.2f of the slower; consume-only %.0f events/s; "+
		"latency at %d msgs/s: p50 %v, p99 %v", where, ingest, decode, appendOnly, ingest/ceiling, baseline, rate, p50, p99)
	if ingest < 500_000 || ingest/ceiling < 0.8 {
		b.Logf("below the targets (500,000 events/s, and 0.8 of the slower of decoding and appending alone)")
	}
}

// benchDecodeAlone decodes messages 0..n-1 (kafkabench.Value) from memory into
// Arrow records as Run does, its decoders side by side on their shares, and
// returns its rate and the records.
func benchDecodeAlone(b *testing.B, n int) (float64, []arrow.Record) {
	msgs := make([][]byte, n)
	for i := range msgs {
		msgs[i], _ = kafkabench.Value(nil, i)
	}
	k := decoderCount()
	out := make([][]arrow.Record, k)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < k; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sink := &recordSink{}
			d := newDecoder(Mapping{})
			builder := event.NewBuilder(sink, warehouse.RowGroupRows)
			defer builder.Release()
			var e event.Event
			for i := w * n / k; i < (w+1)*n/k; i++ {
				if err := d.decode(msgs[i], &e); err != nil {
					b.Error(err)
					return
				}
				e.Seq = int64(i)
				builder.Append(&e)
				if r := sink.take(); r != nil {
					out[w] = append(out[w], r)
				}
			}
			builder.Flush()
			out[w] = append(out[w], sink.take())
		}()
	}
	wg.Wait()
	el := time.Since(start)
	b.Logf("decode alone: %d messages in %.2fs (%d decoders)", n, el.Seconds(), k)
	var recs []arrow.Record
	for _, rs := range out {
		recs = append(recs, rs...)
	}
	return float64(n) / el.Seconds(), recs
}

// benchAppendAlone appends recs (released here) to a fresh warehouse file
// as Run does while catching up: two row groups a batch, a DuckDB thread
// per row group, one checkpoint at the end.
func benchAppendAlone(b *testing.B, recs []arrow.Record, n int) float64 {
	ctx := context.Background()
	defer func() {
		for _, r := range recs {
			r.Release()
		}
	}()
	w, err := warehouse.Open(ctx, filepath.Join(b.TempDir(), "append.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	start := time.Now()
	a, err := w.OpenAppender(ctx, "bench", "kafka://bench", "kafka")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.DB().ExecContext(ctx, `SET checkpoint_threshold = '1GB'`); err != nil {
		b.Fatal(err)
	}
	threads, release, err := leaseThreads(ctx, w)
	if err != nil {
		b.Fatal(err)
	}
	defer release()
	next := int64(0)
	for i := 0; i < len(recs); i += 2 {
		batch := recs[i:min(i+2, len(recs))]
		var rows int64
		for _, r := range batch {
			rows += r.NumRows()
		}
		if err := threads.set(threadsFor(int(rows), warehouse.RowGroupRows, threads.own)); err != nil {
			b.Fatal(err)
		}
		prev := next
		if prev == 0 {
			prev = warehouse.NoPosition
		}
		if err := a.Append(ctx, batch, nil, []warehouse.Position{{Topic: "bench", Partition: 0, Prev: prev, Next: next + rows}}); err != nil {
			b.Fatal(err)
		}
		next += rows
	}
	if _, err := w.DB().ExecContext(ctx, `CHECKPOINT`); err != nil {
		b.Fatal(err)
	}
	el := time.Since(start)
	b.Logf("append alone: %d events in %.2fs", n, el.Seconds())
	return float64(n) / el.Seconds()
}

func benchLabel(phase string, fn func()) {
	pprof.Do(context.Background(), pprof.Labels("phase", phase), func(context.Context) { fn() })
}

// benchProduce produces messages from..from+n as fast as the client takes
// them. With every set, it paces them at that many per second instead.
func benchProduce(b *testing.B, brokers []string, topic string, from, n int, every *int) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	var firstErr atomic.Pointer[error]
	done := func(_ *kgo.Record, err error) {
		if err != nil {
			firstErr.CompareAndSwap(nil, &err)
		}
	}
	start := time.Now()
	for i := from; i < from+n; i++ {
		if every != nil && (i-from)%100 == 0 {
			due := start.Add(time.Duration(float64(i-from) / float64(*every) * float64(time.Second)))
			time.Sleep(time.Until(due))
		}
		v, k := kafkabench.Value(nil, i)
		cl.Produce(context.Background(), &kgo.Record{Key: []byte(k), Value: v}, done)
	}
	if err := cl.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	if p := firstErr.Load(); p != nil {
		b.Fatalf("produce: %v", *p)
	}
}

// benchConsumeOnly is the ceiling: a group consumer that decodes nothing
// and stores nothing. Its time runs from client creation, like Run's.
func benchConsumeOnly(b *testing.B, brokers []string, topic string, n int, group string) float64 {
	start := time.Now()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.DisableAutoCommit(), kgo.FetchMaxWait(250*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	seen := 0
	for seen < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			b.Fatalf("consume-only: %d of %d records: %v", seen, n, ctx.Err())
		}
		fs.EachError(func(t string, p int32, err error) { b.Fatalf("consume-only %s/%d: %v", t, p, err) })
		seen += fs.NumRecords()
	}
	el := time.Since(start)
	b.Logf("consume-only: %d records in %.2fs", seen, el.Seconds())
	return float64(n) / el.Seconds()
}

// benchLatency runs Run with a 200 ms flush interval while a producer
// writes rate messages per second for five seconds, and returns the p50 and
// p99 of commit time minus produce time.
func benchLatency(b *testing.B, brokers []string, topic string, rate int, group string) (p50, p99 time.Duration) {
	w, err := warehouse.Open(context.Background(), filepath.Join(b.TempDir(), "lat.duckdb"))
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	var mu sync.Mutex
	var lat []time.Duration
	var stored atomic.Int64
	var since atomic.Pointer[time.Time] // only records produced after the warm-up count
	cfg := Config{Brokers: brokers, Topics: []string{topic}, Group: group, Log: "lat", FlushInterval: 200 * time.Millisecond,
		OnFlush: func(produced []time.Time, committed time.Time) {
			t0 := since.Load()
			mu.Lock()
			for _, p := range produced {
				if t0 != nil && !p.Before(*t0) {
					lat = append(lat, committed.Sub(p))
				}
			}
			mu.Unlock()
			stored.Add(int64(len(produced)))
		}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	runErr := make(chan error, 1)
	go func() {
		_, err := Run(ctx, w, cfg)
		runErr <- err
	}()
	// Warm-up: one message through, so the group is joined before timing.
	benchProduce(b, brokers, topic, 0, 1, nil)
	benchWaitFor(b, func() bool { return stored.Load() >= 1 }, 60*time.Second, "warm-up message")
	// Record timestamps are milliseconds: truncate, or the first
	// millisecond's messages would seem produced before the start.
	t0 := time.Now().Truncate(time.Millisecond)
	since.Store(&t0)
	total := rate * 5
	benchProduce(b, brokers, topic, 1, total, &rate)
	b.Logf("latency: produced %d messages in %.2fs", total, time.Since(t0).Seconds())
	benchWaitFor(b, func() bool { return stored.Load() >= int64(total+1) }, 120*time.Second, "all latency messages stored")
	cancel()
	if err := <-runErr; err != nil {
		b.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lat) != total {
		b.Fatalf("latency: %d samples, want %d", len(lat), total)
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100]
}

func benchWaitFor(b *testing.B, cond func() bool, limit time.Duration, what string) {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			b.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
