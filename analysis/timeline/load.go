package timeline

import (
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// chunkRows bounds the rows one query returns. duckdb-go materialises a
// result in DuckDB's memory before the first record is handed over, so a
// 10M-row scan in one query would hold all of it next to the Go arrays it
// fills; queries over case or seq ranges of about this many rows keep that
// to a few tens of MiB. Tests lower it to cross chunk boundaries.
var chunkRows = 1 << 20

// load reads the log in four steps, none of which sorts or joins the 10M
// rows in SQL: the dictionaries, the cases (with their instance counts, so
// each case's slots are known in advance), the owners (resource and group)
// of every event by seq, and the steps, each placed at its case's offset
// plus its position. Sorting the steps by (case_no, pos) in DuckDB costs
// 0.35 s per million rows and joining them with events to find resources
// 0.8 s; scattering them into place in Go costs a few milliseconds.
func (l *Log) load(scan warehouse.Query, id int64, o Options) error {
	if err := scanStrings(scan, fmt.Sprintf(`SELECT activity FROM activities WHERE log_id = %d ORDER BY act_no`, id), func(s string) {
		l.Activities = append(l.Activities, s)
	}); err != nil {
		return err
	}
	caseK, err := l.loadCases(scan, id)
	if err != nil {
		return err
	}
	ow, err := l.loadOwners(scan, id, o)
	if err != nil {
		return err
	}
	return l.loadSteps(scan, id, caseK, ow)
}

// loadCases reads the case ids and instance counts and the case
// attributes; it returns case_no → case index (None for case numbers
// without instances). Cases are indexed in case_no order; the rows arrive
// unordered (sorting them in SQL would cost more than the whole read) and
// are placed by case_no, which the warehouse hands out densely.
func (l *Log) loadCases(scan warehouse.Query, id int64) ([]int32, error) {
	var maxNo, cases int64
	err := scan(fmt.Sprintf(`SELECT coalesce(max(case_no), -1)::BIGINT, count(*) FROM case_facts WHERE log_id = %d`, id), func(rec arrow.Record) error {
		a, ok1 := rec.Column(0).(*array.Int64)
		b, ok2 := rec.Column(1).(*array.Int64)
		if !ok1 || !ok2 || rec.NumRows() != 1 {
			return fmt.Errorf("cases: unexpected result %s", rec.Schema())
		}
		maxNo, cases = a.Value(0), b.Value(0)
		return nil
	})
	if err != nil {
		return nil, err
	}
	counts := make([]int32, maxNo+1) // by case_no; 0: no instances
	ids := make([]string, maxNo+1)
	err = scan(fmt.Sprintf(`SELECT case_no, n, case_id FROM case_facts WHERE log_id = %d`, id), func(rec arrow.Record) error {
		no, ok1 := rec.Column(0).(*array.Int32)
		n, ok2 := rec.Column(1).(*array.Int32)
		col, ok3 := rec.Column(2).(*array.String)
		if !ok1 || !ok2 || !ok3 || no.NullN()+n.NullN() > 0 {
			return fmt.Errorf("cases: unexpected columns %s", rec.Schema())
		}
		names := appendStrings(nil, col)
		for i, c := range no.Int32Values() {
			if c < 0 || n.Value(i) <= 0 {
				return fmt.Errorf("cases: case_no %d with %d instances", c, n.Value(i))
			}
			if int(c) >= len(counts) {
				return fmt.Errorf("cases: case_no %d above the largest, %d", c, maxNo)
			}
			if counts[c] != 0 {
				return fmt.Errorf("cases: case_no %d twice", c)
			}
			counts[c], ids[c] = n.Value(i), names[i]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	caseK := filled(len(counts), None)
	l.CaseIDs, l.CaseStart = make([]string, 0, cases), make([]int32, 0, cases+1)
	steps := int32(0)
	for c, n := range counts {
		if n == 0 {
			continue
		}
		caseK[c] = int32(len(l.CaseIDs))
		l.CaseIDs = append(l.CaseIDs, ids[c])
		l.CaseStart = append(l.CaseStart, steps)
		steps += n
	}
	l.CaseStart = append(l.CaseStart, steps)
	// One attribute row per case; were there several, the smallest wins,
	// so that the choice does not depend on scan order.
	l.CaseAttrs = make([]string, len(l.CaseIDs))
	err = scan(fmt.Sprintf(`SELECT case_no, attrs::VARCHAR FROM cases WHERE log_id = %d AND attrs IS NOT NULL`, id), func(rec arrow.Record) error {
		no, ok1 := rec.Column(0).(*array.Int32)
		attrs, ok2 := rec.Column(1).(*array.String)
		if !ok1 || !ok2 {
			return fmt.Errorf("case attributes: unexpected columns %s", rec.Schema())
		}
		vals := appendStrings(nil, attrs)
		for i := 0; i < no.Len(); i++ {
			c := no.Value(i)
			if c < 0 || int(c) >= len(caseK) || caseK[c] == None {
				continue // a case without instances
			}
			if a := &l.CaseAttrs[caseK[c]]; *a == "" || vals[i] < *a {
				*a = vals[i]
			}
		}
		return nil
	})
	return caseK, err
}

// loadSteps reads the steps in chunks of the table's physical rows
// (rowid ranges, which DuckDB reads without touching other row groups) and
// places each at its case's offset plus its position.
func (l *Log) loadSteps(scan warehouse.Query, id int64, caseK []int32, ow *owners) error {
	n := int(l.CaseStart[len(l.CaseStart)-1])
	l.Case, l.Act, l.Resource = make([]int32, n), filled(n, None), make([]int32, n)
	l.Time, l.Start = make([]int64, n), make([]int64, n)
	if ow.grp != nil {
		l.Group = make([]int32, n)
	}
	for c := range l.CaseIDs {
		for i := l.CaseStart[c]; i < l.CaseStart[c+1]; i++ {
			l.Case[i] = int32(c)
		}
	}
	// Timestamps as they are stored (Arrow timestamp[us]: Unix
	// microseconds already); converting them in SQL costs a third of the
	// scan.
	qs, err := chunked(scan, "steps", id, `SELECT case_no, pos, act_no, ts, start_ts, seq FROM steps WHERE %s`)
	if err != nil {
		return err
	}
	read := 0
	err = pipelined(scan, qs, func(rec arrow.Record) error {
		cno, ok1 := rec.Column(0).(*array.Int32)
		pos, ok2 := rec.Column(1).(*array.Int32)
		act, ok3 := rec.Column(2).(*array.Int32)
		ts, ok4 := rec.Column(3).(*array.Timestamp)
		st, ok5 := rec.Column(4).(*array.Timestamp)
		seq, ok6 := rec.Column(5).(*array.Int64)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !microseconds(ts) || !microseconds(st) {
			return fmt.Errorf("steps: unexpected columns %s", rec.Schema())
		}
		if cno.NullN()+pos.NullN()+act.NullN()+ts.NullN()+seq.NullN() > 0 {
			return fmt.Errorf("steps: null values")
		}
		// The raw value slices: this loop places ten million rows.
		cnoV, posV, actV := cno.Int32Values(), pos.Int32Values(), act.Int32Values()
		tsV, stV, seqV := ts.TimestampValues(), st.TimestampValues(), seq.Int64Values()
		noStart := st.NullN() == st.Len()
		for i, no := range cnoV {
			if no < 0 || int(no) >= len(caseK) || caseK[no] == None {
				return fmt.Errorf("steps: case_no %d is not in case_facts", no)
			}
			k, p := caseK[no], posV[i]
			at := l.CaseStart[k] + p
			if p < 0 || at >= l.CaseStart[k+1] || l.Act[at] != None {
				return fmt.Errorf("steps: case_no %d has position %d twice or out of range", no, p)
			}
			l.Act[at], l.Time[at], l.Start[at] = actV[i], int64(tsV[i]), None
			if !noStart && st.IsValid(i) {
				l.Start[at] = int64(stV[i])
			}
			r, ok := ow.res.get(seqV[i])
			if !ok {
				return fmt.Errorf("steps: seq %d is not an event of the log", seqV[i])
			}
			l.Resource[at] = r
			if ow.grp != nil {
				l.Group[at], _ = ow.grp.get(seqV[i])
			}
		}
		read += len(cnoV)
		return nil
	})
	if err != nil {
		return err
	}
	if read != n {
		return fmt.Errorf("steps: %d rows, case_facts counts %d", read, n)
	}
	return nil
}

// chunked returns query (whose WHERE clause is %s) for each range of
// chunkRows rowids of log id's rows in table. Rowid ranges are the table's
// physical order, so DuckDB reads each from its own row groups.
func chunked(scan warehouse.Query, table string, id int64, query string) ([]string, error) {
	var lo, hi int64
	err := scan(fmt.Sprintf(`SELECT coalesce(min(rowid), 0), coalesce(max(rowid), -1) FROM %s WHERE log_id = %d`, table, id), func(rec arrow.Record) error {
		a, ok1 := rec.Column(0).(*array.Int64)
		b, ok2 := rec.Column(1).(*array.Int64)
		if !ok1 || !ok2 || rec.NumRows() != 1 {
			return fmt.Errorf("%s: unexpected rowid range %s", table, rec.Schema())
		}
		lo, hi = a.Value(0), b.Value(0)
		return nil
	})
	var qs []string
	for from := lo; from <= hi; from += int64(chunkRows) {
		qs = append(qs, fmt.Sprintf(query, fmt.Sprintf("log_id = %d AND rowid >= %d AND rowid < %d", id, from, from+int64(chunkRows))))
	}
	return qs, err
}

// microseconds reports whether a is a timestamp column in microseconds.
func microseconds(a *array.Timestamp) bool {
	t, ok := a.DataType().(*arrow.TimestampType)
	return ok && t.Unit == arrow.Microsecond
}

// pipelined runs the queries one after another and hands their records, in
// order, to place on another goroutine: DuckDB computes a chunk while Go
// places the one before, and each takes about half of a load's time. At
// most about one chunk of records waits (they are Arrow copies of DuckDB's
// result, valid until released). place's first error stops the reading.
func pipelined(scan warehouse.Query, queries []string, place func(arrow.Record) error) error {
	recs := make(chan arrow.Record, chunkRows/2048+2)
	var placeErr error
	failed := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for rec := range recs {
			if placeErr == nil {
				if placeErr = place(rec); placeErr != nil {
					close(failed)
				}
			}
			rec.Release()
		}
	}()
	var err error
	for _, q := range queries {
		err = scan(q, func(rec arrow.Record) error {
			rec.Retain()
			select {
			case recs <- rec:
				return nil
			case <-failed:
				rec.Release()
				return errPlace
			}
		})
		if err != nil {
			break
		}
	}
	close(recs)
	<-done
	if placeErr != nil {
		return placeErr
	}
	return err
}

var errPlace = errors.New("placing records failed")

// scanStrings calls fn with every value of the query's one text column.
func scanStrings(scan warehouse.Query, q string, fn func(string)) error {
	return scan(q, func(rec arrow.Record) error {
		col, ok := rec.Column(0).(*array.String)
		if !ok {
			return fmt.Errorf("%s: column is %s", q, rec.Column(0).DataType())
		}
		for _, s := range appendStrings(nil, col) {
			fn(s)
		}
		return nil
	})
}

// appendStrings appends col's values (null: "") to dst. Arrow memory is
// freed after the record's call, so the values are copied, in one
// allocation per record rather than one per value: a million case ids are
// then a few hundred allocations.
func appendStrings(dst []string, col *array.String) []string {
	if col.Len() == 0 {
		return dst
	}
	buf := string(col.ValueBytes())
	off := col.ValueOffsets()
	for i := 0; i < col.Len(); i++ {
		if col.IsNull(i) {
			dst = append(dst, "")
			continue
		}
		dst = append(dst, buf[off[i]-off[0]:off[i+1]-off[0]])
	}
	return dst
}

func filled(n int, v int32) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = v
	}
	return s
}
