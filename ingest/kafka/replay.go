package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// ReplayConfig describes one replay of a stored log onto a topic.
type ReplayConfig struct {
	Brokers []string
	Topic   string // must exist
	Log     string // warehouse log to publish

	// Speed 0 publishes as fast as the brokers accept (batched, asynchronous).
	// Speed X > 0 keeps the log's pace scaled by X: the gap between two
	// events' timestamps is divided by X (3600 = an hour of log per second).
	Speed float64

	ClientID string      // default "pmx-replay"
	TLS      *tls.Config // nil = plaintext
	SASL     sasl.Mechanism

	// Progress, when set, is called about every ProgressInterval (default
	// 5s) and once at the end.
	Progress         func(ReplayStats)
	ProgressInterval time.Duration
}

// ReplayStats are the figures of a replay (the JSON of `pmx replay --json`).
type ReplayStats struct {
	Log        string  `json:"log"`
	Topic      string  `json:"topic"`
	Events     int64   `json:"events"` // acknowledged by the brokers
	Bytes      int64   `json:"bytes"`  // message values acknowledged
	Seconds    float64 `json:"seconds"`
	EventsPerS float64 `json:"events_per_second"`
	// FirstEvent and LastEvent bound the log time published (RFC 3339).
	FirstEvent string `json:"first_event,omitempty"`
	LastEvent  string `json:"last_event,omitempty"`
	// Complete is false when the replay was interrupted (ctx canceled).
	Complete bool `json:"complete"`
}

// Replay publishes the events of a warehouse log onto a topic in time order
// (ts, then seq), one JSON message per stored event row, keyed by case id so
// that the default partitioner keeps each case's events in order in one
// partition. Messages use the XES keys the ingester reads by default
// (case:concept:name, concept:name, time:timestamp in RFC 3339 UTC with
// microseconds, org:resource, lifecycle:transition, start_timestamp) plus
// every attribute of the row's attrs at top level, so `pmx ingest kafka`
// rebuilds the same log.
//
// Delivery is at least once per message (idempotent producer, acks from all
// in-sync replicas); Replay fails at the first message the brokers reject.
// Canceling ctx stops publishing, waits briefly for what is in flight and
// returns the figures with Complete false and no error.
func Replay(ctx context.Context, w *warehouse.Warehouse, cfg ReplayConfig) (ReplayStats, error) {
	st := ReplayStats{Log: cfg.Log, Topic: cfg.Topic}
	switch {
	case len(cfg.Brokers) == 0:
		return st, errors.New("replay: no brokers")
	case cfg.Topic == "":
		return st, errors.New("replay: no topic")
	case cfg.Log == "":
		return st, errors.New("replay: no log name")
	case cfg.Speed < 0 || math.IsNaN(cfg.Speed) || math.IsInf(cfg.Speed, 0):
		return st, fmt.Errorf("replay: speed %v: want 0 (as fast as possible) or a positive factor", cfg.Speed)
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "pmx-replay"
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = 5 * time.Second
	}
	if _, err := w.LogID(ctx, cfg.Log); err != nil {
		return st, err
	}
	watch := newConnWatch(cfg.TLS, cfg.SASL)
	opts := []kgo.Opt{kgo.SeedBrokers(cfg.Brokers...), kgo.ClientID(cfg.ClientID), kgo.DefaultProduceTopic(cfg.Topic),
		kgo.WithHooks(watch)}
	if cfg.Speed > 0 {
		// A paced replay sends each message when its time comes; lingering
		// to fill batches would only add latency.
		opts = append(opts, kgo.ProducerLinger(0))
	}
	if cfg.TLS != nil {
		opts = append(opts, kgo.DialTLSConfig(cfg.TLS))
	}
	if cfg.SASL != nil {
		opts = append(opts, kgo.SASL(cfg.SASL))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return st, fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	if err := topicExists(ctx, kadm.NewClient(cl), watch, cfg); err != nil {
		if ctx.Err() != nil {
			return st, nil // interrupted before the first message
		}
		return st, err
	}
	r := &replayer{ctx: ctx, cfg: cfg, cl: cl, began: time.Now(), lastProgress: time.Now(), st: st}
	scanErr := w.ScanEvents(ctx, cfg.Log, r.publish)
	// Deliver what is already handed to the client, also after a cancel:
	// the figures then count every message that reached the topic.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	flushErr := cl.Flush(fctx)
	cancel()
	s := r.snapshot()
	s.Complete = scanErr == nil && flushErr == nil && r.firstErr() == nil
	if cfg.Progress != nil {
		cfg.Progress(s)
	}
	switch {
	case r.firstErr() != nil:
		return s, fmt.Errorf("publish to %s: %w", cfg.Topic, r.firstErr())
	case ctx.Err() != nil:
		return s, nil // interrupted: a normal end, the figures say how far it got
	case scanErr != nil:
		return s, scanErr
	case flushErr != nil:
		return s, fmt.Errorf("publish to %s: %w", cfg.Topic, flushErr)
	}
	return s, nil
}

// topicExists fails early (within failFast), with the broker and the
// cause, instead of letting every record time out on an unknown topic,
// wrong credentials or an untrusted certificate.
func topicExists(ctx context.Context, adm *kadm.Client, watch *connWatch, cfg ReplayConfig) error {
	tctx, cancel := context.WithTimeout(ctx, failFast)
	defer cancel()
	td, err := adm.ListTopics(tctx, cfg.Topic)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("replay: %w", watch.startErr(cfg.Brokers, err))
	}
	d, ok := td[cfg.Topic]
	if !ok || d.Err != nil {
		if ok && !errors.Is(d.Err, kerr.UnknownTopicOrPartition) {
			return fmt.Errorf("replay: topic %s: %w", cfg.Topic, d.Err)
		}
		return fmt.Errorf("replay: topic %s does not exist (create it first)", cfg.Topic)
	}
	return nil
}

type replayer struct {
	ctx context.Context
	cfg ReplayConfig
	cl  *kgo.Client

	// Set by the produce callbacks, which franz-go runs on its goroutines.
	acked, ackedBytes atomic.Int64
	errOnce           sync.Once
	err               atomic.Pointer[error]

	began, lastProgress time.Time
	st                  ReplayStats
	n                   int64
	first, last         int64 // log time (µs) of the first and latest event published
	slab                []byte
	scratch             []byte
}

func (r *replayer) firstErr() error {
	if p := r.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (r *replayer) snapshot() ReplayStats {
	s := r.st
	s.Events, s.Bytes = r.acked.Load(), r.ackedBytes.Load()
	s.Seconds = time.Since(r.began).Seconds()
	if s.Seconds > 0 {
		s.EventsPerS = float64(s.Events) / s.Seconds
	}
	if r.n > 0 {
		s.FirstEvent = time.UnixMicro(r.first).UTC().Format(time.RFC3339)
		s.LastEvent = time.UnixMicro(r.last).UTC().Format(time.RFC3339)
	}
	return s
}

// slabSize is the arena messages are carved from: one allocation per
// thousands of messages instead of two per message. A slab is freed once
// every record carved from it is acknowledged.
const slabSize = 1 << 20

func carve[T string | []byte](slab *[]byte, b T) []byte {
	if cap(*slab)-len(*slab) < len(b) {
		*slab = make([]byte, 0, max(slabSize, len(b)))
	}
	n := len(*slab)
	*slab = append(*slab, b...)
	return (*slab)[n:len(*slab):len(*slab)]
}

func (r *replayer) publish(rec arrow.Record) error {
	cols, err := replayColumns(rec)
	if err != nil {
		return err
	}
	promise := func(rec *kgo.Record, err error) {
		if err != nil && r.ctx.Err() != nil {
			return // failed by our cancel: not sent, not counted, not an error
		}
		if err != nil {
			r.errOnce.Do(func() { r.err.Store(&err) })
			return
		}
		r.acked.Add(1)
		r.ackedBytes.Add(int64(len(rec.Value)))
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		if err := r.firstErr(); err != nil {
			return err
		}
		ts := int64(cols.ts.Value(i))
		if r.n == 0 {
			r.first = ts
		}
		if err := r.pace(ts); err != nil {
			return err
		}
		if r.scratch, err = cols.appendMessage(r.scratch[:0], i); err != nil {
			return err
		}
		msg := &kgo.Record{Key: carve(&r.slab, cols.cases.Value(i)), Value: carve(&r.slab, r.scratch)}
		// Produce blocks while the client buffers its maximum of records:
		// that is the backpressure that bounds memory at full speed.
		r.cl.Produce(r.ctx, msg, promise)
		r.n++
		r.last = ts
		if r.n%4096 == 0 || r.cfg.Speed > 0 {
			r.progress()
		}
	}
	return nil
}

// pace sleeps until an event's time comes in a time-scaled replay. The
// schedule is absolute (first event's wall time plus scaled log time), so
// sleeps that overshoot do not accumulate drift.
func (r *replayer) pace(ts int64) error {
	if r.cfg.Speed == 0 {
		return nil
	}
	due := r.began.Add(time.Duration(float64(ts-r.first) * 1e3 / r.cfg.Speed))
	d := time.Until(due)
	if d < time.Millisecond {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
}

func (r *replayer) progress() {
	if r.cfg.Progress == nil || time.Since(r.lastProgress) < r.cfg.ProgressInterval {
		return
	}
	r.lastProgress = time.Now()
	r.cfg.Progress(r.snapshot())
}

// replayCols are the typed columns of one event.Schema record.
type replayCols struct {
	cases, acts, res, lcs, attrs *array.String
	ts, start                    *array.Timestamp
	seq                          *array.Int64
}

func replayColumns(rec arrow.Record) (replayCols, error) {
	var c replayCols
	var ok [8]bool
	c.cases, ok[0] = rec.Column(event.ColCase).(*array.String)
	c.acts, ok[1] = rec.Column(event.ColActivity).(*array.String)
	c.ts, ok[2] = rec.Column(event.ColTime).(*array.Timestamp)
	c.start, ok[3] = rec.Column(event.ColStart).(*array.Timestamp)
	c.res, ok[4] = rec.Column(event.ColResource).(*array.String)
	c.lcs, ok[5] = rec.Column(event.ColLifecycle).(*array.String)
	c.seq, ok[6] = rec.Column(event.ColSeq).(*array.Int64)
	c.attrs, ok[7] = rec.Column(event.ColAttrs).(*array.String)
	for _, b := range ok {
		if !b {
			return c, fmt.Errorf("replay: record is not of event.Schema: %s", rec.Schema())
		}
	}
	return c, nil
}

// canonical are the message keys of the event columns; an attribute of the
// same name is dropped (the column is what the log says).
var canonical = map[string]bool{"case:concept:name": true, "concept:name": true, "time:timestamp": true,
	"start_timestamp": true, "org:resource": true, "lifecycle:transition": true}

// aliasOf maps the other field names the ingester's DefaultMapping reads to
// the canonical key of their role. Such an attribute on an event whose
// column is NULL gets the canonical key as an explicit null first, so the
// ingester keeps it an attribute instead of reading it as the column.
var aliasOf = func() map[string]string {
	m := map[string]string{}
	d := DefaultMapping
	for _, names := range [][]string{d.Case, d.Activity, d.Time, d.Start, d.Resource, d.Lifecycle} {
		for _, n := range names[1:] {
			m[n] = names[0]
		}
	}
	return m
}()

const replayTime = "2006-01-02T15:04:05.000000Z07:00"

// appendMessage appends the JSON message of row i.
func (c *replayCols) appendMessage(dst []byte, i int) ([]byte, error) {
	dst = append(dst, `{"case:concept:name":`...)
	dst = event.AppendString(dst, c.cases.Value(i))
	dst = append(dst, `,"concept:name":`...)
	dst = event.AppendString(dst, c.acts.Value(i))
	dst = append(dst, `,"time:timestamp":"`...)
	dst = time.UnixMicro(int64(c.ts.Value(i))).UTC().AppendFormat(dst, replayTime)
	dst = append(dst, '"')
	var present [3]bool // start_timestamp, org:resource, lifecycle:transition
	if present[0] = c.start.IsValid(i); present[0] {
		dst = append(dst, `,"start_timestamp":"`...)
		dst = time.UnixMicro(int64(c.start.Value(i))).UTC().AppendFormat(dst, replayTime)
		dst = append(dst, '"')
	}
	if present[1] = c.res.IsValid(i); present[1] {
		dst = append(dst, `,"org:resource":`...)
		dst = event.AppendString(dst, c.res.Value(i))
	}
	if present[2] = c.lcs.IsValid(i); present[2] {
		dst = append(dst, `,"lifecycle:transition":`...)
		dst = event.AppendString(dst, c.lcs.Value(i))
	}
	if c.attrs.IsValid(i) {
		var err error
		dst, err = appendMembers(dst, c.attrs.Value(i), &present)
		if err != nil {
			return dst, fmt.Errorf("replay: event seq %d: attrs: %w", c.seq.Value(i), err)
		}
	}
	return append(dst, '}'), nil
}

// appendMembers appends the members of the JSON object obj (each after a
// comma), values verbatim, skipping canonical keys. It walks obj with the
// decoder's scanner rather than decoding it: no map, no re-encoding.
func appendMembers(dst []byte, obj string, present *[3]bool) ([]byte, error) {
	var scratch []byte
	err := scanObject([]byte(obj), &scratch, func(key, _, raw []byte) error {
		if canonical[string(key)] {
			return nil
		}
		if canon, ok := aliasOf[string(key)]; ok {
			for j, k := range [3]string{"start_timestamp", "org:resource", "lifecycle:transition"} {
				if canon == k && !present[j] {
					dst = append(append(append(dst, `,"`...), k...), `":null`...)
					present[j] = true
				}
			}
		}
		dst = event.AppendString(append(dst, ','), string(key))
		dst = append(append(dst, ':'), raw...)
		return nil
	})
	return dst, err
}
