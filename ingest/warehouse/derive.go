package warehouse

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/event"
)

// instancePredicate is the SQL condition on an events row that makes it an
// activity instance (see event.StandardLifecycle).
func instancePredicate(standard bool) string {
	if standard {
		return "lower(coalesce(lifecycle, 'complete')) = 'complete'"
	}
	return "true"
}

// deriveRangeEvents is about how many events of a log are read back and
// ordered at a time (a range of cases): a few tens of MiB, whatever the
// log's size. Tests lower it to exercise range boundaries.
var deriveRangeEvents int64 = 2_000_000

// rederive replaces log id's derived tables (activities, steps, case_facts,
// variants) from its events and updates its counts in logs. The events'
// integer columns are read back through Arrow a range of cases at a time,
// the instances derived in Go (instances.go) and the tables written back
// through Arrow: no SQL window or join runs over the events.
func rederive(ctx context.Context, tx *txConn, id int64) error {
	return deriveTables(ctx, tx, id, nil)
}

// deriveTables is rederive, from p when given: an import's events derived
// as they streamed past (see stream.collect), in one range.
func deriveTables(ctx context.Context, tx *txConn, id int64, p *prepared) error {
	if err := deleteDerived(ctx, tx, id); err != nil {
		return err
	}
	sw := newStepWriter(id)
	defer sw.release()
	var d *deriver
	var events int64
	if p != nil {
		d, events = p.d, p.events
		if err := sw.insert(ctx, tx, d, 0, p.cases, true); err != nil {
			return fmt.Errorf("derive instances: %w", err)
		}
	} else {
		pairs, err := loadActKinds(ctx, tx, id)
		if err != nil {
			return fmt.Errorf("derive instances: %w", err)
		}
		d = newDeriver(pairs)
		var lastCase int64
		if err := tx.queryRow(ctx, fmt.Sprintf(`SELECT count(*), coalesce(max(case_no), -1) FROM events WHERE log_id = %d`, id),
			nil, &events, &lastCase); err != nil {
			return fmt.Errorf("derive instances: %w", err)
		}
		ranges := max(1, (events+deriveRangeEvents-1)/deriveRangeEvents)
		width := max(1, (lastCase+1+ranges-1)/ranges)
		d.facts = make([]caseFact, 0, lastCase+1)
		var ev eventCols // reused from range to range
		for lo := int64(0); lo <= lastCase; lo += width {
			hi := min(lo+width, lastCase+1)
			if err := loadRange(ctx, tx, id, lo, hi, &ev); err != nil {
				return fmt.Errorf("derive instances: %w", err)
			}
			d.addRange(&ev, int32(lo), int32(hi))
			if err := sw.insert(ctx, tx, d, int32(lo), int32(hi), hi > lastCase); err != nil {
				return fmt.Errorf("derive instances: %w", err)
			}
		}
	}
	d.finish()
	if err := d.write(ctx, tx, id); err != nil {
		return fmt.Errorf("derive instances: %w", err)
	}
	lifecycle := "standard"
	if !d.standard {
		lifecycle = "non-standard"
	}
	if err := tx.exec(ctx, `UPDATE logs SET events = ?, instances = ?, cases = ?,
			resources = (SELECT count(DISTINCT resource) FROM events WHERE log_id = ? AND `+instancePredicate(d.standard)+`),
			lifecycle = ?, stale = false
		WHERE log_id = ?`, events, d.steps, int64(len(d.facts)), id, lifecycle, id); err != nil {
		return fmt.Errorf("record counts: %w", err)
	}
	return nil
}

// prepared is a log's derivation computed from what an import's stream
// kept of its events, with cases numbered 0 to cases−1.
type prepared struct {
	d      *deriver
	events int64
	cases  int32
}

// query runs q on the transaction's connection and hands each result batch
// to fn (traced like exec). A batch is valid only during the call.
func (t *txConn) query(ctx context.Context, q string, fn func(rec arrow.Record) error) error {
	if t.trace != nil {
		defer func(start time.Time) { t.trace(q, time.Since(start)) }(time.Now())
	}
	ar, err := newArrowConn(t.conn)
	if err != nil {
		return err
	}
	rr, err := ar.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rr.Release()
	for rr.Next() {
		if err := fn(rr.RecordBatch()); err != nil {
			return err
		}
	}
	return rr.Err()
}

// loadActKinds reads log id's distinct (act_src, lifecycle) pairs, with
// each act_src's activity name: all the derivation needs to know of the
// whole log before it orders any case.
func loadActKinds(ctx context.Context, tx *txConn, id int64) ([]actKind, error) {
	var out []actKind
	kinds := map[string]uint8{}
	err := tx.query(ctx, fmt.Sprintf(`SELECT act_src, lifecycle, any_value(activity) FROM events WHERE log_id = %d GROUP BY act_src, lifecycle`, id),
		func(rec arrow.Record) error {
			src, ok1 := rec.Column(0).(*array.Int32)
			lc, ok2 := rec.Column(1).(*array.String)
			name, ok3 := rec.Column(2).(*array.String)
			if !ok1 || !ok2 || !ok3 {
				return fmt.Errorf("activities read back as %v", rec.Schema())
			}
			for i := range src.Len() {
				out = append(out, actKind{actSrc: src.Value(i), name: strings.Clone(name.Value(i)), kind: kindOf(lc, i, kinds)})
			}
			return nil
		})
	return out, err
}

// kindOf classifies value i of lc, each distinct value once.
func kindOf(lc *array.String, i int, kinds map[string]uint8) uint8 {
	if lc.IsNull(i) {
		return lcComplete
	}
	v := lc.Value(i)
	k, ok := kinds[v]
	if !ok {
		k = lifecycleKind(v, true)
		kinds[strings.Clone(v)] = k
	}
	return k
}

// loadRange reads the events of log id's cases lo to hi−1 into ev.
func loadRange(ctx context.Context, tx *txConn, id, lo, hi int64, ev *eventCols) error {
	ev.caseNo, ev.actSrc, ev.ts, ev.seq, ev.kind = ev.caseNo[:0], ev.actSrc[:0], ev.ts[:0], ev.seq[:0], ev.kind[:0]
	ev.start = ev.start[:0]
	hasStart := false
	kinds := map[string]uint8{}
	err := tx.query(ctx, fmt.Sprintf(`SELECT case_no, act_src, ts, start_ts, seq, lifecycle FROM events
		WHERE log_id = %d AND case_no >= %d AND case_no < %d`, id, lo, hi),
		func(rec arrow.Record) error {
			cn, ok1 := rec.Column(0).(*array.Int32)
			as, ok2 := rec.Column(1).(*array.Int32)
			ts, ok3 := rec.Column(2).(*array.Timestamp)
			st, ok4 := rec.Column(3).(*array.Timestamp)
			seq, ok5 := rec.Column(4).(*array.Int64)
			lc, ok6 := rec.Column(5).(*array.String)
			if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
				return fmt.Errorf("events read back as %v", rec.Schema())
			}
			n := cn.Len()
			if st.NullN() < n && !hasStart {
				hasStart = true
				for range ev.len() {
					ev.start = append(ev.start, event.NoTime)
				}
			}
			ev.caseNo = append(ev.caseNo, cn.Int32Values()...)
			ev.actSrc = append(ev.actSrc, as.Int32Values()...)
			ev.seq = append(ev.seq, seq.Int64Values()...)
			for _, v := range ts.TimestampValues() {
				ev.ts = append(ev.ts, int64(v))
			}
			if hasStart {
				for i, v := range st.TimestampValues() {
					if st.IsNull(i) {
						ev.start = append(ev.start, event.NoTime)
					} else {
						ev.start = append(ev.start, int64(v))
					}
				}
			}
			for i := range n {
				ev.kind = append(ev.kind, kindOf(lc, i, kinds))
			}
			return nil
		})
	if !hasStart {
		ev.start = nil
	}
	return err
}
