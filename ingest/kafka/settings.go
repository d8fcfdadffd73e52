package kafka

import (
	"context"
	"fmt"
	"sync"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// runThreads is the number of DuckDB threads while Run decodes.
const runThreads = 1

// threadsHeld counts the Runs on each warehouse that hold its thread
// setting, and the setting to put back when the last one ends.
var threadsHeld = struct {
	sync.Mutex
	m map[*warehouse.Warehouse]*heldThreads
}{m: map[*warehouse.Warehouse]*heldThreads{}}

type heldThreads struct {
	runs int
	old  int64
}

// setThreads sets DuckDB's thread count for a Run and returns a function
// that lets go of it (once, however often it is called); the setting the
// warehouse had goes back when the last Run on it lets go.
func setThreads(ctx context.Context, w *warehouse.Warehouse, n int) (func(), error) {
	threadsHeld.Lock()
	defer threadsHeld.Unlock()
	h := threadsHeld.m[w]
	if h == nil {
		h = &heldThreads{}
		if err := w.DB().QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&h.old); err != nil {
			return nil, err
		}
		if _, err := w.DB().ExecContext(ctx, fmt.Sprintf(`SET threads = %d`, n)); err != nil {
			return nil, err
		}
		threadsHeld.m[w] = h
	}
	h.runs++
	var once sync.Once
	return func() {
		once.Do(func() {
			threadsHeld.Lock()
			defer threadsHeld.Unlock()
			if h.runs--; h.runs == 0 {
				delete(threadsHeld.m, w)
				w.DB().ExecContext(context.Background(), fmt.Sprintf(`SET threads = %d`, h.old))
			}
		})
	}, nil
}
