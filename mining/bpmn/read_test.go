package bpmn

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readDir holds one hand-written BPMN file per element kind and per tool
// dialect, each with the Model it reads to as <name>.golden.json.
const readDir = "../../testdata/bpmn/read"

// updateGolden is the -update flag shared by the package's golden tests:
// defined here unless another test file of the package defined it first
// (two flag.Bool("update") calls in one test binary panic).
var updateGolden = func() func() bool {
	if f := flag.Lookup("update"); f != nil {
		return func() bool { return f.Value.String() == "true" }
	}
	b := flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")
	return func() bool { return *b }
}()

// TestRead reads every file of testdata/bpmn/read and compares the Model,
// as indented JSON, with its golden file; every Model is also checked for
// the invariants Read promises (checkModel).
func TestRead(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(readDir, "*.bpmn"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s (%v)", readDir, err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".bpmn")
		t.Run(name, func(t *testing.T) {
			m := readFile(t, path)
			checkModel(t, m)
			got, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join(readDir, name+".golden.json")
			if updateGolden() {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("model differs from %s (run with -update to accept):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

func readFile(t *testing.T, path string) *Model {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return m
}

// firstDiff shows the first line where two texts differ, with its number.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, a, b)
		}
	}
	return "(same lines)"
}

// checkModel checks what Read promises of any Model it returns: node,
// flow, lane and process ids unique; every flow's ends are nodes of its
// process at its subprocess level; a node's SubProcess, Lane and
// AttachedTo name what they should; HasDI exactly when a node has Bounds.
func checkModel(t testing.TB, m *Model) {
	t.Helper()
	if len(m.Processes) == 0 {
		t.Fatal("a model without processes")
	}
	seen := map[string]bool{}
	unique := func(id string) {
		if id == "" {
			t.Errorf("an empty id")
		}
		if seen[id] {
			t.Errorf("id %q used twice", id)
		}
		seen[id] = true
	}
	hasDI := false
	for _, p := range m.Processes {
		unique(p.ID)
		nodes := map[string]*Node{}
		for _, n := range p.Nodes {
			unique(n.ID)
			nodes[n.ID] = n
			hasDI = hasDI || n.Bounds != nil
		}
		for _, n := range p.Nodes {
			if n.SubProcess != "" && (nodes[n.SubProcess] == nil || nodes[n.SubProcess].Kind != SubProcess) {
				t.Errorf("node %q: SubProcess %q is not a subprocess of process %q", n.ID, n.SubProcess, p.ID)
			}
			if n.Kind == BoundaryEvent {
				if a := nodes[n.AttachedTo]; a == nil || a.SubProcess != n.SubProcess {
					t.Errorf("boundary event %q: attached to %q, not an activity at its level", n.ID, n.AttachedTo)
				}
			}
			if n.Element == "" || (n.Kind != Task && n.Kind != SubProcess && n.Kind != IntermediateEvent &&
				n.Element != n.Kind.String() && n.Element != "complexGateway") {
				t.Errorf("node %q: element %q for kind %v", n.ID, n.Element, n.Kind)
			}
		}
		for _, f := range p.Flows {
			unique(f.ID)
			s, d := nodes[f.Source], nodes[f.Target]
			if s == nil || d == nil {
				t.Errorf("flow %q: %q -> %q, not both nodes of process %q", f.ID, f.Source, f.Target, p.ID)
				continue
			}
			if s.SubProcess != f.SubProcess || d.SubProcess != f.SubProcess {
				t.Errorf("flow %q crosses subprocess levels", f.ID)
			}
		}
		var lanes func([]*Lane)
		lanes = func(ls []*Lane) {
			for _, l := range ls {
				unique(l.ID)
				for _, id := range l.Nodes {
					if nodes[id] == nil {
						t.Errorf("lane %q: node %q is not in process %q", l.ID, id, p.ID)
					}
				}
				lanes(l.Children)
			}
		}
		lanes(p.Lanes)
		for _, n := range p.Nodes {
			if n.Lane != "" && !seen[n.Lane] {
				t.Errorf("node %q: lane %q is not a lane of process %q", n.ID, n.Lane, p.ID)
			}
		}
	}
	if hasDI != m.HasDI {
		t.Errorf("HasDI %v, but a node has bounds: %v", m.HasDI, hasDI)
	}
	if _, err := json.Marshal(m); err != nil {
		t.Errorf("the model does not marshal to JSON: %v", err)
	}
}

// TestReadWarnings reads documents with elements the converter cannot use
// and checks that each is in Model.Warnings, with its line and id, in
// document order.
func TestReadWarnings(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"second diagram", defsOpen + "\n<process id=\"p\"><task id=\"a\" /></process>\n" +
			"<bpmndi:BPMNDiagram id=\"d1\"><bpmndi:BPMNPlane bpmnElement=\"p\"/></bpmndi:BPMNDiagram>\n" +
			"<bpmndi:BPMNDiagram id=\"d2\"><bpmndi:BPMNPlane bpmnElement=\"p\"/></bpmndi:BPMNDiagram>\n</definitions>",
			[]string{`line 4: <BPMNDiagram id="d2">: a second diagram, ignored (the first one, line 3, is used)`}},
		{"lane names no node", doc(`<laneSet id="ls">`, `<lane id="l">`, `<flowNodeRef>a</flowNodeRef>`, `<flowNodeRef>gone</flowNodeRef>`, `</lane>`, `</laneSet>`, `<task id="a" />`),
			[]string{`line 6: <flowNodeRef>: "gone" names no flow node of process "p", ignored`}},
		{"foreign element", doc(`<task id="a" />`, `<x:note xmlns:x="urn:x">hi</x:note>`),
			[]string{`line 4: <note>: an element of namespace "urn:x" outside extensionElements, ignored`}},
		{"unknown BPMN element", doc(`<implicitThrowEvent id="i" />`),
			[]string{`line 3: <implicitThrowEvent id="i">: not supported, ignored`}},
		{"two pools of one process", defsOpen + "\n<collaboration id=\"c\">\n<participant id=\"A\" processRef=\"p\" />\n<participant id=\"B\" processRef=\"p\" />\n" +
			"<conversation id=\"cv\" />\n</collaboration>\n<process id=\"p\"/>\n</definitions>",
			[]string{`line 4: <participant id="B">: a second pool of process "p", ignored`,
				`line 5: 1 conversation: choreography and conversation are not control flow within a process, ignored (the first is id "cv")`}},
		{"choreography", defsOpen + "\n<choreography id=\"ch\" />\n<process id=\"p\"/>\n</definitions>",
			[]string{`line 2: 1 choreography: choreography and conversation are not control flow within a process, ignored (the first is id "ch")`}},
		{"data in a subprocess", doc(`<subProcess id="s">`, `<dataObject id="d1" />`, `<task id="a">`, `<dataOutputAssociation id="o1" />`, `</task>`, `</subProcess>`, `<dataObject id="d2" />`),
			[]string{`line 4: 2 dataObject: not control flow, ignored (the first is id "d1")`,
				`line 6: 1 dataOutputAssociation: not control flow, ignored (the first is id "o1")`}},
		{"nothing to say", doc(`<task id="a"><documentation>x</documentation><incoming>f</incoming><performer/></task>`, `<extensionElements><y:z xmlns:y="urn:y"/></extensionElements>`), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Read(strings.NewReader(c.in))
			if err != nil {
				t.Fatal(err)
			}
			checkModel(t, m)
			if strings.Join(m.Warnings, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(m.Warnings, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

// TestReadEncodings reads a document declared ISO-8859-1 (names come out
// as UTF-8) and one starting with a UTF-8 byte order mark.
func TestReadEncodings(t *testing.T) {
	cases := []struct{ name, in string }{
		{"latin1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + doc("<task id=\"a\" name=\"Pr\xfcfung\" />")},
		{"BOM", "\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + doc("<task id=\"a\" name=\"Prüfung\" />")},
		{"BOM, no declaration", "\ufeff" + doc("<task id=\"a\" name=\"Prüfung\" />")},
	}
	for _, c := range cases {
		m, err := Read(strings.NewReader(c.in))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := m.Processes[0].Nodes[0].Name; got != "Prüfung" {
			t.Errorf("%s: name %q, want Prüfung", c.name, got)
		}
	}
}

// BenchmarkRead reads the Signavio test file (a pool, a lane, labels and
// their styles: the most markup per node of the test files).
func BenchmarkRead(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(readDir, "signavio.bpmn"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
