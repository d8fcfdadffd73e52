package bpmn

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/mining/internal/xmltext"
)

// The namespaces the reader matches elements by. Prefixes are the file's
// choice (bpmn:, bpmn2:, semantic:, or none with a default namespace, as
// Signavio writes) and mean nothing; the URL is what names the element.
const (
	nsModel   = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	nsBPMNDI  = "http://www.omg.org/spec/BPMN/20100524/DI"
	nsDC      = "http://www.omg.org/spec/DD/20100524/DC"
	nsDI      = "http://www.omg.org/spec/DD/20100524/DI"
	nsCamunda = "http://camunda.org/schema/1.0/bpmn"
	nsZeebe   = "http://camunda.org/schema/zeebe/1.0"
	nsPMX     = "https://pmx.dev/schema/bpmn"
)

// Limits that keep a hostile file from taking the machine. Real models are
// far inside them: a thousand-task Signavio export with its diagram is a
// few megabytes and a dozen levels deep.
const (
	// maxXMLInput bounds the bytes read. encoding/xml holds a whole token
	// (one tag with its attributes, or one text run) in memory, and the
	// Model grows with the file, so the input size bounds both.
	maxXMLInput = 64 << 20
	// maxXMLDepth bounds element nesting (the reader keeps a frame per level).
	maxXMLDepth = 256
	// maxXMLText bounds the text kept of one element (a condition
	// expression, a flowNodeRef).
	maxXMLText = 1 << 20
)

// errTooLarge is what the input reader returns past maxXMLInput.
var errTooLarge = fmt.Errorf("the document is larger than %d MiB, the most pmx reads as a BPMN model", maxXMLInput>>20)

// Read parses a BPMN 2.0 XML document (definitions) into a Model: every
// process with its flow nodes, sequence flows and lanes, the pools of a
// collaboration, the first diagram's shapes and edges, and the Camunda
// or pmx properties of nodes and flows. What the converter cannot use
// (complex gateways, transactions, event subprocesses, loops, compensation,
// message flows, data and artifacts, …) is read as the nearest supported
// element or skipped, and either way listed in Model.Warnings.
//
// A document that is not XML, not BPMN, or not consistent (a flow to an
// unknown node or across processes or subprocess levels, an id used twice,
// a boundary event attached to nothing, no process) is an *Error wrapping
// ErrInvalid that names the line and the element. Entities are never
// expanded beyond XML's predefined ones and character references: a
// DOCTYPE that declares one is refused, any other DOCTYPE ignored.
func Read(r io.Reader) (*Model, error) {
	rd := newDocReader(r)
	if err := rd.parse(); err != nil {
		return nil, err
	}
	if err := rd.resolve(); err != nil {
		return nil, err
	}
	return rd.m, nil
}

// xmlFrameKind is what an open element is to the reader; it decides how the
// element's children are read.
type xmlFrameKind uint8

const (
	xSkip    xmlFrameKind = iota // read past: children are not looked at
	xRoot                        // <definitions>
	xProcess                     // <process>: a scope of flow elements
	xSub                         // an embedded subprocess: a scope and a node
	xNode                        // a flow node
	xFlow                        // a sequence flow
	xText                        // a leaf whose text is kept (condition, flowNodeRef)
	xExt                         // <extensionElements> of a node or flow
	xProps                       // camunda:properties and the like
	xLaneSet                     // <laneSet> or <childLaneSet>
	xLane                        // <lane>
	xCollab                      // <collaboration>
	xDiagram                     // <BPMNDiagram>
	xPlane                       // <BPMNPlane>
	xShape                       // <BPMNShape>
	xEdge                        // <BPMNEdge>
)

// xmlFrame is one open element. The fields are the context its children are
// read in, inherited down the stack.
type xmlFrame struct {
	kind   xmlFrameKind
	proc   *Process
	sub    string // innermost embedded subprocess ("" at process level)
	node   *Node  // xNode, xSub
	flow   *Flow  // xFlow
	lane   *Lane  // xLane; xLaneSet of a childLaneSet (nil for a process's)
	ext    *map[string]string
	extNS  string       // xProps: the namespace of its property elements
	diag   *diDiagram   // xDiagram and below
	di     string       // xShape, xEdge: the bpmnElement
	onText func(string) // xText: takes the text when the element closes
	line   int
	id     string
	name   string // local name, for errors about the element
}

// docReader is one Read: the Model under construction and what resolve
// needs to check it once every element has been seen (flows, lanes and
// the diagram may refer to elements further down the file).
type docReader struct {
	dec   *xml.Decoder
	m     *Model
	stack []xmlFrame
	text  []byte // the open xText element's text

	ids      map[string]int    // id → line, for every element of the model namespace
	skipped  map[string]string // id → element, for elements read past
	nodes    map[string]nodeIn
	flows    map[string]*Flow
	procs    map[string]*Process
	parts    []poolRef
	laneRefs []laneRefAt
	diagrams []*diDiagram
	warns    []readWarning
	summary  map[string]*summaryCount
	rootLine int
}

type nodeIn struct {
	node *Node
	proc *Process
}

type poolRef struct {
	id, name, process string
	line              int
}

type laneRefAt struct {
	lane *Lane
	proc *Process
	ref  string
	line int
}

type readWarning struct {
	line int
	text string
}

func newDocReader(r io.Reader) *docReader {
	dec := xml.NewDecoder(&inputLimit{r: r, n: maxXMLInput})
	dec.CharsetReader = xmltext.CharsetReader
	// Strict is the default and stays on: an entity other than the five
	// predefined ones is a syntax error, never looked up (dec.Entity nil).
	return &docReader{
		dec:     dec,
		m:       &Model{},
		ids:     map[string]int{},
		skipped: map[string]string{},
		nodes:   map[string]nodeIn{},
		flows:   map[string]*Flow{},
		procs:   map[string]*Process{},
		summary: map[string]*summaryCount{},
	}
}

// warn records a warning about one element.
func (r *docReader) warn(line int, element, id, text string) {
	r.warns = append(r.warns, readWarning{line, fmt.Sprintf("line %d: %s: %s", line, elemTag(element, id), text)})
}

// parse reads the document token by token, keeping only what the Model
// needs: there is no tree of the whole document.
func (r *docReader) parse() error {
	rootClosed := false
	var stray string
	strayLine := 0
	for {
		// The line before the token is where its '<' is: encoding/xml
		// hands the text before a tag as a token of its own.
		line, _ := r.dec.InputPos()
		tok, err := r.dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.syntaxError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(r.stack) == 0 {
				if rootClosed {
					return &Error{Line: line, Element: t.Name.Local, Reason: "a second root element (a BPMN file has one <definitions>)"}
				}
				if err := r.root(t, line, stray, strayLine); err != nil {
					return err
				}
				continue
			}
			if len(r.stack) >= maxXMLDepth {
				return &Error{Line: line, Element: t.Name.Local, Reason: fmt.Sprintf("elements nested deeper than %d", maxXMLDepth)}
			}
			f, err := r.start(t, line)
			if err != nil {
				return err
			}
			r.stack = append(r.stack, f)
		case xml.EndElement:
			f := r.stack[len(r.stack)-1]
			r.stack = r.stack[:len(r.stack)-1]
			if len(r.stack) == 0 {
				rootClosed = true
			}
			if f.kind == xText && f.onText != nil {
				f.onText(string(r.text))
			}
		case xml.CharData:
			if len(r.stack) == 0 {
				if i := bytes.IndexFunc(t, xmltext.NotSpace); i >= 0 && strayLine == 0 {
					end, _ := r.dec.InputPos()
					strayLine = end - bytes.Count(t, []byte("\n")) + bytes.Count(t[:i], []byte("\n"))
					stray = xmltext.Excerpt(t[i:])
				}
				continue
			}
			if f := &r.stack[len(r.stack)-1]; f.kind == xText {
				if len(r.text)+len(t) > maxXMLText {
					return &Error{Line: f.line, Element: f.name, ID: f.id, Reason: fmt.Sprintf("text longer than %d KiB", maxXMLText>>10)}
				}
				r.text = append(r.text, t...)
			}
		case xml.Directive:
			if err := directive(t, line, len(r.stack) > 0 || rootClosed); err != nil {
				return err
			}
		}
	}
	if r.rootLine == 0 {
		if strayLine > 0 {
			return &Error{Line: strayLine, Reason: fmt.Sprintf("not XML: text %q where a <definitions> element should start (is this a BPMN file?)", stray)}
		}
		return &Error{Reason: "empty document: no <definitions> element"}
	}
	return nil
}

// syntaxError turns a decoder failure into an *Error with its line.
func (r *docReader) syntaxError(err error) error {
	line, _ := r.dec.InputPos()
	if errors.Is(err, errTooLarge) {
		return &Error{Line: line, Reason: err.Error()}
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &Error{Line: se.Line, Reason: "not well-formed XML: " + se.Msg}
	}
	return &Error{Line: line, Reason: "reading the document: " + err.Error()}
}

// root checks the root element: BPMN 2.0's <definitions>, or an error
// that says what the document is instead.
func (r *docReader) root(t xml.StartElement, line int, stray string, strayLine int) error {
	if strayLine > 0 {
		return &Error{Line: strayLine, Reason: fmt.Sprintf("not XML: text %q before the root element", stray)}
	}
	name, space := t.Name.Local, t.Name.Space
	switch {
	case space == nsModel && name == "definitions":
	case name == "pnml":
		return &Error{Line: line, Element: name, pnml: true, Reason: "a PNML Petri net, not a BPMN model: " +
			"read it with the PNML reader (mining/pnml; pmx reads a model file not named .bpmn as PNML)"}
	case name == "log" || name == "trace":
		return &Error{Line: line, Element: name, Reason: "an XES event log, not a BPMN model"}
	case name == "definitions" && space == "":
		return &Error{Line: line, Element: name, Reason: "<definitions> without a namespace: BPMN 2.0 needs xmlns=\"" + nsModel + "\""}
	case name == "definitions":
		return &Error{Line: line, Element: name, Reason: fmt.Sprintf("namespace %q is not BPMN 2.0's model namespace %q", space, nsModel)}
	default:
		return &Error{Line: line, Element: name, Reason: fmt.Sprintf("root element <%s> (namespace %q) is not BPMN 2.0's <definitions>", name, space)}
	}
	r.rootLine = line
	r.m.Exporter = normSpace(xmlAttr(t, "exporter"))
	r.m.ExporterVersion = normSpace(xmlAttr(t, "exporterVersion"))
	r.stack = append(r.stack, xmlFrame{kind: xRoot, line: line, name: name})
	return nil
}

// xmlAttr is an unqualified attribute's value ("" when absent). BPMN's own
// attributes are unqualified; a prefixed one (camunda:…, xsi:type) is a
// tool's and never taken for BPMN's.
func xmlAttr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name && (a.Name.Space == "" || a.Name.Space == nsModel) {
			return a.Value
		}
	}
	return ""
}

// normSpace collapses runs of white space (modelers store the line breaks a
// person typed into a label) into single spaces, trimmed.
func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// sortWarnings puts the warnings in document order (summaries at the line
// of their first element).
func (r *docReader) sortWarnings() {
	slices.SortStableFunc(r.warns, func(a, b readWarning) int { return a.line - b.line })
	r.m.Warnings = make([]string, len(r.warns))
	for i, w := range r.warns {
		r.m.Warnings[i] = w.text
	}
}
