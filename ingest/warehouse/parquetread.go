package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/pmx-dev/pmx/ingest/event"
)

// parquetPageRows is the number of rows read per query. duckdb-go
// materialises a query's whole result before handing it over, so a file
// is read in pages of file_row_number ranges (DuckDB pushes the range into
// its Parquet reader, which then reads only the row groups it overlaps),
// and memory holds one page whatever the file's size.
var parquetPageRows int64 = RowGroupRows

// parquetPass lets clean pages through as they are (tests turn it off to
// hold the row-by-row path to the same result).
var parquetPass = true

// readParquet reads src page by page, in file order, into sink: the
// ReadFunc of a Parquet import. It runs on a connection of its own, beside
// the import's, which is inserting what it emits.
func (w *Warehouse) readParquet(ctx context.Context, src *parquetSrc, rejects bool, sink event.Sink) (event.Meta, error) {
	var meta event.Meta
	c, err := w.db.Conn(ctx)
	if err != nil {
		return meta, fmt.Errorf("parquet %s: %w", src.path, err)
	}
	defer c.Close()
	err = c.Raw(func(dc any) error {
		q := &txConn{conn: dc.(driver.Conn)}
		var n int64
		if err := q.queryRow(ctx, "SELECT count(*) FROM ("+src.rows+")", nil, &n); err != nil {
			return err
		}
		caseAttrs := "NULL::VARCHAR"
		if src.caseAttrs != "" {
			// A case's attributes come from its first good row: the rows
			// that start cases are found once, and only they build JSON.
			if err := q.exec(ctx, `CREATE OR REPLACE TEMP TABLE pmx_case_first AS
				SELECT min(file_row_number) AS r FROM (`+src.rows+`) WHERE pmx_reason IS NULL GROUP BY pmx_case`); err != nil {
				return err
			}
			defer q.exec(context.Background(), `DROP TABLE IF EXISTS pmx_case_first`)
			caseAttrs = "CASE WHEN file_row_number IN (SELECT r FROM pmx_case_first WHERE r >= %[1]d AND r < %[2]d) THEN " + src.caseAttrs + " END"
		}
		b := event.NewBuilder(sink, 0)
		defer b.Release()
		var pg parquetPage
		for lo := int64(0); lo < n; lo += parquetPageRows {
			if ctx.Err() != nil {
				return event.ErrCanceled
			}
			hi := lo + parquetPageRows
			sel := fmt.Sprintf(`SELECT file_row_number, pmx_case, pmx_activity, pmx_ts, pmx_start, pmx_resource, pmx_lifecycle, pmx_attrs,
				`+caseAttrs+`, pmx_reason, CASE WHEN pmx_reason IS NOT NULL THEN `+src.raw+` END
				FROM (`+src.rows+`) WHERE file_row_number >= %[1]d AND file_row_number < %[2]d`, lo, hi)
			if err := pg.read(ctx, q, sel, lo, hi); err != nil {
				return err
			}
			if pg.clean() && parquetPass {
				// The common page: whole, in file order, no bad row. Its
				// columns are the events' as they are.
				if err := b.Flush(); err != nil {
					return err
				}
				n, err := pg.pass(sink, b)
				meta.Events += n
				pg.release()
				if err != nil {
					return err
				}
				continue
			}
			err := pg.emit(func(r *parquetRow) error {
				if r.reason != "" {
					if !rejects {
						return w.parquetBadRow(ctx, q, src, r)
					}
					meta.Rejected++
					return sink.Reject(r.ev.Seq+1, r.reason, r.raw)
				}
				if r.caseAttrs != nil {
					if err := b.AppendCase(r.ev.Case, r.caseAttrs); err != nil {
						return err
					}
				}
				meta.Events++
				return b.Append(&r.ev)
			})
			pg.release()
			if err != nil {
				return err
			}
		}
		return b.Flush()
	})
	var se *event.SourceError
	if err != nil && !errors.As(err, &se) && !errors.Is(err, event.ErrCanceled) {
		err = fmt.Errorf("parquet %s: %w", src.path, err)
	}
	return meta, err
}

// parquetBadRow is the error for bad row r when rejects are off: its
// position and reason, and how many bad rows the file holds.
func (w *Warehouse) parquetBadRow(ctx context.Context, q *txConn, src *parquetSrc, r *parquetRow) error {
	var nbad int64
	if err := q.queryRow(ctx, "SELECT count(*) FROM ("+src.rows+") WHERE pmx_reason IS NOT NULL", nil, &nbad); err != nil {
		return err
	}
	return &event.SourceError{Source: src.path, Unit: "row", Pos: r.ev.Seq + 1,
		Reason: fmt.Sprintf("%s (%d bad rows in all; --rejects keeps them aside and imports the rest)", r.reason, nbad)}
}

// parquetPage is one page of a Parquet read: the result batches, and
// where each row of the page's range is in them.
type parquetPage struct {
	recs     []arrow.Record
	rec, row []int32 // by file_row_number − lo
	ordered  bool    // the batches hold the range's rows in file order
	bad      int     // rows with a reason
}

type parquetRow struct {
	ev          event.Event
	caseAttrs   []byte // JSON, nil unless the row starts its case
	reason, raw string
}

func (p *parquetPage) read(ctx context.Context, q *txConn, sel string, lo, hi int64) error {
	n := int(hi - lo)
	if cap(p.rec) < n {
		p.rec, p.row = make([]int32, n), make([]int32, n)
	}
	p.rec, p.row = p.rec[:n], p.row[:n]
	for i := range p.rec {
		p.rec[i] = -1
	}
	p.ordered, p.bad = true, 0
	next := lo
	return q.query(ctx, sel, func(rec arrow.Record) error {
		frn, ok := rec.Column(0).(*array.Int64)
		why, ok2 := rec.Column(9).(*array.String)
		if !ok || !ok2 {
			return fmt.Errorf("rows read as %v", rec.Schema())
		}
		rec.Retain()
		p.recs = append(p.recs, rec)
		for i, v := range frn.Int64Values() {
			p.rec[v-lo], p.row[v-lo] = int32(len(p.recs)-1), int32(i)
			if v != next {
				p.ordered = false
			}
			next++
		}
		p.bad += why.Len() - why.NullN()
		return nil
	})
}

// clean reports whether the page's batches hold its rows in file order,
// with no bad row.
func (p *parquetPage) clean() bool { return p.ordered && p.bad == 0 && len(p.recs) > 0 }

// pass hands a clean page to sink as one record of event.Schema, its
// columns concatenated from the result batches, and the rows that start
// cases to b as case attributes; it returns the number of events.
func (p *parquetPage) pass(sink event.Sink, b *event.Builder) (int64, error) {
	// Result column of each event.Schema column.
	from := [...]int{event.ColCase: 1, event.ColActivity: 2, event.ColTime: 3, event.ColStart: 4,
		event.ColResource: 5, event.ColLifecycle: 6, event.ColSeq: 0, event.ColAttrs: 7}
	cols := make([]arrow.Array, 0, len(from))
	defer func() { releaseAll(cols) }()
	parts := make([]arrow.Array, len(p.recs))
	var n int64
	for _, rec := range p.recs {
		n += rec.NumRows()
	}
	for c, r := range from { // in event.Schema order
		for i, rec := range p.recs {
			parts[i] = rec.Column(r)
		}
		col, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return 0, err
		}
		if c == event.ColTime || c == event.ColStart { // zone-less from DuckDB; UTC instants
			d := col.Data()
			nd := array.NewData(event.Timestamp, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
			col.Release()
			col = array.MakeFromData(nd)
			nd.Release()
		}
		cols = append(cols, col)
	}
	for _, rec := range p.recs {
		ids, attrs := rec.Column(1).(*array.String), rec.Column(8).(*array.String)
		if attrs.NullN() == attrs.Len() {
			continue
		}
		for i := range attrs.Len() {
			if attrs.IsValid(i) {
				if err := b.AppendCase(ids.Value(i), bytesOf(attrs, i)); err != nil {
					return 0, err
				}
			}
		}
	}
	return n, sink.Events(array.NewRecord(event.Schema, cols, n))
}

// emit calls fn with the page's rows in file order. DuckDB may return a
// page's rows in any order (imports run without preserve_insertion_order),
// and file order is what numbers cases and activities.
func (p *parquetPage) emit(fn func(*parquetRow) error) error {
	type cols struct {
		frn                                          *array.Int64
		cs, act, res, lc, attrs, caseAttrs, why, raw *array.String
		ts, start                                    *array.Timestamp
	}
	cs := make([]cols, len(p.recs))
	for i, rec := range p.recs {
		c := &cs[i]
		var ok [11]bool
		c.frn, ok[0] = rec.Column(0).(*array.Int64)
		c.cs, ok[1] = rec.Column(1).(*array.String)
		c.act, ok[2] = rec.Column(2).(*array.String)
		c.ts, ok[3] = rec.Column(3).(*array.Timestamp)
		c.start, ok[4] = rec.Column(4).(*array.Timestamp)
		c.res, ok[5] = rec.Column(5).(*array.String)
		c.lc, ok[6] = rec.Column(6).(*array.String)
		c.attrs, ok[7] = rec.Column(7).(*array.String)
		c.caseAttrs, ok[8] = rec.Column(8).(*array.String)
		c.why, ok[9] = rec.Column(9).(*array.String)
		c.raw, ok[10] = rec.Column(10).(*array.String)
		for _, o := range ok {
			if !o {
				return fmt.Errorf("rows read as %v", rec.Schema())
			}
		}
	}
	str := func(a *array.String, i int) string {
		if a.IsNull(i) {
			return ""
		}
		return a.Value(i)
	}
	var r parquetRow
	for k, ri := range p.rec {
		if ri < 0 {
			continue // past the end of the file
		}
		c, i := &cs[ri], int(p.row[k])
		r.ev = event.Event{Seq: c.frn.Value(i), Start: event.NoTime}
		r.reason, r.raw, r.caseAttrs = str(c.why, i), str(c.raw, i), nil
		if r.reason == "" {
			r.ev.Case, r.ev.Activity, r.ev.Time = c.cs.Value(i), c.act.Value(i), int64(c.ts.Value(i))
			if c.start.IsValid(i) {
				r.ev.Start = int64(c.start.Value(i))
			}
			r.ev.Resource, r.ev.Lifecycle = str(c.res, i), str(c.lc, i)
			r.ev.Attrs = bytesOf(c.attrs, i)
			r.caseAttrs = bytesOf(c.caseAttrs, i)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

func (p *parquetPage) release() {
	releaseAll(p.recs)
	p.recs = p.recs[:0]
}

// bytesOf views value i of a (nil when NULL) without copying; the Builder
// copies what it keeps.
func bytesOf(a *array.String, i int) []byte {
	if a.IsNull(i) {
		return nil
	}
	s := a.Value(i)
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
