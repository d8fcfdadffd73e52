package pnml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pmx-dev/pmx/mining/internal/xmltext"
)

// ErrInvalid is wrapped by every *Error: the document is not a PNML net this
// package can represent.
var ErrInvalid = errors.New("invalid PNML")

// ErrBPMN is wrapped (besides ErrInvalid) by the *Error for a BPMN model
// (a root element in the BPMN 2.0 model namespace), so that callers can
// hand the document to the BPMN reader (mining/bpmn) instead.
var ErrBPMN = errors.New("BPMN model")

// bpmnNamespace is the BPMN 2.0 model namespace of <definitions>.
const bpmnNamespace = "http://www.omg.org/spec/BPMN/20100524/MODEL"

// Error is a problem with one element of a PNML document.
type Error struct {
	Line    int    // 1-based line of the element (or of the syntax error); 0 if unknown
	Element string // the element, e.g. `arc "a7"`; empty for XML syntax errors
	Reason  string
	bpmn    bool // the document is a BPMN model
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("pnml")
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	if e.Element != "" {
		fmt.Fprintf(&b, " <%s>", e.Element)
	}
	b.WriteString(": ")
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap lets callers test errors.Is(err, ErrInvalid) and, for a BPMN
// model, errors.Is(err, ErrBPMN).
func (e *Error) Unwrap() []error {
	if e.bpmn {
		return []error{ErrInvalid, ErrBPMN}
	}
	return []error{ErrInvalid}
}

// node is one element of the document; only local names are kept (PNML
// files come with and without the pnml.org namespace).
type node struct {
	name  string
	space string // namespace URL (resolved by encoding/xml)
	attrs []xml.Attr
	kids  []*node
	text  string // character data directly inside the element
	buf   []byte
	line  int
}

func (n *node) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (n *node) child(name string) *node {
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// textOf is the content of n's <name>/<text>-style child: n.child(name).child("text").
func (n *node) textOf(name string) (string, bool) {
	c := n.child(name)
	if c == nil {
		return "", false
	}
	t := c.child("text")
	if t == nil {
		return "", false
	}
	return t.text, true
}

// document is what parse keeps of a PNML document: the root, the first
// <net> (its attributes), and that net's first <name> and <finalmarkings>
// subtrees. The net's places, transitions, arcs and references are handed
// to a callback as each closes, so that the whole document is never held
// in memory: a 50 MB net costs what its petri.Net costs, not a tree of
// every element.
type document struct {
	root, net       *node
	netName, finals *node
}

// Frame kinds of the parser's stack.
const (
	inRoot    = iota // the root element
	inNet            // the first <net>
	inPage           // a <page> of it, at any depth
	inCapture        // a subtree kept as nodes
	inSkip           // a subtree not needed
)

type frame struct {
	kind int
	node *node // inCapture
	top  bool  // the captured subtree's root: hand it on when it closes
}

// parse reads the document, calling element with every <place>,
// <transition>, <arc>, <referencePlace> and <referenceTransition> of the
// first net and its pages, in document order, as it closes.
func parse(r io.Reader, element func(*node) error) (*document, error) {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = xmltext.CharsetReader
	doc := &document{}
	var stack []frame
	rootClosed := false
	// stray is the first text outside any element: a document that is only
	// text is not XML at all, and saying "empty document" would mislead.
	var stray string
	strayLine := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return nil, &Error{Line: se.Line, Reason: se.Msg}
			}
			line, _ := dec.InputPos()
			return nil, &Error{Line: line, Reason: err.Error()}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			line, _ := dec.InputPos()
			n := &node{name: t.Name.Local, space: t.Name.Space, attrs: t.Attr, line: line}
			if len(stack) == 0 {
				if rootClosed {
					return nil, &Error{Line: line, Element: n.name, Reason: "second root element"}
				}
				if err := checkRoot(n); err != nil {
					return nil, err
				}
				doc.root = n
				stack = append(stack, frame{kind: inRoot})
				continue
			}
			parent := stack[len(stack)-1]
			f := frame{kind: inSkip}
			switch parent.kind {
			case inRoot:
				if n.name == "net" && doc.net == nil {
					doc.net, f.kind = n, inNet
				}
			case inNet, inPage:
				switch {
				case n.name == "page":
					f.kind = inPage
				case n.name == "place" || n.name == "transition" || n.name == "arc" ||
					n.name == "referencePlace" || n.name == "referenceTransition":
					f = frame{kind: inCapture, node: n, top: true}
				case parent.kind == inNet && n.name == "name" && doc.netName == nil:
					doc.netName = n
					f = frame{kind: inCapture, node: n}
				case parent.kind == inNet && n.name == "finalmarkings" && doc.finals == nil:
					doc.finals = n
					f = frame{kind: inCapture, node: n}
				}
			case inCapture:
				parent.node.kids = append(parent.node.kids, n)
				f = frame{kind: inCapture, node: n}
			}
			stack = append(stack, f)
		case xml.EndElement:
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				rootClosed = true
			}
			if f.kind != inCapture {
				continue
			}
			f.node.text, f.node.buf = string(f.node.buf), nil
			if f.top {
				if err := element(f.node); err != nil {
					return nil, err
				}
			}
		case xml.CharData:
			if len(stack) > 0 {
				if f := stack[len(stack)-1]; f.kind == inCapture {
					f.node.buf = append(f.node.buf, t...)
				}
			} else if i := bytes.IndexFunc(t, xmltext.NotSpace); i >= 0 && strayLine == 0 {
				end, _ := dec.InputPos()
				strayLine = end - bytes.Count(t, []byte("\n")) + bytes.Count(t[:i], []byte("\n"))
				stray = xmltext.Excerpt(t[i:])
			}
		}
	}
	if doc.root == nil {
		if strayLine > 0 {
			return nil, &Error{Line: strayLine, Reason: fmt.Sprintf("not XML: text %q where a <pnml> element should start (is this a PNML file?)", stray)}
		}
		return nil, &Error{Reason: "empty document"}
	}
	if doc.net == nil {
		return nil, &Error{Line: doc.root.line, Element: "pnml", Reason: "no <net> element"}
	}
	return doc, nil
}

// checkRoot refuses a document that is not PNML as soon as its root
// element is read: a BPMN model by name, anything else as such.
func checkRoot(root *node) error {
	if root.space == bpmnNamespace || (root.name == "definitions" && strings.Contains(strings.ToLower(root.space), "bpmn")) {
		return &Error{Line: root.line, Element: root.name, bpmn: true, Reason: "a BPMN model, not a Petri net: " +
			"read it with mining/bpmn (pmx reads a .bpmn file, or any file whose root is BPMN, as BPMN)"}
	}
	if root.name != "pnml" {
		return &Error{Line: root.line, Element: root.name, Reason: "root element is not <pnml>"}
	}
	return nil
}
