package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/event"
)

// ScanRows is the number of events ScanEvents reads per query. go-duckdb's
// Arrow interface materialises a whole result before handing it over, so the
// scan is split into chunks of this many rows to keep memory bounded (about
// 15 MiB for typical rows) whatever the log size. Tests lower it to
// exercise chunk boundaries.
var ScanRows = event.DefaultBatchRows

// ScanEvents calls fn with the stored events of log name in time order (ts,
// then seq), as records of event.Schema. A record is only valid during the
// call: fn must not keep it (Retain it if it must). Reading stops at fn's
// first error, which ScanEvents returns.
//
// Rows travel through DuckDB's Arrow interface in columnar batches, not
// row by row through database/sql, which converts every value to a Go
// interface. All chunks are read in one transaction, so they see one
// snapshot of the log even if it is appended to meanwhile; a long, paced
// replay keeps that transaction (and a connection) open throughout.
func (w *Warehouse) ScanEvents(ctx context.Context, name string, fn func(rec arrow.Record) error) error {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return err
	}
	err = w.withTx(ctx, nil, func(conn driver.Conn, tx *txConn) error {
		bounds, err := scanBounds(ctx, tx, id)
		if err != nil {
			return err
		}
		ar, err := newArrowConn(conn)
		if err != nil {
			return err
		}
		// Chunk i holds the events after bounds[i-1] up to and including
		// bounds[i] in (ts, seq) order; the last one is open-ended. The ts
		// range conditions come first so DuckDB can skip row groups by their
		// min/max ts.
		for i := 0; i <= len(bounds); i++ {
			where := fmt.Sprintf("log_id = %d", id)
			var args []any
			if i > 0 {
				lo := bounds[i-1]
				where += " AND ts >= ? AND (ts > ? OR seq > ?)"
				args = append(args, lo.ts, lo.ts, lo.seq)
			}
			if i < len(bounds) {
				hi := bounds[i]
				where += " AND ts <= ? AND (ts < ? OR seq <= ?)"
				args = append(args, hi.ts, hi.ts, hi.seq)
			}
			if err := scanChunk(ctx, ar, where, args, fn); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("scan log %q: %w", name, err)
	}
	return nil
}

type scanKey struct {
	ts  time.Time
	seq int64
}

// scanBounds returns the (ts, seq) of every ScanRows-th event in time
// order: the upper bounds of all chunks but the last. One sort of two
// integer columns, instead of one top-N sort over the log per chunk.
func scanBounds(ctx context.Context, tx *txConn, id int64) ([]scanKey, error) {
	rows, err := tx.conn.(driver.QueryerContext).QueryContext(ctx, fmt.Sprintf(`
		SELECT epoch_us(ts), seq FROM (
			SELECT ts, seq, row_number() OVER (ORDER BY ts, seq) AS rn FROM events WHERE log_id = %d)
		WHERE rn %% %d = 0 ORDER BY rn`, id, ScanRows), nil)
	if err != nil {
		return nil, fmt.Errorf("chunk bounds: %w", err)
	}
	defer rows.Close()
	var out []scanKey
	vals := make([]driver.Value, 2)
	for {
		if err := rows.Next(vals); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, fmt.Errorf("chunk bounds: %w", err)
		}
		us, ok1 := vals[0].(int64)
		seq, ok2 := vals[1].(int64)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("chunk bounds: unexpected types %T, %T", vals[0], vals[1])
		}
		out = append(out, scanKey{time.UnixMicro(us).UTC(), seq})
	}
}

// scanChunk reads one chunk through Arrow and hands its records to fn,
// relabelled as event.Schema.
func scanChunk(ctx context.Context, ar arrowConn, where string, args []any, fn func(arrow.Record) error) error {
	// attrs is JSON in DuckDB; cast so Arrow sees a plain string column.
	rr, err := ar.QueryContext(ctx, `SELECT case_id, activity, ts, start_ts, resource, lifecycle, seq, attrs::VARCHAR AS attrs
		FROM events WHERE `+where+` ORDER BY ts, seq`, args...)
	if err != nil {
		return fmt.Errorf("read events: %w", err)
	}
	defer rr.Release()
	for rr.Next() {
		rec, err := asEventSchema(rr.Record())
		if err != nil {
			return err
		}
		err = fn(rec)
		rec.Release()
		if err != nil {
			return err
		}
	}
	return rr.Err()
}

// asEventSchema relabels a DuckDB result record as event.Schema without
// copying: DuckDB exports TIMESTAMP as timestamp[us] without a zone, while
// the canonical schema labels the same UTC microseconds with "UTC".
func asEventSchema(rec arrow.Record) (arrow.Record, error) {
	if int(rec.NumCols()) != len(event.Schema.Fields()) {
		return nil, fmt.Errorf("read events: %d columns, want %d", rec.NumCols(), len(event.Schema.Fields()))
	}
	cols := make([]arrow.Array, rec.NumCols())
	defer func() {
		for _, c := range cols {
			if c != nil {
				c.Release()
			}
		}
	}()
	for i, f := range event.Schema.Fields() {
		c := rec.Column(i)
		switch {
		case arrow.TypeEqual(c.DataType(), f.Type):
			c.Retain()
			cols[i] = c
		case f.Type.ID() == arrow.TIMESTAMP && c.DataType().ID() == arrow.TIMESTAMP &&
			c.DataType().(*arrow.TimestampType).Unit == arrow.Microsecond:
			d := c.Data()
			cols[i] = array.MakeFromData(array.NewData(f.Type, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset()))
		default:
			return nil, fmt.Errorf("read events: column %s is %s, want %s", f.Name, c.DataType(), f.Type)
		}
	}
	return array.NewRecord(event.Schema, cols, rec.NumRows()), nil
}

// Query streams one query's result through DuckDB's Arrow interface: each
// record is valid only during its call to each.
type Query func(q string, each func(arrow.Record) error) error

// ReadArrow runs fn in one transaction, so every query it makes sees one
// snapshot of the warehouse, with a Query that reads results as Arrow
// records (no per-value conversion through database/sql). Readers that
// build their own structures from several tables (the mining log, the
// analysis timeline) use it.
func (w *Warehouse) ReadArrow(ctx context.Context, fn func(query Query) error) error {
	return w.withTx(ctx, nil, func(conn driver.Conn, tx *txConn) error {
		ar, err := newArrowConn(conn)
		if err != nil {
			return err
		}
		return fn(func(q string, each func(arrow.Record) error) error {
			rr, err := ar.QueryContext(ctx, q)
			if err != nil {
				return err
			}
			defer rr.Release()
			for rr.Next() {
				if err := each(rr.Record()); err != nil {
					return err
				}
			}
			return rr.Err()
		})
	})
}
