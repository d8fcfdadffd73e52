// Package timeline loads a warehouse log's activity instances into columnar
// Go arrays — the input of the time, rework, resource and SLA analyses —
// through DuckDB's Arrow interface in one ordered scan: activities,
// resources and cases dictionary-encoded as integers, times as Unix
// microseconds.
//
// It reads the warehouse and never writes to it; it must not import cmd,
// report or mining.
package timeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// None marks an absent integer value (no start time, no resource, no
// previous step).
const None = -1

// Log is a log's activity instances, ordered by case and position. Step i
// belongs to case Case[i]; the steps of case c are CaseStart[c] ..
// CaseStart[c+1]-1. Times are Unix microseconds (UTC).
type Log struct {
	Name       string
	Activities []string // act_no → name (name order)
	Resources  []string // res_no → name (name order)
	Groups     []string // org:group values (name order)
	CaseIDs    []string // case index → case id (case_no order)
	// CaseAttrs holds each case's attributes as a JSON object ("" if none).
	CaseAttrs []string
	CaseStart []int32 // len(CaseIDs)+1 offsets into the step arrays

	Case     []int32 // case index of each step
	Act      []int32
	Resource []int32 // None when the instance has no resource
	Group    []int32 // index into Groups, None without an org:group attribute
	Time     []int64 // completion
	Start    []int64 // start, None when unknown
}

// Steps is the number of activity instances.
func (l *Log) Steps() int { return len(l.Act) }

// Cases is the number of cases with at least one instance.
func (l *Log) Cases() int { return len(l.CaseIDs) }

// Options choose what Load reads besides the activity instances.
type Options struct {
	// GroupAttr names the event attribute holding the group or team of the
	// instance's resource (XES: "org:group"); "" reads no groups.
	GroupAttr string
}

// Load reads log name from the warehouse (refreshing its derived tables
// first if Kafka appended to it), without groups.
func Load(ctx context.Context, w *warehouse.Warehouse, name string) (*Log, error) {
	return LoadWith(ctx, w, name, Options{})
}

// LoadWith is Load with options.
func LoadWith(ctx context.Context, w *warehouse.Warehouse, name string, o Options) (*Log, error) {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := w.Refresh(ctx, name); err != nil {
		return nil, err
	}
	l := &Log{Name: name}
	err = w.ReadArrow(ctx, func(query warehouse.Query) error { return l.load(query, id, o) })
	if err != nil {
		return nil, fmt.Errorf("load timeline of log %q: %w", name, err)
	}
	return l, nil
}

// Resources are numbered in SQL (dense rank by name) so the 1M-row scan
// carries integers, not strings; cases are renumbered densely in case_no
// order because case_no may have gaps (cases without instances).
func (l *Log) load(scan warehouse.Query, id int64, o Options) error {
	strs := func(q string, dst *[]string) error {
		return scan(q, func(rec arrow.Record) error {
			col, ok := rec.Column(0).(*array.String)
			if !ok {
				return fmt.Errorf("%s: column is %s", q, rec.Column(0).DataType())
			}
			for i := 0; i < col.Len(); i++ {
				*dst = append(*dst, strings.Clone(col.Value(i))) // Arrow memory is freed after the call
			}
			return nil
		})
	}
	if err := strs(fmt.Sprintf(`SELECT activity FROM activities WHERE log_id = %d ORDER BY act_no`, id), &l.Activities); err != nil {
		return err
	}
	resSQL := fmt.Sprintf(`SELECT DISTINCT resource FROM events WHERE log_id = %d AND resource IS NOT NULL`, id)
	if err := strs(`SELECT resource FROM (`+resSQL+`) ORDER BY resource`, &l.Resources); err != nil {
		return err
	}
	err := scan(fmt.Sprintf(`SELECT f.case_id, c.attrs::VARCHAR FROM case_facts f
		LEFT JOIN (SELECT DISTINCT ON (case_no) case_no, attrs FROM cases WHERE log_id = %[1]d) c USING (case_no)
		WHERE f.log_id = %[1]d ORDER BY f.case_no`, id), func(rec arrow.Record) error {
		ids, ok1 := rec.Column(0).(*array.String)
		attrs, ok2 := rec.Column(1).(*array.String)
		if !ok1 || !ok2 {
			return fmt.Errorf("cases: unexpected columns %s", rec.Schema())
		}
		for i := 0; i < ids.Len(); i++ {
			l.CaseIDs = append(l.CaseIDs, strings.Clone(ids.Value(i)))
			a := ""
			if attrs.IsValid(i) {
				a = strings.Clone(attrs.Value(i))
			}
			l.CaseAttrs = append(l.CaseAttrs, a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var n int64
	if err := scan(fmt.Sprintf(`SELECT count(*) FROM steps WHERE log_id = %d`, id), func(rec arrow.Record) error {
		n = rec.Column(0).(*array.Int64).Value(0)
		return nil
	}); err != nil {
		return err
	}
	l.Case, l.Act, l.Resource = make([]int32, 0, n), make([]int32, 0, n), make([]int32, n)
	l.Time, l.Start = make([]int64, 0, n), make([]int64, 0, n)
	l.CaseStart = make([]int32, 0, len(l.CaseIDs)+1)
	// Steps in (case_no, pos) order, without joins: sorting the narrow
	// table is cheap, sorting it after the join with events is not (2 s
	// against 0.1 s per million steps).
	var caseK []int32 // case_no → dense case index
	lastNo := int32(-1)
	err = scan(fmt.Sprintf(`SELECT case_no, act_no, epoch_us(ts), coalesce(epoch_us(start_ts), -1)
		FROM steps WHERE log_id = %d ORDER BY case_no, pos`, id), func(rec arrow.Record) error {
		cno, ok1 := rec.Column(0).(*array.Int32)
		act, ok2 := rec.Column(1).(*array.Int32)
		ts, ok3 := rec.Column(2).(*array.Int64)
		st, ok4 := rec.Column(3).(*array.Int64)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return fmt.Errorf("steps: unexpected columns %s", rec.Schema())
		}
		for i := 0; i < cno.Len(); i++ {
			no := cno.Value(i)
			if no != lastNo {
				lastNo = no
				for int(no) >= len(caseK) {
					caseK = append(caseK, None)
				}
				caseK[no] = int32(len(l.CaseStart))
				l.CaseStart = append(l.CaseStart, int32(len(l.Case)))
			}
			l.Case = append(l.Case, caseK[no])
		}
		l.Act = append(l.Act, act.Int32Values()...)
		l.Time = append(l.Time, ts.Int64Values()...)
		l.Start = append(l.Start, st.Int64Values()...)
		return nil
	})
	if err != nil {
		return err
	}
	l.CaseStart = append(l.CaseStart, int32(len(l.Case)))
	if len(l.CaseStart)-1 != len(l.CaseIDs) {
		return fmt.Errorf("steps cover %d cases, case_facts has %d", len(l.CaseStart)-1, len(l.CaseIDs))
	}
	// Resources and groups (the XES org:group event attribute), numbered by
	// name in SQL and placed by (case, pos) in Go: one join with events for
	// both.
	l.Group = make([]int32, n)
	for i := range l.Resource {
		l.Resource[i], l.Group[i] = None, None
	}
	// The group is an event attribute inside the JSON attrs: extracting it
	// costs about 2 s per million events, so it is read only on request.
	grpExpr := "NULL::VARCHAR"
	if o.GroupAttr != "" {
		grpExpr = fmt.Sprintf("json_extract_string(attrs, %s)", sqlString("$."+jsonPathKey(o.GroupAttr)))
	}
	grpSQL := fmt.Sprintf(`SELECT DISTINCT %s AS grp FROM events WHERE log_id = %d AND %[1]s IS NOT NULL`, grpExpr, id)
	if o.GroupAttr != "" {
		if err := strs(`SELECT grp FROM (`+grpSQL+`) ORDER BY grp`, &l.Groups); err != nil {
			return err
		}
	}
	q := fmt.Sprintf(`
		WITH r AS (SELECT resource, (row_number() OVER (ORDER BY resource) - 1)::INTEGER AS res_no FROM (%[2]s))
		SELECT s.case_no, s.pos, r.res_no, -1::INTEGER FROM steps s JOIN events e ON e.log_id = %[1]d AND e.seq = s.seq
		JOIN r ON r.resource = e.resource WHERE s.log_id = %[1]d`, id, resSQL)
	if o.GroupAttr != "" {
		q = fmt.Sprintf(`
		WITH r AS (SELECT resource, (row_number() OVER (ORDER BY resource) - 1)::INTEGER AS res_no FROM (%[2]s)),
		     g AS (SELECT grp, (row_number() OVER (ORDER BY grp) - 1)::INTEGER AS grp_no FROM (%[3]s)),
		     e AS (SELECT seq, resource, %[4]s AS grp FROM events WHERE log_id = %[1]d)
		SELECT s.case_no, s.pos, coalesce(r.res_no, -1)::INTEGER, coalesce(g.grp_no, -1)::INTEGER
		FROM steps s JOIN e ON e.seq = s.seq LEFT JOIN r ON r.resource = e.resource LEFT JOIN g ON g.grp = e.grp
		WHERE s.log_id = %[1]d AND (e.resource IS NOT NULL OR e.grp IS NOT NULL)`, id, resSQL, grpSQL, grpExpr)
	}
	return scan(q, func(rec arrow.Record) error {
		cno, ok1 := rec.Column(0).(*array.Int32)
		pos, ok2 := rec.Column(1).(*array.Int32)
		res, ok3 := rec.Column(2).(*array.Int32)
		grp, ok4 := rec.Column(3).(*array.Int32)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return fmt.Errorf("resources: unexpected columns %s", rec.Schema())
		}
		for i := 0; i < cno.Len(); i++ {
			no := cno.Value(i)
			if int(no) >= len(caseK) || caseK[no] == None {
				return fmt.Errorf("resources: case_no %d has no steps", no)
			}
			at := int(l.CaseStart[caseK[no]]) + int(pos.Value(i))
			if at >= int(l.CaseStart[caseK[no]+1]) {
				return fmt.Errorf("resources: case_no %d position %d out of range", no, pos.Value(i))
			}
			l.Resource[at], l.Group[at] = res.Value(i), grp.Value(i)
		}
		return nil
	})
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// jsonPathKey quotes an attribute name as one JSON-path key ("org:group"
// holds a colon, which a bare path segment cannot).
func jsonPathKey(k string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(k) + `"`
}
