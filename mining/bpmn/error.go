package bpmn

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is wrapped by every *Error: the document is not a BPMN 2.0
// model this package can read.
var ErrInvalid = errors.New("invalid BPMN")

// ErrPNML is wrapped (besides ErrInvalid) by the *Error for a PNML
// document (a <pnml> root), so that callers can hand it to the PNML
// reader (mining/pnml) instead of just failing.
var ErrPNML = errors.New("PNML document")

// Error is a problem with one element of a BPMN document, or with the
// document as a whole (Element empty). Error() reads
//
//	line 41: <exclusiveGateway id="g3">: default flow "f9" is not one of its outgoing flows
type Error struct {
	Line    int    // 1-based line where the element starts (or of the syntax error); 0 if unknown
	Element string // the element's local name, without prefix ("exclusiveGateway"); "" for the document
	ID      string // the element's id attribute, "" when it has none
	Reason  string
	pnml    bool // the document is a PNML net
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Element != "" {
		b.WriteString(elemTag(e.Element, e.ID))
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Unwrap lets callers test errors.Is(err, ErrInvalid) and, for a PNML
// document, errors.Is(err, ErrPNML).
func (e *Error) Unwrap() []error {
	if e.pnml {
		return []error{ErrInvalid, ErrPNML}
	}
	return []error{ErrInvalid}
}

// elemTag is how errors and warnings name an element: <name id="…">, or
// <name> without an id. The id is quoted with %q so that a hostile one
// cannot forge the rest of the message.
func elemTag(element, id string) string {
	if id == "" {
		return "<" + element + ">"
	}
	return fmt.Sprintf("<%s id=%q>", element, id)
}
