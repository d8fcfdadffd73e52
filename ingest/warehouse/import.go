package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/event"
)

var errConsumerStopped = errors.New("warehouse stopped consuming the event stream")

// ErrLogExists is returned when importing under a name already taken
// without ImportOptions.Replace.
var ErrLogExists = errors.New("log already exists")

// ImportOptions describes one import.
type ImportOptions struct {
	Name    string // log name; must be non-empty
	Source  string // file path or other origin, recorded in logs.source
	Format  string // "xes", "csv", "parquet", ...
	Replace bool   // replace an existing log of the same name (in the same transaction)
	// OnBatch, when set, is called from the reader's goroutine after each
	// event batch with the running count of events read (progress display).
	OnBatch func(events int64)
	// OnPhase, when set, is told when the import moves from reading the
	// source to deriving activity instances and facts (progress display).
	OnPhase func(phase string)
	// Trace, when set, receives every SQL statement the import runs and how
	// long it took (pmx import --trace).
	Trace func(stmt string, d time.Duration)

	derivedFrom string // set by Derive: recorded in logs.derived_from
	filterSpec  []byte // set by Derive: recorded in logs.filter_spec
}

// ReadFunc decodes a source into the sink. It runs in its own goroutine
// while the warehouse inserts what it produced so far.
type ReadFunc func(ctx context.Context, sink event.Sink) (event.Meta, error)

// importSegmentRows is how many rows of events one INSERT statement takes
// (eight row groups). An import's events go in a few statements in one
// transaction, and between them the cases and rejects gathered so far, so
// memory holds a segment's worth of those whatever the file's size.
var importSegmentRows int64 = 8 * RowGroupRows

// Import runs read and stores everything it produces as log opt.Name, in
// one transaction: on any error (reader or database) nothing is left behind.
func (w *Warehouse) Import(ctx context.Context, opt ImportOptions, read ReadFunc) (LogInfo, error) {
	return w.importWith(ctx, opt, func(conn driver.Conn, tx *txConn, id int64) (event.Meta, int64, *prepared, error) {
		s := newStream(opt.Name, opt.Source)
		s.onBatch = opt.OnBatch
		defer s.release()
		var meta event.Meta
		readErr := make(chan error, 1)
		derived := make(chan *prepared, 1)
		go func() {
			m, err := read(ctx, s)
			meta = m
			s.closeEvents()
			readErr <- err
			// Derived here, while DuckDB finishes the events and writes
			// the cases.
			var p *prepared
			if err == nil {
				p = s.prepare()
			}
			derived <- p
		}()
		var insErr error
		for {
			src := newChanReader(s.ch, importSegmentRows)
			if insErr = insertArrow(ctx, conn, tx, src, fmt.Sprintf("INSERT INTO events SELECT %d, * FROM %%s", id)); insErr != nil || src.closed {
				break
			}
			if insErr = s.flushSide(ctx, conn, tx, id); insErr != nil {
				break
			}
		}
		s.stop()
		for range s.ch { // a failed insert leaves batches behind; release them so the reader can finish
		}
		if err := <-readErr; err != nil {
			return meta, 0, nil, err
		}
		if insErr == nil {
			insErr = s.flushSide(ctx, conn, tx, id)
		}
		if insErr != nil {
			return meta, 0, nil, fmt.Errorf("import %s: %w", opt.Source, insErr)
		}
		if err := ctx.Err(); err != nil {
			return meta, 0, nil, err
		}
		return meta, s.nRej, <-derived, nil
	})
}

// flushSide inserts the cases and rejects the stream has gathered so far.
func (s *stream) flushSide(ctx context.Context, conn driver.Conn, tx *txConn, id int64) error {
	if cases := s.takeCases(); len(cases) > 0 {
		defer releaseAll(cases)
		rr, err := array.NewRecordReader(casesViewSchema, cases)
		if err != nil {
			return err
		}
		if err := insertArrow(ctx, conn, tx, rr, fmt.Sprintf("INSERT INTO cases SELECT %d, case_no, case_id, attrs FROM %%s", id)); err != nil {
			return fmt.Errorf("cases: %w", err)
		}
	}
	if rec := s.takeRejects(); rec != nil {
		defer rec.Release()
		rr, err := array.NewRecordReader(rejectSchema, []arrow.Record{rec})
		if err != nil {
			return err
		}
		if err := insertArrow(ctx, conn, tx, rr, "INSERT INTO rejects SELECT * FROM %s"); err != nil {
			return fmt.Errorf("rejects: %w", err)
		}
	}
	return nil
}

// fillFunc writes the log's events, cases and rejects under log id; it
// returns what it learnt, how many rows it rejected and, when it could,
// the log's derivation (nil: derived from the stored events).
type fillFunc func(conn driver.Conn, tx *txConn, id int64) (event.Meta, int64, *prepared, error)

// importWith runs one import transaction around fill.
func (w *Warehouse) importWith(ctx context.Context, opt ImportOptions, fill fillFunc) (LogInfo, error) {
	if opt.Name == "" {
		return LogInfo{}, errors.New("import: empty log name")
	}
	untune, err := w.tuneForImport(ctx)
	if err != nil {
		return LogInfo{}, err
	}
	defer untune()
	var info LogInfo
	err = w.withTx(ctx, opt.Trace, func(conn driver.Conn, tx *txConn) error {
		id, err := w.reserve(ctx, tx, opt)
		if err != nil {
			return err
		}
		meta, rejects, p, err := fill(conn, tx, id)
		if err != nil {
			return err
		}
		if opt.OnPhase != nil {
			opt.OnPhase("deriving activity instances and variants")
		}
		info, err = w.finish(ctx, tx, id, opt, meta, rejects, p)
		return err
	})
	if err != nil {
		return LogInfo{}, err
	}
	return info, nil
}

// reserve allocates the log id, enforcing name uniqueness (or replacing).
func (w *Warehouse) reserve(ctx context.Context, tx *txConn, opt ImportOptions) (int64, error) {
	var old sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT max(log_id) FROM logs WHERE name = ?`, []driver.NamedValue{{Ordinal: 1, Value: opt.Name}}, &old); err != nil {
		return 0, err
	}
	if old.Valid {
		if !opt.Replace {
			return 0, fmt.Errorf("import %s: log %q: %w (choose another --name or pass --replace)", opt.Source, opt.Name, ErrLogExists)
		}
		if err := deleteLog(ctx, tx, old.Int64, opt.Name); err != nil {
			return 0, err
		}
	}
	var id int64
	if err := tx.queryRow(ctx, `SELECT nextval('log_ids')`, nil, &id); err != nil {
		return 0, err
	}
	return id, nil
}

// finish records the log and derives its instances and facts.
func (w *Warehouse) finish(ctx context.Context, tx *txConn, id int64, opt ImportOptions, meta event.Meta, rejects int64, p *prepared) (LogInfo, error) {
	var metaJSON any
	if meta.Attrs != nil {
		metaJSON = string(meta.Attrs)
	}
	var classifier any
	if meta.Classifier != "" {
		classifier = meta.Classifier
	}
	if err := tx.exec(ctx, `INSERT INTO logs (log_id, name, source, format, imported_at, events, instances, cases, resources,
			rejects, lifecycle, classifier, meta) VALUES (?, ?, ?, ?, now()::TIMESTAMP, 0, 0, 0, 0, ?, 'standard', ?, ?)`,
		id, opt.Name, opt.Source, opt.Format, rejects, classifier, metaJSON); err != nil {
		return LogInfo{}, fmt.Errorf("import %s: record log: %w", opt.Source, err)
	}
	if opt.derivedFrom != "" {
		var spec any
		if len(opt.filterSpec) > 0 {
			spec = string(opt.filterSpec)
		}
		if err := tx.exec(ctx, `UPDATE logs SET derived_from = ?, filter_spec = ? WHERE log_id = ?`, opt.derivedFrom, spec, id); err != nil {
			return LogInfo{}, fmt.Errorf("import %s: record log: %w", opt.Source, err)
		}
	}
	if err := deriveTables(ctx, tx, id, p); err != nil {
		return LogInfo{}, fmt.Errorf("import %s: %w", opt.Source, err)
	}
	info := LogInfo{ID: id, Name: opt.Name, Source: opt.Source, Format: opt.Format, Rejects: rejects, Classifier: meta.Classifier}
	err := tx.queryRow(ctx, `SELECT strftime(imported_at, '%Y-%m-%dT%H:%M:%SZ'), events, instances, cases, lifecycle FROM logs WHERE log_id = ?`,
		[]driver.NamedValue{{Ordinal: 1, Value: id}}, &info.ImportedAt, &info.Events, &info.Instances, &info.Cases, &info.Lifecycle)
	return info, err
}

// insertArrow registers rr as a view on the raw connection and runs query
// (with %s standing for the view) over it.
func insertArrow(ctx context.Context, conn driver.Conn, tx *txConn, rr array.RecordReader, query string) error {
	ar, err := newArrowConn(conn)
	if err != nil {
		return err
	}
	view := fmt.Sprintf("arrow_src_%d", time.Now().UnixNano())
	release, err := ar.RegisterView(rr, view)
	if err != nil {
		return err
	}
	defer release()
	return tx.exec(ctx, fmt.Sprintf(query, view))
}
