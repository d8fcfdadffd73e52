package ocel

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// summary is what the readers must agree on for one log.
type summary struct {
	events, objects, e2o, o2o, changes int
	firstEvent, lastEvent              string
}

func summarize(l *Log) summary {
	s := summary{events: len(l.Events), objects: len(l.Objects), o2o: len(l.O2O)}
	for _, e := range l.Events {
		s.e2o += len(e.Objects)
	}
	for _, o := range l.Objects {
		s.changes += len(o.Attrs)
	}
	if len(l.Events) > 0 {
		f, z := l.Events[0], l.Events[len(l.Events)-1]
		s.firstEvent = f.ID + " " + f.Type + " " + f.Time.Format("2006-01-02T15:04:05Z")
		s.lastEvent = z.ID + " " + z.Type + " " + z.Time.Format("2006-01-02T15:04:05Z")
	}
	return s
}

// TestReadForms reads the same log (PM4Py's OCEL 2.0 example) in every form.
func TestReadForms(t *testing.T) {
	want := summary{events: 13, objects: 9, e2o: 20, o2o: 7, firstEvent: "e1 Create Purchase Requisition 2022-01-09T15:00:00Z",
		lastEvent: "e13 Insert Payment 2022-02-28T23:00:00Z"}
	for _, c := range []struct {
		path, format string
		changes      int
	}{
		{"../../testdata/ocel/example.jsonocel", FormatJSON, 12},
		{"../../testdata/ocel/example.xmlocel", FormatXML, 12},
		{"../../../shared/logs/ocel20_example.sqlite", FormatSQLite, 12},
	} {
		t.Run(c.format, func(t *testing.T) {
			if _, err := os.Stat(c.path); err != nil {
				t.Skipf("%s absent (the SQLite form is the shared log in ../shared/logs)", c.path)
			}
			if got, _ := Detect(c.path); got != c.format {
				t.Fatalf("Detect = %q, want %q", got, c.format)
			}
			l, err := Read(context.Background(), c.path, "")
			if err != nil {
				t.Fatal(err)
			}
			w := want
			w.changes = c.changes
			if got := summarize(l); got != w {
				t.Errorf("got  %+v\nwant %+v", got, w)
			}
		})
	}
}

func TestReadJSONErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"syntax", "{\n\"events\": [\n,]}", "x.json:3: invalid character"},
		{"not ocel 2", `{"events": []}`, `no "objectTypes" member`},
		{"bad time", `{"objectTypes":[],"eventTypes":[],"objects":[],"events":[{"id":"e1","type":"a","time":"yesterday"}]}`, `events[0] ("e1"): time "yesterday" is not an ISO 8601 date-time`},
		{"no time", `{"objectTypes":[],"eventTypes":[],"objects":[],"events":[{"id":"e1","type":"a"}]}`, `events[0] ("e1"): no time`},
		{"unknown object", `{"objectTypes":[],"eventTypes":[],"objects":[],"events":[{"id":"e1","type":"a","time":"2024-01-01T00:00:00Z","relationships":[{"objectId":"o9","qualifier":""}]}]}`, `event "e1": relationship to unknown object "o9"`},
		{"duplicate event", `{"objectTypes":[],"eventTypes":[],"objects":[],"events":[{"id":"e1","type":"a","time":"2024-01-01"},{"id":"e1","type":"a","time":"2024-01-01"}]}`, `events[1]: event "e1": duplicate id`},
		{"object without type", `{"objectTypes":[],"eventTypes":[],"objects":[{"id":"o1"}],"events":[]}`, `objects[0]: object "o1": empty type`},
		{"o2o unknown", `{"objectTypes":[],"eventTypes":[],"objects":[{"id":"o1","type":"t","relationships":[{"objectId":"o2"}]}],"events":[]}`, `relationship to unknown object "o2"`},
		{"ocel1 bad time", `{"ocel:events":{"e1":{"ocel:activity":"a","ocel:timestamp":"x","ocel:omap":[]}},"ocel:objects":{}}`, `ocel:events["e1"]: ocel:timestamp: time "x"`},
		{"ocel1 undeclared object", `{"ocel:events":{"e1":{"ocel:activity":"a","ocel:timestamp":"2020-01-01T00:00:00Z","ocel:omap":["o1"]}},"ocel:objects":{}}`, `relationship to unknown object "o1"`},
		{"wrong type", `{"objectTypes":3,"eventTypes":[],"objects":[],"events":[]}`, "x.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(c.in), "x.json")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestReadXMLErrors(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"syntax", "<log>\n<events>\n<event id='e1'\n</log>", "x.xml:4:"},
		{"root", "<pnml/>", "root element <pnml>"},
		{"truncated", "<log><events>", "x.xml:1: unexpected EOF"},
		{"xxe", `<?xml version="1.0"?><!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]><log>&x;</log>`, "a DOCTYPE declaring entities is refused"},
		{"event time", "<log><events>\n<event id='e1' type='a' time='soon'/></events></log>", `x.xml:2: event "e1": time: time "soon"`},
		{"event no time", "<log><events>\n<event id='e1' type='a'/></events></log>", `x.xml:2: event "e1": no time attribute`},
		{"unknown object", "<log><events><event id='e1' type='a' time='2024-01-01T00:00:00Z'><objects><relationship object-id='o1'/></objects></event></events></log>", `relationship to unknown object "o1"`},
		{"encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><log/>`, `encoding "ISO-8859-1" is not supported`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadXML(strings.NewReader(c.in), "x.xml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

// makeSQLite writes a small OCEL 2.0 SQLite file from SQL statements.
func makeSQLite(t testing.TB, stmts string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "x.sqlite")
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range strings.Split(stmts, ";") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return p
}

const sqliteOK = `
CREATE TABLE event (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
CREATE TABLE event_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
CREATE TABLE object (ocel_id TEXT PRIMARY KEY, ocel_type TEXT);
CREATE TABLE object_map_type (ocel_type TEXT PRIMARY KEY, ocel_type_map TEXT);
CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT);
CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT);
CREATE TABLE event_Place (ocel_id TEXT, ocel_time TIMESTAMP, amount REAL);
CREATE TABLE object_Order (ocel_id TEXT, ocel_time TIMESTAMP, status TEXT, ocel_changed_field TEXT);
INSERT INTO event_map_type VALUES ('place order', 'Place');
INSERT INTO object_map_type VALUES ('order', 'Order');
INSERT INTO event VALUES ('e1', 'place order');
INSERT INTO event_Place VALUES ('e1', '2024-03-01 10:00:00', 12.5);
INSERT INTO object VALUES ('o1', 'order'), ('o2', 'order');
INSERT INTO object_Order VALUES ('o1', '1970-01-01 00:00:00', 'new', NULL), ('o1', '2024-03-02 08:00:00', 'paid', 'status');
INSERT INTO event_object VALUES ('e1', 'o1', 'placed'), ('e1', 'o2', 'placed');
INSERT INTO object_object VALUES ('o1', 'o2', 'split from');
`

func TestReadSQLite(t *testing.T) {
	l, err := ReadSQLite(context.Background(), makeSQLite(t, sqliteOK))
	if err != nil {
		t.Fatal(err)
	}
	e := l.Events[0]
	if e.Time.Format("2006-01-02 15:04") != "2024-03-01 10:00" || string(e.Attrs["amount"]) != "12.5" || len(e.Objects) != 2 {
		t.Errorf("event: %+v", e)
	}
	o := l.Objects[0]
	if len(o.Attrs) != 2 || !o.Attrs[0].Time.IsZero() || string(o.Attrs[1].Value) != `"paid"` || o.Attrs[1].Time.Hour() != 8 {
		t.Errorf("object attributes: %+v", o.Attrs)
	}
	if len(l.O2O) != 1 || l.O2O[0].Qualifier != "split from" {
		t.Errorf("o2o: %+v", l.O2O)
	}
}

func TestReadSQLiteErrors(t *testing.T) {
	for _, c := range []struct{ name, extra, want string }{
		{"no time row", "INSERT INTO event VALUES ('e2', 'place order')", `event "e2" of type "place order" has no row`},
		{"bad time", "INSERT INTO event VALUES ('e2', 'place order'); INSERT INTO event_Place VALUES ('e2', 'noon', 1)", `table event_Place: row with ocel_id "e2": column ocel_time: time "noon"`},
		{"unknown object", "INSERT INTO event_object VALUES ('e1', 'o9', '')", `relationship to unknown object "o9"`},
		{"bad changed field", "INSERT INTO object_Order VALUES ('o2', '2024-03-03 00:00:00', 'x', 'colour')", `ocel_changed_field names "colour"`},
		{"missing type table", "INSERT INTO event_map_type VALUES ('ship', 'Ship')", `table event_Ship: `},
		{"stray row", "INSERT INTO event_Place VALUES ('e7', '2024-03-01 10:00:00', 1)", `table event_Place: row with ocel_id "e7": no such event`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadSQLite(context.Background(), makeSQLite(t, sqliteOK+c.extra))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
	if _, err := ReadSQLite(context.Background(), makeSQLite(t, "CREATE TABLE t (x)")); err == nil || !strings.Contains(err.Error(), "not an OCEL 2.0 SQLite log") {
		t.Errorf("plain SQLite database: err = %v", err)
	}
}

func openWritable(t testing.TB, p string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	return db
}
