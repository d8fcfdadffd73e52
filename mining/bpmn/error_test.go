package bpmn

import (
	"errors"
	"io"
	"strings"
	"testing"
)

const defsOpen = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" ` +
	`xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC">`

// doc is a BPMN document whose line 1 opens <definitions>, line 2 opens
// process "p", and body starts on line 3 (one element per line), so that
// the cases below can say on which line an error is.
func doc(body ...string) string {
	return defsOpen + "\n<process id=\"p\">\n" + strings.Join(body, "\n") + "\n</process>\n</definitions>\n"
}

// TestReadErrors reads malformed documents: each must fail with an *Error
// wrapping ErrInvalid that names the line, the element and its id.
func TestReadErrors(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		line    int
		element string
		id      string
		reason  string // a part of the reason
	}{
		{"empty", "", 0, "", "", "empty document"},
		{"only space", " \n\n ", 0, "", "", "empty document"},
		{"not XML", "\nhello, world\n", 2, "", "", `not XML: text "hello, world"`},
		{"text before root", "Process:\n" + doc(), 1, "", "", `not XML: text "Process:" before the root`},
		{"unclosed", defsOpen + "\n<process id=\"p\">\n<task id=\"t\">\n</definitions>", 4, "", "", "not well-formed XML"},
		{"undefined entity", doc(`<task id="t" name="&nbsp;" />`), 3, "", "", "not well-formed XML"},
		{"entity declared", `<!DOCTYPE definitions [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>` + "\n" + doc(), 1, "", "", "declares an entity"},
		{"second root", doc() + "<definitions/>", 6, "definitions", "", "a second root element"},
		{"pnml", "<?xml version=\"1.0\"?>\n<pnml><net id=\"n\"/></pnml>", 2, "pnml", "", "a PNML Petri net, not a BPMN model"},
		{"xes", `<log xes.version="1.0"><trace/></log>`, 1, "log", "", "an XES event log"},
		{"no namespace", `<definitions><process id="p"/></definitions>`, 1, "definitions", "", "without a namespace"},
		{"BPMN beta namespace", `<definitions xmlns="http://schema.omg.org/spec/BPMN/2.0"/>`, 1, "definitions", "", `namespace "http://schema.omg.org/spec/BPMN/2.0" is not BPMN 2.0's`},
		{"html", "<html><body/></html>", 1, "html", "", "root element <html>"},
		{"encoding", `<?xml version="1.0" encoding="UTF-16"?>` + "\n" + doc(), 1, "", "", `unsupported encoding "UTF-16"`},
		{"no process", defsOpen + "\n<collaboration id=\"c\"><participant id=\"x\"/></collaboration>\n</definitions>", 1, "definitions", "", "no <process>"},
		{"process without id", defsOpen + "\n<process/>\n</definitions>", 2, "process", "", "a process without an id"},
		{"node without id", doc(`<task name="a" />`), 3, "task", "", "a flow node without an id"},
		{"flow without id", doc(`<task id="a" />`, `<sequenceFlow sourceRef="a" targetRef="a" />`), 4, "sequenceFlow", "", "a sequence flow without an id"},
		{"lane without id", doc(`<laneSet id="ls">`, `<lane name="x" />`, `</laneSet>`), 4, "lane", "", "a lane without an id"},
		{"duplicate id", doc(`<task id="t" />`, `<exclusiveGateway id="t" />`), 4, "exclusiveGateway", "t", "id used twice (first on line 3)"},
		{"duplicate id with a flow", doc(`<task id="t" />`, `<sequenceFlow id="t" sourceRef="t" targetRef="t" />`), 4, "sequenceFlow", "t", "id used twice"},
		{"unknown target", doc(`<task id="a" />`, `<sequenceFlow id="f" sourceRef="a" targetRef="nowhere" />`), 4, "sequenceFlow", "f", `targetRef "nowhere" is not a flow node of the file`},
		{"unknown source", doc(`<task id="a" />`, `<sequenceFlow id="f" sourceRef="ghost" targetRef="a" />`), 4, "sequenceFlow", "f", `sourceRef "ghost" is not a flow node`},
		{"no source", doc(`<task id="a" />`, `<sequenceFlow id="f" targetRef="a" />`), 4, "sequenceFlow", "f", "no sourceRef"},
		{"flow to data", doc(`<task id="a" />`, `<dataObjectReference id="d" />`, `<sequenceFlow id="f" sourceRef="a" targetRef="d" />`),
			5, "sequenceFlow", "f", `targetRef "d" is a <dataObjectReference>, which is not read as a flow node`},
		{"flow between processes", defsOpen + "\n<process id=\"p1\">\n<task id=\"a\" />\n<sequenceFlow id=\"f\" sourceRef=\"a\" targetRef=\"b\" />\n</process>\n" +
			"<process id=\"p2\">\n<task id=\"b\" />\n</process>\n</definitions>", 4, "sequenceFlow", "f", `targetRef "b" is in process "p2", the flow in process "p1"`},
		{"flow into a subprocess", doc(`<task id="a" />`, `<subProcess id="s">`, `<task id="in" />`, `</subProcess>`, `<sequenceFlow id="f" sourceRef="a" targetRef="in" />`),
			7, "sequenceFlow", "f", `targetRef "in" is inside subprocess "s" of process "p", the flow at the top level of process "p"`},
		{"flow out of a subprocess", doc(`<task id="a" />`, `<subProcess id="s">`, `<task id="in" />`, `<sequenceFlow id="f" sourceRef="in" targetRef="a" />`, `</subProcess>`),
			6, "sequenceFlow", "f", `targetRef "a" is at the top level of process "p", the flow inside subprocess "s"`},
		{"boundary attached to nothing", doc(`<task id="a" />`, `<boundaryEvent id="b" />`), 4, "boundaryEvent", "b", "attached to nothing"},
		{"boundary attached to unknown", doc(`<boundaryEvent id="b" attachedToRef="zz" />`), 3, "boundaryEvent", "b", `attachedToRef "zz" is not an activity`},
		{"boundary attached to a gateway", doc(`<parallelGateway id="g" />`, `<boundaryEvent id="b" attachedToRef="g" />`), 4, "boundaryEvent", "b", `a <parallelGateway>: only tasks and subprocesses`},
		{"boundary in another subprocess", doc(`<task id="a" />`, `<subProcess id="s">`, `<boundaryEvent id="b" attachedToRef="a" />`, `</subProcess>`),
			5, "boundaryEvent", "b", `attached to "a", which is at the top level of process "p"`},
		{"default not outgoing", doc(`<task id="a" />`, `<task id="c" />`, `<exclusiveGateway id="g3" default="f1" />`, `<sequenceFlow id="f1" sourceRef="a" targetRef="c" />`),
			5, "exclusiveGateway", "g3", `default flow "f1" is not one of its outgoing sequence flows`},
		{"unknown pool process", defsOpen + "\n<collaboration id=\"c\">\n<participant id=\"pool\" processRef=\"q\" />\n</collaboration>\n<process id=\"p\"/>\n</definitions>",
			3, "participant", "pool", `processRef "q" is not a process of the file`},
		{"bad bounds", defsOpen + "\n<process id=\"p\"><task id=\"a\" /></process>\n<bpmndi:BPMNDiagram><bpmndi:BPMNPlane><bpmndi:BPMNShape bpmnElement=\"a\">\n\n\n<dc:Bounds x=\"1\" y=\"2\" width=\"wide\" height=\"3\"/>",
			6, "Bounds", "", `width="wide" is not a finite number`},
		{"NaN bounds", defsOpen + "\n<process id=\"p\"><task id=\"a\" /></process>\n<bpmndi:BPMNDiagram><bpmndi:BPMNPlane><bpmndi:BPMNShape bpmnElement=\"a\">\n\n\n<dc:Bounds x=\"NaN\" y=\"2\" width=\"1\" height=\"3\"/>",
			6, "Bounds", "", `x="NaN" is not a finite number`},
		{"too deep", doc(strings.Repeat("<x>", maxXMLDepth) + strings.Repeat("</x>", maxXMLDepth)), 3, "x", "", "nested deeper than 256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Read(strings.NewReader(c.in))
			if err == nil {
				t.Fatalf("read without error: %+v", m)
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v (%T) is not an *Error wrapping ErrInvalid", err, err)
			}
			if e.Line != c.line || e.Element != c.element || e.ID != c.id || !strings.Contains(e.Reason, c.reason) {
				t.Errorf("got line %d, <%s id=%q>, %q\nwant line %d, <%s id=%q>, reason with %q",
					e.Line, e.Element, e.ID, e.Reason, c.line, c.element, c.id, c.reason)
			}
			if errors.Is(err, ErrPNML) != (c.element == "pnml") {
				t.Errorf("errors.Is(err, ErrPNML) = %v", errors.Is(err, ErrPNML))
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		err  Error
		want string
	}{
		{Error{Line: 41, Element: "exclusiveGateway", ID: "g3", Reason: "why"}, `line 41: <exclusiveGateway id="g3">: why`},
		{Error{Line: 2, Element: "definitions", Reason: "why"}, `line 2: <definitions>: why`},
		{Error{Line: 7, Reason: "not XML"}, `line 7: not XML`},
		{Error{Reason: "empty document"}, `empty document`},
		{Error{Line: 1, Element: "task", ID: "a\">b", Reason: "r"}, `line 1: <task id="a\">b">: r`},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.err, got, c.want)
		}
	}
}

// TestInputLimit checks the reader that bounds the input: it gives at
// most n bytes, then errTooLarge rather than a silent EOF (a cut document
// would read as malformed, or worse, as a smaller model); a document of
// exactly n bytes reads whole.
func TestInputLimit(t *testing.T) {
	cases := []struct {
		in   string
		want string
		err  error
	}{
		{"0123456789", "0123", errTooLarge},
		{"01234", "0123", errTooLarge},
		{"0123", "0123", nil},
		{"01", "01", nil},
	}
	for _, c := range cases {
		got, err := io.ReadAll(&inputLimit{r: strings.NewReader(c.in), n: 4})
		if string(got) != c.want || !errors.Is(err, c.err) {
			t.Errorf("%q: read %q, %v; want %q, %v", c.in, got, err, c.want, c.err)
		}
	}
}

// endless is a BPMN document that never ends: a process followed by
// comments without end.
type endless struct{ head []byte }

func (e *endless) Read(p []byte) (int, error) {
	if len(e.head) > 0 {
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	}
	for i := range p {
		p[i] = "<!-- padding -->\n"[i%17]
	}
	return len(p), nil
}

// TestReadTooLarge checks that a document past the input bound fails with
// the bound's error rather than reading on.
func TestReadTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	_, err := Read(&endless{head: []byte(defsOpen + "\n<process id=\"p\">\n")})
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Reason, "larger than 64 MiB") || e.Line < 1000 {
		t.Errorf("got %v", err)
	}
}
