package xmltext

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// CharsetReader is an encoding/xml Decoder.CharsetReader for the encodings
// modelling tools declare: UTF-8 (and its ASCII subset) as is, ISO-8859-1
// converted to UTF-8 as it streams, so that a reader's input limits still
// hold; anything else is refused with the encodings accepted.
func CharsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1", "iso8859-1":
		return &latin1Reader{r: in}, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q (pmx reads UTF-8 and ISO-8859-1)", label)
}

// latin1Reader converts ISO-8859-1 to UTF-8 (each byte is the code point
// of the same value).
type latin1Reader struct {
	r   io.Reader
	buf []byte
	out []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	for len(l.out) == 0 {
		if cap(l.buf) == 0 {
			l.buf = make([]byte, 4096)
		}
		n, err := l.r.Read(l.buf[:cap(l.buf)])
		for _, c := range l.buf[:n] {
			l.out = utf8.AppendRune(l.out, rune(c))
		}
		if n == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, l.out)
	l.out = l.out[n:]
	return n, nil
}

// NotSpace reports a rune that is not XML white space. A byte order mark
// counts as space: Windows tools start UTF-8 files with one, and
// encoding/xml hands it over as text before the root.
func NotSpace(r rune) bool {
	return r != ' ' && r != '\t' && r != '\n' && r != '\r' && r != '\ufeff'
}

// Excerpt is the first line of text, trimmed and cut to 40 bytes at a
// rune boundary, for error messages.
func Excerpt(b []byte) string {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	b = bytes.TrimRightFunc(b, func(r rune) bool { return !NotSpace(r) })
	if len(b) > 40 {
		cut := 40
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		return string(b[:cut]) + "…"
	}
	return string(b)
}
