package warehouse

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/pmx-dev/pmx/ingest/event"
)

// BenchmarkAppend isolates the warehouse half of Kafka ingestion: 1M
// events shaped like BenchmarkIngest's messages (7 attributes each), in
// records of at most RowGroupRows rows as the consumer builds them,
// appended into a DuckDB file in batches of the given size, one
// transaction per batch with Run's settings, then one CHECKPOINT. events/s
// is the ceiling Run can reach with decoding free. Batches below a row
// group go through the write-ahead log and are compressed at the
// checkpoint; batches of whole row groups (Run's while catching up) are
// written once, which the 1M batch, one transaction, also shows.
func BenchmarkAppend(b *testing.B) {
	const n = 1_000_000
	for _, batchRows := range []int{20_000, 100_000, 2 * RowGroupRows, 1_000_000} {
		b.Run(fmt.Sprintf("batch=%d", batchRows), func(b *testing.B) {
			ctx := context.Background()
			for it := 0; it < b.N; it++ {
				b.StopTimer()
				w, err := Open(ctx, filepath.Join(b.TempDir(), "w.duckdb"))
				if err != nil {
					b.Fatal(err)
				}
				a, err := w.OpenAppender(ctx, "bench", "kafka://bench", "kafka")
				if err != nil {
					b.Fatal(err)
				}
				// As kafka.Run does: one checkpoint at the end, not one per
				// 16 MB, and a DuckDB thread per whole row group of a batch.
				var threads int
				if err := w.DB().QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&threads); err != nil {
					b.Fatal(err)
				}
				threads = max(1, min(threads, batchRows/RowGroupRows))
				if _, err := w.DB().ExecContext(ctx, fmt.Sprintf(`SET checkpoint_threshold = '1GB'; SET threads = %d`, threads)); err != nil {
					b.Fatal(err)
				}
				batches := benchAppendBatches(b, a, n, batchRows)
				b.StartTimer()
				start := time.Now()
				for i, recs := range batches {
					pos := []Position{{"bench", 0, int64(i * batchRows), int64((i + 1) * batchRows)}}
					if i == 0 {
						pos[0].Prev = NoPosition
					}
					if err := a.Append(ctx, recs, nil, pos); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := w.DB().ExecContext(ctx, `CHECKPOINT`); err != nil {
					b.Fatal(err)
				}
				el := time.Since(start)
				b.StopTimer()
				for _, recs := range batches {
					for _, r := range recs {
						r.Release()
					}
				}
				w.Close()
				b.ReportMetric(n/el.Seconds(), "events/s")
				b.StartTimer()
			}
		})
	}
}

func benchAppendBatches(b *testing.B, a *Appender, n, batchRows int) [][]arrow.Record {
	acts := [...]string{"Register request", "Check credit", "Examine casually", "Examine thoroughly", "Check ticket",
		"Decide", "Reinitiate request", "Pay compensation", "Reject request", "Archive"}
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC).UnixMicro()
	var out [][]arrow.Record
	var o event.Object
	for from := 0; from < n; from += batchRows {
		s := &recSink{}
		bl := event.NewBuilder(s, min(batchRows, RowGroupRows))
		for i := from; i < from+batchRows && i < n; i++ {
			c := i%10_000 + i/100_000*10_000
			o.Reset()
			o.Raw("amount", fmt.Appendf(nil, "%d.%02d", i%5000, i%100))
			o.String("channel", [...]string{"web", "phone", "branch"}[i%3])
			o.Raw("priority", fmt.Appendf(nil, "%d", i%4))
			o.String("region", "EMEA-north")
			o.Raw("uid", fmt.Appendf(nil, "%d", i))
			e := event.Event{Case: fmt.Sprintf("case-%07d", c), Activity: acts[i/10_000%10], Time: t0 + int64(i)*100_000,
				Start: event.NoTime, Resource: fmt.Sprintf("clerk-%02d", i*7%50), Lifecycle: "complete", Seq: a.NextSeq(),
				Attrs: o.Bytes()}
			if err := bl.Append(&e); err != nil {
				b.Fatal(err)
			}
		}
		if err := bl.Flush(); err != nil {
			b.Fatal(err)
		}
		bl.Release()
		out = append(out, s.recs)
	}
	return out
}
