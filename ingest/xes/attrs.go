package xes

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/pmx-dev/pmx/ingest/event"
)

// attrType is the XES type of an attribute element.
type attrType uint8

const (
	tNone attrType = iota // not an attribute element
	tString
	tID
	tDate
	tInt
	tFloat
	tBool
	tList
	tContainer
)

// bstr views b as a string without copying. It is only passed to callees
// that copy what they keep (JSON appends, map lookups, number parsing), never
// stored: b is a window on the scanner's buffer and changes on the next token.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendValue appends the JSON form of a decoded XES value of type t. A
// value that does not parse as its type is kept verbatim as a string, so
// nothing is lost to a type error.
func appendValue(dst []byte, t attrType, v []byte, plain bool) []byte {
	switch t {
	case tString, tID:
		if plain {
			return append(append(append(dst, '"'), v...), '"')
		}
	case tInt, tFloat:
		return event.AppendNumber(dst, bstr(v))
	case tBool:
		switch string(v) {
		case "true", "1", "TRUE", "True":
			return append(dst, "true"...)
		case "false", "0", "FALSE", "False":
			return append(dst, "false"...)
		}
	case tDate:
		if us, ok := parseTime(v); ok {
			return appendTimeJSON(dst, us)
		}
	case tList:
		return append(dst, "[]"...)
	case tContainer:
		return append(dst, "{}"...)
	}
	return event.AppendString(dst, bstr(v))
}

// frame is an attribute element that is not self-closing: it may carry
// nested attributes (XES nested-attributes feature), list items or
// container members, so its JSON is known only at its end tag.
type frame struct {
	typ   attrType
	key   []byte // owned copies: the scanner buffer moves on
	val   []byte
	plain bool
	kids  []byte // JSON of the children written so far, without brackets
	n     int
	out   []byte
}

func (f *frame) reset(t attrType, key, val []byte, plain bool) {
	f.typ, f.plain = t, plain
	f.key = append(f.key[:0], key...)
	f.val = append(f.val[:0], val...)
	f.kids = f.kids[:0]
	f.n = 0
}

// add appends a finished child: a list gets {"key":..,"value":..} items (a
// list may repeat keys), anything else gets a member of its children object.
func (f *frame) add(t attrType, key, val []byte, plain bool, js []byte) {
	if f.n > 0 {
		f.kids = append(f.kids, ',')
	}
	f.n++
	if f.typ == tList {
		f.kids = append(f.kids, `{"key":`...)
		f.kids = event.AppendString(f.kids, bstr(key))
		f.kids = append(f.kids, `,"value":`...)
	} else {
		f.kids = event.AppendString(f.kids, bstr(key))
		f.kids = append(f.kids, ':')
	}
	if js != nil {
		f.kids = append(f.kids, js...)
	} else {
		f.kids = appendValue(f.kids, t, val, plain)
	}
	if f.typ == tList {
		f.kids = append(f.kids, '}')
	}
}

// finish returns the frame's JSON value, or nil when it is a plain value
// with no children (the caller then renders it as a self-closing one).
func (f *frame) finish() []byte {
	f.out = f.out[:0]
	switch {
	case f.typ == tList:
		f.out = append(append(append(f.out, '['), f.kids...), ']')
	case f.typ == tContainer:
		f.out = append(append(append(f.out, '{'), f.kids...), '}')
	case f.n == 0:
		return nil
	default:
		f.out = append(f.out, `{"value":`...)
		f.out = appendValue(f.out, f.typ, f.val, f.plain)
		f.out = append(f.out, `,"children":{`...)
		f.out = append(f.out, f.kids...)
		f.out = append(f.out, "}}"...)
	}
	return f.out
}

// member writes one attribute into o; js, when set, is its JSON with children.
func (r *reader) member(o *event.Object, t attrType, key, val []byte, plain bool, js []byte) {
	if js == nil {
		r.scratch = appendValue(r.scratch[:0], t, val, plain)
		js = r.scratch
	}
	o.Raw(bstr(key), js)
}

// interner turns repeated byte strings (activities, resources, lifecycle
// values, classifier labels) into shared strings without allocating on a
// hit. It is a direct-mapped cache: a collision replaces the entry (one
// allocation), so its memory is fixed whatever the cardinality.
type interner struct{ ent []string }

const (
	internBits     = 12
	maxInternedLen = 256
)

func (in *interner) get(b []byte) string {
	if len(b) > maxInternedLen {
		return validString(b)
	}
	if in.ent == nil {
		in.ent = make([]string, 1<<internBits)
	}
	var x uint64
	if len(b) >= 8 {
		x = binary.LittleEndian.Uint64(b) ^ binary.LittleEndian.Uint64(b[len(b)-8:])<<1
	} else {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
	}
	h := ((x ^ uint64(len(b))) * 0x9E3779B97F4A7C15) >> (64 - internBits)
	if s := in.ent[h]; s == string(b) {
		return s
	}
	s := validString(b)
	in.ent[h] = s
	return s
}

// validString copies b into a string, replacing invalid UTF-8 (Arrow and
// DuckDB strings must be valid).
func validString(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
