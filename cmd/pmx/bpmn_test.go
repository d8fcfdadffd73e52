package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/pnml"
)

// demoBPMN is the demo's service-desk process as a person drew it (lanes,
// a task named "Wait for customer" where the log says "Wait for
// Customer").
var demoBPMN = filepath.Join("..", "..", "ingest", "demo", "service-desk.bpmn")

type conformanceOut struct {
	Fitness   float64    `json:"fitness"`
	Precision float64    `json:"precision"`
	Labels    bpmn.Match `json:"labels"`
	Warnings  []string   `json:"model_warnings"`
}

// `pmx conformance --model FILE.bpmn` checks the log against the designed
// model: its task names are matched to the log's spelling (and the match
// is said), and the figures are those of the same net given as PNML.
func TestConformanceBPMN(t *testing.T) {
	db := demoWarehouse(t)
	out, errOut, code := pmx(t, "conformance", "--db", db, "--log", "incidents", "--model", demoBPMN)
	if code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, `task "Wait for customer" matched to the log's activity "Wait for Customer"`) {
		t.Errorf("stderr does not say how the labels matched: %q", errOut)
	}
	if !strings.Contains(out, "fitness") || !strings.Contains(out, "precision") {
		t.Errorf("text output %q", out)
	}
	out, errOut, code = pmx(t, "conformance", "--db", db, "--log", "incidents", "--model", demoBPMN, "--json")
	if code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	var got conformanceOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Labels.Folded) != 1 || got.Labels.Folded[0] != (bpmn.Renamed{Model: "Wait for customer", Log: "Wait for Customer"}) {
		t.Errorf("labels %+v", got.Labels)
	}
	if got.Fitness < 0.9 || got.Fitness > 1 || got.Precision < 0.5 || got.Precision > 1 {
		t.Errorf("fitness %v, precision %v: not a model of this log", got.Fitness, got.Precision)
	}

	// The same process converted by the library and written as PNML.
	f, err := os.Open(demoBPMN)
	if err != nil {
		t.Fatal(err)
	}
	m, err := bpmn.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	conv, err := m.Net("")
	if err != nil {
		t.Fatal(err)
	}
	// Reduced as PM4Py reduces its conversion: the figures are PM4Py's.
	net := conv.Reduce().Net
	for i, tr := range net.Transitions {
		if tr.Label == "Wait for customer" {
			net.Transitions[i].Label = "Wait for Customer"
		}
	}
	var buf bytes.Buffer
	if err := pnml.Write(&buf, net); err != nil {
		t.Fatal(err)
	}
	pn := filepath.Join(t.TempDir(), "demo.pnml")
	if err := os.WriteFile(pn, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = pmx(t, "conformance", "--db", db, "--log", "incidents", "--model", pn, "--json")
	if code != 0 {
		t.Fatalf("PNML: code %d: %s", code, errOut)
	}
	var viaPNML conformanceOut
	if err := json.Unmarshal([]byte(out), &viaPNML); err != nil {
		t.Fatal(err)
	}
	if math.Abs(viaPNML.Fitness-got.Fitness) > 1e-12 || math.Abs(viaPNML.Precision-got.Precision) > 1e-12 {
		t.Errorf("BPMN: fitness %v precision %v; as PNML: %v %v", got.Fitness, got.Precision, viaPNML.Fitness, viaPNML.Precision)
	}
}

// Bad BPMN models fail with one line naming the place and the reason.
func TestConformanceBPMNErrors(t *testing.T) {
	db := demoWarehouse(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
`
	broken := write("broken.bpmn", head+`<process id="p">
<startEvent id="s"/>
<sequenceFlow id="f" sourceRef="s" targetRef="nowhere"/>
</process></definitions>`)
	// An exclusive split joined by a parallel gateway: a case waits forever.
	unsound := write("unsound.bpmn", head+`<process id="p">
<startEvent id="s"/><exclusiveGateway id="x"/><task id="a" name="Open"/><task id="b" name="Close"/>
<parallelGateway id="j"/><endEvent id="e"/>
<sequenceFlow id="f1" sourceRef="s" targetRef="x"/><sequenceFlow id="f2" sourceRef="x" targetRef="a"/>
<sequenceFlow id="f3" sourceRef="x" targetRef="b"/><sequenceFlow id="f4" sourceRef="a" targetRef="j"/>
<sequenceFlow id="f5" sourceRef="b" targetRef="j"/><sequenceFlow id="f6" sourceRef="j" targetRef="e"/>
</process></definitions>`)
	pools := filepath.Join("..", "..", "testdata", "bpmn", "read", "collaboration.bpmn")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", broken}, "line 5: <sequenceFlow id=\"f\">"},
		{[]string{"--model", broken}, "nowhere"},
		{[]string{"--model", unsound}, "not sound"},
		{[]string{"--model", pools}, "process"},
		{[]string{"--model", pools, "--process", "no-such-process"}, "no-such-process"},
		{[]string{"--algo", "imf", "--process", "p"}, "--process"},
	} {
		_, errOut, code := pmx(t, append([]string{"conformance", "--db", db, "--log", "incidents"}, c.args...)...)
		if code == 0 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: code %d, stderr %q; want one line mentioning %q", c.args, code, errOut, c.want)
		}
	}
}

// `pmx report --model FILE.bpmn` adds the designed-model section: the
// person's own diagram with the log's figures on it.
func TestReportBPMN(t *testing.T) {
	db := demoWarehouse(t)
	html := filepath.Join(t.TempDir(), "r.html")
	if _, errOut, code := pmx(t, "report", "--db", db, "--log", "incidents", "--model", demoBPMN, "-o", html); code != 0 {
		t.Fatalf("code %d: %s", code, errOut)
	}
	b, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	i := strings.Index(page, "Designed model vs reality")
	if i < 0 {
		t.Fatal("no designed-model section")
	}
	for _, want := range []string{"service-desk.bpmn", "<svg", "Wait for", "Investigate", "Incident reported"} {
		if !strings.Contains(page[i:], want) {
			t.Errorf("the section lacks %q", want)
		}
	}
}

// The CLI's figures for a BPMN model are PM4Py's for the same file
// (pm4py.read_bpmn, convert_to_petri_net, fitness_alignments and
// precision_alignments: testdata/bpmn/pm4py/refs.json), on the models
// of the running example.
func TestConformanceBPMNMatchesPM4Py(t *testing.T) {
	needShared(t)
	dir := filepath.Join("..", "..", "testdata", "bpmn", "pm4py")
	b, err := os.ReadFile(filepath.Join(dir, "refs.json"))
	if err != nil {
		t.Skip("no PM4Py references (testdata/bpmn/pm4py/refs.py)")
	}
	var refs map[string]struct {
		Log     string `json:"log"`
		Fitness struct {
			Log float64 `json:"log_fitness"`
		} `json:"fitness"`
		Precision float64 `json:"precision"`
	}
	if err := json.Unmarshal(b, &refs); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for name, ref := range refs {
		if ref.Log != "running-example" {
			continue
		}
		checked++
		out, errOut, code := pmx(t, "conformance", runningExample, "--model", filepath.Join(dir, name), "--json")
		if code != 0 {
			t.Fatalf("%s: %s", name, errOut)
		}
		var got conformanceOut
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Fitness-ref.Fitness.Log) > 1e-6 || math.Abs(got.Precision-ref.Precision) > 1e-6 {
			t.Errorf("%s: fitness %v precision %v; PM4Py %v %v", name, got.Fitness, got.Precision, ref.Fitness.Log, ref.Precision)
		}
	}
	if checked < 3 {
		t.Errorf("%d models of the running example in refs.json, want 4", checked)
	}
}
