package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/ingest/ocel"
	"github.com/pmx-dev/pmx/mining/ocdfg"
)

// ocelRef is testdata/ocel/<stem>.json, written by testdata/ocel/reference.py.
type ocelRef struct {
	Events         int64            `json:"events"`
	Objects        int64            `json:"objects"`
	E2O            int64            `json:"e2o"`
	O2O            int64            `json:"o2o"`
	ObjectsPerType map[string]int64 `json:"objects_per_type"`
	EventsPerType  map[string]int64 `json:"events_per_type"`
	Flattened      map[string]struct {
		Cases, Events, Variants int64
		DFG                     [][3]any `json:"dfg"`
	} `json:"flattened"`
	OCDFG map[string]struct {
		Activities []ocdfg.Node `json:"activities"`
		Start      []ocdfg.Node `json:"start_activities"`
		End        []ocdfg.Node `json:"end_activities"`
		Edges      []struct {
			Source        string `json:"source"`
			Target        string `json:"target"`
			EventCouples  int64  `json:"event_couples"`
			UniqueObjects int64  `json:"unique_objects"`
			TotalObjects  int64  `json:"total_objects"`
		} `json:"edges"`
	} `json:"ocdfg"`
}

// TestOCELAgainstPM4Py imports each shared OCEL log through the CLI and
// compares counts, flattened logs and the OC-DFG with PM4Py's figures.
func TestOCELAgainstPM4Py(t *testing.T) {
	for _, c := range []struct{ file, stem string }{
		{"ocel20_example.sqlite", "ocel20_example"},
		{"recruiting-red.jsonocel", "recruiting-red"},
	} {
		t.Run(c.stem, func(t *testing.T) {
			path := filepath.Join("..", "..", "..", "shared", "logs", c.file)
			if _, err := os.Stat(path); err != nil {
				t.Skipf("shared OCEL log absent (%s): the PM4Py comparison needs ../shared/logs", path)
			}
			var ref ocelRef
			b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ocel", c.stem+".json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "w.duckdb")
			mustRun(t, "import", path, "--db", db, "--name", "oc")
			var st ocel.Stats
			mustJSON(t, &st, "stats", "--db", db, "--log", "oc", "--json")
			if st.Events != ref.Events || st.Objects != ref.Objects || st.E2O != ref.E2O {
				t.Errorf("events/objects/e2o: pmx %d/%d/%d, PM4Py %d/%d/%d", st.Events, st.Objects, st.E2O, ref.Events, ref.Objects, ref.E2O)
			}
			if got := countMap(st.ObjectsPerType); !reflect.DeepEqual(got, ref.ObjectsPerType) {
				t.Errorf("objects per type: pmx %v, PM4Py %v", got, ref.ObjectsPerType)
			}
			if got := countMap(st.EventsPerType); !reflect.DeepEqual(got, ref.EventsPerType) {
				t.Errorf("events per type: pmx %v, PM4Py %v", got, ref.EventsPerType)
			}
			var g ocdfg.Graph
			mustJSON(t, &g, "dfg", "--object-centric", "--db", db, "--log", "oc", "--json")
			if len(g.Types) != len(ref.OCDFG) {
				t.Errorf("OC-DFG object types: pmx %d, PM4Py %d", len(g.Types), len(ref.OCDFG))
			}
			for _, tg := range g.Types {
				r := ref.OCDFG[tg.Type]
				var edges []string
				for _, e := range tg.Edges {
					edges = append(edges, fmt.Sprint(e.From, "→", e.To, e.EventCouples, e.UniqueObjects, e.TotalObjects))
				}
				var want []string
				for _, e := range r.Edges {
					want = append(want, fmt.Sprint(e.Source, "→", e.Target, e.EventCouples, e.UniqueObjects, e.TotalObjects))
				}
				sort.Strings(want)
				if !reflect.DeepEqual(edges, want) {
					t.Errorf("%s: OC-DFG edges\npmx   %q\nPM4Py %q", tg.Type, edges, want)
				}
				for _, p := range []struct {
					what      string
					got, want []ocdfg.Node
				}{{"activities", tg.Activities, r.Activities}, {"start", tg.Start, r.Start}, {"end", tg.End, r.End}} {
					if !reflect.DeepEqual(p.got, p.want) {
						t.Errorf("%s: OC-DFG %s\npmx   %+v\nPM4Py %+v", tg.Type, p.what, p.got, p.want)
					}
				}
			}
			for typ, fr := range ref.Flattened {
				name := "flat-" + strings.ReplaceAll(typ, " ", "_")
				mustRun(t, "flatten", "--db", db, "--log", "oc", "--object-type", typ, "--name", name)
				var fs struct{ Cases, Events, Variants int64 }
				mustJSON(t, &fs, "stats", "--db", db, "--log", name, "--json")
				if fs.Cases != fr.Cases || fs.Events != fr.Events || fs.Variants != fr.Variants {
					t.Errorf("flattened %s: cases/events/variants pmx %d/%d/%d, PM4Py %d/%d/%d", typ, fs.Cases, fs.Events, fs.Variants, fr.Cases, fr.Events, fr.Variants)
				}
				var d struct {
					Edges []struct {
						From, To string
						Count    int64
					}
				}
				mustJSON(t, &d, "dfg", "--db", db, "--log", name, "--json")
				var got, want []string
				for _, e := range d.Edges {
					got = append(got, fmt.Sprint(e.From, "→", e.To, " ", e.Count))
				}
				for _, e := range fr.DFG {
					want = append(want, fmt.Sprint(e[0], "→", e[1], " ", e[2]))
				}
				sort.Strings(got)
				sort.Strings(want)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("flattened %s: DFG\npmx   %q\nPM4Py %q", typ, got, want)
				}
			}
		})
	}
}

func countMap(c []ocel.TypeCount) map[string]int64 {
	m := map[string]int64{}
	for _, x := range c {
		m[x.Type] = x.Count
	}
	return m
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := pmx(t, args...)
	if code != 0 {
		t.Fatalf("pmx %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

func mustJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	if err := json.Unmarshal([]byte(mustRun(t, args...)), v); err != nil {
		t.Fatalf("pmx %s: %v", strings.Join(args, " "), err)
	}
}

// TestOCELImportForms imports the JSON and XML fixtures through the CLI:
// detected by content, listed by pmx logs with their kind, refused with
// the place when malformed, and no warehouse left behind by a failed first
// import.
func TestOCELImportForms(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	out := mustRun(t, "import", "--db", db, "../../testdata/ocel/example.jsonocel")
	if !strings.Contains(out, `as "example" (object-centric, ocel-json): 13 events, 9 objects`) {
		t.Errorf("import JSON: %q", out)
	}
	// An XML OCEL file named .xml, to show the content decides.
	xml := filepath.Join(dir, "ex.xml")
	b, err := os.ReadFile("../../testdata/ocel/example.xmlocel")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(xml, b, 0o644)
	var infos []ocel.Info
	mustJSON(t, &infos, "import", "--db", db, "--json", xml)
	if len(infos) != 1 || infos[0].Name != "ex" || infos[0].Format != "ocel-xml" || infos[0].E2O != 20 || infos[0].O2O != 7 {
		t.Errorf("import XML --json: %+v", infos)
	}
	var logs []struct{ Name, Format string }
	mustJSON(t, &logs, "logs", "--db", db, "--json")
	if len(logs) != 2 || logs[0].Name != "ex" || logs[0].Format != "ocel-xml" || logs[1].Format != "ocel-json" { // by name
		t.Errorf("logs: %+v", logs)
	}
	bad := filepath.Join(dir, "bad.jsonocel")
	os.WriteFile(bad, []byte(`{"objectTypes":[],"eventTypes":[],"objects":[],"events":[{"id":"e1","type":"a","time":"soon"}]}`), 0o644)
	db2 := filepath.Join(dir, "new.duckdb")
	_, errOut, code := pmx(t, "import", "--db", db2, bad)
	if code != 1 || !strings.Contains(errOut, `bad.jsonocel: events[0] ("e1"): time "soon"`) {
		t.Errorf("malformed: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(db2); err == nil {
		t.Errorf("a failed first import left %s behind", db2)
	}
	// Commands for classic logs refuse an object-centric one, saying what to do.
	for _, cmd := range []string{"variants", "analyze", "discover", "report"} {
		_, errOut, code := pmx(t, cmd, "--db", db, "--log", "example")
		if code != 1 || !strings.Contains(errOut, "object-centric") || !strings.Contains(errOut, "pmx flatten") {
			t.Errorf("%s on an OCEL log: exit %d, %q", cmd, code, errOut)
		}
	}
	var st ocel.Stats
	mustJSON(t, &st, "stats", "--json", "../../testdata/ocel/example.xmlocel") // a FILE, read into memory
	if st.Events != 13 || st.Objects != 9 || len(st.PerObjectType) != 4 {
		t.Errorf("stats FILE: %+v", st)
	}
	_, errOut, code = pmx(t, "dfg", "--object-centric", "--db", db, "--log", "nope")
	if code != 2 || !strings.Contains(errOut, "--object-centric needs an object-centric log") {
		t.Errorf("dfg --object-centric on a missing log: exit %d, %q", code, errOut)
	}
}
