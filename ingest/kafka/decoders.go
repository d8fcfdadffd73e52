package kafka

import (
	"hash/fnv"
	"runtime"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Partitions are decoded in parallel: each belongs to one of a few
// decoders (one per core, at most maxDecoders), which the poll loop runs
// side by side on what a poll brought, each into chunks of its own. A
// partition's messages stay in order because one decoder reads them all;
// the loop merges what the decoders did (read positions, closed chunks)
// once they are done, so nothing they share is written concurrently but
// the event numbering (Appender.NextSeq, atomic).
//
// On two cores DuckDB writes on one while a batch is in flight, so the
// decoders share the other; they use both while DuckDB waits (the first
// row group of a run, a commit's I/O).

const maxDecoders = 4

type decodeWorker struct {
	dec     *decoder
	sink    *recordSink
	builder *event.Builder
	open    *chunk   // the chunk being read into
	closed  []*chunk // chunks closed in this poll
	events  int      // events added in this poll
	err     error
	jobs    []job
}

// job is one partition's records of a poll.
type job struct {
	k    tp
	pos  int64 // read position before, valid if has
	has  bool
	recs []*kgo.Record
}

// decoderCount is how many decoders a Run has: one per core, at most
// maxDecoders.
func decoderCount() int { return min(runtime.GOMAXPROCS(0), maxDecoders) }

func newDecoders(c *consumer, n int) []*decodeWorker {
	ws := make([]*decodeWorker, n)
	for i := range ws {
		w := &decodeWorker{dec: newDecoder(c.cfg.Mapping), sink: &recordSink{}, open: newChunk()}
		w.builder = event.NewBuilder(w.sink, c.groupRows())
		ws[i] = w
	}
	return ws
}

// decoderOf is the decoder that reads partition k: a topic's partitions go
// round the decoders in turn, from a place its name decides.
func (c *consumer) decoderOf(k tp) *decodeWorker {
	h := fnv.New32a()
	h.Write([]byte(k.topic))
	return c.decoders[(uint64(h.Sum32())+uint64(k.partition))%uint64(len(c.decoders))]
}

// decodePoll decodes what a poll brought into the buffer. Called with mu
// held; the decoders touch only their own state.
func (c *consumer) decodePoll(fetches kgo.Fetches) {
	busy := 0
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		k := tp{p.Topic, p.Partition}
		if len(p.Records) == 0 || !c.assigned[k] {
			return // revoked while this fetch was in flight: its new owner reads it
		}
		w := c.decoderOf(k)
		if len(w.jobs) == 0 {
			busy++
		}
		pos, has := c.pos[k]
		w.jobs = append(w.jobs, job{k: k, pos: pos, has: has, recs: p.Records})
	})
	var wg sync.WaitGroup
	for _, w := range c.decoders {
		if len(w.jobs) == 0 {
			continue
		}
		if busy--; busy == 0 {
			w.run(c) // the last one on this goroutine
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(c)
		}()
	}
	wg.Wait()
	for _, w := range c.decoders {
		for _, j := range w.jobs {
			if j.has {
				c.pos[j.k] = j.pos
			}
		}
		c.chunks = append(c.chunks, w.closed...)
		c.buffered += w.events
		if w.err != nil {
			c.lastErr = w.err
		}
		clear(w.jobs)
		w.jobs, w.closed, w.events, w.err = w.jobs[:0], nil, 0, nil
	}
}

// run decodes the decoder's jobs, leaving each job's read position after
// it in the job.
func (w *decodeWorker) run(c *consumer) {
	for i := range w.jobs {
		j := &w.jobs[i]
		// A partition twice in one poll (fetches from two brokers around
		// a leader change) continues where its first job ended.
		for _, prev := range w.jobs[:i] {
			if prev.k == j.k && prev.has {
				j.pos, j.has = prev.pos, true
			}
		}
		var last *kgo.Record
		for _, r := range j.recs {
			if j.has && r.Offset < j.pos {
				continue // already buffered or stored (a fetch that raced a reset)
			}
			full := w.add(c, r)
			j.pos, j.has, last = r.Offset+1, true, r
			if full {
				w.closeChunk(j.k, j.pos, last)
				last = nil
			}
		}
		if last != nil {
			w.open.pos[j.k], w.open.last[j.k] = j.pos, last
		}
	}
}

// add buffers message r: its event, or its dead letter. It reports whether
// r completed a chunk.
func (w *decodeWorker) add(c *consumer, r *kgo.Record) bool {
	var e event.Event
	if err := w.dec.decode(r.Value, &e); err != nil {
		w.open.dead = append(w.open.dead, warehouse.DeadLetter{Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
			Key: r.Key, Value: r.Value, Reason: err.Error()})
	} else {
		e.Seq = c.app.NextSeq()
		if err := w.builder.Append(&e); err != nil {
			w.err = err
		}
		w.events++
		if k := (tp{r.Topic, r.Partition}); e.Time > w.open.maxTS[k] {
			w.open.maxTS[k] = e.Time
		}
	}
	if c.cfg.OnFlush != nil {
		w.open.produced = append(w.open.produced, r.Timestamp)
	}
	if w.open.opened.IsZero() {
		w.open.opened = time.Now()
	}
	return w.sink.full != nil
}

// closeChunk closes the open chunk with the record the builder completed,
// its read positions being advanced to pos/last for partition k.
func (w *decodeWorker) closeChunk(k tp, pos int64, last *kgo.Record) {
	w.open.pos[k], w.open.last[k] = pos, last
	w.open.rec = w.sink.take()
	w.closed = append(w.closed, w.open)
	w.open = newChunk()
}

// takeOpen closes the open chunk as it is (its record partly filled, or
// nil) and returns it.
func (w *decodeWorker) takeOpen() (*chunk, error) {
	if err := w.builder.Flush(); err != nil {
		return nil, err
	}
	ch := w.open
	ch.rec = w.sink.take()
	w.open = newChunk()
	return ch, nil
}
