package ocel

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/pmx-dev/pmx/ingest/event"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// DDL creates the OCEL tables (see doc.go); Save runs it, so a warehouse
// gets them with its first object-centric log.
const DDL = `
CREATE TABLE IF NOT EXISTS ocel_event_types (log_id INTEGER NOT NULL, type VARCHAR NOT NULL, attributes JSON);
CREATE TABLE IF NOT EXISTS ocel_object_types (log_id INTEGER NOT NULL, type VARCHAR NOT NULL, attributes JSON);
CREATE TABLE IF NOT EXISTS ocel_events (log_id INTEGER NOT NULL, event_id VARCHAR NOT NULL, type VARCHAR NOT NULL,
	ts TIMESTAMP NOT NULL, seq BIGINT NOT NULL, attrs JSON);
CREATE TABLE IF NOT EXISTS ocel_objects (log_id INTEGER NOT NULL, object_id VARCHAR NOT NULL, type VARCHAR NOT NULL, seq BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS ocel_object_attrs (log_id INTEGER NOT NULL, object_id VARCHAR NOT NULL, name VARCHAR NOT NULL,
	ts TIMESTAMP, value JSON);
CREATE TABLE IF NOT EXISTS ocel_e2o (log_id INTEGER NOT NULL, event_id VARCHAR NOT NULL, object_id VARCHAR NOT NULL, qualifier VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ocel_o2o (log_id INTEGER NOT NULL, source_id VARCHAR NOT NULL, target_id VARCHAR NOT NULL, qualifier VARCHAR NOT NULL);
`

var tables = []string{"ocel_event_types", "ocel_object_types", "ocel_events", "ocel_objects", "ocel_object_attrs", "ocel_e2o", "ocel_o2o"}

// ErrNotOCEL is returned by Load for a log that is not object-centric.
var ErrNotOCEL = errors.New("not an object-centric (OCEL) log")

// Options controls Save.
type Options struct {
	Name    string // log name; must be non-empty
	Source  string // the file, recorded in logs.source
	Replace bool   // replace a log of the same name
}

// Info is what Save stored.
type Info struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Source      string `json:"source"`
	Format      string `json:"format"`
	Events      int64  `json:"events"`
	Objects     int64  `json:"objects"`
	EventTypes  int    `json:"event_types"`
	ObjectTypes int    `json:"object_types"`
	E2O         int64  `json:"e2o"`
	O2O         int64  `json:"o2o"`
	Changes     int64  `json:"object_attribute_values"`
}

// Save stores l in the warehouse as log opt.Name.
func Save(ctx context.Context, w *warehouse.Warehouse, l *Log, opt Options) (Info, error) {
	info, err := w.Import(ctx, warehouse.ImportOptions{Name: opt.Name, Source: opt.Source, Format: l.Format, Replace: opt.Replace},
		func(context.Context, event.Sink) (event.Meta, error) { return event.Meta{}, nil })
	if err != nil {
		return Info{}, err
	}
	out := Info{ID: info.ID, Name: info.Name, Source: info.Source, Format: l.Format, Events: int64(len(l.Events)),
		Objects: int64(len(l.Objects)), O2O: int64(len(l.O2O))}
	if err := store(ctx, w.DB(), info.ID, l, &out); err != nil {
		if derr := w.Drop(ctx, opt.Name); derr != nil {
			err = errors.Join(err, derr)
		}
		return Info{}, fmt.Errorf("import %s: %w", opt.Source, err)
	}
	return out, nil
}

func store(ctx context.Context, db *sql.DB, id int64, l *Log, info *Info) (err error) {
	if _, err := db.ExecContext(ctx, DDL); err != nil {
		return fmt.Errorf("create OCEL tables: %w", err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	for _, t := range tables { // rows of logs deleted or replaced since
		if _, err := conn.ExecContext(ctx, "DELETE FROM "+t+" WHERE log_id NOT IN (SELECT log_id FROM logs) OR log_id = ?", id); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		return appendAll(c, int32(id), l, info)
	})
	if err != nil {
		return err
	}
	// logs.events is the OCEL event count, so pmx logs shows the log's size.
	if _, err = conn.ExecContext(ctx, "UPDATE logs SET events = ? WHERE log_id = ?", int64(len(l.Events)), id); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// appendAll writes the log's rows through DuckDB appenders. JSON columns
// get json.RawMessage: the appender marshals what it is given, and a string
// would be stored as a JSON string literal.
func appendAll(c driver.Conn, id int32, l *Log, info *Info) error {
	put := func(table string, fill func(add func(v ...driver.Value) error) error) error {
		a, err := duckdb.NewAppenderFromConn(c, "", table)
		if err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		if err := fill(func(v ...driver.Value) error { return a.AppendRow(append([]driver.Value{id}, v...)...) }); err != nil {
			a.Close()
			return fmt.Errorf("%s: %w", table, err)
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
		return nil
	}
	var evTypes, obTypes []string
	for _, e := range l.Events {
		evTypes = append(evTypes, e.Type)
	}
	for _, o := range l.Objects {
		obTypes = append(obTypes, o.Type)
	}
	typeRows := func(decl []TypeDecl, used []string, n *int) func(add func(v ...driver.Value) error) error {
		return func(add func(v ...driver.Value) error) error {
			for _, d := range sortedTypes(decl, used) {
				if d.Attributes == nil {
					d.Attributes = []AttrDecl{}
				}
				b, _ := json.Marshal(d.Attributes)
				if err := add(d.Name, json.RawMessage(b)); err != nil {
					return err
				}
				*n++
			}
			return nil
		}
	}
	if err := put("ocel_event_types", typeRows(l.EventTypes, evTypes, &info.EventTypes)); err != nil {
		return err
	}
	if err := put("ocel_object_types", typeRows(l.ObjectTypes, obTypes, &info.ObjectTypes)); err != nil {
		return err
	}
	if err := put("ocel_events", func(add func(v ...driver.Value) error) error {
		for i, e := range l.Events {
			var attrs driver.Value
			if len(e.Attrs) > 0 {
				b, _ := json.Marshal(e.Attrs) // map keys sorted: deterministic
				attrs = json.RawMessage(b)
			}
			if err := add(e.ID, e.Type, e.Time, int64(i), attrs); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := put("ocel_objects", func(add func(v ...driver.Value) error) error {
		for i, o := range l.Objects {
			if err := add(o.ID, o.Type, int64(i)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := put("ocel_object_attrs", func(add func(v ...driver.Value) error) error {
		for _, o := range l.Objects {
			for _, c := range o.Attrs {
				var ts driver.Value
				if !c.Time.IsZero() {
					ts = c.Time
				}
				if err := add(o.ID, c.Name, ts, c.Value); err != nil {
					return err
				}
				info.Changes++
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if err := put("ocel_e2o", func(add func(v ...driver.Value) error) error {
		for _, e := range l.Events {
			for _, r := range e.Objects {
				if err := add(e.ID, r.Object, r.Qualifier); err != nil {
					return err
				}
				info.E2O++
			}
		}
		return nil
	}); err != nil {
		return err
	}
	return put("ocel_o2o", func(add func(v ...driver.Value) error) error {
		for _, r := range l.O2O {
			if err := add(r.Source, r.Target, r.Qualifier); err != nil {
				return err
			}
		}
		return nil
	})
}

// Graph is the part of a stored log that flattening, statistics and the
// object-centric DFG read: events in time order (ties in source order),
// objects, and for each object its events in that order.
type Graph struct {
	Name         string
	EventIDs     []string
	EventTypes   []string // activity of each event
	EventTimes   []time.Time
	EventAttrs   []string // JSON object or ""
	ObjectIDs    []string
	ObjectTypes  []string
	ObjectEvents [][]int32 // per object, indexes into the event slices, ascending
	Types        []string  // object types, sorted
	Activities   []string  // event types, sorted
}

// Load reads the stored log name.
func Load(ctx context.Context, w *warehouse.Warehouse, name string) (*Graph, error) {
	li, err := w.Log(ctx, name)
	if err != nil {
		return nil, err
	}
	if !IsOCEL(li.Format) {
		return nil, fmt.Errorf("log %q (format %s): %w", name, li.Format, ErrNotOCEL)
	}
	db := w.DB()
	g := &Graph{Name: name}
	evIdx := map[string]int32{}
	rs, err := db.QueryContext(ctx, `SELECT event_id, type, ts, coalesce(attrs::VARCHAR, '') FROM ocel_events WHERE log_id = ? ORDER BY ts, seq`, li.ID)
	if err != nil {
		return nil, fmt.Errorf("log %q: %w (was it imported by this pmx?)", name, err)
	}
	for rs.Next() {
		var id, typ, attrs string
		var ts time.Time
		if err := rs.Scan(&id, &typ, &ts, &attrs); err != nil {
			rs.Close()
			return nil, err
		}
		evIdx[id] = int32(len(g.EventIDs))
		g.EventIDs, g.EventTypes, g.EventTimes, g.EventAttrs = append(g.EventIDs, id), append(g.EventTypes, typ), append(g.EventTimes, ts.UTC()), append(g.EventAttrs, attrs)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, err
	}
	obIdx := map[string]int{}
	rs, err = db.QueryContext(ctx, `SELECT object_id, type FROM ocel_objects WHERE log_id = ? ORDER BY seq`, li.ID)
	if err != nil {
		return nil, err
	}
	for rs.Next() {
		var id, typ string
		if err := rs.Scan(&id, &typ); err != nil {
			rs.Close()
			return nil, err
		}
		obIdx[id] = len(g.ObjectIDs)
		g.ObjectIDs, g.ObjectTypes = append(g.ObjectIDs, id), append(g.ObjectTypes, typ)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, err
	}
	g.ObjectEvents = make([][]int32, len(g.ObjectIDs))
	// An event related to an object under two qualifiers is one event of
	// that object (as PM4Py drops duplicate event-object pairs).
	rs, err = db.QueryContext(ctx, `SELECT DISTINCT event_id, object_id FROM ocel_e2o WHERE log_id = ?`, li.ID)
	if err != nil {
		return nil, err
	}
	for rs.Next() {
		var ev, ob string
		if err := rs.Scan(&ev, &ob); err != nil {
			rs.Close()
			return nil, err
		}
		e, ok1 := evIdx[ev]
		o, ok2 := obIdx[ob]
		if !ok1 || !ok2 {
			rs.Close()
			return nil, fmt.Errorf("log %q: table ocel_e2o: relation (%q, %q) names an unknown event or object", name, ev, ob)
		}
		g.ObjectEvents[o] = append(g.ObjectEvents[o], e)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, err
	}
	types, acts := map[string]bool{}, map[string]bool{}
	for i := range g.ObjectEvents {
		s := g.ObjectEvents[i]
		sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
		types[g.ObjectTypes[i]] = true
	}
	for _, a := range g.EventTypes {
		acts[a] = true
	}
	g.Types, g.Activities = keys(types), keys(acts)
	return g, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
