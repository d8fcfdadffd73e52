package warehouse

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/event"
)

// collectEvents is how many events of an import the stream keeps for the
// derivation. A log of up to that many is derived from them, on the
// reader's goroutine as soon as it is done, while DuckDB writes the cases:
// the events need not be read back. A larger log is read back a range of
// cases at a time (rederive), so memory stays bounded whatever its size.
var collectEvents = int(deriveRangeEvents)

// collector keeps what the derivation needs of the events that stream past,
// until there are more than collectEvents.
type collector struct {
	ev    eventCols
	kinds map[string]uint8
	off   bool // too many events: given up
}

// add keeps rec's events (a record of storedSchema).
func (c *collector) add(rec arrow.Record) {
	if c.off {
		return
	}
	n := int(rec.NumRows())
	if c.ev.len()+n > collectEvents {
		c.off, c.ev, c.kinds = true, eventCols{}, nil
		return
	}
	if c.kinds == nil {
		c.kinds = map[string]uint8{}
	}
	ev := &c.ev
	ev.caseNo = append(ev.caseNo, rec.Column(colCaseNo).(*array.Int32).Int32Values()...)
	ev.actSrc = append(ev.actSrc, rec.Column(colCaseNo+1).(*array.Int32).Int32Values()...)
	ev.seq = append(ev.seq, rec.Column(event.ColSeq).(*array.Int64).Int64Values()...)
	for _, v := range rec.Column(event.ColTime).(*array.Timestamp).TimestampValues() {
		ev.ts = append(ev.ts, int64(v))
	}
	st := rec.Column(event.ColStart).(*array.Timestamp)
	if st.NullN() < n && ev.start == nil {
		ev.start = make([]int64, len(ev.caseNo)-n, cap(ev.caseNo))
		for i := range ev.start {
			ev.start[i] = event.NoTime
		}
	}
	if ev.start != nil {
		for i, v := range st.TimestampValues() {
			if st.IsNull(i) {
				ev.start = append(ev.start, event.NoTime)
			} else {
				ev.start = append(ev.start, int64(v))
			}
		}
	}
	lc := rec.Column(event.ColLifecycle).(*array.String)
	for i := range n {
		ev.kind = append(ev.kind, kindOf(lc, i, c.kinds))
	}
}

// prepare derives the collected events of a log whose cases are numbered 0
// to cases−1 and whose act_srcs are named by names; nil when the
// collector gave up.
func (c *collector) prepare(names []string, cases int32) *prepared {
	if c.off {
		return nil
	}
	seen := map[[2]int32]bool{}
	var pairs []actKind
	for i, src := range c.ev.actSrc {
		k := [2]int32{src, int32(c.ev.kind[i])}
		if !seen[k] {
			seen[k] = true
			pairs = append(pairs, actKind{actSrc: src, name: names[src], kind: c.ev.kind[i]})
		}
	}
	d := newDeriver(pairs)
	d.facts = make([]caseFact, 0, cases)
	d.addRange(&c.ev, 0, cases)
	return &prepared{d: d, events: int64(c.ev.len()), cases: cases}
}
