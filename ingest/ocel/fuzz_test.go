package ocel

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

func addSeeds(f *testing.F, files ...string) {
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzReadJSON: no input panics the JSON reader, and what it accepts passes
// the log's own check.
func FuzzReadJSON(f *testing.F) {
	addSeeds(f, "../../testdata/ocel/example.jsonocel")
	f.Add([]byte(`{"ocel:events":{"e1":{"ocel:activity":"a","ocel:timestamp":"2020-01-01T00:00:00Z","ocel:omap":["o1","o1"]}},"ocel:objects":{"o1":{"ocel:type":"t","ocel:ovmap":{"x":1}}}}`))
	f.Add([]byte(`{"objectTypes":[],"eventTypes":[],"objects":[{"id":"o","type":"t","attributes":[{"name":"a","time":"1970-01-01T00:00:00Z","value":3}]}],"events":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ReadJSON(bytes.NewReader(b), "fuzz.json")
		if err == nil {
			if cerr := l.check("again"); cerr != nil {
				t.Fatalf("accepted a log that fails its check: %v", cerr)
			}
		}
	})
}

// FuzzReadXML: no input panics the XML reader.
func FuzzReadXML(f *testing.F) {
	addSeeds(f, "../../testdata/ocel/example.xmlocel")
	f.Add([]byte(`<log><objects><object id="o" type="t"><objects><relationship object-id="o"/></objects></object></objects></log>`))
	f.Add([]byte(`<!DOCTYPE log><log><events><event id="e" type="a" time="2020-01-01"/></events></log>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ReadXML(bytes.NewReader(b), "fuzz.xml")
		if err == nil {
			if cerr := l.check("again"); cerr != nil {
				t.Fatalf("accepted a log that fails its check: %v", cerr)
			}
		}
	})
}

// FuzzReadSQLite varies the rows of a small generated database: ids, types,
// times, changed fields and relations come from the fuzzer.
func FuzzReadSQLite(f *testing.F) {
	f.Add("e1", "place order", "2024-03-01 10:00:00", "o1", "status", "1970-01-01")
	f.Add("", "", "", "", "", "")
	f.Add("e'1", "x\x00y", "2024-13-45", "o1", "ocel_id", "nope")
	f.Fuzz(func(t *testing.T, ev, typ, tm, obj, changed, otm string) {
		dir := t.TempDir()
		p := filepath.Join(dir, "f.sqlite")
		db := openWritable(t, p)
		stmts := []struct {
			q    string
			args []any
		}{
			{"CREATE TABLE event (ocel_id TEXT, ocel_type TEXT)", nil},
			{"CREATE TABLE event_map_type (ocel_type TEXT, ocel_type_map TEXT)", nil},
			{"CREATE TABLE object (ocel_id TEXT, ocel_type TEXT)", nil},
			{"CREATE TABLE object_map_type (ocel_type TEXT, ocel_type_map TEXT)", nil},
			{"CREATE TABLE event_object (ocel_event_id TEXT, ocel_object_id TEXT, ocel_qualifier TEXT)", nil},
			{"CREATE TABLE object_object (ocel_source_id TEXT, ocel_target_id TEXT, ocel_qualifier TEXT)", nil},
			{"CREATE TABLE event_A (ocel_id TEXT, ocel_time TIMESTAMP)", nil},
			{"CREATE TABLE object_B (ocel_id TEXT, ocel_time TIMESTAMP, status TEXT, ocel_changed_field TEXT)", nil},
			{"INSERT INTO event_map_type VALUES (?, 'A')", []any{typ}},
			{"INSERT INTO object_map_type VALUES ('t', 'B')", nil},
			{"INSERT INTO event VALUES (?, ?)", []any{ev, typ}},
			{"INSERT INTO event_A VALUES (?, ?)", []any{ev, tm}},
			{"INSERT INTO object VALUES (?, 't')", []any{obj}},
			{"INSERT INTO object_B VALUES (?, ?, 'v', ?)", []any{obj, otm, changed}},
			{"INSERT INTO event_object VALUES (?, ?, '')", []any{ev, obj}},
			{"INSERT INTO object_object VALUES (?, ?, 'q')", []any{obj, obj}},
		}
		for _, s := range stmts {
			if _, err := db.Exec(s.q, s.args...); err != nil {
				t.Skip(err)
			}
		}
		db.Close()
		l, err := ReadSQLite(context.Background(), p)
		if err == nil {
			if cerr := l.check("again"); cerr != nil {
				t.Fatalf("accepted a log that fails its check: %v", cerr)
			}
		}
	})
}
