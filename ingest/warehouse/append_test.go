package warehouse

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

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

// buildRecords builds n events in records of the given sizes (cycled);
// event i is case c<i/3>, activity A<i%4>, seq i, ts t0 + i s, a start
// time on every fifth and attrs with a non-ASCII string.
func buildRecords(t *testing.T, a *Appender, n int, sizes ...int) []arrow.Record {
	t.Helper()
	s := &recSink{}
	var recs []arrow.Record
	for i, k := 0, 0; i < n; k++ {
		size := min(sizes[k%len(sizes)], n-i)
		b := event.NewBuilder(s, size)
		for j := 0; j < size; j++ {
			e := event.Event{Case: fmt.Sprintf("c%d", i/3), Activity: fmt.Sprintf("A%d", i%4), Time: t0 + int64(i)*1e6,
				Start: event.NoTime, Seq: a.NextSeq(), Attrs: fmt.Appendf(nil, `{"i":%d,"s":"é\n%d"}`, i, i)}
			if i%5 == 0 {
				e.Start, e.Resource = t0-int64(i), "r"
			}
			if err := b.Append(&e); err != nil {
				t.Fatal(err)
			}
			i++
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
		b.Release()
		recs = append(recs, s.recs...)
		s.recs = nil
	}
	return recs
}

func TestRowGroupsSlicesWithoutCopying(t *testing.T) {
	a := &Appender{dict: newDict()}
	for _, c := range []struct {
		sizes []int
		n     int
		want  []int64
	}{
		{[]int{RowGroupRows}, 2*RowGroupRows + 1000, []int64{RowGroupRows, RowGroupRows, 1000}},
		{[]int{2 * RowGroupRows}, 2 * RowGroupRows, []int64{RowGroupRows, RowGroupRows}},
		{[]int{50_000, 100_000}, 250_000, []int64{RowGroupRows, RowGroupRows, 250_000 - 2*RowGroupRows}},
		{[]int{1000}, 5000, []int64{1000, 1000, 1000, 1000, 1000}},
	} {
		in := buildRecords(t, a, c.n, c.sizes...)
		first := in[0].Column(0).Data().Buffers()[2]
		for _, r := range in {
			r.Retain() // rowGroups releases what it is given
		}
		out, err := rowGroups(in)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		seq := int64(-1)
		for _, r := range out {
			got = append(got, r.NumRows())
			col := r.Column(event.ColSeq).(*array.Int64)
			for i := 0; i < col.Len(); i++ {
				if seq >= 0 && col.Value(i) != seq+1 {
					t.Fatalf("sizes %v: rows out of order at seq %d", c.sizes, col.Value(i))
				}
				seq = col.Value(i)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("sizes %v, %d rows: records of %v, want %v", c.sizes, c.n, got, c.want)
		}
		if c.sizes[0]%RowGroupRows == 0 && out[0].Column(0).Data().Buffers()[2] != first {
			t.Errorf("sizes %v: a whole row group was copied", c.sizes)
		}
		releaseAll(out)
		releaseAll(in)
	}
}

// TestAppendStoresWhatItIsGiven checks the view Append shows DuckDB (plain
// timestamps, attrs as arrow.json, row groups cut from records of any size)
// against the values given, and that a batch of whole row groups is stored
// as whole row groups.
func TestAppendStoresWhatItIsGiven(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	a, err := w.OpenAppender(ctx, "live", "kafka://t", "kafka")
	if err != nil {
		t.Fatal(err)
	}
	const n = 2 * RowGroupRows
	recs := buildRecords(t, a, n, 70_000, 30_001)
	err = a.Append(ctx, recs, nil, []Position{{"t", 0, NoPosition, n}})
	releaseAll(recs)
	if err != nil {
		t.Fatal(err)
	}
	var rows, bad int64
	err = w.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE
		epoch_us(ts) <> $1 + seq * 1000000
		OR (seq % 5 = 0) <> (start_ts IS NOT NULL) OR (seq % 5 = 0 AND epoch_us(start_ts) <> $1 - seq)
		OR case_id <> 'c' || (seq // 3) OR activity <> 'A' || (seq % 4)
		OR attrs::VARCHAR <> '{"i":' || seq || ',"s":"é\n' || seq || '"}' OR NOT json_valid(attrs)
		OR json_extract_string(attrs, '$.s') <> 'é' || chr(10) || seq)
		FROM events`, t0).Scan(&rows, &bad)
	if err != nil || rows != n || bad != 0 {
		t.Fatalf("%d rows, %d not as given (%v)", rows, bad, err)
	}
	var groups, partial int64
	err = w.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE rows <> $1) FROM (
		SELECT row_group_id, max(start + count) AS rows FROM pragma_storage_info('events') WHERE column_id = 0 GROUP BY row_group_id)`,
		RowGroupRows).Scan(&groups, &partial)
	if err != nil || groups != 2 || partial != 0 {
		t.Fatalf("%d row groups, %d of them partial (%v); want 2 whole ones", groups, partial, err)
	}
}

// TestAppendFencesEveryPartition: one moved partition among several refuses
// the whole batch; dead letters go in with it or not at all.
func TestAppendFencesEveryPartition(t *testing.T) {
	ctx := context.Background()
	w, err := Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	a, err := w.OpenAppender(ctx, "live", "kafka://t", "kafka")
	if err != nil {
		t.Fatal(err)
	}
	dead := []DeadLetter{{Topic: "t", Partition: 1, Offset: 4, Value: []byte("{"), Reason: "bad"},
		{Topic: "u", Partition: 0, Offset: 9, Key: []byte("k"), Reason: "tombstone"}}
	first := []Position{{"t", 0, NoPosition, 5}, {"t", 1, NoPosition, 5}, {"u", 0, NoPosition, 10}}
	if err := a.Append(ctx, batch(t, a, []ev{{"c1", "A", 0, ""}}), dead, first); err != nil {
		t.Fatal(err)
	}
	moved := []Position{{"t", 0, 5, 7}, {"t", 1, 4, 7}, {"u", 0, 10, 12}, {"u", 1, NoPosition, 1}}
	err = a.Append(ctx, batch(t, a, []ev{{"c2", "A", 1, ""}}), dead[:1], moved)
	if !errors.Is(err, ErrPositionMoved) || !strings.Contains(err.Error(), "t/1: stored 5, batch expected 4") {
		t.Fatalf("err = %v, want ErrPositionMoved for t/1", err)
	}
	taken := []Position{{"t", 0, 5, 7}, {"t", 1, 5, 6}, {"u", 0, 10, 12}, {"u", 1, NoPosition, 1}, {"u", 2, 3, 4}}
	if err := a.Append(ctx, batch(t, a, []ev{{"c2", "A", 1, ""}}), nil, taken); !errors.Is(err, ErrPositionMoved) {
		t.Fatalf("err = %v, want ErrPositionMoved for u/2 (never stored)", err)
	}
	if err := a.Append(ctx, batch(t, a, []ev{{"c2", "A", 1, ""}}), nil, taken[:4]); err != nil {
		t.Fatal(err)
	}
	var got string
	w.DB().QueryRow(`SELECT string_agg(topic || '/' || partition || '=' || next_offset, ' ' ORDER BY topic, partition) FROM ingest_offsets`).Scan(&got)
	if got != "t/0=7 t/1=6 u/0=12 u/1=1" {
		t.Errorf("offsets %s", got)
	}
	var events, deadRows, nullKeys, nullValues int
	w.DB().QueryRow(`SELECT count(*) FROM events`).Scan(&events)
	w.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE key IS NULL), count(*) FILTER (WHERE value IS NULL) FROM dead_letters
		WHERE log_name = 'live'`).Scan(&deadRows, &nullKeys, &nullValues)
	if events != 2 || deadRows != 2 || nullKeys != 1 || nullValues != 1 {
		t.Errorf("%d events, %d dead letters (%d keys and %d values NULL); want 2, 2 (1, 1)", events, deadRows, nullKeys, nullValues)
	}
	info, err := w.Log(ctx, "live")
	if err != nil || info.Events != 2 || info.Rejects != 2 {
		t.Errorf("log counts %+v (%v)", info, err)
	}
}
