package kafka

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// A flush seals the buffer into a batch and writes it. The poll loop writes
// asynchronously: one batch is stored on its own goroutine while the next is
// decoded, so decoding and DuckDB's insert and commit overlap on two cores.
// Exactly once still holds: batches are written one at a time and in order,
// each stores its positions with a compare-and-set against the previous
// batch's, and any failure stops the chain (a later batch's check then fails
// and it is dropped, to be re-read from what is stored).

// batch is a sealed flush on its way to the warehouse.
type batch struct {
	recs      []arrow.Record
	dead      []warehouse.DeadLetter
	pos       []warehouse.Position
	commit    []*kgo.Record
	produced  []time.Time
	events    int
	threads   int64 // DuckDB threads to write it with
	watermark int64 // see consumer.watermark; Committed.Watermark
}

// written is a batch's outcome.
type written struct {
	b         *batch
	err       error
	commitErr error
	hookErr   error // OnCommit's: reported, the batch is stored
	at        time.Time
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
	if err := c.threads.set(b.threads); err != nil {
		return written{b: b, err: fmt.Errorf("kafka: %w", err)}
	}
	if l := c.cfg.WriteLock; l != nil {
		l.Lock()
		defer l.Unlock()
	}
	w := written{b: b, err: c.app.Append(ctx, b.recs, b.dead, b.pos), at: time.Now()}
	if w.err == nil && c.cfg.OnCommit != nil {
		if err := c.cfg.OnCommit(ctx, Committed{Log: c.cfg.Log, Events: b.recs, DeadLetters: b.dead, Watermark: b.watermark}); err != nil {
			w.hookErr = fmt.Errorf("after commit: %w", err)
		}
	}
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
	if w.hookErr != nil {
		c.lastErr = w.hookErr
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
// batch is being written (memory: about 200 bytes per buffered event).
const maxBufferFactor = 3

// maxBuffered is that bound, at least two row groups.
func (c *consumer) maxBuffered() int {
	return max(maxBufferFactor*c.cfg.FlushRows, 2*c.groupRows())
}

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

// flushAsync seals the buffer (its whole row groups, or with whole all of
// it) and writes it in the background once the previous batch is stored.
// Called with mu held.
func (c *consumer) flushAsync(ctx context.Context, whole bool) error {
	if err := c.await(ctx); err != nil {
		return err
	}
	b, err := c.seal(whole)
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
	b, err := c.seal(true)
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
	c.clearBuffer()
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
	c.clearBuffer()
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
