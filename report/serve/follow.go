package serve

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/analysis/live"
	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// CommittedRecords applies a batch an ingester committed, as it stored it:
// records of event.Schema and the dead letters, with the ingester's
// watermark (Unix µs, 0 none: see live.Batch.Watermark). It is the hook an
// in-process ingester calls after each commit (ingest/kafka's OnCommit),
// so the live state follows the stream without reading it back. It
// returns once the batch is copied and queued (see applyQueue); an error
// applying it is reported by a later call, and logged.
func (s *Server) CommittedRecords(ctx context.Context, log string, recs []arrow.Record, dead []warehouse.DeadLetter, watermark int64) error {
	b, err := BatchOf(recs, dead, s.o.Now())
	if err != nil {
		return fmt.Errorf("serve: log %q: %w", log, err)
	}
	b.Watermark = watermark
	return s.committed(ctx, log, b, false)
}

// BatchOf turns committed records of event.Schema and dead letters into
// the live state's batch; at is when the dead letters were stored.
func BatchOf(recs []arrow.Record, dead []warehouse.DeadLetter, at time.Time) (live.Batch, error) {
	n := 0
	for _, r := range recs {
		if !r.Schema().Equal(event.Schema) {
			return live.Batch{}, fmt.Errorf("records of schema %s, want the event schema", r.Schema())
		}
		n += int(r.NumRows())
	}
	b := live.Batch{Events: make([]live.Event, 0, n)}
	// Arrow's strings point into the records' buffers, which go back to
	// the ingester after the call: every string kept is copied, the few
	// distinct activities, resources and lifecycles once per batch, the
	// case ids in one copy of each record's case column (the live state
	// copies the id of a case it has not seen; the rest is garbage with
	// the batch).
	names := map[string]string{}
	name := func(v string) string {
		if c, ok := names[v]; ok {
			return c
		}
		c := strings.Clone(v)
		names[c] = c
		return c
	}
	for _, r := range recs {
		cs := r.Column(event.ColCase).(*array.String)
		act := r.Column(event.ColActivity).(*array.String)
		ts := r.Column(event.ColTime).(*array.Timestamp)
		st := r.Column(event.ColStart).(*array.Timestamp)
		res := r.Column(event.ColResource).(*array.String)
		lc := r.Column(event.ColLifecycle).(*array.String)
		ids, offs := string(cs.ValueBytes()), cs.ValueOffsets()
		for i := 0; i < int(r.NumRows()); i++ {
			e := live.Event{Case: ids[offs[i]-offs[0] : offs[i+1]-offs[0]], Activity: name(act.Value(i)), Time: int64(ts.Value(i))}
			if st.IsValid(i) {
				e.Start = int64(st.Value(i))
			}
			if res.IsValid(i) {
				e.Resource = name(res.Value(i))
			}
			if lc.IsValid(i) {
				e.Lifecycle = name(lc.Value(i))
			}
			b.Events = append(b.Events, e)
		}
	}
	for _, d := range dead {
		b.DeadLetters = append(b.DeadLetters, deadLetter(d, at))
	}
	return b, nil
}

// deadLetter is a stored dead letter as the live feed lists it: where it
// was read (topic/partition/offset) and why it could not be.
func deadLetter(d warehouse.DeadLetter, at time.Time) live.DeadLetter {
	return live.DeadLetter{Where: fmt.Sprintf("%s/%d/%d", d.Topic, d.Partition, d.Offset), Reason: d.Reason, At: at.UnixMicro()}
}
