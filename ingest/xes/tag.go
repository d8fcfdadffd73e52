package xes

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// Start tags are most of an XES file: one per attribute, shaped
// <string key="..." value="..."/>. Inside events fastpath.go takes them;
// the general code here still recognises key=" and value=" with one 8-byte
// load and scans values eight bytes at a time, and takes any well-formed
// tag.

// elem identifies the element names XES uses, so that the reader switches
// on a small integer rather than on bytes.
type elem uint8

const (
	eOther elem = iota
	eLog
	eTrace
	eEvent
	eGlobal
	eExtension
	eClassifier
	eValues
	eString
	eDate
	eInt
	eFloat
	eBool
	eID
	eList
	eContainer
)

var elemTypes = [...]attrType{eString: tString, eDate: tDate, eInt: tInt, eFloat: tFloat,
	eBool: tBool, eID: tID, eList: tList, eContainer: tContainer, eOther: tNone}

func (e elem) attrType() attrType {
	if int(e) < len(elemTypes) {
		return elemTypes[e]
	}
	return tNone
}

// elemOf names an element; namespace prefixes are dropped, XES being
// matched by local name.
func elemOf(name []byte) elem {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch string(name) {
	case "string":
		return eString
	case "date":
		return eDate
	case "int":
		return eInt
	case "float":
		return eFloat
	case "boolean":
		return eBool
	case "id":
		return eID
	case "list":
		return eList
	case "container":
		return eContainer
	case "event":
		return eEvent
	case "trace":
		return eTrace
	case "log":
		return eLog
	case "global":
		return eGlobal
	case "extension":
		return eExtension
	case "classifier":
		return eClassifier
	case "values":
		return eValues
	}
	return eOther
}

// le packs up to 8 bytes as a little-endian word, as binary.LittleEndian
// would load them from the buffer.
func le(s string) uint64 {
	var w uint64
	for i := len(s) - 1; i >= 0; i-- {
		w = w<<8 | uint64(s[i])
	}
	return w
}

var (
	keyEq   = le(`key="`)
	valueEq = le(`value="`)
)

// nameEnd marks the bytes that end an element or attribute name.
var nameEnd = func() (t [256]bool) {
	for _, c := range []byte(" \t\r\n=/<>\"'&") {
		t[c] = true
	}
	return
}()

var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

func (s *scanner) startTag(p int) (tokKind, error) {
	b := s.buf[:s.end]
	if s.rootDone {
		return 0, s.errAt(p, "element after the end of the root element")
	}
	i := p + 1
	for i < len(b) && !nameEnd[b[i]] {
		i++
	}
	if i >= len(b) {
		return 0, errNeedMore
	}
	if i == p+1 {
		return 0, s.errAt(p, "'<' not followed by an element name")
	}
	s.elem = elemOf(b[p+1 : i])
	s.nameS, s.nameE = p+1, i
	s.attrs = s.attrs[:0]
	s.esc = s.esc[:0]
	s.hasKey, s.hasVal = false, false
	for {
		ws := i
		for i < len(b) && isSpace[b[i]] {
			i++
		}
		if i+1 >= len(b) {
			return 0, errNeedMore
		}
		c := b[i]
		if c == '/' {
			if b[i+1] != '>' {
				return 0, s.errAt(i, "in <%s>: '/' not followed by '>'", s.tagName())
			}
			i += 2
			s.self = true
			break
		}
		if c == '>' {
			i++
			s.self = false
			break
		}
		if i == ws {
			return 0, s.errAt(i, "in <%s>: expected whitespace, '>' or '/>' before %q", s.tagName(), c)
		}
		var err error
		if i, err = s.attribute(b, i); err != nil {
			return 0, err
		}
	}
	if !s.self {
		if len(s.open) >= maxDepth {
			return 0, s.errAt(p, "elements nested deeper than %d", maxDepth)
		}
		n := len(s.open)
		if n < cap(s.open) {
			s.open = s.open[:n+1]
		} else {
			s.open = append(s.open, openElem{})
		}
		o := &s.open[n]
		o.name = append(o.name[:0], s.tagName()...)
		o.line = s.lineAt(p)
	} else if len(s.open) == 0 {
		s.rootDone = true
	}
	s.rootSeen, s.started = true, true
	s.pos = i
	return tokStart, nil
}

// attribute parses name="value" at b[i] and returns the offset after it.
func (s *scanner) attribute(b []byte, i int) (int, error) {
	as, ae := i, 0
	var dst *span
	if i+8 <= len(b) {
		switch w := binary.LittleEndian.Uint64(b[i : i+8]); {
		case w&(1<<40-1) == keyEq:
			ae, i = as+3, as+5
			dst, s.hasKey = &s.key, true
		case w&(1<<56-1) == valueEq:
			ae, i = as+5, as+7
			dst, s.hasVal = &s.val, true
		}
	}
	if ae == 0 {
		var err error
		if ae, i, err = s.attrName(b, i); err != nil {
			return 0, err
		}
		switch string(b[as:ae]) {
		case "key":
			dst, s.hasKey = &s.key, true
		case "value":
			dst, s.hasVal = &s.val, true
		}
	}
	q := b[i-1]
	vs := i
	n, plain := s.scanValue(b[i:], q)
	i += n
	if i >= len(b) {
		return 0, errNeedMore
	}
	var v span
	if b[i] == q {
		v = span{s: int32(vs), e: int32(i), plain: plain}
		i++
	} else {
		// Slow path: entities, '<', line breaks to normalize or bytes to transcode.
		j := bytes.IndexByte(b[i:], q)
		if j < 0 {
			return 0, errNeedMore
		}
		e := len(s.esc)
		esc, bad, reason := decodeValue(s.esc, b[vs:i+j], s.latin1)
		if reason != "" {
			return 0, s.errAt(vs+bad, "in <%s>, attribute %s: %s", s.tagName(), b[as:ae], reason)
		}
		s.esc = esc
		v = span{s: int32(e), e: int32(len(esc)), esc: true, plain: isPlain(esc[e:])}
		i += j + 1
	}
	if dst != nil {
		*dst = v
	} else {
		s.attrs = append(s.attrs, attr{ns: int32(as), ne: int32(ae), val: v})
	}
	return i, nil
}

// attrName is the general path of attribute: name, optional whitespace,
// '=', optional whitespace, opening quote. It returns the end of the name
// and the offset after the quote.
func (s *scanner) attrName(b []byte, as int) (int, int, error) {
	i := as
	for i < len(b) && !nameEnd[b[i]] {
		i++
	}
	ae := i
	for i < len(b) && isSpace[b[i]] {
		i++
	}
	if i+1 >= len(b) {
		return 0, 0, errNeedMore
	}
	an := b[as:ae]
	if len(an) == 0 {
		return 0, 0, s.errAt(i, "in <%s>: unexpected %q where an attribute name belongs", s.tagName(), b[i])
	}
	if b[i] != '=' {
		return 0, 0, s.errAt(i, "in <%s>: attribute %s has no '=' and value", s.tagName(), an)
	}
	i++
	for i < len(b) && isSpace[b[i]] {
		i++
	}
	if i >= len(b) {
		return 0, 0, errNeedMore
	}
	if q := b[i]; q != '"' && q != '\'' {
		return 0, 0, s.errAt(i, "in <%s>: value of attribute %s is not quoted", s.tagName(), an)
	}
	return ae, i + 1, nil
}

const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// zeroBytes flags the zero bytes of x. Only the lowest flag is exact (a
// borrow can flag bytes above a real match), which is all callers use.
func zeroBytes(x uint64) uint64 { return (x - swarLo) &^ x & swarHi }

// scanValue returns the length of the run at the start of b that can be
// taken as an attribute value as it is, and whether that run can go into
// JSON unescaped. The run ends at the quote q, '&', '<' or a control
// character (line breaks and tabs are normalized by decodeValue). Eight
// bytes are tested per step: values are most of a file's bytes.
func (s *scanner) scanValue(b []byte, q byte) (int, bool) {
	if s.latin1 {
		return scanValueBytes(b, &valueClassLatin1)
	}
	return scanValue(b, q)
}

func scanValue(b []byte, q byte) (int, bool) {
	qq := swarLo * uint64(q)
	var bad uint64
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i : i+8])
		stop := zeroBytes(x^qq) | zeroBytes(x^(swarLo*'&')) | zeroBytes(x^(swarLo*'<')) | (x-swarLo*0x20)&^x&swarHi
		nb := zeroBytes(x^(swarLo*'\\')) | zeroBytes(x^(swarLo*'"')) | x&swarHi
		if stop != 0 {
			k := bits.TrailingZeros64(stop) >> 3
			bad |= nb & (1<<(8*k) - 1)
			return i + k, bad == 0
		}
		bad |= nb
	}
	n, plain := scanValueBytes(b[i:], &valueClass)
	return i + n, plain && bad == 0
}

func scanValueBytes(b []byte, class *[256]uint8) (int, bool) {
	var seen uint8
	i := 0
	for i < len(b) {
		k := class[b[i]]
		if k&cStop != 0 {
			break
		}
		seen |= k
		i++
	}
	return i, seen == 0
}
