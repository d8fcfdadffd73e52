package kafka

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// adjust runs when partitions are assigned, before they are fetched: it
// replaces the group's committed offsets with the warehouse's, so
// consumption resumes exactly after the last stored batch. A partition the
// warehouse has never stored starts at the beginning of the log, whatever
// the group committed (the group may have been used with another warehouse).
func (c *consumer) adjust(ctx context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
	select {
	case <-c.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var topics []string
	for t := range offsets {
		topics = append(topics, t)
	}
	starts, err := c.adm.ListStartOffsets(ctx, topics...)
	if err != nil {
		return nil, fmt.Errorf("kafka: list start offsets: %w", err)
	}
	ends, err := c.adm.ListEndOffsets(ctx, topics...)
	if err != nil {
		return nil, fmt.Errorf("kafka: list end offsets: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for t, parts := range offsets {
		stored, err := c.app.Positions(ctx, t)
		if err != nil {
			return nil, err
		}
		for p := range parts {
			k := tp{t, p}
			if o, ok := starts.Lookup(t, p); ok && o.Err == nil {
				c.start[k] = o.Offset
			}
			if o, ok := ends.Lookup(t, p); ok && o.Err == nil {
				c.end[k] = o.Offset
			}
			if next, ok := stored[p]; ok {
				c.stored[k], c.expected[k], c.pos[k] = next, next, next
				parts[p] = kgo.NewOffset().At(next).WithEpoch(-1)
			} else {
				c.stored[k], c.expected[k], c.pos[k] = warehouse.NoPosition, warehouse.NoPosition, c.start[k]
				parts[p] = kgo.NewOffset().AtStart()
			}
		}
	}
	return offsets, nil
}

func (c *consumer) assignedCB(_ context.Context, _ *kgo.Client, assigned map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.joined = true
	c.changed = time.Now()
	for t, ps := range assigned {
		for _, p := range ps {
			c.assigned[tp{t, p}] = true
		}
	}
}

// revokedCB flushes before partitions go to another member: what this member
// read of them is stored with its offsets, so the new owner resumes exactly
// after it. (For lost partitions the flush may be fenced off by the new
// owner's progress; then nothing of it is stored, which is also exact.)
func (c *consumer) revokedCB(ctx context.Context, _ *kgo.Client, revoked map[string][]int32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.changed = time.Now()
	if err := c.flush(ctx); err != nil {
		// What we read of the revoked partitions must not be stored later
		// without its offset check: drop the whole buffer, resume the
		// partitions we keep from what is stored, and stop with the error.
		c.fatal = fmt.Errorf("flush on revoke: %w", err)
		c.dropBuffer()
	}
	for t, ps := range revoked {
		for _, p := range ps {
			k := tp{t, p}
			delete(c.assigned, k)
			delete(c.pos, k)
			delete(c.stored, k)
			delete(c.expected, k)
			delete(c.end, k)
		}
	}
}

// caughtUp reports whether every assigned partition has been read up to the
// high watermark it had when assigned (Run's final flush stores it).
//
// An empty assignment is not final while a cooperative rebalance moves
// partitions in steps, so it only counts once the assignment has been
// stable for a few poll intervals. Transaction markers occupy offsets but
// never arrive as records; when polls keep coming back empty the partitions
// are read as far as they can be.
func (c *consumer) caughtUp(context.Context) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	settle := 3 * c.cfg.FlushInterval
	if !c.joined || time.Since(c.changed) < settle && len(c.assigned) == 0 {
		return false, nil
	}
	if c.idle >= 3 && time.Since(c.changed) >= settle {
		return true, nil
	}
	for k := range c.assigned {
		end, ok := c.end[k]
		if !ok || c.pos[k] < end {
			return false, nil
		}
	}
	return true, nil
}
