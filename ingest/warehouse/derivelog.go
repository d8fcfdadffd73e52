package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// DeriveOptions describes a derived log: a copy, inside the warehouse, of
// some cases (and optionally only some of their events) of another log.
type DeriveOptions struct {
	Name    string // the new log's name; must be non-empty
	From    string // the log to copy from
	Replace bool   // replace an existing log named Name (not From)
	// Spec is recorded in logs.filter_spec: how the rows were chosen (JSON).
	Spec []byte
	// Cases is a SQL query returning the case_no of the source log's cases
	// to keep; Events, when not empty, a condition on the source's events
	// table (alias e) that an event must meet to be copied. Both may use
	// {{src}} for the source log id and ? placeholders bound to CaseArgs
	// and EventArgs. Their authors (analysis/filter) build them from fixed
	// text and placeholders only: no user text is spliced into them.
	Cases     string
	CaseArgs  []any
	Events    string
	EventArgs []any
	// Trace, when set, receives every SQL statement and how long it took.
	Trace func(stmt string, d time.Duration)
}

// Derive creates log opt.Name from the rows of opt.From that opt selects,
// in one transaction, and derives its activity instances and variants as an
// import would: every command reads it like any other log. Kept cases are
// numbered anew (0 to n−1 in the source's order) and keep their case ids,
// attributes and events' seq; a case left without events is not kept.
func (w *Warehouse) Derive(ctx context.Context, opt DeriveOptions) (LogInfo, error) {
	if opt.From == "" || opt.Cases == "" {
		return LogInfo{}, errors.New("derive: no source log or case selection")
	}
	if opt.Name == opt.From {
		return LogInfo{}, fmt.Errorf("derive %q: the new log must have another name than its source", opt.Name)
	}
	if err := w.Refresh(ctx, opt.From); err != nil {
		return LogInfo{}, err
	}
	src, err := w.LogID(ctx, opt.From)
	if err != nil {
		return LogInfo{}, err
	}
	var format, classifier, meta string
	if err := w.db.QueryRowContext(ctx, `SELECT format, coalesce(classifier, ''), coalesce(meta::VARCHAR, '') FROM logs WHERE log_id = ?`, src).
		Scan(&format, &classifier, &meta); err != nil {
		return LogInfo{}, fmt.Errorf("derive %q from %q: %w", opt.Name, opt.From, err)
	}
	iopt := ImportOptions{Name: opt.Name, Source: "filter of " + opt.From, Format: format, Replace: opt.Replace, Trace: opt.Trace,
		derivedFrom: opt.From, filterSpec: opt.Spec}
	info, err := w.importWith(ctx, iopt, func(_ driver.Conn, tx *txConn, id int64) (event.Meta, int64, *prepared, error) {
		m := event.Meta{Classifier: classifier}
		if meta != "" {
			m.Attrs = []byte(meta)
		}
		return m, 0, nil, copyRows(ctx, tx, src, id, opt)
	})
	if err != nil {
		return LogInfo{}, fmt.Errorf("derive %q from %q: %w", opt.Name, opt.From, err)
	}
	return w.Log(ctx, info.Name)
}

// copyRows copies the selected events and cases of log src to log id.
func copyRows(ctx context.Context, tx *txConn, src, id int64, opt DeriveOptions) error {
	kept := fmt.Sprintf("derive_kept_%d", id)
	cases := expandSrc(opt.Cases, src)
	// The kept cases, renumbered densely so the derivation sizes its
	// per-case arrays by the kept cases, not by the source's.
	if err := tx.exec(ctx, fmt.Sprintf(`CREATE TEMP TABLE %s AS
		SELECT case_no, (row_number() OVER (ORDER BY case_no) - 1)::INTEGER AS new_no FROM (SELECT DISTINCT * FROM (%s)) k(case_no)`, kept, cases), opt.CaseArgs...); err != nil {
		return fmt.Errorf("select cases: %w", err)
	}
	defer tx.exec(context.Background(), "DROP TABLE IF EXISTS "+kept)
	where := ""
	if opt.Events != "" {
		where = " AND (" + expandSrc(opt.Events, src) + ")"
	}
	if err := tx.exec(ctx, fmt.Sprintf(`INSERT INTO events
		SELECT %d, e.case_id, e.activity, e.ts, e.start_ts, e.resource, e.lifecycle, e.seq, e.attrs, k.new_no, e.act_src
		FROM events e JOIN %s k ON e.case_no = k.case_no WHERE e.log_id = %d%s`, id, kept, src, where), opt.EventArgs...); err != nil {
		return fmt.Errorf("copy events: %w", err)
	}
	if err := tx.exec(ctx, fmt.Sprintf(`INSERT INTO cases SELECT %d, k.new_no, c.case_id, c.attrs
		FROM cases c JOIN %s k ON c.case_no = k.case_no
		WHERE c.log_id = %d AND k.new_no IN (SELECT DISTINCT case_no FROM events WHERE log_id = %d)`, id, kept, src, id)); err != nil {
		return fmt.Errorf("copy cases: %w", err)
	}
	return nil
}

// expandSrc puts the source log id where q says {{src}}.
func expandSrc(q string, src int64) string {
	return strings.ReplaceAll(q, "{{src}}", strconv.FormatInt(src, 10))
}
