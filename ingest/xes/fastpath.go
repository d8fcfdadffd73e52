package xes

import (
	"encoding/binary"
	"math/bits"
)

// The body of an event is nearly all of an XES file, and nearly always the
// same shape: indentation, then <TYPE key="K" value="V"/> tags with single
// spaces and double quotes, then </event>. eventBody parses that shape
// directly from the scanner's buffer and hands each attribute to the reader
// without a token in between. Writers also emit an event's attributes in
// the same order every time, so the key last seen at each position is
// tried first: a hit costs two 8-byte compares instead of a scan and a
// lookup.
//
// It stops, leaving sc.pos on the tag, at the first tag of another shape or
// one that may run past the end of the buffer; run's general loop takes it
// from there. Nothing is committed for a tag until all of it has matched,
// so stopping is always correct, only slower.

var (
	spaceKeyEq   = le(` key="`)
	spaceValueEq = le(` value="`)
	quoteEnd     = uint32(le(`"/>`))
	endEventTag  = le("</event>")
)

func (r *reader) eventBody() error {
	sc := r.sc
	if sc.latin1 {
		return nil // values need transcoding: the general path does it
	}
	b := sc.buf[:sc.end]
	p := sc.pos
	e := &r.ev
	for {
		p = skipIndent(b, p)
		if p+16 > len(b) || b[p] != '<' {
			break
		}
		if b[p+1] == '/' {
			if binary.LittleEndian.Uint64(b[p:p+8]) == endEventTag && sc.closeFast("event") {
				sc.pos = p + 8
				r.stk = r.stk[:len(r.stk)-1]
				return r.endEvent()
			}
			break
		}
		n, t := fastElem(binary.LittleEndian.Uint64(b[p+1 : p+9]))
		i := p + 1 + n // <= p+8
		if t == tNone || binary.LittleEndian.Uint64(b[i:i+8])&(1<<48-1) != spaceKeyEq {
			break
		}
		i += 6
		ks := i
		j := e.nattr
		var ki *keyInfo
		if j < len(r.slots) {
			ki = r.slots[j]
		}
		if ki != nil && ki.hint != nil && ki.hint.match(b, i) {
			i += ki.hint.n
		} else {
			m, plain := scanValue(b[i:], '"')
			i += m
			if i >= len(b) || b[i] != '"' {
				break
			}
			ki = r.keyInfo(b[ks:i], plain)
			r.setSlot(j, ki)
		}
		i++
		if i+8 > len(b) || binary.LittleEndian.Uint64(b[i:i+8]) != spaceValueEq {
			break
		}
		i += 8
		vs := i
		m, plain := scanValue(b[i:], '"')
		i += m
		if i+4 > len(b) || binary.LittleEndian.Uint32(b[i:i+4])&(1<<24-1) != quoteEnd {
			break
		}
		p = i + 3
		e.nattr++
		r.eventValue(ki, t, b[vs:i], plain, nil)
	}
	sc.pos = p
	return nil
}

// fastElem recognises, from the first 8 bytes of a tag's name, an
// attribute element name followed by a space, most frequent first; n is
// the name's length.
func fastElem(w uint64) (n int, t attrType) {
	switch {
	case w&(1<<56-1) == nameString:
		return 6, tString
	case w&(1<<40-1) == nameDate:
		return 4, tDate
	case w&(1<<32-1) == nameInt:
		return 3, tInt
	case w&(1<<48-1) == nameFloat:
		return 5, tFloat
	case w == nameBoolean:
		return 7, tBool
	case w&(1<<24-1) == nameID:
		return 2, tID
	}
	return 0, tNone
}

var (
	nameString  = le("string ")
	nameDate    = le("date ")
	nameInt     = le("int ")
	nameFloat   = le("float ")
	nameBoolean = le("boolean ")
	nameID      = le("id ")
)

// skipIndent skips the whitespace between two tags, eight bytes per step.
// Control characters count as whitespace here: text inside an event is
// ignored anyway, and the general path judges anything else.
func skipIndent(b []byte, p int) int {
	for p+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[p : p+8])
		if m := ((x + swarLo*(0x7F-0x20)) | x) & swarHi; m != 0 {
			return p + bits.TrailingZeros64(m)>>3
		}
		p += 8
	}
	for p < len(b) && b[p] <= ' ' {
		p++
	}
	return p
}

// keyHint is a key as written plus its closing quote, packed for a compare
// of two 8-byte loads when it is at most 16 bytes long.
type keyHint struct {
	w0, w1, m0, m1 uint64
	n              int // length of the key
	b              []byte
}

func newKeyHint(key []byte) *keyHint {
	h := &keyHint{n: len(key), b: append([]byte(nil), key...)}
	if p := string(key) + `"`; len(p) <= 16 {
		k := min(len(p), 8)
		h.w0, h.m0 = le(p[:k]), 1<<(8*k)-1
		if k == 8 {
			h.m0 = ^uint64(0)
		}
		if len(p) > 8 {
			h.w1, h.m1 = le(p[8:]), 1<<(8*(len(p)-8))-1
			if len(p) == 16 {
				h.m1 = ^uint64(0)
			}
		}
	}
	return h
}

// match reports whether the hint's key and a closing quote are at b[i].
func (h *keyHint) match(b []byte, i int) bool {
	if h.m0 != 0 && i+16 <= len(b) {
		return binary.LittleEndian.Uint64(b[i:i+8])&h.m0 == h.w0 &&
			binary.LittleEndian.Uint64(b[i+8:i+16])&h.m1 == h.w1
	}
	return i+h.n < len(b) && b[i+h.n] == '"' && string(b[i:i+h.n]) == string(h.b)
}
