package bpmn

import (
	"bytes"
	"encoding/xml"
	"io"
)

// What stands between the input and encoding/xml: the size bound, the
// accepted encodings, and the DOCTYPE check.

// inputLimit gives the first n bytes of r, then fails with errTooLarge if
// r has more (a document of exactly n bytes reads to its end).
type inputLimit struct {
	r io.Reader
	n int64
}

func (l *inputLimit) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if l.n <= 0 {
		var one [1]byte
		for {
			k, err := l.r.Read(one[:])
			if k > 0 {
				return 0, errTooLarge
			}
			if err != nil {
				return 0, err
			}
		}
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}

// directive checks a <!…> declaration. A DOCTYPE that declares entities is
// refused: expanding them could read local files or grow without bound, and
// ignoring the declarations would silently change the names that use them.
// encoding/xml never expands them, and a reference to one is a syntax error.
func directive(d xml.Directive, line int, late bool) error {
	if !bytes.HasPrefix(d, []byte("DOCTYPE")) {
		return nil
	}
	if late {
		return &Error{Line: line, Reason: "a DOCTYPE after the root element"}
	}
	if bytes.Contains(d, []byte("<!ENTITY")) {
		return &Error{Line: line, Reason: "the DOCTYPE declares an entity; pmx refuses entity declarations " +
			"(they can read local files or expand without bound) and never expands them"}
	}
	return nil
}
