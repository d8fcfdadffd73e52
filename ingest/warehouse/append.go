package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
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
func (a *Appender) Append(ctx context.Context, events []arrow.Record, dead []DeadLetter, pos []Position) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	enc := make([]arrow.Record, 0, len(events))
	defer func() {
		for _, r := range enc {
			r.Release()
		}
	}()
	mark := a.dict.mark()
	var n int64
	for _, r := range events {
		n += r.NumRows()
		enc = append(enc, a.dict.encodeEvents(r))
	}
	newCases, newNos := a.dict.pendingCases()
	if newCases != nil {
		defer newCases.Release()
	}
	err := a.w.withTx(ctx, nil, func(conn driver.Conn, tx *txConn) error {
		if len(enc) > 0 {
			rr, err := array.NewRecordReader(storedSchema, enc)
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
		for _, d := range dead {
			if err := tx.exec(ctx, `INSERT INTO dead_letters VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)`,
				a.name, d.Topic, d.Partition, d.Offset, d.Key, d.Value, d.Reason); err != nil {
				return fmt.Errorf("dead letters: %w", err)
			}
		}
		for _, p := range pos {
			var stored int64 = NoPosition
			if err := tx.queryRow(ctx, `SELECT coalesce(max(next_offset), -1) FROM ingest_offsets WHERE log_id = ? AND topic = ? AND partition = ?`,
				named([]any{a.id, p.Topic, p.Partition}), &stored); err != nil {
				return fmt.Errorf("offsets: %w", err)
			}
			if stored != p.Prev {
				return fmt.Errorf("%s/%d: stored %d, batch expected %d: %w", p.Topic, p.Partition, stored, p.Prev, ErrPositionMoved)
			}
			if err := tx.exec(ctx, `DELETE FROM ingest_offsets WHERE log_id = ? AND topic = ? AND partition = ?`, a.id, p.Topic, p.Partition); err != nil {
				return fmt.Errorf("offsets: %w", err)
			}
			if err := tx.exec(ctx, `INSERT INTO ingest_offsets VALUES (?, ?, ?, ?)`, a.id, p.Topic, p.Partition, p.Next); err != nil {
				return fmt.Errorf("offsets: %w", err)
			}
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
