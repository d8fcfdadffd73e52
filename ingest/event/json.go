package event

import (
	"strconv"
	"unicode/utf8"
)

// Object builds a JSON object incrementally into a reusable buffer. Readers
// use it for attrs on the hot path, where encoding/json's reflection would
// dominate import time.
type Object struct {
	buf []byte
	n   int
}

// Reset empties the object, keeping its buffer.
func (o *Object) Reset() { o.buf = o.buf[:0]; o.n = 0 }

// Len is the number of members written.
func (o *Object) Len() int { return o.n }

func (o *Object) key(k string) {
	if o.n == 0 {
		o.buf = append(o.buf, '{')
	} else {
		o.buf = append(o.buf, ',')
	}
	o.n++
	o.buf = AppendString(o.buf, k)
	o.buf = append(o.buf, ':')
}

// String adds a string member.
func (o *Object) String(k, v string) { o.key(k); o.buf = AppendString(o.buf, v) }

// RawKey is Raw with the key given as bytes (no string conversion on the
// caller's hot path).
func (o *Object) RawKey(k []byte, v []byte) {
	if o.n == 0 {
		o.buf = append(o.buf, '{')
	} else {
		o.buf = append(o.buf, ',')
	}
	o.n++
	o.buf = appendStringBytes(o.buf, k)
	o.buf = append(o.buf, ':')
	o.buf = append(o.buf, v...)
}

// Raw adds a member whose value is already valid JSON (a number, true/false,
// an array or an object).
func (o *Object) Raw(k string, v []byte) { o.key(k); o.buf = append(o.buf, v...) }

// Bytes returns the finished object, or nil when it has no members. The slice
// is valid until the next Reset.
func (o *Object) Bytes() []byte {
	if o.n == 0 {
		return nil
	}
	return append(o.buf, '}')[:len(o.buf)+1]
}

// AppendString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD so the result is always valid JSON.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, `\u00`...)
				dst = append(dst, hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hex = "0123456789abcdef"

// appendStringBytes is AppendString for a byte slice: the common case of a
// key needing no escaping is a plain copy.
func appendStringBytes(dst, b []byte) []byte {
	for _, c := range b {
		if c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return AppendString(dst, string(b))
		}
	}
	dst = append(dst, '"')
	dst = append(dst, b...)
	return append(dst, '"')
}

// AppendNumber appends a JSON number if s is one (as XES int/float values
// are), else the string literal, so a malformed number is kept verbatim.
func AppendNumber(dst []byte, s string) []byte {
	if IsJSONNumber(s) {
		return append(dst, s...)
	}
	return AppendString(dst, s)
}

// IsJSONNumber reports whether s is a number by JSON's grammar: it rejects
// forms strconv accepts but JSON does not (NaN, Inf, hex, leading '+',
// leading zeros, '.5', '1.').
func IsJSONNumber[T string | []byte](s T) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i >= len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else if s[i] >= '1' && s[i] <= '9' {
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	} else {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	exp := false
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		exp = true
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	if i != len(s) {
		return false
	}
	// Grammatical but beyond float64 (1e999): a JSON reader may refuse it,
	// and one refused value would fail a whole batch, so keep it as text.
	if exp || len(s) > 20 {
		if _, err := strconv.ParseFloat(string(s), 64); err != nil {
			return false
		}
	}
	return true
}
