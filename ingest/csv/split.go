package csv

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/pmx-dev/pmx/ingest/event"
)

// blockSize is the bytes read per block (rows of a block share its
// buffer): big enough that per-block costs vanish, small enough that the
// few blocks in flight stay a few MiB. A variable so that tests can make
// blocks tiny and exercise records that straddle them.
var blockSize = 512 << 10

// maxRecord bounds one record (a block grows up to it), so an unbalanced
// quote cannot make the reader hold the whole file.
const maxRecord = 64 << 20

// Row problems found while splitting, reported by the converter.
const (
	rowOK uint8 = iota
	rowUnterminated
)

// span locates a field: buf[lo:hi], or scratch[lo:hi&^inScratch].
type span struct{ lo, hi uint32 }

const inScratch = 1 << 31

// rowRef locates one record inside its block.
type rowRef struct {
	f0, nf int32 // fields are block.spans[f0 : f0+nf]
	lo, hi int32 // raw text is block.buf[lo:hi], without the line end
	line   int64 // physical line (1-based) where the record starts
	bad    uint8
	ascii  bool // the record is ASCII, so its fields need no UTF-8 check
}

// block is a chunk of input and the records split from it. Fields are
// offsets (no pointers for the GC to scan) into buf, or into scratch for
// quoted fields, so a block is recycled only once its rows are converted.
type block struct {
	buf     []byte
	scratch []byte // unquoted contents of quoted fields
	spans   []span
	rows    []rowRef
	err     error // terminal error: read error, record too long, or a bad row without Rejects

	// Set by the splitting goroutine: the first row to convert (1 in the
	// block holding the header), that row's data-row index, and a channel
	// the converter closes when done.
	from  int
	seq0  int64
	ready chan struct{}

	// Filled by the converter; strings view buf, scratch and arena (attrs
	// JSON).
	events  []event.Event
	rejects []reject
	cases   []caseStart
	arena   []byte
}

// field returns field i of r, viewing the block.
func (b *block) field(r *rowRef, i int) []byte {
	s := b.spans[int(r.f0)+i]
	if s.hi&inScratch != 0 {
		return b.scratch[s.lo : s.hi&^inScratch : s.hi&^inScratch]
	}
	return b.buf[s.lo:s.hi:s.hi]
}

// rowFields appends the fields of r to dst[:0]; they view the block.
func (b *block) rowFields(r *rowRef, dst [][]byte) [][]byte {
	dst = dst[:0]
	for _, s := range b.spans[r.f0 : r.f0+r.nf] {
		if s.hi&inScratch != 0 {
			dst = append(dst, b.scratch[s.lo:s.hi&^inScratch:s.hi&^inScratch])
		} else {
			dst = append(dst, b.buf[s.lo:s.hi:s.hi])
		}
	}
	return dst
}

func (b *block) raw(r *rowRef) []byte { return b.buf[r.lo:r.hi] }

// splitter reads the input into blocks of whole records (tokenized by
// split, records.go); the incomplete record at a block's end is carried
// into the next block, and a block grows (up to maxRecord) when it cannot
// hold a single record. Line numbers count '\n' bytes, so they stay right
// across quoted line breaks and skipped empty lines.
type splitter struct {
	r       io.Reader
	comma   byte
	detect  bool   // delimiter still to detect (from the first line)
	first   bool   // BOM still to strip
	line    int64  // physical line where the next record starts
	carry   []byte // incomplete record at the end of the previous block
	eof     bool
	done    bool
	free    chan *block
	readErr error
	size    int // block size
}

func newSplitter(r io.Reader, delim rune) (*splitter, error) {
	s := &splitter{r: r, line: 1, first: true, free: make(chan *block, 16), size: max(blockSize, 8)}
	switch {
	case delim == 0:
		s.detect = true
	case delim < 0x80 && delim != '"' && delim != '\n' && delim != '\r':
		s.comma = byte(delim)
	default:
		return nil, fmt.Errorf("delimiter %q: must be a single-byte character other than quote or line end", delim)
	}
	return s, nil
}

// recycle hands a converted block back for reuse (dropped if enough are spare).
func (s *splitter) recycle(b *block) {
	select {
	case s.free <- b:
	default:
	}
}

// next returns the next block with at least one row or an error, or nil at
// the end of input.
func (s *splitter) next() *block {
	for !s.done {
		var b *block
		select {
		case b = <-s.free:
		default:
			b = &block{}
		}
		if cap(b.buf) < s.size {
			b.buf = make([]byte, 0, s.size)
		}
		b.buf = append(b.buf[:0], s.carry...)
		b.err = nil
		for {
			s.fill(b)
			if s.first || s.detect {
				s.prologue(b)
			}
			n := s.split(b)
			if n > 0 || s.eof || len(b.buf) < cap(b.buf) {
				s.carry = append(s.carry[:0], b.buf[n:]...)
				break
			}
			// A full block without one complete record: grow it.
			if cap(b.buf) >= maxRecord {
				b.rows, b.spans = b.rows[:0], b.spans[:0]
				b.err = fmt.Errorf("line %d: record longer than %d MiB (unbalanced quote?)", s.line, maxRecord>>20)
				s.done = true
				return b
			}
			nb := make([]byte, len(b.buf), 2*cap(b.buf))
			copy(nb, b.buf)
			b.buf = nb
		}
		if s.eof {
			s.done = true
			if s.readErr != nil {
				b.err = s.readErr
			}
		}
		if len(b.rows) > 0 || b.err != nil {
			return b
		}
		s.recycle(b)
	}
	return nil
}

// complete reports whether the input ended cleanly, so that a final line
// without a line end is a record. After a read error the unfinished tail
// is not a record: it is dropped and the error reported.
func (s *splitter) complete() bool { return s.eof && s.readErr == nil }

// fill reads until b.buf is full or the input ends.
func (s *splitter) fill(b *block) {
	for !s.eof && len(b.buf) < cap(b.buf) {
		n, err := s.r.Read(b.buf[len(b.buf):cap(b.buf)])
		b.buf = b.buf[:len(b.buf)+n]
		if err != nil {
			s.eof = true
			if !errors.Is(err, io.EOF) {
				s.readErr = fmt.Errorf("read: %w", err)
			}
		}
	}
}

// prologue strips a UTF-8 BOM and detects the delimiter once the first
// line is complete (until then split consumes nothing, so a block that
// cannot hold the first line grows like one that cannot hold a record).
func (s *splitter) prologue(b *block) {
	if s.first && (len(b.buf) >= 3 || s.eof) {
		s.first = false
		if bytes.HasPrefix(b.buf, []byte("\xEF\xBB\xBF")) {
			b.buf = append(b.buf[:0], b.buf[3:]...)
		}
	}
	if !s.first && s.detect && (bytes.IndexByte(b.buf, '\n') >= 0 || s.eof) {
		s.comma = detectDelimiter(b.buf)
		s.detect = false
	}
}

// detectDelimiter picks, among , ; TAB |, the one occurring most often
// outside quotes on the first line (ties in that order; none: comma).
func detectDelimiter(data []byte) byte {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	var counts [4]int
	cands := [4]byte{',', ';', '\t', '|'}
	inQuote := false
	for _, c := range data {
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		for k, d := range cands {
			if c == d {
				counts[k]++
			}
		}
	}
	best := 0
	for k := 1; k < 4; k++ {
		if counts[k] > counts[best] {
			best = k
		}
	}
	return cands[best]
}
