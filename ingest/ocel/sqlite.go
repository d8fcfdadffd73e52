package ocel

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"; see doc.go for why this one
)

// ReadSQLite reads an OCEL 2.0 SQLite database, opened read-only and
// immutable. Errors name the table, the row's id and the column.
func ReadSQLite(ctx context.Context, path string) (*Log, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, err // SQLite would report a missing read-only file vaguely
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: "mode=ro&immutable=1"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	s := &sqliteReader{ctx: ctx, db: db, src: path, l: &Log{Format: FormatSQLite}}
	if err := s.read(); err != nil {
		return nil, err
	}
	return s.l, s.l.check(path)
}

type sqliteReader struct {
	ctx context.Context
	db  *sql.DB
	src string
	l   *Log
}

func (s *sqliteReader) errf(table string, format string, a ...any) error {
	return fmt.Errorf("%s: table %s: %s", s.src, table, fmt.Sprintf(format, a...))
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// strings runs a query of string columns.
func (s *sqliteReader) rows(table, q string, n int, fn func(v []sql.NullString) error) error {
	rs, err := s.db.QueryContext(s.ctx, q)
	if err != nil {
		return s.errf(table, "%v (not an OCEL 2.0 SQLite log?)", err)
	}
	defer rs.Close()
	v := make([]sql.NullString, n)
	ptr := make([]any, n)
	for i := range v {
		ptr[i] = &v[i]
	}
	for rs.Next() {
		if err := rs.Scan(ptr...); err != nil {
			return s.errf(table, "%v", err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rs.Err(); err != nil {
		return s.errf(table, "%v", err)
	}
	return nil
}

// typeMaps reads event_map_type or object_map_type: type name → table suffix.
func (s *sqliteReader) typeMaps(table string) ([][2]string, error) {
	var out [][2]string
	err := s.rows(table, "SELECT ocel_type, ocel_type_map FROM "+table+" ORDER BY ocel_type", 2, func(v []sql.NullString) error {
		if !v[0].Valid || v[0].String == "" || !v[1].Valid || v[1].String == "" {
			return s.errf(table, "row with type %q: empty ocel_type or ocel_type_map", v[0].String)
		}
		out = append(out, [2]string{v[0].String, v[1].String})
		return nil
	})
	return out, err
}

func (s *sqliteReader) read() error {
	evMaps, err := s.typeMaps("event_map_type")
	if err != nil {
		return err
	}
	obMaps, err := s.typeMaps("object_map_type")
	if err != nil {
		return err
	}
	evIndex := map[string]int{}
	err = s.rows("event", "SELECT ocel_id, ocel_type FROM event ORDER BY rowid", 2, func(v []sql.NullString) error {
		if _, dup := evIndex[v[0].String]; dup {
			return s.errf("event", "row with ocel_id %q: duplicate id", v[0].String)
		}
		evIndex[v[0].String] = len(s.l.Events)
		s.l.Events = append(s.l.Events, Event{ID: v[0].String, Type: v[1].String, pos: "table event, ocel_id " + fmt.Sprintf("%q", v[0].String)})
		return nil
	})
	if err != nil {
		return err
	}
	obIndex := map[string]int{}
	err = s.rows("object", "SELECT ocel_id, ocel_type FROM object ORDER BY rowid", 2, func(v []sql.NullString) error {
		if _, dup := obIndex[v[0].String]; dup {
			return s.errf("object", "row with ocel_id %q: duplicate id", v[0].String)
		}
		obIndex[v[0].String] = len(s.l.Objects)
		s.l.Objects = append(s.l.Objects, Object{ID: v[0].String, Type: v[1].String, pos: "table object, ocel_id " + fmt.Sprintf("%q", v[0].String)})
		return nil
	})
	if err != nil {
		return err
	}
	timed := make([]bool, len(s.l.Events))
	for _, m := range evMaps {
		table := "event_" + m[1]
		decl := TypeDecl{Name: m[0]}
		err := s.typed(table, func(cols []string, id string, row []any) error {
			i, ok := evIndex[id]
			if !ok {
				return s.errf(table, "row with ocel_id %q: no such event in table event", id)
			}
			e := &s.l.Events[i]
			if e.Type != m[0] {
				return s.errf(table, "row with ocel_id %q: the event's type is %q, not %q", id, e.Type, m[0])
			}
			for k, c := range cols {
				switch c {
				case "ocel_id":
				case "ocel_time":
					t, err := sqlTime(row[k])
					if err != nil {
						return s.errf(table, "row with ocel_id %q: column ocel_time: %v", id, err)
					}
					e.Time, timed[i] = t, true
				default:
					if row[k] == nil {
						continue
					}
					if e.Attrs == nil {
						e.Attrs = map[string]json.RawMessage{}
					}
					e.Attrs[c] = sqlJSON(row[k])
				}
			}
			return nil
		}, &decl)
		if err != nil {
			return err
		}
		s.l.EventTypes = append(s.l.EventTypes, decl)
	}
	for i, ok := range timed {
		if !ok {
			e := s.l.Events[i]
			return s.errf("event", "event %q of type %q has no row (and so no time) in its type's table", e.ID, e.Type)
		}
	}
	for _, m := range obMaps {
		table := "object_" + m[1]
		decl := TypeDecl{Name: m[0]}
		err := s.typed(table, func(cols []string, id string, row []any) error {
			i, ok := obIndex[id]
			if !ok {
				return s.errf(table, "row with ocel_id %q: no such object in table object", id)
			}
			o := &s.l.Objects[i]
			var t time.Time
			changed := ""
			for k, c := range cols {
				switch c {
				case "ocel_time":
					tt, err := sqlTime(row[k])
					if err != nil {
						return s.errf(table, "row with ocel_id %q: column ocel_time: %v", id, err)
					}
					t = initialZero(tt)
				case "ocel_changed_field":
					if row[k] != nil {
						changed = fmt.Sprint(sqlText(row[k]))
					}
				}
			}
			found := changed == ""
			for k, c := range cols {
				if c == "ocel_id" || c == "ocel_time" || c == "ocel_changed_field" {
					continue
				}
				if changed != "" && c != changed {
					continue
				}
				found = true
				if row[k] == nil && changed == "" {
					continue
				}
				o.Attrs = append(o.Attrs, Change{Name: c, Time: t, Value: sqlJSON(row[k])})
			}
			if !found {
				return s.errf(table, "row with ocel_id %q: ocel_changed_field names %q, which is no column of the table", id, changed)
			}
			return nil
		}, &decl)
		if err != nil {
			return err
		}
		s.l.ObjectTypes = append(s.l.ObjectTypes, decl)
	}
	err = s.rows("event_object", "SELECT ocel_event_id, ocel_object_id, ocel_qualifier FROM event_object ORDER BY rowid", 3, func(v []sql.NullString) error {
		i, ok := evIndex[v[0].String]
		if !ok {
			return s.errf("event_object", "row (%q, %q): no such event %q", v[0].String, v[1].String, v[0].String)
		}
		s.l.Events[i].Objects = append(s.l.Events[i].Objects, Relation{Object: v[1].String, Qualifier: v[2].String})
		return nil
	})
	if err != nil {
		return err
	}
	return s.rows("object_object", "SELECT ocel_source_id, ocel_target_id, ocel_qualifier FROM object_object ORDER BY rowid", 3, func(v []sql.NullString) error {
		s.l.O2O = append(s.l.O2O, O2O{Source: v[0].String, Target: v[1].String, Qualifier: v[2].String,
			pos: fmt.Sprintf("table object_object, row (%q, %q)", v[0].String, v[1].String)})
		return nil
	})
}

// typed reads a per-type table: its columns (declared attributes go to
// decl) and rows.
func (s *sqliteReader) typed(table string, fn func(cols []string, id string, row []any) error, decl *TypeDecl) error {
	rs, err := s.db.QueryContext(s.ctx, "SELECT * FROM "+quoteIdent(table)+" ORDER BY rowid")
	if err != nil {
		return s.errf(table, "%v", err)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return s.errf(table, "%v", err)
	}
	cts, _ := rs.ColumnTypes()
	idCol := -1
	for k, c := range cols {
		switch c {
		case "ocel_id":
			idCol = k
		case "ocel_time", "ocel_changed_field":
		default:
			typ := ""
			if k < len(cts) {
				typ = strings.ToLower(cts[k].DatabaseTypeName())
			}
			decl.Attributes = append(decl.Attributes, AttrDecl{Name: c, Type: typ})
		}
	}
	if idCol < 0 {
		return s.errf(table, "no ocel_id column")
	}
	row := make([]any, len(cols))
	ptr := make([]any, len(cols))
	for i := range row {
		ptr[i] = &row[i]
	}
	for rs.Next() {
		if err := rs.Scan(ptr...); err != nil {
			return s.errf(table, "%v", err)
		}
		if err := fn(cols, fmt.Sprint(sqlText(row[idCol])), row); err != nil {
			return err
		}
	}
	if err := rs.Err(); err != nil {
		return s.errf(table, "%v", err)
	}
	return nil
}

func sqlText(v any) any {
	if b, ok := v.([]byte); ok {
		return string(b)
	}
	return v
}

func sqlTime(v any) (time.Time, error) {
	switch t := sqlText(v).(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		return parseTime(t)
	case nil:
		return time.Time{}, fmt.Errorf("empty")
	default:
		return time.Time{}, fmt.Errorf("%v is not a time", t)
	}
}

func sqlJSON(v any) json.RawMessage {
	v = sqlText(v)
	if t, ok := v.(time.Time); ok {
		v = t.UTC().Format(time.RFC3339Nano)
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprint(v))
	}
	return b
}
