package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/pmx-dev/pmx/ingest/event"
)

// An import's events go in several INSERT statements, with the cases and
// rejects gathered so far between them: every case gets one row with its
// attributes, every reject is kept, and nothing is lost at the seams.
func TestImportInSegments(t *testing.T) {
	defer func(n int64) { importSegmentRows = n }(importSegmentRows)
	importSegmentRows = 5
	w := open(t)
	read := func(ctx context.Context, sink event.Sink) (event.Meta, error) {
		b := event.NewBuilder(sink, 2)
		defer b.Release()
		for i := range 60 {
			c := fmt.Sprintf("c%d", i/4)
			if i%4 == 0 {
				if err := b.AppendCase(c, fmt.Appendf(nil, `{"n":%d}`, i/4)); err != nil {
					return event.Meta{}, err
				}
			}
			if i%7 == 3 {
				if err := sink.Reject(int64(i+2), "bad", fmt.Sprint("row ", i)); err != nil {
					return event.Meta{}, err
				}
				continue
			}
			if err := b.Append(&event.Event{Case: c, Activity: "A", Time: t0 + int64(i)*60e6, Start: event.NoTime, Seq: int64(i)}); err != nil {
				return event.Meta{}, err
			}
		}
		return event.Meta{}, b.Flush()
	}
	info, err := w.Import(context.Background(), ImportOptions{Name: "seg", Source: "mem", Format: "test"}, read)
	if err != nil {
		t.Fatal(err)
	}
	var events, cases, distinct, rejects, withAttrs int
	db := w.DB()
	db.QueryRow(`SELECT count(*) FROM events`).Scan(&events)
	db.QueryRow(`SELECT count(*), count(DISTINCT case_no), count(*) FILTER (WHERE attrs->>'n' = substr(case_id, 2)) FROM cases`).Scan(&cases, &distinct, &withAttrs)
	db.QueryRow(`SELECT count(*) FROM rejects`).Scan(&rejects)
	if events != 51 || info.Events != 51 || cases != 15 || distinct != 15 || withAttrs != 15 || rejects != 9 || info.Rejects != 9 || info.Cases != 15 {
		t.Fatalf("events %d, cases %d (%d distinct, %d with their attributes), rejects %d; info %+v; want 51, 15, 9",
			events, cases, distinct, withAttrs, rejects, info)
	}
}

// While an import into a file runs, DuckDB writes each row group as it
// fills and keeps its cache small, and Go collects at 25 % heap growth;
// afterwards every setting is as it was.
func TestImportTunesAndRestoresSettings(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	settings := func() (limit, buffer string, gc int) {
		if err := w.DB().QueryRow(`SELECT current_setting('memory_limit'), current_setting('write_buffer_row_group_count')::VARCHAR`).Scan(&limit, &buffer); err != nil {
			t.Fatal(err)
		}
		gc = debug.SetGCPercent(-1)
		debug.SetGCPercent(gc)
		return limit, buffer, gc
	}
	limit, buffer, gc := settings()
	var during [3]any
	read := func(ctx context.Context, sink event.Sink) (event.Meta, error) {
		l, b, g := settings()
		during = [3]any{l, b, g}
		return reader([]ev{{"c", "A", 0, ""}}, nil)(ctx, sink)
	}
	if _, err := w.Import(ctx, ImportOptions{Name: "t", Source: "mem", Format: "test"}, read); err != nil {
		t.Fatal(err)
	}
	wantGC := 25
	if os.Getenv("GOGC") != "" {
		wantGC = gc
	}
	if during != [3]any{"256.0 MiB", "1", wantGC} {
		t.Errorf("during the import: memory_limit %v, write_buffer_row_group_count %v, GC %v", during[0], during[1], during[2])
	}
	if l, b, g := settings(); l != limit || b != buffer || g != gc {
		t.Errorf("after the import: %s, %s, %d; before: %s, %s, %d", l, b, g, limit, buffer, gc)
	}
}
