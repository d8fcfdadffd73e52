package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"
)

// txConn runs statements on one raw driver connection inside an explicit
// transaction. Imports need the raw connection because go-duckdb's Arrow
// views are registered per connection, and the Arrow insert must be part of
// the same transaction as everything else the import writes.
type txConn struct {
	conn  driver.Conn
	trace func(stmt string, d time.Duration)
}

// withTx runs fn in a transaction on a dedicated connection; it commits when
// fn returns nil and rolls back otherwise.
func (w *Warehouse) withTx(ctx context.Context, trace func(string, time.Duration), fn func(conn driver.Conn, tx *txConn) error) error {
	c, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		conn := dc.(driver.Conn)
		tx := &txConn{conn: conn, trace: trace}
		if err := tx.exec(ctx, "BEGIN TRANSACTION"); err != nil {
			return err
		}
		if err := fn(conn, tx); err != nil {
			if rbErr := tx.exec(context.Background(), "ROLLBACK"); rbErr != nil {
				return errors.Join(err, fmt.Errorf("rollback: %w", rbErr))
			}
			return err
		}
		return tx.exec(ctx, "COMMIT")
	})
}

func (t *txConn) exec(ctx context.Context, q string, args ...any) error {
	_, err := t.ExecContext(ctx, q, args...)
	return err
}

// ExecContext lets txConn serve where an *sql.Tx would (see execer).
func (t *txConn) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if t.trace != nil {
		defer func(start time.Time) { t.trace(q, time.Since(start)) }(time.Now())
	}
	return t.conn.(driver.ExecerContext).ExecContext(ctx, q, named(args))
}

func named(args []any) []driver.NamedValue {
	if len(args) == 0 {
		return nil
	}
	nv := make([]driver.NamedValue, len(args))
	for i, a := range args {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return nv
}

// queryRow scans the first row of q into dest (*int64, *float64, *string,
// *bool, *sql.NullInt64); sql.ErrNoRows when there is none.
func (t *txConn) queryRow(ctx context.Context, q string, args []driver.NamedValue, dest ...any) error {
	rows, err := t.conn.(driver.QueryerContext).QueryContext(ctx, q, args)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(vals); err != nil {
		if err == io.EOF {
			return sql.ErrNoRows
		}
		return err
	}
	for i, d := range dest {
		if err := assign(d, vals[i]); err != nil {
			return fmt.Errorf("column %d: %w", i, err)
		}
	}
	return nil
}

func assign(dest any, v driver.Value) error {
	switch d := dest.(type) {
	case *sql.NullInt64:
		return d.Scan(v)
	case *sql.NullString:
		return d.Scan(v)
	case *int64:
		switch x := v.(type) {
		case int64:
			*d = x
		case int32:
			*d = int64(x)
		case uint64:
			*d = int64(x)
		default:
			return fmt.Errorf("cannot scan %T into int64", v)
		}
	case *float64:
		switch x := v.(type) {
		case float64:
			*d = x
		case nil:
			*d = 0
		default:
			return fmt.Errorf("cannot scan %T into float64", v)
		}
	case *string:
		x, ok := v.(string)
		if !ok {
			return fmt.Errorf("cannot scan %T into string", v)
		}
		*d = x
	case *bool:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("cannot scan %T into bool", v)
		}
		*d = x
	default:
		return fmt.Errorf("unsupported destination %T", dest)
	}
	return nil
}
