package kafka

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

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
	watch *connWatch
	// instance is the static group membership id, "" for a dynamic member.
	instance string
	threads  *threadLease // DuckDB's thread setting (settings.go)

	mu       sync.Mutex
	decoders []*decodeWorker // decoders.go
	chunks   []*chunk        // closed chunks (buffer.go)
	buffered int             // events in chunks and the decoders' open ones
	stored   map[tp]int64    // next offset stored in the warehouse (NoPosition: none)
	expected map[tp]int64    // stored once the batch in flight is: the Prev of the next batch
	inflight chan written    // the batch being written, nil when none
	pos      map[tp]int64    // next offset after what is buffered
	assigned map[tp]bool
	joined   bool
	start    map[tp]int64 // log start offsets, for never-read partitions
	end      map[tp]int64 // high watermarks when assigned (UntilCaughtUp, watermark)
	latest   map[tp]int64 // latest event time sealed per partition (watermark)
	lastErr  error
	fatal    error     // a failure inside a rebalance callback, returned by the poll loop
	idle     int       // consecutive polls that returned no record
	changed  time.Time // last assignment change

	stats      Stats
	began      time.Time
	lastFlush  time.Time
	fenceReset bool
}

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
	// Each batch is written with a DuckDB thread per whole row group it
	// holds (settings.go); the warehouse has its own setting back after Run.
	threads, release, err := leaseThreads(ctx, w)
	if err != nil {
		return Stats{}, fmt.Errorf("kafka: %w", err)
	}
	defer release()
	c := &consumer{cfg: cfg, app: app, threads: threads,
		stored: map[tp]int64{}, expected: map[tp]int64{}, pos: map[tp]int64{}, assigned: map[tp]bool{},
		start: map[tp]int64{}, end: map[tp]int64{}, latest: map[tp]int64{}, began: time.Now(), lastFlush: time.Now(), ready: make(chan struct{}),
		watch: newConnWatch(cfg.TLS, cfg.SASL), instance: instance}
	c.decoders = newDecoders(c, decoderCount())
	defer func() {
		for _, w := range c.decoders {
			w.builder.Release()
		}
	}()
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
		n := fetches.NumRecords()
		c.decodePoll(fetches)
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
			// Catching up, the buffer then holds whole row groups, and only
			// those are sealed (buffer.go).
			var busy bool
			whole, ok := c.sealWhole()
			if busy, err = c.writing(ctx); err == nil && ok && (!busy || c.buffered >= c.maxBuffered()) {
				err = c.flushAsync(ctx, whole)
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
