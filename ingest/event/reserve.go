package event

import "github.com/apache/arrow-go/v18/arrow/array"

// Size hints. A reader that knows its rows can spare the Builder's string
// buffers their growth by doubling, where each step reallocates, zeroes and
// copies (for wide rows that is a fifth of an import's CPU): at the start
// of a batch (Pending reports 0) it reserves what the batch will hold.

// Pending reports how many events and cases are in the batches being
// built; 0 means the batch has just been handed to the sink (or not begun).
func (b *Builder) Pending() (events, cases int) { return b.n, b.nc }

// ReserveData makes room for n more bytes of values in string column col
// (ColCase, ColActivity, ColResource, ColLifecycle or ColAttrs) of the event
// batch being built. Other columns are ignored.
func (b *Builder) ReserveData(col, n int) {
	if sb, ok := b.ev.Field(col).(*array.StringBuilder); ok && n > 0 {
		sb.ReserveData(n)
	}
}

// ReserveCases makes room for n more cases holding idBytes of case ids and
// attrBytes of attributes in the case batch being built.
func (b *Builder) ReserveCases(n, idBytes, attrBytes int) {
	if n > 0 {
		b.cs.Reserve(n)
	}
	if idBytes > 0 {
		b.csIDB.ReserveData(idBytes)
	}
	if attrBytes > 0 {
		b.csAttrB.ReserveData(attrBytes)
	}
}
