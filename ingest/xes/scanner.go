package xes

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/pmx-dev/pmx/ingest/event"
)

// The scanner tokenizes the subset of XML that XES needs: start and end tags
// with attributes. Text, comments, processing instructions and CDATA are
// checked just enough to stay in sync and then dropped.
//
// It works in place on one buffer: names and attribute values of the current
// token are slices of the buffer (or of esc, when a value had to be decoded)
// and stay valid only until the next call to next. A token that runs past the
// end of the buffer is parsed again from its '<' after fill has moved it to
// the front and read more, so the parsing code never sees a partial token.
// This keeps the hot path free of per-byte bookkeeping and of allocations.

const (
	// maxBuf bounds the buffer, and so the largest token (or pinned event),
	// so that a hostile file cannot make the reader take all memory.
	maxBuf = 256 << 20
	// maxDepth bounds element nesting. XES needs a handful of levels; each
	// level of nested attributes copies the JSON of the levels below it, so
	// the bound also keeps that quadratic cost small.
	maxDepth = 256
)

// initialBuf is the scanner's first buffer size: a few times a large event,
// small enough to stay in cache. Tests shrink it to put buffer ends inside
// every token.
var initialBuf = 256 << 10

type tokKind uint8

const (
	tokStart tokKind = iota + 1 // start tag; self reports <x/>
	tokEnd
	tokEOF
)

// errNeedMore is how token parsers ask next to fill the buffer and retry.
var errNeedMore = errors.New("need more input")

// span locates a name or value of the current tag: in buf, or in esc when
// it had to be decoded. Offsets, not slices, keep the per-attribute work
// free of pointer writes.
type span struct {
	s, e  int32
	esc   bool
	plain bool // the value can go between JSON quotes as it is
}

// attr is an attribute other than key= and value=, which XES attribute
// elements always have and the scanner keeps apart.
type attr struct {
	ns, ne int32
	val    span
}

type openElem struct {
	name []byte // owned copy, reused when the stack slot is reused
	line int64
}

type scanner struct {
	src string
	r   io.Reader
	buf []byte
	pos int // first byte not yet consumed
	end int // end of valid data in buf
	eof bool
	// rerr is a read error, kept until the data before it has been
	// scanned, so that which error a broken input gets does not depend on
	// where buffer ends fall.
	rerr error

	// pin is an offset fill must keep in the buffer (the '<' of the current
	// event, so its raw text can go to a reject), or -1.
	pin int

	line    int64 // line number of buf[lineOff]; lines are counted lazily
	lineOff int

	tok          int  // offset of the current token's '<'
	nameS, nameE int  // name of the current start or end tag in buf
	elem         elem // what the name is, for start tags
	attrs        []attr
	key, val     span // key= and value=, when hasKey and hasVal
	hasKey       bool
	hasVal       bool
	self         bool   // the current start tag is <x/>: nothing was pushed
	esc          []byte // decoded attribute values of the current tag

	open               []openElem
	rootSeen, rootDone bool
	started            bool // some markup was seen: an XML declaration is no longer allowed
	latin1             bool // declared ISO-8859-1 / windows-1252: values are transcoded
}

func newScanner(r io.Reader, src string) *scanner {
	return &scanner{src: src, r: r, buf: make([]byte, initialBuf), pin: -1, line: 1}
}

// errAt builds the error every malformed input ends in, positioned at buf[p].
func (s *scanner) errAt(p int, format string, args ...any) error {
	return &event.SourceError{Source: s.src, Unit: "line", Pos: s.lineAt(p), Reason: fmt.Sprintf(format, args...)}
}

// lineAt returns the 1-based line of buf[p], counting newlines from the last
// position asked about; fill counts what it discards, so totals stay exact.
func (s *scanner) lineAt(p int) int64 {
	if p >= s.lineOff {
		s.line += int64(bytes.Count(s.buf[s.lineOff:p], nl))
	} else {
		s.line -= int64(bytes.Count(s.buf[p:s.lineOff], nl))
	}
	s.lineOff = p
	return s.line
}

var nl = []byte{'\n'}

func (s *scanner) tagName() []byte { return s.buf[s.nameS:s.nameE] }

func (s *scanner) bytesOf(v span) []byte {
	if v.esc {
		return s.esc[v.s:v.e]
	}
	return s.buf[v.s:v.e]
}

// attr returns the value of the current tag's attribute called name (not
// key or value, see hasKey and hasVal).
func (s *scanner) attr(name string) ([]byte, bool) {
	for i := range s.attrs {
		if a := &s.attrs[i]; string(s.buf[a.ns:a.ne]) == name {
			return s.bytesOf(a.val), true
		}
	}
	return nil, false
}

// init reads the first block and handles byte-order marks.
func (s *scanner) init() error {
	s.tok = 0
	for s.end < 4 && !s.eof {
		if err := s.fill(); err != nil {
			return err
		}
	}
	b := s.buf[:s.end]
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		s.pos, s.lineOff = 3, 3
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}), bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return s.errAt(0, "UTF-16 input is not supported; convert the file to UTF-8")
	}
	return nil
}

// fill moves the unconsumed tail (from the current token or the pin) to the
// front of the buffer, grows the buffer when that tail fills it, and reads
// until the buffer is full or the input ends.
func (s *scanner) fill() error {
	keep := s.tok
	if s.pin >= 0 && s.pin < keep {
		keep = s.pin
	}
	if keep > 0 {
		if s.lineOff < keep {
			s.lineAt(keep)
		}
		copy(s.buf, s.buf[keep:s.end])
		s.end -= keep
		s.pos -= keep
		s.tok -= keep
		s.lineOff -= keep
		if s.pin >= 0 {
			s.pin -= keep
		}
	}
	if s.end == len(s.buf) {
		if 2*len(s.buf) > maxBuf {
			return s.errAt(s.tok, "a single element or markup block is larger than %d MiB", maxBuf>>20)
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for empty := 0; s.end < len(s.buf); {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err == io.EOF {
			s.eof = true
			return nil
		}
		if err != nil {
			s.eof, s.rerr = true, fmt.Errorf("xes %s: reading near line %d: %w", s.src, s.lineAt(s.end), err)
			return nil
		}
		if n == 0 {
			if empty++; empty > 100 {
				return fmt.Errorf("xes %s: %w", s.src, io.ErrNoProgress)
			}
		}
	}
	return nil
}

// next returns the next start tag, end tag or the end of the document.
func (s *scanner) next() (tokKind, error) {
	for {
		k, err := s.scan()
		if err != errNeedMore {
			return k, err
		}
		if s.eof {
			if s.rerr != nil {
				return 0, s.rerr
			}
			return 0, s.eofError()
		}
		if err := s.fill(); err != nil {
			return 0, err
		}
	}
}

func (s *scanner) eofError() error {
	switch {
	case s.pos < s.end:
		l := s.lineAt(s.tok)
		return s.errAt(s.end, "unexpected end of file inside markup that starts on line %d", l)
	case len(s.open) > 0:
		o := s.open[len(s.open)-1]
		return s.errAt(s.end, "unexpected end of file: <%s> opened on line %d is not closed", o.name, o.line)
	default:
		return s.errAt(s.end, "no root element")
	}
}

func (s *scanner) scan() (tokKind, error) {
	for {
		b := s.buf[:s.end]
		p := s.pos
		// Indentation is the only text XES has: skip it without a call.
		for p < len(b) && isSpace[b[p]] {
			p++
		}
		if p >= len(b) || b[p] != '<' {
			s.tok = p
			lt := bytes.IndexByte(b[p:], '<')
			if lt < 0 {
				return s.trailingText(p)
			}
			if err := s.textSlow(p, p+lt); err != nil {
				return 0, err
			}
			p += lt
		}
		s.pos, s.tok = p, p
		if p+1 >= len(b) {
			return 0, errNeedMore
		}
		var err error
		switch b[p+1] {
		case '/':
			return s.endTag(p)
		case '?':
			err = s.procInst(p)
		case '!':
			err = s.bang(p)
		default:
			return s.startTag(p)
		}
		if err != nil {
			return 0, err
		}
		s.started = true
	}
}

// trailingText consumes text that runs to the end of the buffer. An entity
// reference cut by the buffer end is left for the next round so that it is
// checked whole.
func (s *scanner) trailingText(p int) (tokKind, error) {
	q := s.end
	if !s.eof {
		t := s.buf[p:s.end]
		if a := bytes.LastIndexByte(t, '&'); a >= 0 && bytes.IndexByte(t[a:], ';') < 0 && len(t)-a < 64 {
			q = p + a
		}
	}
	if err := s.text(p, q); err != nil {
		return 0, err
	}
	s.pos, s.tok = q, q
	if s.eof && s.rootDone && s.rerr == nil {
		return tokEOF, nil
	}
	return 0, errNeedMore
}

// text checks character data between tags. XES has only whitespace there;
// anything else must at least be well-formed (no text outside the root, only
// known entity references).
func (s *scanner) text(from, to int) error {
	for i, c := range s.buf[from:to] {
		if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
			return s.textSlow(from+i, to)
		}
	}
	return nil
}

func (s *scanner) textSlow(from, to int) error {
	if len(s.open) == 0 {
		return s.errAt(from, "text outside the root element")
	}
	for {
		a := bytes.IndexByte(s.buf[from:to], '&')
		if a < 0 {
			return nil
		}
		from += a
		_, n, reason := decodeRef(s.buf[from:to])
		if reason != "" {
			return s.errAt(from, "%s", reason)
		}
		from += n
	}
}

// closeFast pops the innermost open element when it is called name, for
// an end tag the caller matched itself.
func (s *scanner) closeFast(name string) bool {
	n := len(s.open)
	if n == 0 || string(s.open[n-1].name) != name {
		return false
	}
	s.open = s.open[:n-1]
	s.rootDone = n == 1
	return true
}

func (s *scanner) endTag(p int) (tokKind, error) {
	b := s.buf[:s.end]
	i := p + 2
	for i < len(b) && !nameEnd[b[i]] {
		i++
	}
	s.nameS, s.nameE = p+2, i
	name := b[p+2 : i]
	for i < len(b) && isSpace[b[i]] {
		i++
	}
	if i >= len(b) {
		return 0, errNeedMore
	}
	if b[i] != '>' || len(name) == 0 {
		return 0, s.errAt(i, "malformed end tag")
	}
	n := len(s.open)
	if n == 0 {
		return 0, s.errAt(p, "end tag </%s> without a matching start tag", name)
	}
	if o := s.open[n-1]; !bytes.Equal(o.name, name) {
		return 0, s.errAt(p, "end tag </%s> does not match <%s> opened on line %d", name, o.name, o.line)
	}
	s.open = s.open[:n-1]
	if n == 1 {
		s.rootDone = true
	}
	s.pos = i + 1
	return tokEnd, nil
}
