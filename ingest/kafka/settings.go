package kafka

import (
	"context"
	"fmt"
	"sync"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// DuckDB's thread count is the database's, not a connection's: a Run leases
// it, sets it for each batch (threadsFor), and the warehouse gets its own
// setting back when the last Run on it ends.

// threadsFor is the number of DuckDB threads for a batch of the given
// events: one per whole row group it holds, at least one and at most the
// warehouse's own setting (limit). DuckDB hands each row group of an
// insert to one of its threads, and the calling thread, when it has none
// left, spins until the others are done: with two threads, a batch smaller
// than a row group spent a third of the CPU spinning (perf, 20k-event
// batches) on the core the decoders need. That is also why a batch that
// catches up is an even number of row groups where it can be (buffer.go).
func threadsFor(events, groupRows int, limit int64) int64 {
	return min(max(int64(events/groupRows), 1), limit)
}

var leases = struct {
	sync.Mutex
	m map[*warehouse.Warehouse]*threadLease
}{m: map[*warehouse.Warehouse]*threadLease{}}

// threadLease is the thread setting of a warehouse while Runs hold it.
type threadLease struct {
	w        *warehouse.Warehouse
	runs     int
	own, cur int64 // the warehouse's setting, and the one in force
}

// leaseThreads takes the lease of w's thread setting for a Run; release it
// (once, however often it is called) when the Run ends.
func leaseThreads(ctx context.Context, w *warehouse.Warehouse) (*threadLease, func(), error) {
	leases.Lock()
	defer leases.Unlock()
	l := leases.m[w]
	if l == nil {
		l = &threadLease{w: w}
		if err := w.DB().QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&l.own); err != nil {
			return nil, nil, err
		}
		l.cur = l.own
		leases.m[w] = l
	}
	l.runs++
	var once sync.Once
	return l, func() {
		once.Do(func() {
			leases.Lock()
			defer leases.Unlock()
			if l.runs--; l.runs == 0 {
				delete(leases.m, w)
				l.setLocked(l.own)
			}
		})
	}, nil
}

// set sets DuckDB's thread count to n (at most the warehouse's own).
func (l *threadLease) set(n int64) error {
	leases.Lock()
	defer leases.Unlock()
	return l.setLocked(min(n, l.own))
}

func (l *threadLease) setLocked(n int64) error {
	if n == l.cur {
		return nil
	}
	if _, err := l.w.DB().ExecContext(context.Background(), fmt.Sprintf(`SET threads = %d`, n)); err != nil {
		return err
	}
	l.cur = n
	return nil
}
