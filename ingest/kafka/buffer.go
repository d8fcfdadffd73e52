package kafka

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// The buffer holds what has been read but not yet sealed into a batch, as
// chunks: a closed chunk is one record of a decoder's builder, exactly a
// DuckDB row group of events (warehouse.RowGroupRows), with the dead
// letters and read positions that came along; each decoder's open chunk is
// the record it is building (decoders.go).
//
// While the consumer catches up it seals closed chunks only, an even number
// where there are more than one (settings.go), so that every batch is whole
// row groups, which DuckDB writes once, compressed, instead of through its
// write-ahead log and again at the checkpoint; the rest waits for the next
// batch. A batch that is due with no closed chunk (a stream slower than a
// row group per flush) takes everything.

type chunk struct {
	rec      arrow.Record // the chunk's events, nil when it has none
	dead     []warehouse.DeadLetter
	pos      map[tp]int64       // next offset after the chunk, per partition it read
	last     map[tp]*kgo.Record // the last record of each such partition (group commit)
	produced []time.Time        // record timestamps, only with OnFlush
	opened   time.Time          // when its first message was read (zero: none yet)
	maxTS    map[tp]int64       // latest event time (Unix µs) per partition read
}

func newChunk() *chunk {
	return &chunk{pos: map[tp]int64{}, last: map[tp]*kgo.Record{}, maxTS: map[tp]int64{}}
}

// recordSink takes the builder's records; the consumer closes the open
// chunk with each one.
type recordSink struct{ full arrow.Record }

func (s *recordSink) Events(r arrow.Record) error        { s.full = r; return nil }
func (s *recordSink) Cases(r arrow.Record) error         { r.Release(); return nil }
func (s *recordSink) Reject(int64, string, string) error { return nil }

func (s *recordSink) take() arrow.Record {
	r := s.full
	s.full = nil
	return r
}

// sealWhole reports whether a due flush must take everything, the decoders'
// open chunks too: when no chunk is closed and fewer than a row group's
// events are buffered (a slow stream), or when an open chunk has waited a
// flush interval (a slow partition whose decoder fills no chunk while the
// others do). ok is false when nothing should be sealed yet: no chunk is
// closed but one is about to (a row group's events are buffered, spread
// over the decoders).
func (c *consumer) sealWhole() (whole, ok bool) {
	for _, w := range c.decoders {
		if !w.open.opened.IsZero() && time.Since(w.open.opened) >= c.cfg.FlushInterval {
			return true, true
		}
	}
	if len(c.chunks) > 0 {
		return false, true
	}
	return true, c.buffered < c.groupRows() || c.buffered >= c.maxBuffered()
}

// groupRows is the number of events in a closed chunk.
func (c *consumer) groupRows() int {
	if c.cfg.groupRows > 0 {
		return c.cfg.groupRows
	}
	return warehouse.RowGroupRows
}

// seal takes the closed chunks (and with whole the open ones too) as a batch
// whose positions continue from the expected stored ones (the batch in
// flight's, if any). Called with mu held.
func (c *consumer) seal(whole bool) (*batch, error) {
	c.lastFlush = time.Now()
	take := c.chunks
	if !whole && len(take) > 1 && len(take)%2 == 1 {
		// An even number of row groups keeps both of DuckDB's threads busy
		// to the end (settings.go); the last one goes with the next batch.
		take = take[:len(take)-1]
	}
	next := map[tp]int64{}
	if whole {
		for _, w := range c.decoders {
			ch, err := w.takeOpen()
			if err != nil {
				return nil, err
			}
			take = append(take, ch)
		}
		// Every assigned partition's read position, also of partitions
		// nothing was read from since they were assigned (stored as they
		// are, e.g. a never-stored partition at its start offset).
		for k, p := range c.pos {
			next[k] = p
		}
	}
	if whole {
		c.chunks = nil
	} else {
		c.chunks = c.chunks[len(take):]
	}
	b := &batch{}
	last := map[tp]*kgo.Record{}
	for _, ch := range take {
		if ch.rec != nil {
			b.recs = append(b.recs, ch.rec)
			b.events += int(ch.rec.NumRows())
		}
		b.dead = append(b.dead, ch.dead...)
		b.produced = append(b.produced, ch.produced...)
		if !whole {
			for k, p := range ch.pos {
				next[k] = p
			}
		}
		for k, r := range ch.last {
			last[k] = r
		}
		for k, t := range ch.maxTS {
			if c.latest == nil {
				c.latest = map[tp]int64{}
			}
			c.latest[k] = max(c.latest[k], t)
		}
	}
	b.watermark = c.watermark()
	c.buffered -= b.events
	b.threads = 1
	if c.threads != nil {
		b.threads = threadsFor(b.events, c.groupRows(), c.threads.own)
	}
	for k, n := range next {
		if prev := c.expected[k]; n != prev {
			b.pos = append(b.pos, warehouse.Position{Topic: k.topic, Partition: k.partition, Prev: prev, Next: n})
			if r := last[k]; r != nil {
				b.commit = append(b.commit, r)
			}
			c.expected[k] = n
		}
	}
	if len(b.pos) == 0 && len(b.recs) == 0 && len(b.dead) == 0 {
		return nil, nil
	}
	return b, nil
}

// clearBuffer releases everything buffered. Called with mu held.
func (c *consumer) clearBuffer() {
	for _, w := range c.decoders {
		if ch, err := w.takeOpen(); err == nil {
			c.chunks = append(c.chunks, ch)
		}
	}
	for _, ch := range c.chunks {
		if ch.rec != nil {
			ch.rec.Release()
		}
	}
	c.chunks, c.buffered = nil, 0
}

// watermark is the latest event time every partition still catching up
// has reached: the minimum, over the assigned partitions read to before
// the end offset they had when assigned, of their latest event time; 0
// when none lags (or none of the lagging ones has given an event yet).
// While a backlog is read, partitions run at different points of event
// time; a consumer judging deadlines must not take the leading one's
// clock for all. Called with mu held.
func (c *consumer) watermark() int64 {
	var wm int64
	for k := range c.assigned {
		end, ok := c.end[k]
		if !ok || c.pos[k] >= end {
			continue
		}
		if t, ok := c.latest[k]; ok && (wm == 0 || t < wm) {
			wm = t
		}
	}
	return wm
}
