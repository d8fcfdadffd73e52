package export

import (
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/tree"
)

// mustTree parses PM4Py notation or fails the test.
func mustTree(t testing.TB, s string) *tree.Node {
	t.Helper()
	n, err := tree.Parse(s)
	if err != nil {
		t.Fatalf("parse %q: %v", s, err)
	}
	return n
}

// wfnet builds a net from steps "inputs label outputs", places named in
// comma-separated lists; a label starting with "tau" is a silent transition.
// Place "i" holds the initial token and "o" the final one, when present.
func wfnet(name string, steps ...string) *petri.Net {
	n := &petri.Net{Name: name, Initial: petri.Marking{}, Final: petri.Marking{}}
	places := map[string]int{}
	place := func(id string) int {
		if p, ok := places[id]; ok {
			return p
		}
		places[id] = n.AddPlace(id)
		return places[id]
	}
	for i, s := range steps {
		f := strings.Fields(s)
		label := f[1]
		silent := strings.HasPrefix(label, "tau")
		tr := n.AddTransition("t"+strings.Repeat("_", i)+label, label, silent)
		for _, p := range strings.Split(f[0], ",") {
			n.AddInput(place(p), tr)
		}
		for _, p := range strings.Split(f[2], ",") {
			n.AddOutput(tr, place(p))
		}
	}
	if p, ok := places["i"]; ok {
		n.Initial[p] = 1
	}
	if p, ok := places["o"]; ok {
		n.Final[p] = 1
	}
	return n
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the output (go test -update rewrites it); got:\n%s", path, got)
	}
}

// bpmnDoc is what the tests read back from a BPMN file.
type bpmnDoc struct {
	XMLName         xml.Name `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL definitions"`
	ID              string   `xml:"id,attr"`
	TargetNamespace string   `xml:"targetNamespace,attr"`
	Process         struct {
		ID    string     `xml:"id,attr"`
		Name  string     `xml:"name,attr"`
		Elems []bpmnElem `xml:",any"`
	} `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL process"`
	Diagram struct {
		ID    string `xml:"id,attr"`
		Plane struct {
			ID          string `xml:"id,attr"`
			BPMNElement string `xml:"bpmnElement,attr"`
			Shapes      []struct {
				ID          string `xml:"id,attr"`
				BPMNElement string `xml:"bpmnElement,attr"`
				Bounds      struct {
					X float64 `xml:"x,attr"`
					Y float64 `xml:"y,attr"`
					W float64 `xml:"width,attr"`
					H float64 `xml:"height,attr"`
				} `xml:"http://www.omg.org/spec/DD/20100524/DC Bounds"`
			} `xml:"http://www.omg.org/spec/BPMN/20100524/DI BPMNShape"`
			Edges []struct {
				ID          string `xml:"id,attr"`
				BPMNElement string `xml:"bpmnElement,attr"`
				Waypoints   []struct {
					X float64 `xml:"x,attr"`
					Y float64 `xml:"y,attr"`
				} `xml:"http://www.omg.org/spec/DD/20100524/DI waypoint"`
			} `xml:"http://www.omg.org/spec/BPMN/20100524/DI BPMNEdge"`
		} `xml:"http://www.omg.org/spec/BPMN/20100524/DI BPMNPlane"`
	} `xml:"http://www.omg.org/spec/BPMN/20100524/DI BPMNDiagram"`
}

type bpmnElem struct {
	XMLName   xml.Name
	ID        string   `xml:"id,attr"`
	Name      string   `xml:"name,attr"`
	SourceRef string   `xml:"sourceRef,attr"`
	TargetRef string   `xml:"targetRef,attr"`
	Incoming  []string `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL incoming"`
	Outgoing  []string `xml:"http://www.omg.org/spec/BPMN/20100524/MODEL outgoing"`
}

// bpmnModel is a checked BPMN file: its elements by id and its geometry.
type bpmnModel struct {
	doc    bpmnDoc
	elems  map[string]bpmnElem // flow nodes and sequence flows
	shapes map[string]bounds   // by flow node id
	edges  map[string][]point  // by sequence flow id
}

// tagCount counts the flow nodes with the given tag.
func (m *bpmnModel) tagCount(tag string) int {
	n := 0
	for _, e := range m.elems {
		if e.XMLName.Local == tag {
			n++
		}
	}
	return n
}

// taskNames lists the task names, sorted.
func (m *bpmnModel) taskNames() []string {
	var out []string
	for _, e := range m.doc.Process.Elems {
		if e.XMLName.Local == "task" {
			out = append(out, e.Name)
		}
	}
	slices.Sort(out)
	return out
}

// ncName is a conservative NCName: what pmx writes must match it.
var ncName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// checkBPMN parses a BPMN file and checks everything that does not need the
// XSD: ids unique and NCNames, every reference resolves, incoming/outgoing
// agree with the flows, one start and one end event, tasks and events with
// one flow in and out (BPMN's implicit split/merge never used), every node
// on a path from start to end, every node and flow drawn, shapes with
// non-zero bounds, flows with at least two waypoints that start at the
// source shape and end at the target shape.
func checkBPMN(t testing.TB, data []byte) *bpmnModel {
	t.Helper()
	m := &bpmnModel{elems: map[string]bpmnElem{}, shapes: map[string]bounds{}, edges: map[string][]point{}}
	if err := xml.Unmarshal(data, &m.doc); err != nil {
		t.Fatalf("BPMN is not well-formed: %v", err)
	}
	d := &m.doc
	if d.TargetNamespace == "" {
		t.Errorf("definitions without targetNamespace")
	}
	ids := map[string]bool{}
	addID := func(id string) {
		if !ncName.MatchString(id) {
			t.Errorf("id %q is not an NCName", id)
		}
		if ids[id] {
			t.Errorf("id %q repeated", id)
		}
		ids[id] = true
	}
	for _, id := range []string{d.ID, d.Process.ID, d.Diagram.ID, d.Diagram.Plane.ID} {
		addID(id)
	}
	for _, e := range d.Process.Elems {
		addID(e.ID)
		m.elems[e.ID] = e
	}
	for _, s := range d.Diagram.Plane.Shapes {
		addID(s.ID)
		m.shapes[s.BPMNElement] = bounds{s.Bounds.X, s.Bounds.Y, s.Bounds.W, s.Bounds.H}
		if s.Bounds.W <= 0 || s.Bounds.H <= 0 || s.Bounds.X < 0 || s.Bounds.Y < 0 {
			t.Errorf("shape %s has bounds %+v", s.ID, s.Bounds)
		}
		if e, ok := m.elems[s.BPMNElement]; !ok || e.XMLName.Local == "sequenceFlow" {
			t.Errorf("shape %s draws %q, not a flow node", s.ID, s.BPMNElement)
		}
	}
	for _, e := range d.Diagram.Plane.Edges {
		addID(e.ID)
		for _, w := range e.Waypoints {
			m.edges[e.BPMNElement] = append(m.edges[e.BPMNElement], point{w.X, w.Y})
		}
		if f, ok := m.elems[e.BPMNElement]; !ok || f.XMLName.Local != "sequenceFlow" {
			t.Errorf("edge %s draws %q, not a sequence flow", e.ID, e.BPMNElement)
		}
	}
	if d.Diagram.Plane.BPMNElement != d.Process.ID {
		t.Errorf("plane draws %q, process is %q", d.Diagram.Plane.BPMNElement, d.Process.ID)
	}

	in, out := map[string][]string{}, map[string][]string{}
	for _, f := range d.Process.Elems {
		if f.XMLName.Local != "sequenceFlow" {
			continue
		}
		for _, ref := range []string{f.SourceRef, f.TargetRef} {
			if e, ok := m.elems[ref]; !ok || e.XMLName.Local == "sequenceFlow" {
				t.Errorf("flow %s refers to %q, not a flow node", f.ID, ref)
			}
		}
		out[f.SourceRef] = append(out[f.SourceRef], f.ID)
		in[f.TargetRef] = append(in[f.TargetRef], f.ID)
		wp := m.edges[f.ID]
		if len(wp) < 2 {
			t.Errorf("flow %s has %d waypoints", f.ID, len(wp))
			continue
		}
		if dist := rectDistance(m.shapes[f.SourceRef], wp[0]); dist > 2 {
			t.Errorf("flow %s starts %.1fpx from its source %s", f.ID, dist, f.SourceRef)
		}
		if dist := rectDistance(m.shapes[f.TargetRef], wp[len(wp)-1]); dist > 2 {
			t.Errorf("flow %s ends %.1fpx from its target %s", f.ID, dist, f.TargetRef)
		}
	}
	var start, end string
	for _, e := range d.Process.Elems {
		tag := e.XMLName.Local
		if tag == "sequenceFlow" {
			continue
		}
		if _, ok := m.shapes[e.ID]; !ok {
			t.Errorf("%s %s has no shape", tag, e.ID)
		}
		if strings.Join(e.Incoming, " ") != strings.Join(in[e.ID], " ") || strings.Join(e.Outgoing, " ") != strings.Join(out[e.ID], " ") {
			t.Errorf("%s %s: incoming %v outgoing %v, flows say %v %v", tag, e.ID, e.Incoming, e.Outgoing, in[e.ID], out[e.ID])
		}
		nin, nout := len(in[e.ID]), len(out[e.ID])
		ok := true
		switch tag {
		case "startEvent":
			ok = nin == 0 && nout == 1
			if start != "" {
				t.Errorf("second start event %s", e.ID)
			}
			start = e.ID
		case "endEvent":
			ok = nin == 1 && nout == 0
			if end != "" {
				t.Errorf("second end event %s", e.ID)
			}
			end = e.ID
		case "task":
			ok = nin == 1 && nout == 1
		case "exclusiveGateway", "parallelGateway", "inclusiveGateway":
			ok = nin >= 1 && nout >= 1 && nin+nout > 2
		default:
			t.Errorf("unexpected element %s", tag)
		}
		if !ok {
			t.Errorf("%s %s %q has %d incoming and %d outgoing flows", tag, e.ID, e.Name, nin, nout)
		}
	}
	if start == "" || end == "" {
		t.Fatalf("start event %q, end event %q", start, end)
	}
	// Every node lies on a path from start to end.
	walk := func(from string, next map[string][]string, pick func(bpmnElem) string) map[string]bool {
		seen := map[string]bool{from: true}
		for queue := []string{from}; len(queue) > 0; queue = queue[1:] {
			for _, f := range next[queue[0]] {
				if n := pick(m.elems[f]); !seen[n] {
					seen[n] = true
					queue = append(queue, n)
				}
			}
		}
		return seen
	}
	fwd := walk(start, out, func(f bpmnElem) string { return f.TargetRef })
	bwd := walk(end, in, func(f bpmnElem) string { return f.SourceRef })
	for id, e := range m.elems {
		if e.XMLName.Local != "sequenceFlow" && (!fwd[id] || !bwd[id]) {
			t.Errorf("%s %s is not on a path from start to end", e.XMLName.Local, id)
		}
	}
	return m
}

// rectDistance is how far p lies outside r (0 inside or on the border).
func rectDistance(r bounds, p point) float64 {
	dx := math.Max(math.Max(r.X-p.X, 0), p.X-(r.X+r.W))
	dy := math.Max(math.Max(r.Y-p.Y, 0), p.Y-(r.Y+r.H))
	return math.Hypot(dx, dy)
}
