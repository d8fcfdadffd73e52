package xes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Options tune Read. The zero value reads concept:name activities, fails on
// the first event that cannot become canonical, and uses default batches.
type Options struct {
	// Classifier names a classifier declared in the log (<classifier
	// name=.. keys=..>); the activity label is the classifier's key values
	// joined with "+" (as PM4Py does). "" = concept:name.
	Classifier string
	// Rejects: when true, an event that cannot become a canonical event
	// (no/unparseable time:timestamp, no activity, trace without
	// concept:name) goes to sink.Reject(line, reason, raw) and reading
	// continues; when false such an event fails the read with an
	// *event.SourceError naming the file and line.
	Rejects   bool
	BatchRows int // 0 = event.DefaultBatchRows
}

// ErrUnknownClassifier is returned (wrapped, with the declared names) when
// Options.Classifier names no classifier of the log.
var ErrUnknownClassifier = errors.New("unknown classifier")

// ReadFile opens path, detects gzip by its magic bytes (not by extension),
// and calls Read with source = path.
func ReadFile(ctx context.Context, path string, opt Options, sink event.Sink) (event.Meta, error) {
	f, err := os.Open(path)
	if err != nil {
		return event.Meta{}, fmt.Errorf("xes: %w", err)
	}
	defer f.Close()
	return Read(ctx, f, path, opt, sink)
}

// Read decodes the XES log in r (plain or gzip, detected by its magic bytes)
// and hands its events and cases to sink in record batches of event.Schema
// and event.CaseSchema. source names r in errors and rejects.
//
// Malformed XML is an *event.SourceError with the line of the problem; a
// canceled ctx ends the read with an error that is both event.ErrCanceled
// and ctx.Err(). On any error the batches already handed to sink stay
// there and Meta counts them: the caller decides whether to roll back.
// Reads share no state, so several may run at once.
func Read(ctx context.Context, r io.Reader, source string, opt Options, sink event.Sink) (event.Meta, error) {
	in, closeIn, err := openInput(r)
	if err != nil {
		return event.Meta{}, fmt.Errorf("xes %s: %w", source, err)
	}
	defer closeIn()
	rd := &reader{ctx: ctx, src: source, opt: opt, sink: sink, sc: newScanner(in, source),
		b: event.NewBuilder(sink, opt.BatchRows)}
	defer rd.b.Release()
	err = rd.run()
	m := event.Meta{Attrs: rd.meta.json(), Events: rd.events, Rejected: rd.rejected}
	if rd.cls != nil {
		m.Classifier = opt.Classifier
	}
	return m, err
}

// ctxKind is what an open element means to the reader; stk parallels the
// scanner's stack of open elements.
type ctxKind uint8

const (
	ctxRoot   ctxKind = iota // nothing open yet (only the bottom of the stack)
	ctxLog                   // <log>
	ctxTrace                 // <trace>
	ctxEvent                 // <event>
	ctxGlobal                // <global scope=..>
	ctxAttr                  // an attribute element with children: frames holds it
	ctxValues                // <values> of a list: its children are the list's items
	ctxSkip                  // an element pmx does not interpret, with its subtree
)

type reader struct {
	ctx     context.Context
	src     string
	opt     Options
	sink    event.Sink
	sc      *scanner
	b       *event.Builder
	stk     []ctxKind
	frames  []frame
	nframes int
	meta    meta
	scope   int // index into meta.globals of the open <global>

	// classifier chosen by Options.Classifier, resolved at the first trace
	clsDone bool
	cls     []string // keys; nil = concept:name
	clsVals []string
	clsSeen []bool
	label   []byte

	tr      traceState
	ev      eventState
	caseObj event.Object // attrs of the current trace
	pending []pendingEvent
	out     event.Event
	scratch []byte
	vals    interner

	// event attributes (eventattrs.go)
	keys  map[string]*keyInfo
	slots []*keyInfo // predicted key by position in an event
	abuf  []byte     // attrs JSON of the current event
	an    int        // members in abuf

	seq, events, rejected int64
}

func (r *reader) top() ctxKind {
	if n := len(r.stk); n > 0 {
		return r.stk[n-1]
	}
	return ctxRoot
}

func (r *reader) run() error {
	if err := r.sc.init(); err != nil {
		return err
	}
	sc := r.sc
	for {
		if n := len(r.stk); n > 0 && r.stk[n-1] == ctxEvent {
			if err := r.eventBody(); err != nil {
				return err
			}
		}
		k, err := sc.next()
		if err != nil {
			return err
		}
		switch k {
		case tokStart:
			err = r.start()
		case tokEnd:
			err = r.end()
		case tokEOF:
			if err := r.resolveClassifier(); err != nil {
				return err
			}
			if err := r.b.Flush(); err != nil {
				return fmt.Errorf("xes %s: %w", r.src, err)
			}
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// push records what a start tag opened; a self-closing tag is closed at once.
func (r *reader) push(k ctxKind) error {
	r.stk = append(r.stk, k)
	if r.sc.self {
		return r.end()
	}
	return nil
}

func (r *reader) start() error {
	sc := r.sc
	parent := r.top()
	if parent != ctxRoot && parent != ctxSkip {
		if t := sc.elem.attrType(); t != tNone {
			return r.beginAttr(parent, t)
		}
	}
	switch sc.elem {
	case eLog:
		if parent != ctxRoot {
			return r.structural("<log> is only allowed as the root element")
		}
		return r.push(ctxLog)
	case eTrace:
		if parent != ctxLog {
			return r.structural("<trace> outside <log>: a trace must be a direct child of the log")
		}
		return r.beginTrace()
	case eEvent:
		if parent != ctxLog && parent != ctxTrace {
			return r.structural("<event> must be a child of <trace>")
		}
		return r.beginEvent(parent == ctxTrace)
	}
	switch parent {
	case ctxRoot:
		return r.structural(fmt.Sprintf("root element is <%s>, want <log>", sc.tagName()))
	case ctxLog:
		switch sc.elem {
		case eExtension:
			r.meta.extension(sc)
		case eClassifier:
			r.meta.classifier(sc)
		case eGlobal:
			if s, ok := globalScope(sc); ok {
				r.scope = s
				return r.push(ctxGlobal)
			}
		}
	case ctxAttr:
		if sc.elem == eValues {
			return r.push(ctxValues)
		}
	}
	return r.push(ctxSkip)
}

func (r *reader) structural(reason string) error {
	return r.sc.errAt(r.sc.tok, "%s", reason)
}

func (r *reader) end() error {
	n := len(r.stk) - 1
	k := r.stk[n]
	r.stk = r.stk[:n]
	switch k {
	case ctxAttr:
		r.nframes--
		f := &r.frames[r.nframes]
		return r.deliver(r.top(), f.typ, f.key, f.val, f.plain, f.finish(), false)
	case ctxEvent:
		return r.endEvent()
	case ctxTrace:
		return r.endTrace()
	case ctxLog:
		return r.resolveClassifier()
	}
	return nil
}

// beginAttr handles an attribute element. A self-closing one (nearly all
// of them) is delivered straight from the scanner's buffer; one with content
// becomes a frame until its end tag.
func (r *reader) beginAttr(parent ctxKind, t attrType) error {
	sc := r.sc
	if !sc.hasKey {
		return r.push(ctxSkip) // not an XES attribute; nothing to name it by
	}
	key := sc.bytesOf(sc.key)
	var val []byte
	plain := false
	if sc.hasVal {
		val, plain = sc.bytesOf(sc.val), sc.val.plain
	}
	if sc.self {
		var js []byte
		switch t {
		case tList:
			js = []byte("[]")
		case tContainer:
			js = []byte("{}")
		}
		return r.deliver(parent, t, key, val, plain, js, !sc.key.esc && sc.key.plain)
	}
	if r.nframes == len(r.frames) {
		r.frames = append(r.frames, frame{})
	}
	r.frames[r.nframes].reset(t, key, val, plain)
	r.nframes++
	r.stk = append(r.stk, ctxAttr)
	return nil
}

// deliver hands a finished attribute to the element holding it. plain
// says val needs no JSON escaping; js is its JSON when it had children
// (nested, list, container), else nil; rawKey says key is the text of the
// file as is (see keyHint).
func (r *reader) deliver(to ctxKind, t attrType, key, val []byte, plain bool, js []byte, rawKey bool) error {
	switch to {
	case ctxEvent:
		r.eventAttr(t, key, val, plain, js, rawKey)
	case ctxTrace:
		return r.traceAttr(t, key, val, plain, js)
	case ctxAttr, ctxValues:
		r.frames[r.nframes-1].add(t, key, val, plain, js)
	case ctxLog:
		r.member(&r.meta.attrs, t, key, val, plain, js)
	case ctxGlobal:
		r.member(&r.meta.globals[r.scope], t, key, val, plain, js)
	}
	return nil
}

func (r *reader) canceled() error {
	if err := r.ctx.Err(); err != nil {
		return fmt.Errorf("xes %s: line %d: %w: %w", r.src, r.sc.lineAt(r.sc.tok), event.ErrCanceled, err)
	}
	return nil
}
