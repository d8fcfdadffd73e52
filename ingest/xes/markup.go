package xes

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

var (
	commentOpen  = []byte("<!--")
	commentClose = []byte("-->")
	cdataOpen    = []byte("<![CDATA[")
	cdataClose   = []byte("]]>")
	doctypeOpen  = []byte("<!DOCTYPE")
	entityOpen   = []byte("<!ENTITY")
	piClose      = []byte("?>")
)

// isPartial reports whether b, cut by the end of the buffer, may still grow into marker.
func isPartial(b, marker []byte) bool {
	return len(b) < len(marker) && bytes.HasPrefix(marker, b)
}

// bang skips a comment or CDATA section, or checks a DOCTYPE.
func (s *scanner) bang(p int) error {
	b := s.buf[p:s.end]
	switch {
	case bytes.HasPrefix(b, commentOpen):
		e := bytes.Index(b[4:], commentClose)
		if e < 0 {
			return errNeedMore
		}
		s.pos = p + 4 + e + 3
	case bytes.HasPrefix(b, cdataOpen):
		if len(s.open) == 0 {
			return s.errAt(p, "CDATA section outside the root element")
		}
		e := bytes.Index(b[9:], cdataClose)
		if e < 0 {
			return errNeedMore
		}
		s.pos = p + 9 + e + 3
	case bytes.HasPrefix(b, doctypeOpen):
		return s.doctype(p)
	case isPartial(b, commentOpen), isPartial(b, cdataOpen), isPartial(b, doctypeOpen):
		return errNeedMore
	default:
		return s.errAt(p, "unexpected '<!': expected a comment, a CDATA section or a DOCTYPE")
	}
	return nil
}

// doctype skips a document type declaration without fetching or expanding
// anything in it. An internal subset that declares an entity is refused:
// expanding it could read local files (XXE) or blow up exponentially, and
// ignoring the declaration would silently change values that use it.
func (s *scanner) doctype(p int) error {
	if s.rootSeen {
		return s.errAt(p, "DOCTYPE after the root element")
	}
	b := s.buf[:s.end]
	inSubset := false
	for i := p + len(doctypeOpen); ; i++ {
		if i >= len(b) {
			return errNeedMore
		}
		switch c := b[i]; {
		case c == '"' || c == '\'':
			j := bytes.IndexByte(b[i+1:], c)
			if j < 0 {
				return errNeedMore
			}
			i += j + 1
		case c == '[' && !inSubset:
			inSubset = true
		case c == ']' && inSubset:
			inSubset = false
		case c == '>' && !inSubset:
			s.pos = i + 1
			s.started = true
			return nil
		case c == '<' && inSubset:
			rest := b[i:]
			switch {
			case bytes.HasPrefix(rest, commentOpen):
				j := bytes.Index(rest[4:], commentClose)
				if j < 0 {
					return errNeedMore
				}
				i += 4 + j + 2
			case bytes.HasPrefix(rest, entityOpen):
				return s.errAt(i, "the DOCTYPE declares an entity; pmx refuses entity declarations "+
					"(they can read local files or expand without bound) and never expands them")
			case isPartial(rest, entityOpen), isPartial(rest, commentOpen):
				return errNeedMore
			}
		}
	}
}

// procInst skips a processing instruction; the XML declaration is read for
// its encoding.
func (s *scanner) procInst(p int) error {
	b := s.buf[:s.end]
	e := bytes.Index(b[p+2:], piClose)
	if e < 0 {
		return errNeedMore
	}
	body := b[p+2 : p+2+e]
	target := body
	if k := bytes.IndexAny(body, " \t\r\n"); k >= 0 {
		target = body[:k]
	}
	if bytes.EqualFold(target, []byte("xml")) {
		if s.started {
			return s.errAt(p, "XML declaration is only allowed at the start of the document")
		}
		if err := s.declaration(p, body[len(target):]); err != nil {
			return err
		}
	}
	s.pos = p + 2 + e + 2
	return nil
}

func (s *scanner) declaration(p int, body []byte) error {
	i := bytes.Index(body, []byte("encoding"))
	if i < 0 {
		return nil
	}
	rest := bytes.TrimLeft(body[i+len("encoding"):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return s.errAt(p, "malformed XML declaration")
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
		return s.errAt(p, "malformed XML declaration")
	}
	j := bytes.IndexByte(rest[1:], rest[0])
	if j < 0 {
		return s.errAt(p, "malformed XML declaration")
	}
	switch enc := strings.ToLower(string(rest[1 : 1+j])); enc {
	case "utf-8", "utf8", "us-ascii", "ascii":
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "windows-1252", "cp1252":
		s.latin1 = true
	default:
		return s.errAt(p, "unsupported encoding %q: pmx reads UTF-8 and ISO-8859-1 (windows-1252) XES", enc)
	}
	return nil
}

// valueClass classifies bytes of an attribute value for the fast scan:
// cStop ends it (either quote, or something decodeValue must handle), cJSON
// marks a byte that JSON needs escaped or UTF-8-checked.
const (
	cStop uint8 = 1 << iota
	cJSON
)

var valueClass, valueClassLatin1 = func() (t, l [256]uint8) {
	for c := range 0x20 {
		t[c], l[c] = cJSON, cJSON
	}
	t['\\'], l['\\'] = cJSON, cJSON
	for c := 0x80; c < 0x100; c++ {
		t[c], l[c] = cJSON, cStop
	}
	for _, c := range []byte("\"'&<\t\n\r") {
		t[c], l[c] = cStop, cStop
	}
	return
}()

// isPlain reports whether v can go between JSON quotes unchanged.
func isPlain(v []byte) bool {
	for _, c := range v {
		if c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// decodeValue appends the value of an attribute to dst as the XML spec
// defines it: references decoded, each literal line break or tab as one
// space, '<' refused. On error it returns the offset in v and the reason.
func decodeValue(dst, v []byte, latin1 bool) ([]byte, int, string) {
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == '&':
			r, n, reason := decodeRef(v[i:])
			if reason != "" {
				return dst, i, reason
			}
			dst = utf8.AppendRune(dst, r)
			i += n
		case c == '<':
			return dst, i, "'<' in an attribute value (write &lt;)"
		case c == '\r':
			dst = append(dst, ' ')
			i++
			if i < len(v) && v[i] == '\n' {
				i++
			}
		case c == '\n' || c == '\t':
			dst = append(dst, ' ')
			i++
		case c < 0x20:
			// XML 1.0 forbids these even as references; a file holding
			// them is not well-formed, and storing them would let a NUL
			// or an escape sequence into every output.
			return dst, i, fmt.Sprintf("control character U+%04X is not allowed in XML 1.0; the file is not well-formed (remove the character)", c)
		case c >= 0x80 && latin1:
			dst = utf8.AppendRune(dst, cp1252(c))
			i++
		default:
			dst = append(dst, c)
			i++
		}
	}
	return dst, 0, ""
}

// decodeRef decodes the reference at the start of b (b[0] == '&') and
// returns the character and the reference's length. Only the predefined
// entities and character references exist for pmx; any other name is an
// error, so a declared-elsewhere entity can never be expanded.
func decodeRef(b []byte) (rune, int, string) {
	const notRef = "'&' does not start an entity reference (write &amp; for a literal &)"
	i := 1
	if i < len(b) && b[i] == '#' {
		i++
		base := int64(10)
		if i < len(b) && b[i] == 'x' {
			base = 16
			i++
		}
		var v int64
		start := i
		for ; i < len(b) && i < 48 && hexDigit(b[i]) < base; i++ {
			v = min(v*base+hexDigit(b[i]), utf8.MaxRune+1) // saturate: too large stays too large
		}
		if i == start || i >= len(b) || b[i] != ';' || !isXMLChar(v) {
			return 0, 0, fmt.Sprintf("invalid character reference %q", b[:min(i+1, len(b))])
		}
		return rune(v), i + 1, ""
	}
	for i < len(b) && i < 48 && isNameByte(b[i]) {
		i++
	}
	if i == 1 || i >= len(b) || b[i] != ';' {
		return 0, 0, notRef
	}
	var r rune
	switch string(b[1:i]) {
	case "lt":
		r = '<'
	case "gt":
		r = '>'
	case "amp":
		r = '&'
	case "apos":
		r = '\''
	case "quot":
		r = '"'
	default:
		return 0, 0, fmt.Sprintf("undefined entity %q: pmx decodes only &lt; &gt; &amp; &apos; &quot; and character references", b[:i+1])
	}
	return r, i + 1, ""
}

func hexDigit(c byte) int64 {
	switch {
	case '0' <= c && c <= '9':
		return int64(c - '0')
	case 'a' <= c && c <= 'f':
		return int64(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int64(c-'A') + 10
	}
	return 99
}

// isNameByte accepts the bytes of an XML name (non-ASCII ones wholesale).
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '-' || c == '_' || c == ':' || c >= 0x80
}

func isXMLChar(v int64) bool {
	return v == 0x9 || v == 0xA || v == 0xD || 0x20 <= v && v <= 0xD7FF ||
		0xE000 <= v && v <= 0xFFFD || 0x10000 <= v && v <= utf8.MaxRune
}

// cp1252 maps a byte of a file declared ISO-8859-1 to its character. As
// browsers do, the label is read as windows-1252, which such files in
// practice are (0x80-0x9F hold €, curly quotes, dashes, not C1 controls).
func cp1252(c byte) rune {
	if c >= 0x80 && c < 0xA0 {
		if r := cp1252High[c-0x80]; r != 0 {
			return r
		}
	}
	return rune(c)
}

var cp1252High = [32]rune{
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
}
