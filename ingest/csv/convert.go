package csv

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"

	"github.com/pmx-dev/pmx/ingest/event"
)

// maxRaw bounds the raw text handed to Reject (an unterminated quote can
// swallow the rest of a file).
const maxRaw = 64 << 10

// reject is a bad row to hand to the sink before block.events[at].
type reject struct {
	at     int
	raw    []byte
	line   int64
	reason string
}

// caseStart marks an event whose case differs from the previous event's in
// the block, with the case attributes of its row. Only the emitter, which
// sees blocks in order, knows whether the case is new; building the
// attributes here (once per case change, i.e. once per case in a log sorted
// by case) keeps that work off the emitter.
type caseStart struct {
	at    int
	attrs []byte
}

// errStop ends conversion at a bad row when rejects are off (the
// SourceError itself travels in block.err).
var errStop = errors.New("stop")

// converter turns the rows of a block into events (block.events) plus the
// rejects and case starts between them. It keeps no state across blocks
// but its timestamp caches, so several converters can work on different
// blocks at once; it never calls the sink or the Builder.
type converter struct {
	source  string
	rejects bool
	cols    *layoutCols
	ncols   int
	ts, st  *tsParser // time and start columns
	ci, ai  int
	ti, si  int
	ri, li  int
}

func newConverter(source string, opt Options, p *plan) *converter {
	cols := p.cols
	return &converter{source: source, rejects: opt.Rejects, cols: cols, ncols: len(cols.header),
		ts: newTSParser(p.tsF, opt.Location), st: newTSParser(p.stF, opt.Location),
		ci: cols.idx[roleCase], ai: cols.idx[roleActivity], ti: cols.idx[roleTime], si: cols.idx[roleStart],
		ri: cols.idx[roleResource], li: cols.idx[roleLifecycle]}
}

// str views b as a string without copying. Safe because a block's memory is
// not reused before the emitter has handed every string to the Builder
// (which copies) and the case set (which copies).
func str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// text is a canonical string column value: Arrow strings must be UTF-8, so
// invalid bytes become U+FFFD (as event.AppendString does in attrs). The
// check is skipped for rows the splitter found to be ASCII.
func text(b []byte, ascii bool) string {
	if !ascii && !utf8.Valid(b) {
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD")))
	}
	return str(b)
}

func trim(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// convert fills blk.events, blk.rejects and blk.cases from
// blk.rows[blk.from:]. A bad row without Rejects ends the block with the
// SourceError in blk.err (it precedes a read error, which lies after every
// row).
func (c *converter) convert(blk *block) {
	blk.events, blk.rejects, blk.cases, blk.arena = blk.events[:0], blk.rejects[:0], blk.cases[:0], blk.arena[:0]
	seq := blk.seq0
	for i := blk.from; i < len(blk.rows); i++ {
		if err := c.row(blk, &blk.rows[i], seq); err != nil {
			return
		}
		seq++
	}
}

func (c *converter) row(blk *block, r *rowRef, seq int64) error {
	if r.bad == rowUnterminated {
		return c.bad(blk, r, "unterminated quoted field")
	}
	if int(r.nf) != c.ncols {
		return c.bad(blk, r, fmt.Sprintf("row has %d fields, header has %d", r.nf, c.ncols))
	}
	caseID, act := blk.field(r, c.ci), blk.field(r, c.ai)
	if len(caseID) == 0 {
		return c.bad(blk, r, fmt.Sprintf("empty case id (column %s)", Clip(c.cols.header[c.ci])))
	}
	if len(act) == 0 {
		return c.bad(blk, r, fmt.Sprintf("empty activity (column %s)", Clip(c.cols.header[c.ai])))
	}
	tv := trim(blk.field(r, c.ti))
	if len(tv) == 0 {
		return c.bad(blk, r, fmt.Sprintf("empty timestamp (column %s)", Clip(c.cols.header[c.ti])))
	}
	t, ok := c.ts.parse(tv)
	if !ok {
		return c.bad(blk, r, fmt.Sprintf("column %s: cannot parse timestamp %s as %s", Clip(c.cols.header[c.ti]), Clip(string(tv)), c.ts.f.layout))
	}
	start := event.NoTime
	if c.si >= 0 {
		if sv := trim(blk.field(r, c.si)); len(sv) > 0 {
			if start, ok = c.st.parse(sv); !ok {
				return c.bad(blk, r, fmt.Sprintf("column %s: cannot parse timestamp %s as %s", Clip(c.cols.header[c.si]), Clip(string(sv)), c.st.f.layout))
			}
		}
	}
	id := text(caseID, r.ascii)
	if n := len(blk.events); n == 0 || blk.events[n-1].Case != id {
		blk.cases = append(blk.cases, caseStart{at: n, attrs: appendAttrs(blk, r, c.cols.caseAttr)})
	}
	blk.events = append(blk.events, event.Event{Case: id, Activity: text(act, r.ascii), Time: t, Start: start, Seq: seq})
	ev := &blk.events[len(blk.events)-1]
	if c.ri >= 0 {
		ev.Resource = text(blk.field(r, c.ri), r.ascii)
	}
	if c.li >= 0 {
		ev.Lifecycle = text(blk.field(r, c.li), r.ascii)
	}
	ev.Attrs = appendAttrs(blk, r, c.cols.attrs)
	return nil
}

// bad records a reject or, without Rejects, ends the block with a
// SourceError.
func (c *converter) bad(blk *block, r *rowRef, reason string) error {
	if !c.rejects {
		blk.err = &event.SourceError{Source: c.source, Unit: "line", Pos: r.line, Reason: reason}
		return errStop
	}
	raw := blk.raw(r)
	if len(raw) > maxRaw {
		raw = raw[:maxRaw]
	}
	blk.rejects = append(blk.rejects, reject{at: len(blk.events), raw: raw, line: r.line, reason: reason})
	return nil
}

// emitter hands converted blocks, in input order, to the Builder and the
// sink, and owns what depends on that order: the set of cases seen.
type emitter struct {
	b        *event.Builder
	sink     event.Sink
	source   string // for run's messages
	meta     event.Meta
	seen     caseSet
	lastCase []byte // case of the previous event emitted
	haveLast bool
	batch    int // Builder batch size

	// Bytes of the string columns and case data converted so far (dataCols
	// order, then case ids and case attrs), to size each new batch.
	bytes         [7]int
	events, cases int
}

var dataCols = [5]int{event.ColCase, event.ColActivity, event.ColResource, event.ColLifecycle, event.ColAttrs}

// measure adds blk's sizes to the running totals.
func (e *emitter) measure(blk *block) {
	for i := range blk.events {
		ev := &blk.events[i]
		e.bytes[0] += len(ev.Case)
		e.bytes[1] += len(ev.Activity)
		e.bytes[2] += len(ev.Resource)
		e.bytes[3] += len(ev.Lifecycle)
		e.bytes[4] += len(ev.Attrs)
	}
	for _, c := range blk.cases {
		e.bytes[5] += len(blk.events[c.at].Case)
		e.bytes[6] += len(c.attrs)
	}
	e.events += len(blk.events)
	e.cases += len(blk.cases) // case starts: an upper bound on new cases
}

// estimate scales the bytes per row seen so far (total over seen) to a
// batch of rows, counting at most four times the rows known (so a small
// file gets no 64k-row buffers), plus an eighth for slack.
func estimate(total, seen, known, batch int) (rows, bytes int) {
	rows = min(batch, 4*known)
	if seen == 0 {
		return rows, 0
	}
	bytes = total * rows / seen
	return rows, bytes + bytes/8
}

// reserveEvents and reserveCases size a batch that is about to begin, so
// that Arrow allocates its string buffers once instead of doubling them up.
func (e *emitter) reserveEvents() {
	for i, col := range dataCols {
		_, n := estimate(e.bytes[i], e.events, e.events, e.batch)
		e.b.ReserveData(col, n)
	}
}

func (e *emitter) reserveCases() {
	// Case starts overcount cases in a log not sorted by case; the batch is
	// sized by the distinct cases seen.
	known := len(e.seen.ids)
	rows, ids := estimate(e.bytes[5], e.cases, known, e.batch)
	_, attrs := estimate(e.bytes[6], e.cases, known, e.batch)
	e.b.ReserveCases(rows, ids, attrs)
}

func (e *emitter) emit(blk *block) error {
	e.measure(blk)
	k, cs := 0, blk.cases
	for i := range blk.events {
		for ; k < len(blk.rejects) && blk.rejects[k].at == i; k++ {
			if err := e.reject(&blk.rejects[k]); err != nil {
				return err
			}
		}
		ev := &blk.events[i]
		if len(cs) > 0 && cs[0].at == i {
			// The case of the first row of a case is emitted first.
			if (!e.haveLast || ev.Case != string(e.lastCase)) && e.seen.add(ev.Case) {
				if _, nc := e.b.Pending(); nc == 0 {
					e.reserveCases()
				}
				if err := e.b.AppendCase(ev.Case, cs[0].attrs); err != nil {
					return fmt.Errorf("sink: %w", err)
				}
			}
			e.lastCase, e.haveLast = append(e.lastCase[:0], ev.Case...), true
			cs = cs[1:]
		}
		if n, _ := e.b.Pending(); n == 0 {
			e.reserveEvents()
		}
		if err := e.b.Append(ev); err != nil {
			return fmt.Errorf("sink: %w", err)
		}
		e.meta.Events++
	}
	for ; k < len(blk.rejects); k++ {
		if err := e.reject(&blk.rejects[k]); err != nil {
			return err
		}
	}
	return blk.err
}

func (e *emitter) reject(r *reject) error {
	e.meta.Rejected++
	if err := e.sink.Reject(r.line, r.reason, string(r.raw)); err != nil {
		return fmt.Errorf("line %d: reject: %w", r.line, err)
	}
	return nil
}
