package xes

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Tests on the real logs in the shared folder (see its README). They skip,
// saying so, where the folder is absent.

const (
	logsDir   = "../../../shared/logs"
	oracleDir = "../../../shared/oracle"
)

func realLogs(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(logsDir, "*.xes"))
	gz, _ := filepath.Glob(filepath.Join(logsDir, "*.xes.gz"))
	files = append(files, gz...)
	if len(files) == 0 {
		t.Skipf("no XES logs in %s: the shared logs are not installed", logsDir)
	}
	sort.Strings(files)
	return files
}

func readFileAll(t *testing.T, path string, opt Options) (event.Meta, *collectSink) {
	t.Helper()
	s := &collectSink{}
	m, err := ReadFile(context.Background(), path, opt, s)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", path, err)
	}
	return m, s
}

var (
	eventTag = regexp.MustCompile(`<event[\s/>]`)
	traceTag = regexp.MustCompile(`<trace[\s/>]`)
)

// TestRealLogs checks every log against counts taken from its text: one
// row per <event>, one case per <trace>, nothing rejected, and every attrs
// value valid JSON.
func TestRealLogs(t *testing.T) {
	for _, path := range realLogs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			raw, err := readMaybeGzip(path)
			if err != nil {
				t.Fatal(err)
			}
			m, s := readFileAll(t, path, Options{})
			wantEvents := len(eventTag.FindAllIndex(raw, -1))
			wantCases := len(traceTag.FindAllIndex(raw, -1))
			if len(s.events) != wantEvents || m.Events != int64(wantEvents) {
				t.Errorf("%d events emitted, Meta.Events %d; the file has %d <event> elements", len(s.events), m.Events, wantEvents)
			}
			if len(s.cases) != wantCases {
				t.Errorf("%d cases, the file has %d <trace> elements", len(s.cases), wantCases)
			}
			if m.Rejected != 0 || len(s.rejects) != 0 {
				t.Errorf("%d rejected: %v", m.Rejected, s.rejects[:min(3, len(s.rejects))])
			}
			if m.Attrs != nil && !json.Valid(m.Attrs) {
				t.Errorf("Meta.Attrs is not valid JSON: %.200s", m.Attrs)
			}
			cases := map[string]bool{}
			for _, c := range s.cases {
				cases[c.ID] = true
				if !c.AttrsNull && !json.Valid([]byte(c.Attrs)) {
					t.Fatalf("case %q attrs not valid JSON: %s", c.ID, c.Attrs)
				}
			}
			for i, e := range s.events {
				if e.Seq != int64(i) {
					t.Fatalf("row %d has seq %d", i, e.Seq)
				}
				if !cases[e.Case] {
					t.Fatalf("row %d: case %q has no case row", i, e.Case)
				}
				if e.Start != event.NoTime {
					t.Fatalf("row %d: start_ts set", i)
				}
				if !e.AttrsNull && !json.Valid([]byte(e.Attrs)) {
					t.Fatalf("row %d: attrs not valid JSON: %s", i, e.Attrs)
				}
			}
		})
	}
}

// TestOracle recomputes the figures of ../shared/oracle/NAME.json (counted
// by a Python reference on xml.etree) from the rows: it holds case ids,
// activities, timestamps (through durations) and file order to account.
func TestOracle(t *testing.T) {
	for _, path := range realLogs(t) {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(path), ".gz"), ".xes")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(oracleDir, name+".json"))
			if err != nil {
				t.Skipf("no oracle for %s: %v", name, err)
			}
			var want oracle
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			_, s := readFileAll(t, path, Options{})
			got := figures(s.events)
			if got.Cases != want.Cases || got.Events != want.Events || got.Activities != want.Activities ||
				got.Variants != want.Variants || got.CompleteOnly != want.CompleteOnly {
				t.Errorf("got cases=%d events=%d activities=%d variants=%d complete-only=%v, oracle %d %d %d %d %v",
					got.Cases, got.Events, got.Activities, got.Variants, got.CompleteOnly,
					want.Cases, want.Events, want.Activities, want.Variants, want.CompleteOnly)
			}
			for a, n := range want.ActivityCounts {
				if got.ActivityCounts[a] != n {
					t.Errorf("activity %q: %d events, oracle %d", a, got.ActivityCounts[a], n)
				}
			}
			for k, w := range want.Duration {
				if g := got.Duration[k]; g < w-1e-6*max(1, w) || g > w+1e-6*max(1, w) {
					t.Errorf("case duration %s: %v s, oracle %v s", k, g, w)
				}
			}
		})
	}
}

type oracle struct {
	CompleteOnly   bool               `json:"complete_events_only"`
	Cases          int                `json:"cases"`
	Events         int                `json:"events"`
	Activities     int                `json:"activities"`
	Variants       int                `json:"variants"`
	ActivityCounts map[string]int     `json:"activity_counts"`
	Duration       map[string]float64 `json:"case_duration_seconds"`
}

// figures applies the oracle's rules (see ../shared/oracle/xes_reference.py).
func figures(rows []row) oracle {
	only := true
	for _, e := range rows {
		if e.Lifecycle != "" && !event.IsStandardLifecycle(e.Lifecycle) {
			only = false
		}
	}
	byCase := map[string][]row{}
	var order []string
	for _, e := range rows {
		if only && e.Lifecycle != "" && !strings.EqualFold(e.Lifecycle, "complete") {
			continue
		}
		if _, ok := byCase[e.Case]; !ok {
			order = append(order, e.Case)
		}
		byCase[e.Case] = append(byCase[e.Case], e)
	}
	o := oracle{CompleteOnly: only, ActivityCounts: map[string]int{}, Duration: map[string]float64{}}
	variants := map[string]bool{}
	var durs []float64
	for _, c := range order {
		evs := byCase[c]
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].Time < evs[j].Time })
		var acts []string
		for _, e := range evs {
			acts = append(acts, e.Activity)
			o.ActivityCounts[e.Activity]++
		}
		o.Cases++
		o.Events += len(evs)
		variants[strings.Join(acts, "\x00")] = true
		durs = append(durs, float64(evs[len(evs)-1].Time-evs[0].Time)/1e6)
	}
	o.Activities, o.Variants = len(o.ActivityCounts), len(variants)
	if len(durs) > 0 {
		slices.Sort(durs)
		var sum float64
		for _, d := range durs {
			sum += d
		}
		mid := len(durs) / 2
		med := durs[mid]
		if len(durs)%2 == 0 {
			med = (durs[mid-1] + durs[mid]) / 2
		}
		o.Duration = map[string]float64{"min": durs[0], "max": durs[len(durs)-1], "median": med, "mean": sum / float64(len(durs))}
	}
	return o
}

func TestRunningExample(t *testing.T) {
	path := filepath.Join(logsDir, "running-example.xes")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s absent: the shared logs are not installed", path)
	}
	m, s := readFileAll(t, path, Options{})
	first := s.events[0]
	want := row{Case: "3", Activity: "register request", Resource: "Pete", LcNull: true, Start: event.NoTime,
		Time:  time.Date(2010, 12, 30, 13, 32, 0, 0, time.UTC).UnixMicro(),
		Attrs: `{"Activity":"register request","Resource":"Pete","Costs":"50"}`}
	if first != want {
		t.Errorf("first event\n got %+v\nwant %+v", first, want)
	}
	if s.cases[0] != (caseRow{ID: "3", Attrs: `{"creator":"Fluxicon Nitro"}`}) {
		t.Errorf("first case %+v", s.cases[0])
	}
	var meta struct {
		Attributes map[string]any            `json:"attributes"`
		Extensions []map[string]string       `json:"extensions"`
		Globals    map[string]map[string]any `json:"globals"`
		Classifier map[string][]string       `json:"classifiers"`
	}
	if err := json.Unmarshal(m.Attrs, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Attributes["creator"] != "Fluxicon Nitro" || len(meta.Extensions) != 3 ||
		meta.Extensions[2]["prefix"] != "org" || meta.Globals["event"]["org:resource"] != "resource" ||
		!slices.Equal(meta.Classifier["activity classifier"], []string{"Activity"}) {
		t.Errorf("meta %s", m.Attrs)
	}
}

// TestClassifierLabels reads BPIC 2013 with its declared classifier: the
// label is concept:name and lifecycle:transition joined by "+", and
// concept:name stays in attrs.
func TestClassifierLabels(t *testing.T) {
	path := filepath.Join(logsDir, "bpic2013_incidents.xes.gz")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s absent: the shared logs are not installed", path)
	}
	m, s := readFileAll(t, path, Options{Classifier: "Activity classifier"})
	if m.Classifier != "Activity classifier" {
		t.Errorf("Meta.Classifier = %q", m.Classifier)
	}
	labels := map[string]int{}
	for _, e := range s.events {
		labels[e.Activity]++
		var attrs map[string]any
		if err := json.Unmarshal([]byte(e.Attrs), &attrs); err != nil || attrs["concept:name"] == nil {
			t.Fatalf("row %d: attrs %s lack concept:name (%v)", e.Seq, e.Attrs, err)
		}
		if want := attrs["concept:name"].(string) + "+" + e.Lifecycle; e.Activity != want {
			t.Fatalf("row %d: activity %q, want %q", e.Seq, e.Activity, want)
		}
	}
	if labels["Accepted+In Progress"] == 0 || labels["Completed+Closed"] == 0 {
		t.Errorf("labels: %v", labels)
	}
	_, err := ReadFile(context.Background(), path, Options{Classifier: "activity"}, &countSink{})
	if !errors.Is(err, ErrUnknownClassifier) || !strings.Contains(err.Error(), `"Activity classifier", "Resource classifier"`) {
		t.Errorf("unknown classifier: %v", err)
	}
}

// TestTypedAttrs checks that typed XES attributes stay typed in attrs.
func TestTypedAttrs(t *testing.T) {
	path := filepath.Join(logsDir, "roadtraffic100traces.xes")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s absent: the shared logs are not installed", path)
	}
	_, s := readFileAll(t, path, Options{})
	var floats, ints int
	for _, e := range s.events {
		if e.AttrsNull {
			continue
		}
		var attrs map[string]any
		if err := json.Unmarshal([]byte(e.Attrs), &attrs); err != nil {
			t.Fatal(err)
		}
		if v, ok := attrs["amount"]; ok {
			if _, isNum := v.(float64); !isNum {
				t.Fatalf("amount is %T in %s", v, e.Attrs)
			}
			floats++
		}
		if v, ok := attrs["article"]; ok {
			if _, isNum := v.(float64); !isNum {
				t.Fatalf("article is %T in %s", v, e.Attrs)
			}
			ints++
		}
	}
	if floats == 0 || ints == 0 {
		t.Errorf("no float or int attributes found (%d, %d)", floats, ints)
	}
}
