package simlog_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/sim/simlog"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Hostile names: markup, quotes, tab, newline and carriage return (which
// XML can hold), control characters and invalid UTF-8 (which it cannot).
const (
	actCheck = `Check <stock> & "price" 'now'`
	actShip  = "Ship\x01 it\x7f"
	actBill  = "Bill\xfe\xff"
	actWait  = "Wait\tfor\ncustomer\r"
	resAnn   = `Ann & <Bob>`
	resBad   = "O'Neil \"Q\" \x02\xc3("
	attrPrio = "priority"
	attrNote = `note <&> "x"`
)

// hostileModel is a small variant model whose activity, resource and
// attribute names and values are hostile strings, with a step without a
// resource (no resource in the log), a zero-length step, a repeated
// activity and a case without attributes.
func hostileModel() *model.Model {
	m := &model.Model{Version: model.Version, Timezone: "Europe/Amsterdam", Acts: model.Activities{}, Pools: model.Pools{}}
	m.Arrivals = model.Arrivals{PerHour: make([]float64, model.HoursPerWeek), Gaps: dist.Dist{Kind: dist.Exponential, Mean: 1}}
	for i := range m.Arrivals.PerHour {
		m.Arrivals.PerHour[i] = 4
	}
	m.Pools["desk <1>"] = &model.Pool{Resources: []*model.Resource{{Name: resAnn}, {Name: resBad, Speed: 1.3}},
		Calendar: &model.Calendar{Hours: map[string][]string{"mon-fri": {"08:00-18:00"}}}}
	m.Acts["Open"] = &model.Activity{Duration: dist.Dist{Kind: dist.Fixed}}
	m.Acts[actCheck] = &model.Activity{Pool: "desk <1>", Duration: dist.Dist{Kind: dist.LogNormal, Mu: 6, Sigma: 0.7}}
	m.Acts[actShip] = &model.Activity{Pool: "desk <1>", Duration: dist.Dist{Kind: dist.Gamma, Shape: 2, Scale: 333.333333}}
	m.Acts[actBill] = &model.Activity{Pool: "desk <1>", Duration: dist.Dist{Kind: dist.Exponential, Mean: 123.456789}}
	m.Acts[actWait] = &model.Activity{Duration: dist.Dist{Kind: dist.Fixed, Value: 0.5}, Delay: &dist.Dist{Kind: dist.Exponential, Mean: 3600}}
	m.Routing = model.Routing{Mode: model.Variants, Variants: []model.Variant{
		{Activities: []string{"Open", actCheck, actShip, actBill}, Cases: 5, Attributes: map[string]string{attrPrio: `P1 <urgent> & "now"`, attrNote: "multi\nline\ttab"}},
		{Activities: []string{"Open", actCheck, actWait, actCheck, actBill}, Cases: 3, Attributes: map[string]string{attrPrio: "P2\x03\xff"}},
		{Activities: []string{"Open", actBill}, Cases: 2},
	}}
	return m
}

var monday = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).UnixMicro()

// simulate runs m for n cases into a Log.
func simulate(t *testing.T, m *model.Model, n int) *simlog.Log {
	t.Helper()
	s, err := engine.Compile(m)
	if err != nil {
		t.Fatal(err)
	}
	rec := simlog.Recorder(s, "sim-")
	res, err := s.Run(engine.Options{Cases: n, WarmUp: 20, Start: monday, Seed: 7, Emit: rec.Emit, CaseAttributes: rec.CaseAttributes})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Instances) != res.Instances || len(rec.CaseAttrs) != n {
		t.Fatalf("recorded %d instances of %d, %d cases' attributes of %d", len(rec.Instances), res.Instances, len(rec.CaseAttrs), n)
	}
	return rec
}

// xmlText is s as XML 1.0 can hold it: every byte of invalid UTF-8 and
// every character outside XML's range (control characters other than tab,
// newline and carriage return; U+FFFE, U+FFFF) becomes U+FFFD, as WriteXES
// documents.
func xmlText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		ok := r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff
		if r == utf8.RuneError && n == 1 || !ok {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}

// csvText is s as pmx's CSV reader gives it back: invalid UTF-8 bytes
// become U+FFFD, the rest is kept.
func csvText(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// instance is one activity instance by names, for comparing logs.
type instance struct {
	act, res   string
	start, end int64
}

// logCase is one case: its attributes (as text) and instances, sorted.
type logCase struct {
	attrs     map[string]string
	instances []instance
}

func sortInstances(xs []instance) {
	slices.SortFunc(xs, func(a, b instance) int {
		if c := strings.Compare(fmt.Sprint(a.start, a.end, a.act), fmt.Sprint(b.start, b.end, b.act)); c != 0 {
			return c
		}
		return strings.Compare(a.res, b.res)
	})
}

// expected is the Log's cases keyed by case id, with text put through
// conv (the format's replacement of what it cannot hold).
func expected(l *simlog.Log, conv func(string) string) map[string]*logCase {
	out := map[string]*logCase{}
	for _, in := range l.Sorted() {
		id := fmt.Sprintf("sim-%d", in.Case+1)
		c := out[id]
		if c == nil {
			c = &logCase{attrs: map[string]string{}}
			for k, v := range l.CaseAttrs[in.Case] {
				if v != "" {
					c.attrs[conv(l.Attributes[k])] = conv(v)
				}
			}
			out[id] = c
		}
		res := ""
		if in.Resource >= 0 {
			res = conv(l.Resources[in.Resource])
		}
		c.instances = append(c.instances, instance{conv(l.Activities[in.Activity]), res, in.Start, in.End})
	}
	for _, c := range out {
		sortInstances(c.instances)
	}
	return out
}

// cases reads a timeline.Log the same way.
func cases(t *testing.T, tl *timeline.Log) map[string]*logCase {
	t.Helper()
	out := map[string]*logCase{}
	for c, id := range tl.CaseIDs {
		lc := &logCase{attrs: map[string]string{}}
		if a := tl.CaseAttrs[c]; a != "" {
			dec := json.NewDecoder(strings.NewReader(a))
			dec.UseNumber()
			var m map[string]any
			if err := dec.Decode(&m); err != nil {
				t.Fatalf("case %s attributes %q: %v", id, a, err)
			}
			for k, v := range m {
				lc.attrs[k] = fmt.Sprint(v)
			}
		}
		for i := tl.CaseStart[c]; i < tl.CaseStart[c+1]; i++ {
			if int(tl.Case[i]) != c {
				t.Fatalf("step %d is in case %d, between case %d's offsets", i, tl.Case[i], c)
			}
			in := instance{act: tl.Activities[tl.Act[i]], start: tl.Start[i], end: tl.Time[i]}
			if tl.Resource[i] != timeline.None {
				in.res = tl.Resources[tl.Resource[i]]
			}
			lc.instances = append(lc.instances, in)
		}
		sortInstances(lc.instances)
		if _, dup := out[id]; dup {
			t.Fatalf("case %q twice", id)
		}
		out[id] = lc
	}
	return out
}

// sameCases compares case by case: ids, attributes, and instances with
// their activity, resource, start and end to the microsecond.
func sameCases(t *testing.T, what string, got, want map[string]*logCase) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d cases, want %d", what, len(got), len(want))
	}
	bad := 0
	for id, w := range want {
		g := got[id]
		switch {
		case g == nil:
			t.Errorf("%s: case %s missing", what, id)
		case fmt.Sprint(g.attrs) != fmt.Sprint(w.attrs):
			t.Errorf("%s: case %s attributes %q, want %q", what, id, g.attrs, w.attrs)
		case !slices.Equal(g.instances, w.instances):
			t.Errorf("%s: case %s instances\n%+v\nwant\n%+v", what, id, g.instances, w.instances)
		default:
			continue
		}
		if bad++; bad == 5 {
			t.Fatalf("%s: more cases differ", what)
		}
	}
}

func count(cs map[string]*logCase) (n int) {
	for _, c := range cs {
		n += len(c.instances)
	}
	return n
}

// A simulated log with hostile names survives each way out: written as
// CSV and as XES and imported by pmx's own readers (ingest.ImportFile into
// a warehouse), or handed to the warehouse by Read, it loads back with the
// same cases, attributes and activity instances (activity, resource, start
// and end to the microsecond). CSV keeps every string except invalid UTF-8
// (U+FFFD, as the CSV reader documents); XES keeps markup, quotes, tab,
// newline and carriage return, and has U+FFFD for what XML cannot hold.
func TestWrittenLogsReadBack(t *testing.T) {
	l := simulate(t, hostileModel(), 300)
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	dir := t.TempDir()
	load := func(name string) *timeline.Log {
		t.Helper()
		tl, err := timeline.Load(ctx, w, name)
		if err != nil {
			t.Fatal(err)
		}
		return tl
	}
	exact := expected(l, func(s string) string { return s })
	n := count(exact)
	if len(exact) != 300 || n < 900 {
		t.Fatalf("the simulation gave %d cases, %d instances", len(exact), n)
	}
	checkVariety(t, l)

	for _, tc := range []struct {
		file  string
		write func(io.Writer) error
		conv  func(string) string
		perIn int64 // events per instance
	}{
		{"sim.csv", l.WriteCSV, csvText, 1},
		{"sim.xes", l.WriteXES, xmlText, 2},
	} {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.file)
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			info, err := ingest.ImportFile(ctx, w, path, ingest.FileOptions{Name: tc.file})
			if err != nil {
				t.Fatalf("import %s: %v", tc.file, err)
			}
			if info.Cases != int64(len(exact)) || info.Instances != int64(n) || info.Events != tc.perIn*int64(n) || info.Rejects != 0 {
				t.Errorf("imported %+v; want %d cases, %d instances, %d events", info, len(exact), n, tc.perIn*int64(n))
			}
			sameCases(t, tc.file, cases(t, load(info.Name)), expected(l, tc.conv))
		})
	}
	t.Run("Read", func(t *testing.T) {
		info, err := w.Import(ctx, warehouse.ImportOptions{Name: "direct", Source: "pmx simulate", Format: "simulation"}, l.Read)
		if err != nil {
			t.Fatal(err)
		}
		if info.Cases != int64(len(exact)) || info.Instances != int64(n) || info.Events != int64(n) {
			t.Errorf("imported %+v; want %d cases, %d instances", info, len(exact), n)
		}
		sameCases(t, "Read", cases(t, load("direct")), expected(l, csvText))
	})
}

// checkVariety makes sure the simulated log holds what the test is about:
// every hostile name, instances without a resource and of zero length, a
// case without attributes and an activity repeated in a case.
func checkVariety(t *testing.T, l *simlog.Log) {
	t.Helper()
	seen := map[string]bool{}
	for _, in := range l.Instances {
		seen["act "+l.Activities[in.Activity]] = true
		if in.Resource >= 0 {
			seen["res "+l.Resources[in.Resource]] = true
		} else {
			seen["no resource"] = true
		}
		if in.Start == in.End {
			seen["zero length"] = true
		}
		if in.Start%1_000_000 != 0 {
			seen["fraction of a second"] = true
		}
	}
	for _, a := range l.CaseAttrs {
		if !slices.ContainsFunc(a, func(v string) bool { return v != "" }) {
			seen["no attributes"] = true
		}
	}
	for _, want := range []string{"act " + actCheck, "act " + actShip, "act " + actBill, "act " + actWait, "res " + resAnn, "res " + resBad,
		"no resource", "zero length", "fraction of a second", "no attributes"} {
		if !seen[want] {
			t.Errorf("the simulated log has no %q", want)
		}
	}
	if !slices.Contains(l.Attributes, attrNote) {
		t.Errorf("attributes %q", l.Attributes)
	}
}

// WriteXES writes well-formed XML whatever the names hold: a strict
// decoder reads it through, every attribute value is valid UTF-8 within
// XML's character range, each trace holds its case's id and attributes
// once, and each instance is a start and a complete event.
func TestXESIsWellFormed(t *testing.T) {
	l := simulate(t, hostileModel(), 50)
	var b bytes.Buffer
	if err := l.WriteXES(&b); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&b)
	dec.Strict = true
	traces, events := 0, 0
	lifecycles := map[string]int{}
	keys := map[string]int{} // within the current trace, outside events
	depth := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			depth++
			switch x.Name.Local {
			case "trace":
				traces++
				clear(keys)
			case "event":
				events++
			}
			for _, a := range x.Attr {
				if !utf8.ValidString(a.Value) || xmlText(a.Value) != a.Value {
					t.Fatalf("attribute %s=%q holds what XML cannot", a.Name.Local, a.Value)
				}
				if a.Name.Local == "key" && depth == 3 {
					keys[a.Value]++
					if keys[a.Value] > 1 {
						t.Errorf("trace %d has key %q twice", traces, a.Value)
					}
				}
				if a.Name.Local == "value" && slices.ContainsFunc(x.Attr, func(k xml.Attr) bool { return k.Name.Local == "key" && k.Value == "lifecycle:transition" }) {
					lifecycles[a.Value]++
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	if traces != 50 || events != 2*len(l.Instances) || lifecycles["start"] != len(l.Instances) || lifecycles["complete"] != len(l.Instances) || len(lifecycles) != 2 {
		t.Errorf("%d traces, %d events, lifecycles %v; want 50 traces and a start and a complete for each of %d instances", traces, events, lifecycles, len(l.Instances))
	}
}

// Timeline is the log as the analyses read it: cases in number order with
// their ids and attributes (as JSON), and within a case the same instances
// as Sorted, by completion.
func TestTimelineAgreesWithSorted(t *testing.T) {
	for _, m := range []*model.Model{hostileModel(), parallelModel()} {
		l := simulate(t, m, 200)
		tl := l.Timeline()
		if !slices.Equal(tl.Activities, l.Activities) || !slices.Equal(tl.Resources, l.Resources) {
			t.Fatalf("timeline names %q %q, log %q %q", tl.Activities, tl.Resources, l.Activities, l.Resources)
		}
		if tl.Steps() != len(l.Instances) || tl.Cases() != 200 || len(tl.CaseStart) != 201 || len(tl.CaseAttrs) != 200 {
			t.Fatalf("timeline of %d steps, %d cases (%d offsets, %d attributes); log of %d instances, 200 cases",
				tl.Steps(), tl.Cases(), len(tl.CaseStart), len(tl.CaseAttrs), len(l.Instances))
		}
		for _, col := range [][]int32{tl.Case, tl.Act, tl.Resource} {
			if len(col) != tl.Steps() {
				t.Fatal("timeline columns of different lengths")
			}
		}
		if len(tl.Time) != tl.Steps() || len(tl.Start) != tl.Steps() {
			t.Fatal("timeline time columns of different lengths")
		}
		sorted := l.Sorted()
		if len(sorted) != len(l.Instances) {
			t.Fatalf("Sorted has %d instances of %d", len(sorted), len(l.Instances))
		}
		for i := 1; i < len(sorted); i++ {
			a, b := sorted[i-1], sorted[i]
			if a.Case > b.Case || a.Case == b.Case && (a.Start > b.Start || a.Start == b.Start && a.End > b.End) {
				t.Fatalf("Sorted out of order at %d: %+v then %+v", i, a, b)
			}
		}
		k := 0
		for c := range 200 {
			if id := fmt.Sprintf("sim-%d", c+1); tl.CaseIDs[c] != id {
				t.Fatalf("case %d is %q, want %q", c, tl.CaseIDs[c], id)
			}
			// The attributes' JSON has U+FFFD for invalid UTF-8.
			want := map[string]string{}
			for i, v := range l.CaseAttrs[c] {
				if v != "" {
					want[csvText(l.Attributes[i])] = csvText(v)
				}
			}
			got := map[string]string{}
			if tl.CaseAttrs[c] != "" {
				if err := json.Unmarshal([]byte(tl.CaseAttrs[c]), &got); err != nil {
					t.Fatalf("case %d attributes %q: %v", c, tl.CaseAttrs[c], err)
				}
			}
			if len(want) == 0 && tl.CaseAttrs[c] != "" || fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("case %d attributes %q, want %q", c, tl.CaseAttrs[c], want)
			}
			var fromSorted, fromTimeline []engine.Instance
			for ; k < len(sorted) && sorted[k].Case == c; k++ {
				fromSorted = append(fromSorted, sorted[k])
			}
			for i := tl.CaseStart[c]; i < tl.CaseStart[c+1]; i++ {
				if tl.Case[i] != int32(c) {
					t.Fatalf("step %d in case %d, within case %d's offsets", i, tl.Case[i], c)
				}
				if i > tl.CaseStart[c] && tl.Time[i] < tl.Time[i-1] {
					t.Fatalf("case %d: step %d completes before the one before it", c, i)
				}
				fromTimeline = append(fromTimeline, engine.Instance{Case: c, Activity: tl.Act[i], Resource: tl.Resource[i], Start: tl.Start[i], End: tl.Time[i]})
			}
			for i := range fromSorted {
				fromSorted[i].Enabled = 0
			}
			order := func(a, b engine.Instance) int {
				return cmpInts(a.Start, b.Start, a.End, b.End, int64(a.Activity), int64(b.Activity), int64(a.Resource), int64(b.Resource))
			}
			slices.SortFunc(fromSorted, order)
			slices.SortFunc(fromTimeline, order)
			if len(fromSorted) == 0 || !slices.Equal(fromSorted, fromTimeline) {
				t.Fatalf("case %d: timeline %+v\nSorted %+v", c, fromTimeline, fromSorted)
			}
		}
	}
}

// cmpInts compares pairs (a0, b0), (a1, b1), … in turn.
func cmpInts(pairs ...int64) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i] != pairs[i+1] {
			if pairs[i] < pairs[i+1] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// parallelModel plays out a tree with a parallel block, so that a case's
// instances overlap and order by start differs from order by completion.
func parallelModel() *model.Model {
	m := hostileModel()
	m.Acts["Review"] = &model.Activity{Pool: "desk <1>", Duration: dist.Dist{Kind: dist.Exponential, Mean: 7200}}
	m.Acts["Notify"] = &model.Activity{Duration: dist.Dist{Kind: dist.Exponential, Mean: 600}}
	m.Routing = model.Routing{Mode: model.Tree, Tree: "->( 'Open', +( 'Review', 'Notify' ), 'Review' )",
		Probabilities: &model.Probabilities{Attributes: map[string]map[string]float64{attrPrio: {"P1": 1, "": 1}}}}
	return m
}
