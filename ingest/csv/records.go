package csv

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// The record tokenizer: a physical line without a double quote is a whole
// record (nearly every row of an event log) and is cut at its delimiters
// eight bytes at a time; a line with a quote goes through quoted(), the
// RFC 4180 path, which may span lines.

// split cuts b.buf into rows and returns how many bytes it consumed; the
// rest is an incomplete record (unless at EOF).
func (s *splitter) split(b *block) int {
	b.rows, b.spans, b.scratch = b.rows[:0], b.spans[:0], b.scratch[:0]
	if s.first || s.detect {
		return 0 // the first line is not complete yet (see prologue)
	}
	data, comma, line := b.buf, s.comma, s.line
	pos := 0
	for pos < len(data) {
		rest := data[pos:]
		nl := bytes.IndexByte(rest, '\n')
		end, next := nl, nl+1
		if nl < 0 {
			if !s.complete() {
				break
			}
			end, next = len(rest), len(rest)
		}
		rec := rest[:end]
		if bytes.IndexByte(rec, '"') >= 0 {
			n, nls, ok := s.quoted(b, pos)
			if !ok {
				break
			}
			b.rows[len(b.rows)-1].line = line
			line += int64(nls)
			pos += n
			continue
		}
		if end > 0 && rec[end-1] == '\r' {
			rec = rec[:end-1]
		}
		if len(rec) > 0 {
			f0 := len(b.spans)
			var ascii bool
			b.spans, ascii = splitFields(b.spans, rec, uint32(pos), comma)
			b.rows = append(b.rows, rowRef{f0: int32(f0), nf: int32(len(b.spans) - f0),
				lo: int32(pos), hi: int32(pos + len(rec)), line: line, ascii: ascii})
		}
		line++
		pos += next
	}
	s.line = line
	return pos
}

// quoted splits the record at b.buf[pos:] by RFC 4180: a field starting
// with '"' runs to the matching '"', and "" inside it is one quote. Lenient
// where the RFC is silent: text after a closing quote and quotes inside an
// unquoted field are kept literally. It appends one row and returns the
// bytes consumed and newlines inside them, or ok=false if the record
// continues past the data read so far.
func (s *splitter) quoted(b *block, pos int) (n, nls int, ok bool) {
	data, comma := b.buf[pos:], s.comma
	sc := b.scratch
	f0, sc0 := len(b.spans), len(sc)
	i := 0
	bad := rowOK
	more := func() (int, int, bool) {
		b.spans, b.scratch = b.spans[:f0], sc[:sc0]
		return 0, 0, false
	}
	for {
		start := len(sc)
		if i < len(data) && data[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(data[i:], '"')
				if j < 0 {
					if !s.complete() {
						return more()
					}
					sc = append(sc, data[i:]...)
					i, bad = len(data), rowUnterminated
					break
				}
				sc = append(sc, data[i:i+j]...)
				i += j + 1
				if i < len(data) && data[i] == '"' {
					sc = append(sc, '"')
					i++
					continue
				}
				if i >= len(data) && !s.complete() {
					return more()
				}
				break
			}
		}
		unq := len(sc)
		for i < len(data) && data[i] != comma && data[i] != '\n' {
			sc = append(sc, data[i])
			i++
		}
		if i >= len(data) && !s.complete() {
			return more()
		}
		atEnd := i >= len(data) || data[i] == '\n'
		end := len(sc)
		if atEnd && end > unq && sc[end-1] == '\r' {
			end--
		}
		b.spans = append(b.spans, span{uint32(start), uint32(end) | inScratch})
		if !atEnd {
			i++ // the delimiter
			continue
		}
		hi := i
		if hi > 0 && data[hi-1] == '\r' && bad == rowOK {
			hi--
		}
		if i < len(data) {
			i++ // the '\n'
		}
		b.scratch = sc
		nls = bytes.Count(data[:i], []byte{'\n'})
		b.rows = append(b.rows, rowRef{f0: int32(f0), nf: int32(len(b.spans) - f0),
			lo: int32(pos), hi: int32(pos + hi), bad: bad})
		return i, nls, true
	}
}

// splitFields appends the spans of the fields of rec (a record without
// quotes or line end, at offset base in the block), finding delimiters
// eight bytes at a time, and reports whether rec is all ASCII (which the
// same pass learns for free).
func splitFields(spans []span, rec []byte, base uint32, comma byte) ([]span, bool) {
	cm := lo8 * uint64(comma)
	lo, i := base, 0
	var or uint64
	for ; i+8 <= len(rec); i += 8 {
		x := binary.LittleEndian.Uint64(rec[i:]) ^ cm
		or |= x
		// High bit set exactly in the zero bytes of x (the delimiters); the
		// shorter (x-lo8)&^x form flags a '-' after a ',' as well.
		t := (x & 0x7f7f7f7f7f7f7f7f) + 0x7f7f7f7f7f7f7f7f
		m := ^(t | x | 0x7f7f7f7f7f7f7f7f)
		for m != 0 {
			j := base + uint32(i) + uint32(bits.TrailingZeros64(m)>>3)
			spans = append(spans, span{lo, j})
			lo = j + 1
			m &= m - 1
		}
	}
	for ; i < len(rec); i++ {
		or |= uint64(rec[i])
		if rec[i] == comma {
			j := base + uint32(i)
			spans = append(spans, span{lo, j})
			lo = j + 1
		}
	}
	return append(spans, span{lo, base + uint32(len(rec))}), or&hi8 == 0
}
