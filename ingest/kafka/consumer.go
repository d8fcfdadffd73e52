package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
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
