package inductive

import (
	"slices"

	"github.com/pmx-dev/pmx/mining/eventlog"
)

// ulog is a (sub-)log: distinct traces over the global activity indices,
// each with the number of cases that follow it. Traces are stored back to
// back in acts; trace i is acts[off[i]:off[i+1]]. Invariant: no two traces
// are equal and every count is positive.
type ulog struct {
	acts []int32
	off  []int
	cnt  []int64
}

func (l *ulog) len() int            { return len(l.cnt) }
func (l *ulog) trace(i int) []int32 { return l.acts[l.off[i]:l.off[i+1]] }
func (l *ulog) traceLen(i int) int  { return l.off[i+1] - l.off[i] }
func (l *ulog) events() int         { return len(l.acts) }
func (l *ulog) empty() bool         { return len(l.cnt) == 0 }

// total is the number of cases.
func (l *ulog) total() int64 {
	var n int64
	for _, c := range l.cnt {
		n += c
	}
	return n
}

// emptyTrace returns the index of the empty trace, or -1.
func (l *ulog) emptyTrace() int {
	for i := range l.cnt {
		if l.traceLen(i) == 0 {
			return i
		}
	}
	return -1
}

// fromEventLog copies the variants of an event log (they are distinct
// already; the builder merges again in case a caller built the log by hand).
func fromEventLog(l *eventlog.Log) *ulog {
	n := 0
	for _, v := range l.Variants {
		n += len(v.Acts)
	}
	b := newBuilder(len(l.Variants), n)
	for _, v := range l.Variants {
		if v.Count <= 0 {
			continue
		}
		b.acts = append(b.acts, v.Acts...)
		b.end(v.Count)
	}
	return b.done()
}

// builder assembles a ulog trace by trace, merging equal traces: events of
// the current trace are appended with push, and end closes the trace. Equal
// traces are found with an open-addressing hash table over the trace
// indices, so closing a trace allocates nothing unless it is new.
type builder struct {
	ulog
	hash  []uint64 // per trace
	table []int32  // trace index + 1; 0 is a free slot; len is a power of 2
	start int      // where the open trace begins in acts
}

func newBuilder(traces, events int) *builder {
	b := &builder{}
	b.acts = make([]int32, 0, events)
	b.off = append(make([]int, 0, traces+1), 0)
	b.cnt = make([]int64, 0, traces)
	b.hash = make([]uint64, 0, traces)
	size := 8
	for size < 2*traces {
		size *= 2
	}
	b.table = make([]int32, size)
	return b
}

func (b *builder) push(a int32) { b.acts = append(b.acts, a) }

func hashTrace(t []int32) uint64 {
	h := uint64(len(t)) * 0x9e3779b97f4a7c15
	for _, a := range t {
		h = (h ^ uint64(uint32(a))) * 0xbf58476d1ce4e5b9
		h ^= h >> 29
	}
	return h ^ h>>32
}

// end closes the open trace with count c; an equal earlier trace absorbs it.
func (b *builder) end(c int64) {
	t := b.acts[b.start:]
	h := hashTrace(t)
	mask := uint64(len(b.table) - 1)
	slot := h & mask
	for ; b.table[slot] != 0; slot = (slot + 1) & mask {
		i := int(b.table[slot] - 1)
		if b.hash[i] == h && slices.Equal(b.trace(i), t) {
			b.cnt[i] += c
			b.acts = b.acts[:b.start]
			return
		}
	}
	b.table[slot] = int32(len(b.cnt) + 1)
	b.hash = append(b.hash, h)
	b.cnt = append(b.cnt, c)
	b.off = append(b.off, len(b.acts))
	b.start = len(b.acts)
	if 2*len(b.cnt) > len(b.table) {
		b.grow()
	}
}

func (b *builder) grow() {
	b.table = make([]int32, 2*len(b.table))
	mask := uint64(len(b.table) - 1)
	for i, h := range b.hash {
		slot := h & mask
		for b.table[slot] != 0 {
			slot = (slot + 1) & mask
		}
		b.table[slot] = int32(i + 1)
	}
}

// add appends a whole trace.
func (b *builder) add(t []int32, c int64) {
	b.acts = append(b.acts, t...)
	b.end(c)
}

func (b *builder) done() *ulog {
	l := b.ulog
	return &l
}

// without returns the log without trace i.
func (l *ulog) without(skip int) *ulog {
	b := newBuilder(l.len(), l.events())
	for i := range l.cnt {
		if i != skip {
			b.add(l.trace(i), l.cnt[i])
		}
	}
	return b.done()
}
