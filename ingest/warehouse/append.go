package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Position is a source position: the next offset to read from a partition.
// Prev is the next offset the writer believes is stored (NoPosition when
// none is): Append stores Next only if that is still so, which fences off a
// second ingester that was handed the same partition.
type Position struct {
	Topic     string
	Partition int32
	Prev      int64
	Next      int64
}

// NoPosition stands for "no offset stored yet" in Position.Prev.
const NoPosition int64 = -1

// ErrPositionMoved is returned by Append when a partition's stored offset is
// not the batch's Prev: another ingester stored it meanwhile. Nothing of the
// batch is stored; the caller re-reads Positions and resumes from there.
var ErrPositionMoved = errors.New("stored offset moved (another ingester owns the partition)")

// DeadLetter is a message that could not become an event.
type DeadLetter struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Reason    string
}

// Appender appends batches to one log as they arrive (continuous
// ingestion). Each Append is one transaction holding the batch's events, its
// dead letters and the source positions after it, so a crash at any moment
// either keeps a batch with its positions or neither: restarting from the
// stored positions neither loses nor repeats a message.
//
// Derived tables are not rebuilt per batch (that would cost O(log) each
// time); the log is marked stale and Refresh rebuilds them when an analysis
// needs them. An Appender is safe for use by one goroutine at a time.
type Appender struct {
	w    *Warehouse
	id   int64
	name string

	mu      sync.Mutex // serializes Append (and guards dict)
	dict    *dict
	nextSeq atomic.Int64 // not under mu: consumers number events while a batch is being written
}

// OpenAppender returns the Appender for log name, creating the log (empty)
// if it does not exist. source and format describe it in `pmx logs`. All
// callers in a process share one Appender per log, so concurrent consumers
// number cases consistently and their transactions never conflict. (DuckDB
// lets one process at a time open a warehouse file for writing.)
func (w *Warehouse) OpenAppender(ctx context.Context, name, source, format string) (*Appender, error) {
	if name == "" {
		return nil, errors.New("append: empty log name")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if a := w.appenders[name]; a != nil {
		return a, nil
	}
	a := &Appender{w: w, name: name, dict: newDict()}
	err := w.withTx(ctx, nil, func(_ driver.Conn, tx *txConn) error {
		var id int64
		err := tx.queryRow(ctx, `SELECT log_id FROM logs WHERE name = ?`, []driver.NamedValue{{Ordinal: 1, Value: name}}, &id)
		if err != nil {
			if err = tx.queryRow(ctx, `SELECT nextval('log_ids')`, nil, &id); err != nil {
				return err
			}
			if err := tx.exec(ctx, `INSERT INTO logs (log_id, name, source, format, imported_at, events, instances, cases,
				resources, rejects, lifecycle, stale) VALUES (?, ?, ?, ?, now()::TIMESTAMP, 0, 0, 0, 0, 0, 'standard', false)`,
				id, name, source, format); err != nil {
				return err
			}
		}
		a.id = id
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("append to log %q: %w", name, err)
	}
	// The dictionaries and seq continue where the stored log ends.
	rows, err := w.db.QueryContext(ctx, `SELECT case_no, case_id FROM cases WHERE log_id = ? ORDER BY case_no`, a.id)
	if err != nil {
		return nil, fmt.Errorf("append to log %q: %w", name, err)
	}
	for rows.Next() {
		var no int32
		var id string
		if err := rows.Scan(&no, &id); err != nil {
			rows.Close()
			return nil, err
		}
		a.dict.restoreCase(id, no)
	}
	rows.Close()
	rows, err = w.db.QueryContext(ctx, `SELECT DISTINCT act_src, activity FROM events WHERE log_id = ? ORDER BY act_src`, a.id)
	if err != nil {
		return nil, fmt.Errorf("append to log %q: %w", name, err)
	}
	for rows.Next() {
		var no int32
		var act string
		if err := rows.Scan(&no, &act); err != nil {
			rows.Close()
			return nil, err
		}
		a.dict.acts[act] = no
	}
	rows.Close()
	var next int64
	if err := w.db.QueryRowContext(ctx, `SELECT coalesce(max(seq) + 1, 0) FROM events WHERE log_id = ?`, a.id).Scan(&next); err != nil {
		return nil, err
	}
	a.nextSeq.Store(next)
	if w.appenders == nil {
		w.appenders = map[string]*Appender{}
	}
	w.appenders[name] = a
	return a, nil
}

// Name is the log's name.
func (a *Appender) Name() string { return a.name }

// NextSeq hands out the seq of the next event; seq orders events with equal
// timestamps by arrival.
func (a *Appender) NextSeq() int64 {
	return a.nextSeq.Add(1) - 1
}

// Positions returns the stored next offsets of topic's partitions.
func (a *Appender) Positions(ctx context.Context, topic string) (map[int32]int64, error) {
	rows, err := a.w.db.QueryContext(ctx, `SELECT partition, next_offset FROM ingest_offsets WHERE log_id = ? AND topic = ?`, a.id, topic)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int32]int64{}
	for rows.Next() {
		var p int32
		var off int64
		if err := rows.Scan(&p, &off); err != nil {
			return nil, err
		}
		out[p] = off
	}
	return out, rows.Err()
}

// Append stores events (records of event.Schema, still the caller's to
// release), dead letters and the positions after them in one transaction.
// On error nothing is stored and the caller may retry with the same batch.
// A batch of at least RowGroupRows events is written straight to the file;
// see RowGroupRows for the shape that makes that cheapest.
func (a *Appender) Append(ctx context.Context, events []arrow.Record, dead []DeadLetter, pos []Position) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	mark := a.dict.mark()
	var n int64
	enc := make([]arrow.Record, 0, len(events))
	for _, r := range events {
		n += r.NumRows()
		enc = append(enc, a.dict.encodeEvents(r))
	}
	groups, err := rowGroups(enc)
	if err != nil {
		a.dict.rollback(mark)
		return fmt.Errorf("append to log %q: %w", a.name, err)
	}
	view := make([]arrow.Record, len(groups))
	for i, g := range groups {
		view[i] = asView(g)
		g.Release()
	}
	defer releaseAll(view)
	newCases, newNos := a.dict.pendingCases()
	if newCases != nil {
		defer newCases.Release()
	}
	err = a.w.withTx(ctx, nil, func(conn driver.Conn, tx *txConn) error {
		if len(view) > 0 {
			rr, err := array.NewRecordReader(viewSchema, view)
			if err != nil {
				return err
			}
			if err := insertArrow(ctx, conn, tx, rr, fmt.Sprintf("INSERT INTO events SELECT %d, * FROM %%s", a.id)); err != nil {
				return fmt.Errorf("events: %w", err)
			}
		}
		if newCases != nil {
			rr, err := array.NewRecordReader(storedCaseSchema, []arrow.Record{newCases})
			if err != nil {
				return err
			}
			if err := insertArrow(ctx, conn, tx, rr, fmt.Sprintf("INSERT INTO cases SELECT %d, case_no, case_id, attrs FROM %%s", a.id)); err != nil {
				return fmt.Errorf("cases: %w", err)
			}
		}
		if err := insertDead(ctx, conn, tx, a.name, dead); err != nil {
			return fmt.Errorf("dead letters: %w", err)
		}
		if err := storePositions(ctx, tx, a.id, pos); err != nil {
			return err
		}
		return tx.exec(ctx, `UPDATE logs SET stale = true, events = events + ?, rejects = rejects + ? WHERE log_id = ?`,
			n, int64(len(dead)), a.id)
	})
	if err != nil {
		a.dict.rollback(mark)
		return fmt.Errorf("append to log %q: %w", a.name, err)
	}
	a.dict.markCases(newNos)
	return nil
}

// storePositions stores every position's Next where the stored offset is
// still its Prev (the fence), and fails with ErrPositionMoved otherwise. It
// takes three statements whatever the number of partitions: a check, an
// update of the stored ones and an insert of the new ones.
func storePositions(ctx context.Context, tx *txConn, logID int64, pos []Position) error {
	if len(pos) == 0 {
		return nil
	}
	all, allArgs := positionValues(logID, pos)
	var moved struct {
		topic              string
		part, stored, prev int64
	}
	err := tx.queryRow(ctx, `SELECT v.topic, v.part, coalesce(o.next_offset, -1), v.prev FROM `+all+`
		LEFT JOIN ingest_offsets o ON o.log_id = $1 AND o.topic = v.topic AND o.partition = v.part
		WHERE coalesce(o.next_offset, -1) <> v.prev LIMIT 1`, named(allArgs), &moved.topic, &moved.part, &moved.stored, &moved.prev)
	if err == nil {
		return fmt.Errorf("%s/%d: stored %d, batch expected %d: %w", moved.topic, moved.part, moved.stored, moved.prev, ErrPositionMoved)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("offsets: %w", err)
	}
	var stored, fresh []Position
	for _, p := range pos {
		if p.Prev == NoPosition {
			fresh = append(fresh, p)
		} else {
			stored = append(stored, p)
		}
	}
	if len(stored) > 0 {
		values, args := positionValues(logID, stored)
		if err := tx.exec(ctx, `UPDATE ingest_offsets SET next_offset = v.next FROM `+values+`
			WHERE ingest_offsets.log_id = $1 AND ingest_offsets.topic = v.topic AND ingest_offsets.partition = v.part`, args...); err != nil {
			return fmt.Errorf("offsets: %w", err)
		}
	}
	if len(fresh) > 0 {
		values, args := positionValues(logID, fresh)
		if err := tx.exec(ctx, `INSERT INTO ingest_offsets SELECT $1, topic, part, next FROM `+values, args...); err != nil {
			return fmt.Errorf("offsets: %w", err)
		}
	}
	return nil
}

// positionValues returns pos as a VALUES table v(topic, part, prev, next)
// and its arguments, logID being $1.
func positionValues(logID int64, pos []Position) (string, []any) {
	var b strings.Builder
	args := []any{logID}
	b.WriteString("(VALUES ")
	for i, p := range pos {
		if i > 0 {
			b.WriteString(", ")
		}
		n := len(args) + 1
		fmt.Fprintf(&b, "($%d::VARCHAR, $%d::INTEGER, $%d::BIGINT, $%d::BIGINT)", n, n+1, n+2, n+3)
		args = append(args, p.Topic, p.Partition, p.Prev, p.Next)
	}
	b.WriteString(") v(topic, part, prev, next)")
	return b.String(), args
}

var deadSchema = arrow.NewSchema([]arrow.Field{
	{Name: "log_name", Type: arrow.BinaryTypes.String},
	{Name: "topic", Type: arrow.BinaryTypes.String},
	{Name: "partition", Type: arrow.PrimitiveTypes.Int32},
	{Name: "offset", Type: arrow.PrimitiveTypes.Int64},
	{Name: "key", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "value", Type: arrow.BinaryTypes.Binary, Nullable: true},
	{Name: "reason", Type: arrow.BinaryTypes.String},
}, nil)

// insertDead stores dead letters in one statement (a burst of bad messages
// must not cost a statement each).
func insertDead(ctx context.Context, conn driver.Conn, tx *txConn, log string, dead []DeadLetter) error {
	if len(dead) == 0 {
		return nil
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, deadSchema)
	defer b.Release()
	for _, d := range dead {
		b.Field(0).(*array.StringBuilder).Append(log)
		b.Field(1).(*array.StringBuilder).Append(d.Topic)
		b.Field(2).(*array.Int32Builder).Append(d.Partition)
		b.Field(3).(*array.Int64Builder).Append(d.Offset)
		for i, v := range [][]byte{d.Key, d.Value} {
			if v == nil {
				b.Field(4 + i).AppendNull()
			} else {
				b.Field(4 + i).(*array.BinaryBuilder).Append(v)
			}
		}
		b.Field(6).(*array.StringBuilder).Append(d.Reason)
	}
	rec := b.NewRecord()
	defer rec.Release()
	rr, err := array.NewRecordReader(deadSchema, []arrow.Record{rec})
	if err != nil {
		return err
	}
	return insertArrow(ctx, conn, tx, rr, `INSERT INTO dead_letters SELECT log_name, topic, partition, "offset", key, value, reason, now()::TIMESTAMP FROM %s`)
}

// Refresh rebuilds a log's derived tables if events were appended since
// they were built. Analyses of a continuously ingested log call it first.
func (w *Warehouse) Refresh(ctx context.Context, name string) error {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return err
	}
	var stale bool
	if err := w.db.QueryRowContext(ctx, `SELECT coalesce(stale, false) FROM logs WHERE log_id = ?`, id).Scan(&stale); err != nil || !stale {
		return err
	}
	return w.withTx(ctx, nil, func(_ driver.Conn, tx *txConn) error {
		if err := rederive(ctx, tx, id); err != nil {
			return fmt.Errorf("refresh log %q: %w", name, err)
		}
		return nil
	})
}
