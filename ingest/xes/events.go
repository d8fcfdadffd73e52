package xes

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pmx-dev/pmx/ingest/event"
)

type traceState struct {
	id    string
	named bool
	line  int64
}

type eventState struct {
	line    int64
	seq     int64
	inTrace bool
	name    string
	hasName bool
	ts      int64
	tsState uint8 // tsNone, tsOK or tsBad
	tsBad   string
	res, lc string
	nattr   int // attributes seen so far, the position of the next one
}

const (
	tsNone uint8 = iota
	tsOK
	tsBad
)

// pendingEvent is an event of a trace whose concept:name has not been read
// yet (XML does not order a trace's attributes before its events).
type pendingEvent struct {
	ev   event.Event
	line int64
	raw  string
}

// cancelEvery is how many events pass between context checks inside one
// trace, so that a log made of one huge trace still stops promptly.
const cancelEvery = 4096

func (r *reader) beginTrace() error {
	if err := r.canceled(); err != nil {
		return err
	}
	if err := r.resolveClassifier(); err != nil {
		return err
	}
	r.tr = traceState{line: r.sc.lineAt(r.sc.tok)}
	r.caseObj.Reset()
	r.pending = r.pending[:0]
	return r.push(ctxTrace)
}

func (r *reader) traceAttr(t attrType, key, val []byte, plain bool, js []byte) error {
	if string(key) != "concept:name" || r.tr.named {
		r.member(&r.caseObj, t, key, val, plain, js)
		return nil
	}
	if js != nil {
		r.member(&r.caseObj, t, key, val, plain, js)
	}
	r.tr.id, r.tr.named = validString(val), true
	for i := range r.pending {
		p := &r.pending[i]
		p.ev.Case = r.tr.id
		if err := r.append(&p.ev); err != nil {
			return err
		}
	}
	r.pending = r.pending[:0]
	return nil
}

func (r *reader) endTrace() error {
	if !r.tr.named {
		for i := range r.pending {
			p := &r.pending[i]
			reason := fmt.Sprintf("the trace (line %d) has no concept:name", r.tr.line)
			if err := r.reject(p.line, reason, []byte(p.raw)); err != nil {
				return err
			}
		}
		r.pending = r.pending[:0]
		return nil
	}
	if err := r.b.AppendCase(r.tr.id, r.caseObj.Bytes()); err != nil {
		return fmt.Errorf("xes %s: %w", r.src, err)
	}
	return nil
}

func (r *reader) beginEvent(inTrace bool) error {
	if r.seq%cancelEvery == cancelEvery-1 {
		if err := r.canceled(); err != nil {
			return err
		}
	}
	if err := r.resolveClassifier(); err != nil {
		return err
	}
	sc := r.sc
	r.ev = eventState{line: sc.lineAt(sc.tok), seq: r.seq, inTrace: inTrace}
	r.seq++
	r.resetEventAttrs()
	clear(r.clsSeen)
	sc.pin = sc.tok
	return r.push(ctxEvent)
}

func (r *reader) endEvent() error {
	sc := r.sc
	raw := sc.buf[sc.pin:sc.pos]
	sc.pin = -1
	e := &r.ev
	act, reason := r.activity()
	if reason == "" {
		switch e.tsState {
		case tsNone:
			reason = "no time:timestamp"
		case tsBad:
			reason = fmt.Sprintf("unparseable time:timestamp %q", e.tsBad)
		}
	}
	if reason == "" && !e.inTrace {
		reason = "event outside a trace"
	}
	if reason != "" {
		return r.reject(e.line, reason, raw)
	}
	r.out = event.Event{Case: r.tr.id, Activity: act, Time: e.ts, Start: event.NoTime,
		Resource: e.res, Lifecycle: e.lc, Seq: e.seq, Attrs: r.eventAttrs()}
	if r.tr.named {
		return r.append(&r.out)
	}
	p := pendingEvent{ev: r.out, line: e.line}
	p.ev.Attrs = bytes.Clone(p.ev.Attrs)
	if r.opt.Rejects {
		p.raw = string(raw)
	}
	r.pending = append(r.pending, p)
	return nil
}

func (r *reader) append(e *event.Event) error {
	r.events++
	if err := r.b.Append(e); err != nil {
		return fmt.Errorf("xes %s: %w", r.src, err)
	}
	return nil
}

// activity is the event's label: concept:name, or the classifier's key
// values joined with "+". A classifier key the event lacks makes the label
// undefined (PM4Py fails on it), so the event is refused rather than given
// a label that merges it with other activities.
func (r *reader) activity() (string, string) {
	e := &r.ev
	if r.cls == nil {
		if !e.hasName {
			return "", "no concept:name"
		}
		return e.name, ""
	}
	r.label = r.label[:0]
	for i, k := range r.cls {
		if !r.clsSeen[i] {
			return "", fmt.Sprintf("no %q, a key of classifier %q", k, r.opt.Classifier)
		}
		if i > 0 {
			r.label = append(r.label, '+')
		}
		r.label = append(r.label, r.clsVals[i]...)
	}
	return r.vals.get(r.label), ""
}

func (r *reader) reject(line int64, reason string, raw []byte) error {
	if !r.opt.Rejects {
		return &event.SourceError{Source: r.src, Unit: "line", Pos: line, Reason: reason}
	}
	r.rejected++
	if err := r.sink.Reject(line, reason, strings.ToValidUTF8(string(raw), "\uFFFD")); err != nil {
		return fmt.Errorf("xes %s: line %d: reject: %w", r.src, line, err)
	}
	return nil
}
