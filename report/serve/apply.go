package serve

import (
	"context"
	"errors"
	"sync"

	"github.com/pmx-dev/pmx/analysis/live"
)

// applyQueueMax is how many committed batches may wait for the live state
// before the ingester waits: enough to overlap applying one batch with
// reading and writing the next, few enough to bound the memory the
// batches hold (each is a copy of up to a row group of events).
const applyQueueMax = 4

// applyQueue applies a live log's committed batches to its state, in
// commit order, on a goroutine of its own: the ingester hands a batch over
// and writes the next one meanwhile instead of waiting under WriteLock
// (applying a row group of events to the state, with its SLA clocks, takes
// a good part of what writing it to DuckDB takes). The goroutine runs
// while batches wait and ends when none does.
type applyQueue struct {
	mu      sync.Mutex
	cond    sync.Cond // L is &mu: signalled when a batch leaves or the queue goes idle
	batches []live.Batch
	running bool
	err     error // an apply's error not yet reported to a caller
}

func (q *applyQueue) init() { q.cond.L = &q.mu }

// idle waits until every batch handed over is applied.
func (q *applyQueue) idle() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.running {
		q.cond.Wait()
	}
}

// hand queues b for m's state and starts the queue's goroutine if it is not
// running; with wait it returns once b is applied. The error is the first
// an apply met since the last call reported one: an apply after the call
// returned reports to the next call (OnCommit's errors are informational:
// the batch is stored either way).
func (s *Server) hand(ctx context.Context, m *monitor, b live.Batch, wait bool) error {
	q := &m.q
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.batches) >= applyQueueMax {
		q.cond.Wait()
	}
	q.batches = append(q.batches, b)
	if !q.running {
		q.running = true
		go s.drain(context.WithoutCancel(ctx), m)
	}
	for wait && q.running {
		q.cond.Wait()
	}
	err := q.err
	q.err = nil
	return err
}

// drain applies the queued batches until none is left.
func (s *Server) drain(ctx context.Context, m *monitor) {
	q := &m.q
	q.mu.Lock()
	for len(q.batches) > 0 {
		b := q.batches[0]
		q.batches[0] = live.Batch{}
		q.batches = q.batches[1:]
		q.cond.Broadcast()
		q.mu.Unlock()
		err := s.applyBatch(ctx, m, b)
		q.mu.Lock()
		if err != nil {
			s.o.Logger.Error("applying a committed batch to the live state", "log", m.name, "events", len(b.Events), "err", err)
			q.err = errors.Join(q.err, err)
		}
	}
	q.running = false
	q.cond.Broadcast()
	q.mu.Unlock()
}

// applyBatch applies one committed batch to the log's state: the counts,
// clocks and feed, the alerts' records (the webhook is sent from
// elsewhere) and a note for the pages.
func (s *Server) applyBatch(ctx context.Context, m *monitor, b live.Batch) error {
	alerts, err := m.state().Apply(b)
	if err != nil {
		return err
	}
	m.version.Add(1)
	m.clockMu.Lock()
	if now := m.state().Now(); now > m.lastEvent {
		m.lastEvent, m.seenAt = now, s.o.Now()
	}
	m.changed = true
	m.clockMu.Unlock()
	s.raise(ctx, alerts)
	return nil
}
