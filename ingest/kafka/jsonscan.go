package kafka

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"unicode/utf8"
)

// A small validating scanner for one JSON object per message. Decoding
// through encoding/json into a map costs ~60 allocations and >10 µs for a
// 200-byte event; this walks the bytes once, hands back each member's key
// and raw value, and validates everything it skips, as strictly as DuckDB's
// JSON type, so that no invalid JSON ever reaches the warehouse's JSON
// column: the warehouse takes attrs as JSON without parsing them again
// (see warehouse.RowGroupRows), and a message it refused would fail a whole
// batch instead of being dead-lettered alone.

var (
	errJSON          = errors.New("invalid JSON")
	errLoneSurrogate = errors.New("invalid JSON: \\u escape of a lone UTF-16 surrogate")
)

// scanObject calls fn for each member of the object in data, in order.
// key is unescaped (its bytes may alias a scratch buffer valid during the
// call); lit is the key's literal as written when it has no escapes (so it
// is the JSON string of key), nil otherwise; raw is the member's value
// exactly as written.
func scanObject(data []byte, scratch *[]byte, fn func(key, lit, raw []byte) error) error {
	if !utf8.Valid(data) {
		return errors.New("not valid UTF-8")
	}
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return errors.New("not a JSON object")
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return trailing(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return errJSON
		}
		end, esc, err := skipString(data, i)
		if err != nil {
			return err
		}
		lit, key := data[i:end], data[i+1:end-1]
		if esc {
			if key, err = unquote(lit, scratch); err != nil {
				return err
			}
			lit = nil
		}
		i = skipWS(data, end)
		if i >= len(data) || data[i] != ':' {
			return errJSON
		}
		i = skipWS(data, i+1)
		vend, err := skipValue(data, i, 0)
		if err != nil {
			return err
		}
		if err := fn(key, lit, data[i:vend]); err != nil {
			return err
		}
		i = skipWS(data, vend)
		if i >= len(data) {
			return errJSON
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return trailing(data, i+1)
		default:
			return errJSON
		}
	}
}

func trailing(data []byte, i int) error {
	if skipWS(data, i) != len(data) {
		return errors.New("data after the JSON object")
	}
	return nil
}

func skipWS(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

const maxDepth = 64

// skipValue returns the end of the JSON value starting at i.
func skipValue(data []byte, i, depth int) (int, error) {
	if i >= len(data) {
		return 0, errJSON
	}
	if depth > maxDepth {
		return 0, errors.New("JSON nested too deeply")
	}
	switch c := data[i]; {
	case c == '"':
		end, _, err := skipString(data, i)
		return end, err
	case c == '{' || c == '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipWS(data, i+1)
		if i < len(data) && data[i] == closer {
			return i + 1, nil
		}
		for {
			if c == '{' {
				if i >= len(data) || data[i] != '"' {
					return 0, errJSON
				}
				end, _, err := skipString(data, i)
				if err != nil {
					return 0, err
				}
				i = skipWS(data, end)
				if i >= len(data) || data[i] != ':' {
					return 0, errJSON
				}
				i = skipWS(data, i+1)
			}
			end, err := skipValue(data, i, depth+1)
			if err != nil {
				return 0, err
			}
			i = skipWS(data, end)
			if i >= len(data) {
				return 0, errJSON
			}
			if data[i] == closer {
				return i + 1, nil
			}
			if data[i] != ',' {
				return 0, errJSON
			}
			i = skipWS(data, i+1)
		}
	case c == 't':
		return literal(data, i, "true")
	case c == 'f':
		return literal(data, i, "false")
	case c == 'n':
		return literal(data, i, "null")
	default:
		return skipNumber(data, i)
	}
}

func literal(data []byte, i int, lit string) (int, error) {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return 0, errJSON
	}
	return i + len(lit), nil
}

// plain[c] is true for the bytes a string literal holds as they are.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipString returns the end of the string literal at i (after the quote)
// and whether it holds escapes. Eight bytes at a time while none of them
// ends the string, escapes or is a control character: it reads every byte
// of a message but the structure, and was a fifth of the decoding byte by
// byte.
func skipString(data []byte, i int) (end int, esc bool, err error) {
	for j := i + 1; j < len(data); j++ {
		for j+8 <= len(data) && !special(binary.LittleEndian.Uint64(data[j:])) {
			j += 8
		}
		for j < len(data) && plain[data[j]] {
			j++
		}
		if j == len(data) {
			break
		}
		switch c := data[j]; {
		case c == '"':
			return j + 1, esc, nil
		case c == '\\':
			esc = true
			j++
			if j >= len(data) {
				return 0, false, errJSON
			}
			switch data[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				r, ok := hex4(data, j+1)
				if !ok {
					return 0, false, errJSON
				}
				j += 4
				// A UTF-16 surrogate must come as a high-low pair:
				// encoding/json lets a lone one through, DuckDB's JSON
				// type does not, and attrs are stored as JSON unchecked.
				switch {
				case r >= 0xDC00 && r < 0xE000:
					return 0, false, errLoneSurrogate
				case r >= 0xD800:
					lo, ok := hex4(data, j+3)
					if !ok || data[j+1] != '\\' || data[j+2] != 'u' || lo < 0xDC00 || lo >= 0xE000 {
						return 0, false, errLoneSurrogate
					}
					j += 6
				}
			default:
				return 0, false, errJSON
			}
		case c < 0x20:
			return 0, false, errJSON
		}
	}
	return 0, false, errJSON
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// special reports whether any of the eight bytes in x is '"', '\\' or below
// 0x20 (the classic has-zero-byte and has-less-than tests; they never miss,
// and a false alarm only sends the word to the byte loop).
func special(x uint64) bool {
	zero := func(v uint64) bool { return (v-ones)&^v&highs != 0 }
	return zero(x^(ones*'"')) || zero(x^(ones*'\\')) || (x-ones*0x20)&^x&highs != 0
}

// hex4 reads the four hex digits at data[i:] (false if there are not four).
func hex4(data []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, h := range data[i : i+4] {
		switch {
		case '0' <= h && h <= '9':
			r = r<<4 | rune(h-'0')
		case 'a' <= h && h <= 'f':
			r = r<<4 | rune(h-'a'+10)
		case 'A' <= h && h <= 'F':
			r = r<<4 | rune(h-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func skipNumber(data []byte, i int) (int, error) {
	j := i
	if j < len(data) && data[j] == '-' {
		j++
	}
	digits := func() int {
		k := j
		for j < len(data) && data[j] >= '0' && data[j] <= '9' {
			j++
		}
		return j - k
	}
	if j < len(data) && data[j] == '0' {
		j++
	} else if digits() == 0 {
		return 0, errJSON
	}
	if j < len(data) && data[j] == '.' {
		j++
		if digits() == 0 {
			return 0, errJSON
		}
	}
	if j < len(data) && (data[j] == 'e' || data[j] == 'E') {
		j++
		if j < len(data) && (data[j] == '+' || data[j] == '-') {
			j++
		}
		if digits() == 0 {
			return 0, errJSON
		}
	}
	return j, nil
}

// unquote decodes a validated string literal; without escapes it returns
// the bytes inside the quotes without copying.
func unquote(lit []byte, scratch *[]byte) ([]byte, error) {
	body := lit[1 : len(lit)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return body, nil
	}
	s, err := strconv.Unquote(string(lit))
	if err != nil {
		// strconv rejects JSON's \/ and surrogate-pair forms it does not know;
		// fall back to a JSON-exact decoder.
		return jsonUnquote(body, scratch)
	}
	*scratch = append((*scratch)[:0], s...)
	return *scratch, nil
}

func jsonUnquote(body []byte, scratch *[]byte) ([]byte, error) {
	out := (*scratch)[:0]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch body[i] {
		case '"', '\\', '/':
			out = append(out, body[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, _ := strconv.ParseUint(string(body[i+1:i+5]), 16, 32)
			i += 4
			if r >= 0xD800 && r < 0xDC00 && i+6 < len(body) && body[i+1] == '\\' && body[i+2] == 'u' {
				lo, _ := strconv.ParseUint(string(body[i+3:i+7]), 16, 32)
				if lo >= 0xDC00 && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					i += 6
				}
			}
			out = utf8.AppendRune(out, rune(r))
		default:
			return nil, errJSON
		}
	}
	*scratch = out
	return out, nil
}

// compact returns raw without insignificant whitespace (raw itself when it
// has none), so stored attributes do not depend on a producer's formatting.
func compact(raw []byte, buf *[]byte) []byte {
	if raw[0] != '{' && raw[0] != '[' {
		return raw // a string, number or literal holds no insignificant whitespace
	}
	ws := false
	for _, c := range raw {
		if c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			ws = true
			break
		}
	}
	if !ws {
		return raw
	}
	out := (*buf)[:0]
	in := false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case in && c == '\\':
			out = append(out, c, raw[i+1])
			i++
			continue
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\n' || c == '\t' || c == '\r'):
			continue
		}
		out = append(out, c)
	}
	*buf = out
	return out
}
