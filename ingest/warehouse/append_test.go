package warehouse

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/pmx-dev/pmx/ingest/event"
)

type recSink struct{ recs []arrow.Record }

func (s *recSink) Events(r arrow.Record) error        { s.recs = append(s.recs, r); return nil }
func (s *recSink) Cases(r arrow.Record) error         { r.Release(); return nil }
func (s *recSink) Reject(int64, string, string) error { return nil }

func batch(t *testing.T, a *Appender, evs []ev) []arrow.Record {
	t.Helper()
	s := &recSink{}
	b := event.NewBuilder(s, 0)
	defer b.Release()
	for _, e := range evs {
		x := event.Event{Case: e.c, Activity: e.a, Time: t0 + int64(e.min)*60e6, Start: event.NoTime, Lifecycle: e.lc, Seq: a.NextSeq()}
		if err := b.Append(&x); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	return s.recs
}

func TestAppenderBatchesPositionsAndRefresh(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.OpenAppender(ctx, "live", "kafka://t", "kafka")
	if err != nil {
		t.Fatal(err)
	}
	err = a.Append(ctx, batch(t, a, []ev{{"c1", "A", 0, ""}, {"c2", "A", 1, ""}}),
		[]DeadLetter{{Topic: "t", Partition: 0, Offset: 2, Value: []byte("{"), Reason: "bad json"}},
		[]Position{{"t", 0, NoPosition, 3}, {"t", 1, NoPosition, 0}})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()

	// A restarted ingester continues the log: same case numbers, later seqs.
	w, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	a, err = w.OpenAppender(ctx, "live", "kafka://t", "kafka")
	if err != nil {
		t.Fatal(err)
	}
	pos, err := a.Positions(ctx, "t")
	if err != nil || pos[0] != 3 || pos[1] != 0 || len(pos) != 2 {
		t.Fatalf("positions = %v, %v", pos, err)
	}
	// A writer that believes an older offset is stored is fenced off.
	err = a.Append(ctx, batch(t, a, []ev{{"c9", "X", 5, ""}}), nil, []Position{{"t", 0, NoPosition, 9}})
	if !errors.Is(err, ErrPositionMoved) {
		t.Fatalf("stale writer: err = %v, want ErrPositionMoved", err)
	}
	if err := a.Append(ctx, batch(t, a, []ev{{"c1", "B", 5, ""}, {"c3", "A", 6, ""}}), nil, []Position{{"t", 1, 0, 2}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Refresh(ctx, "live"); err != nil {
		t.Fatal(err)
	}
	info, err := w.Log(ctx, "live")
	if err != nil || info.Events != 4 || info.Instances != 4 || info.Cases != 3 || info.Rejects != 1 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	var casesRows, maxNo, seqs int
	w.DB().QueryRow(`SELECT count(*), max(case_no) FROM cases`).Scan(&casesRows, &maxNo)
	w.DB().QueryRow(`SELECT count(DISTINCT seq) FROM events`).Scan(&seqs)
	if casesRows != 3 || maxNo != 2 || seqs != 4 {
		t.Fatalf("cases rows %d (max no %d), distinct seqs %d; want 3 (2), 4", casesRows, maxNo, seqs)
	}
	var variant int
	if err := w.DB().QueryRow(`SELECT count(*) FROM case_facts WHERE case_id = 'c1' AND n = 2`).Scan(&variant); err != nil || variant != 1 {
		t.Fatalf("c1 should have 2 instances across batches (%v)", err)
	}
}
