package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

type tp struct {
	topic     string
	partition int32
}

// consumer is one ingestion's state. mu guards everything below it: the poll
// loop and the rebalance callbacks (which franz-go runs on its own
// goroutine) both flush.
type consumer struct {
	cfg   Config
	app   *warehouse.Appender
	cl    *kgo.Client
	adm   *kadm.Client
	ready chan struct{} // closed once cl and adm are set: the group may call back before NewClient returns
	dec   *decoder
	watch *connWatch
	// instance is the static group membership id, "" for a dynamic member.
	instance string

	mu       sync.Mutex
	sink     *collect
	builder  *event.Builder
	buffered int
	dead     []warehouse.DeadLetter
	stored   map[tp]int64 // next offset stored in the warehouse (NoPosition: none)
	expected map[tp]int64 // stored once the batch in flight is: the Prev of the next batch
	inflight chan written // the batch being written, nil when none
	pos      map[tp]int64 // next offset after what is buffered
	last     map[tp]*kgo.Record
	assigned map[tp]bool
	joined   bool
	start    map[tp]int64 // log start offsets, for never-read partitions
	end      map[tp]int64 // high watermarks when assigned (UntilCaughtUp)
	lastErr  error
	fatal    error       // a failure inside a rebalance callback, returned by the poll loop
	idle     int         // consecutive polls that returned no record
	changed  time.Time   // last assignment change
	produced []time.Time // record timestamps of the batch, only with OnFlush

	stats      Stats
	began      time.Time
	lastFlush  time.Time
	fenceReset bool
}

// collect keeps the Builder's records until the flush hands them over.
type collect struct{ recs []arrow.Record }

func (c *collect) Events(r arrow.Record) error        { c.recs = append(c.recs, r); return nil }
func (c *collect) Cases(r arrow.Record) error         { r.Release(); return nil }
func (c *collect) Reject(int64, string, string) error { return nil }

// Run ingests until ctx is canceled (then it drains: stores what it has
// read and closes its client; a dynamic member also leaves the group) or,
// with UntilCaughtUp, until every assigned partition is read to its high
// watermark. It returns the final figures.
func Run(ctx context.Context, w *warehouse.Warehouse, cfg Config) (Stats, error) {
	s, err := run(ctx, w, cfg)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		err = nil // SIGINT/SIGTERM, also during start-up: a graceful stop is a normal end
	}
	return s, err
}

func run(ctx context.Context, w *warehouse.Warehouse, cfg Config) (Stats, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return Stats{}, err
	}
	instance, err := instanceID(cfg, w.Path())
	if err != nil {
		return Stats{}, err
	}
	release, err := claimMember(cfg.Group, instance)
	if err != nil {
		return Stats{}, err
	}
	defer release()
	app, err := w.OpenAppender(ctx, cfg.Log, "kafka://"+strings.Join(cfg.Topics, ","), "kafka")
	if err != nil {
		return Stats{}, err
	}
	// Small frequent commits would otherwise each trigger DuckDB's automatic
	// checkpoint once the WAL passes 16 MB, stalling the stream (a p99 of
	// ~0.6 s against ~0.27 s without): checkpoint once, when the run ends.
	if _, err := w.DB().ExecContext(ctx, `SET checkpoint_threshold = '1GB'`); err != nil {
		return Stats{}, fmt.Errorf("kafka: %w", err)
	}
	defer w.DB().ExecContext(context.WithoutCancel(ctx), `CHECKPOINT`)
	c := &consumer{cfg: cfg, app: app, dec: newDecoder(cfg.Mapping), sink: &collect{},
		stored: map[tp]int64{}, expected: map[tp]int64{}, pos: map[tp]int64{}, last: map[tp]*kgo.Record{}, assigned: map[tp]bool{},
		start: map[tp]int64{}, end: map[tp]int64{}, began: time.Now(), lastFlush: time.Now(), ready: make(chan struct{}),
		watch: newConnWatch(cfg.TLS, cfg.SASL), instance: instance}
	c.builder = event.NewBuilder(c.sink, 0)
	defer c.builder.Release()
	c.stats.Log = cfg.Log

	opts := []kgo.Opt{
		kgo.SeedBrokers(cfg.Brokers...), kgo.ClientID(cfg.ClientID),
		kgo.ConsumerGroup(cfg.Group), kgo.ConsumeTopics(cfg.Topics...),
		kgo.Balancers(kgo.CooperativeStickyBalancer()),
		kgo.DisableAutoCommit(), kgo.BlockRebalanceOnPoll(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.AdjustFetchOffsetsFn(c.adjust),
		kgo.OnPartitionsAssigned(c.assignedCB), kgo.OnPartitionsRevoked(c.revokedCB), kgo.OnPartitionsLost(c.revokedCB),
		kgo.FetchMaxWait(250 * time.Millisecond),
		// Records of aborted or still-open transactions are not events.
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.WithHooks(c.watch),
	}
	if cfg.SessionTimeout > 0 {
		opts = append(opts, kgo.SessionTimeout(cfg.SessionTimeout))
	}
	if instance != "" {
		opts = append(opts, kgo.InstanceID(instance))
	}
	if cfg.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(cfg.TLS))
	}
	if cfg.SASL != nil {
		opts = append(opts, kgo.SASL(cfg.SASL))
	}
	if cfg.FetchMaxBytes > 0 {
		opts = append(opts, kgo.FetchMaxBytes(cfg.FetchMaxBytes))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return Stats{}, fmt.Errorf("kafka: %w", err)
	}
	c.cl, c.adm = cl, kadm.NewClient(cl)
	close(c.ready)
	defer cl.Close()
	if err := c.checkTopics(ctx); err != nil {
		return Stats{}, err
	}

	err = c.loop(ctx)
	c.mu.Lock()
	if ferr := c.flush(context.Background()); err == nil {
		err = ferr
	}
	s := c.snapshot()
	c.mu.Unlock()
	if c.cfg.Progress != nil {
		c.cfg.Progress(s)
	}
	return s, err
}

func (c *consumer) loop(ctx context.Context) error {
	lastProgress := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		pollCtx, cancel := context.WithTimeout(ctx, c.cfg.FlushInterval)
		fetches := c.cl.PollRecords(pollCtx, c.cfg.FlushRows)
		cancel()
		if fetches.IsClientClosed() {
			return nil
		}
		c.mu.Lock()
		var fatal error
		fetches.EachError(func(t string, p int32, err error) {
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				return
			}
			// Client-level errors (t == "") are group errors: a join that
			// failed or timed out, the member kicked out. The client
			// rejoins by itself, backing off, so they are survived like a
			// partition's fetch error, unless retrying cannot help.
			if t == "" {
				c.lastErr = err
			} else {
				c.lastErr = fmt.Errorf("%s/%d: %w", t, p, err)
			}
			if fatal == nil && isFatal(err) {
				fatal = c.runErr(err)
			}
		})
		n := 0
		fetches.EachPartition(func(p kgo.FetchTopicPartition) {
			n += len(p.Records)
			c.addPartition(p.Topic, p.Partition, p.Records)
		})
		if n == 0 {
			c.idle++
		} else {
			c.idle = 0
		}
		if c.fatal != nil && fatal == nil {
			fatal = c.fatal
		}
		var err error
		if c.buffered >= c.cfg.FlushRows || time.Since(c.lastFlush) >= c.cfg.FlushInterval {
			// While the previous batch is still being written, keep reading
			// instead of waiting for it (up to maxBufferFactor × FlushRows).
			// Catching up, batches then grow past DuckDB's row-group size
			// (122,880 rows), which it writes straight to the file at commit
			// instead of through the WAL and again at checkpoint.
			var busy bool
			if busy, err = c.writing(ctx); err == nil && (!busy || c.buffered >= maxBufferFactor*c.cfg.FlushRows) {
				err = c.flushAsync(ctx)
			}
		}
		c.mu.Unlock()
		c.cl.AllowRebalance()
		if fatal != nil {
			return fatal
		}
		if err != nil {
			return err
		}
		if c.cfg.Progress != nil && time.Since(lastProgress) >= c.cfg.ProgressInterval {
			lastProgress = time.Now()
			c.mu.Lock()
			s := c.snapshot()
			c.mu.Unlock()
			c.cfg.Progress(s)
		}
		if c.cfg.UntilCaughtUp {
			done, err := c.caughtUp(ctx)
			if err != nil {
				return err
			}
			if done {
				return nil
			}
		}
	}
}

// addPartition decodes one partition's fetched records into the buffer, or
// into the dead letters. Per-partition state is looked up once per fetch,
// not per record.
func (c *consumer) addPartition(topic string, partition int32, recs []*kgo.Record) {
	k := tp{topic, partition}
	if !c.assigned[k] {
		return // revoked while this fetch was in flight: its new owner reads it
	}
	pos, hasPos := c.pos[k]
	var last *kgo.Record
	for _, r := range recs {
		if hasPos && r.Offset < pos {
			continue // already buffered or stored (a fetch that raced a reset)
		}
		var e event.Event
		if err := c.dec.decode(r.Value, &e); err != nil {
			c.dead = append(c.dead, warehouse.DeadLetter{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
				Key: r.Key, Value: r.Value, Reason: err.Error()})
		} else {
			e.Seq = c.app.NextSeq()
			if err := c.builder.Append(&e); err != nil {
				c.lastErr = err
			}
			c.buffered++
		}
		pos, hasPos, last = r.Offset+1, true, r
		if c.cfg.OnFlush != nil {
			c.produced = append(c.produced, r.Timestamp)
		}
	}
	if last != nil {
		c.pos[k], c.last[k] = pos, last
	}
}

// A flush seals the buffer into a batch and writes it. The poll loop writes
// asynchronously: one batch is stored on its own goroutine while the next is
// decoded, so decoding and DuckDB's insert and commit overlap on two cores.
// Exactly once still holds: batches are written one at a time and in order,
// each stores its positions with a compare-and-set against the previous
// batch's, and any failure stops the chain (a later batch's check then fails
// and it is dropped, to be re-read from what is stored).

// batch is a sealed flush on its way to the warehouse.
type batch struct {
	recs     []arrow.Record
	dead     []warehouse.DeadLetter
	pos      []warehouse.Position
	commit   []*kgo.Record
	produced []time.Time
	events   int
}

// written is a batch's outcome.
type written struct {
	b         *batch
	err       error
	commitErr error
	at        time.Time
}

// seal takes what is buffered as a batch whose positions continue from the
// expected stored ones (the batch in flight's, if any). Called with mu held.
func (c *consumer) seal() (*batch, error) {
	c.lastFlush = time.Now()
	b := &batch{}
	for k, next := range c.pos {
		if prev := c.expected[k]; next != prev {
			b.pos = append(b.pos, warehouse.Position{Topic: k.topic, Partition: k.partition, Prev: prev, Next: next})
			if r := c.last[k]; r != nil {
				b.commit = append(b.commit, r)
			}
		}
	}
	if len(b.pos) == 0 && c.buffered == 0 && len(c.dead) == 0 {
		return nil, nil
	}
	if err := c.builder.Flush(); err != nil {
		return nil, err
	}
	for _, p := range b.pos {
		c.expected[tp{p.Topic, p.Partition}] = p.Next
	}
	b.recs, c.sink.recs = c.sink.recs, nil
	b.dead, c.dead = c.dead, nil
	b.events, c.buffered = c.buffered, 0
	if c.cfg.OnFlush != nil {
		b.produced = append([]time.Time(nil), c.produced...)
		c.produced = c.produced[:0]
	}
	return b, nil
}

// write stores a sealed batch. It does not touch the consumer's state, so
// it runs without mu. A drain after SIGINT writes with the canceled
// context's values but not its cancellation: storing is the point of it.
func (c *consumer) write(ctx context.Context, b *batch) written {
	ctx = context.WithoutCancel(ctx)
	defer func() {
		for _, r := range b.recs {
			r.Release()
		}
	}()
	if c.cfg.DLQTopic != "" && len(b.dead) > 0 {
		if err := c.produceDLQ(ctx, b.dead); err != nil {
			return written{b: b, err: err}
		}
	}
	w := written{b: b, err: c.app.Append(ctx, b.recs, b.dead, b.pos), at: time.Now()}
	// Broker commits only inform lag tooling; the warehouse is authoritative.
	if w.err == nil && len(b.commit) > 0 {
		w.commitErr = c.cl.CommitRecords(ctx, b.commit...)
	}
	return w
}

// settle applies a written batch's outcome. Called with mu held.
func (c *consumer) settle(ctx context.Context, w written) error {
	if errors.Is(w.err, warehouse.ErrPositionMoved) {
		// Another ingester stored these partitions meanwhile: drop what we
		// read and resume from what is stored.
		return c.resync(ctx)
	}
	if w.err != nil {
		return w.err
	}
	for _, p := range w.b.pos {
		c.stored[tp{p.Topic, p.Partition}] = p.Next
	}
	c.stats.Events += int64(w.b.events)
	c.stats.DeadLetters += int64(len(w.b.dead))
	c.stats.Flushes++
	if w.commitErr != nil {
		c.lastErr = fmt.Errorf("commit offsets to the group (informational): %w", w.commitErr)
	}
	if c.cfg.OnFlush != nil {
		c.cfg.OnFlush(w.b.produced, w.at)
	}
	return nil
}

// await waits for the batch in flight, if any, and settles it. Called with
// mu held.
func (c *consumer) await(ctx context.Context) error {
	if c.inflight == nil {
		return nil
	}
	w := <-c.inflight
	c.inflight = nil
	return c.settle(ctx, w)
}

// maxBufferFactor bounds how far the buffer grows past FlushRows while a
// batch is being written (memory: about 250 bytes per buffered event).
const maxBufferFactor = 6

// writing reports whether a batch is still being written; a finished one
// is settled. Called with mu held.
func (c *consumer) writing(ctx context.Context) (bool, error) {
	if c.inflight == nil {
		return false, nil
	}
	select {
	case w := <-c.inflight:
		c.inflight = nil
		return false, c.settle(ctx, w)
	default:
		return true, nil
	}
}

// flushAsync seals the buffer and writes it in the background once the
// previous batch is stored. Called with mu held.
func (c *consumer) flushAsync(ctx context.Context) error {
	if err := c.await(ctx); err != nil {
		return err
	}
	b, err := c.seal()
	if err != nil || b == nil {
		return err
	}
	ch := make(chan written, 1)
	go func() { ch <- c.write(ctx, b) }()
	c.inflight = ch
	return nil
}

// flush stores everything read so far and returns once it is stored.
// Called with mu held.
func (c *consumer) flush(ctx context.Context) error {
	if err := c.await(ctx); err != nil {
		return err
	}
	b, err := c.seal()
	if err != nil || b == nil {
		return err
	}
	return c.settle(ctx, c.write(ctx, b))
}

func (c *consumer) produceDLQ(ctx context.Context, dead []warehouse.DeadLetter) error {
	recs := make([]*kgo.Record, len(dead))
	for i, d := range dead {
		recs[i] = &kgo.Record{Topic: c.cfg.DLQTopic, Key: d.Key, Value: d.Value, Headers: []kgo.RecordHeader{
			{Key: "pmx-topic", Value: []byte(d.Topic)},
			{Key: "pmx-partition", Value: []byte(strconv.Itoa(int(d.Partition)))},
			{Key: "pmx-offset", Value: []byte(strconv.FormatInt(d.Offset, 10))},
			{Key: "pmx-reason", Value: []byte(d.Reason)},
		}}
	}
	if err := c.cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return fmt.Errorf("dead-letter topic %s: %w", c.cfg.DLQTopic, err)
	}
	return nil
}

// dropBuffer forgets everything read since the last flush and rewinds the
// read positions to the stored ones (the partitions are then re-read from
// there). Called with mu held.
func (c *consumer) dropBuffer() {
	c.builder.Flush() // hand the partial batch to the sink so it is released below
	for _, r := range c.sink.recs {
		r.Release()
	}
	c.sink.recs, c.buffered, c.dead, c.produced = nil, 0, nil, c.produced[:0]
	seek := map[string]map[int32]kgo.EpochOffset{}
	for k := range c.assigned {
		c.expected[k] = c.stored[k]
		next := c.stored[k]
		if next == warehouse.NoPosition {
			next = c.start[k]
		}
		c.pos[k] = next
		if seek[k.topic] == nil {
			seek[k.topic] = map[int32]kgo.EpochOffset{}
		}
		seek[k.topic][k.partition] = kgo.EpochOffset{Epoch: -1, Offset: next}
	}
	c.cl.SetOffsets(seek)
}

// resync discards the buffer and seeks every assigned partition to its
// stored offset. Called with mu held.
func (c *consumer) resync(ctx context.Context) error {
	c.builder.Flush()
	for _, r := range c.sink.recs {
		r.Release()
	}
	c.sink.recs, c.buffered, c.dead, c.produced = nil, 0, nil, c.produced[:0]
	seek := map[string]map[int32]kgo.EpochOffset{}
	for _, t := range c.cfg.Topics {
		stored, err := c.app.Positions(ctx, t)
		if err != nil {
			return err
		}
		for k := range c.assigned {
			if k.topic != t {
				continue
			}
			next, ok := stored[k.partition]
			if !ok {
				next = c.start[k]
				c.stored[k] = warehouse.NoPosition
			} else {
				c.stored[k] = next
			}
			c.expected[k] = c.stored[k]
			c.pos[k] = next
			if seek[t] == nil {
				seek[t] = map[int32]kgo.EpochOffset{}
			}
			seek[t][k.partition] = kgo.EpochOffset{Epoch: -1, Offset: next}
		}
	}
	c.cl.SetOffsets(seek)
	return nil
}

func (c *consumer) snapshot() Stats {
	s := c.stats
	if c.lastErr != nil {
		s.LastError = c.lastErr.Error()
	}
	s.Seconds = time.Since(c.began).Seconds()
	if s.Seconds > 0 {
		s.EventsPerS = float64(s.Events) / s.Seconds
	}
	s.Lag, s.Positions = map[string]map[int32]int64{}, map[string]map[int32]int64{}
	for k := range c.assigned {
		if s.Positions[k.topic] == nil {
			s.Positions[k.topic], s.Lag[k.topic] = map[int32]int64{}, map[int32]int64{}
		}
		next := c.stored[k]
		if next == warehouse.NoPosition {
			next = c.start[k]
		}
		s.Positions[k.topic][k.partition] = next
		if end, ok := c.end[k]; ok {
			s.Lag[k.topic][k.partition] = max(0, end-next)
		}
	}
	return s
}
