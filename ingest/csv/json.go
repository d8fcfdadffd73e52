package csv

import (
	"encoding/binary"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Attribute objects are written straight into the block's arena with keys
// encoded once per column; the bytes are what event.Object would produce
// (same escaping via event.AppendString, same number rule via
// event.AppendNumber), without re-escaping every key on every row.

// appendAttrs writes the JSON object of the non-empty cells of cols, or
// returns nil when all are empty. Cells that are JSON numbers are stored as
// numbers with their text verbatim ("1e999", which does not fit a float64,
// and "007", which is not a JSON number, stay strings); the rest as strings:
// CSV has no types, and numbers are what analyses want to sum.
func appendAttrs(blk *block, r *rowRef, cols []attrCol) []byte {
	a, start, n := blk.arena, len(blk.arena), 0
	for i := range cols {
		v := blk.field(r, cols[i].idx)
		if len(v) == 0 {
			continue
		}
		if n == 0 {
			a = append(a, '{')
		} else {
			a = append(a, ',')
		}
		n++
		a = append(a, cols[i].json...)
		switch {
		case event.IsJSONNumber(v):
			a = event.AppendNumber(a, str(v))
		case plainJSON(v):
			a = append(a, '"')
			a = append(a, v...)
			a = append(a, '"')
		default:
			a = event.AppendString(a, str(v))
		}
	}
	blk.arena = a
	if n == 0 {
		return nil
	}
	blk.arena = append(a, '}')
	return blk.arena[start:len(blk.arena):len(blk.arena)]
}

const (
	lo8 = 0x0101010101010101
	hi8 = 0x8080808080808080
)

// plainJSON reports whether b can be quoted as is: ASCII without control
// characters, '"' or '\'. Eight bytes at a time; as booleans these
// has-less/has-zero tests are exact.
func plainJSON(b []byte) bool {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, bs := x^(lo8*'"'), x^(lo8*'\\')
		if x&hi8 != 0 || (x-lo8*0x20)&^x&hi8 != 0 || (q-lo8)&^q&hi8 != 0 || (bs-lo8)&^bs&hi8 != 0 {
			return false
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
