package yamltest

import (
	"strings"
	"unicode/utf16"
)

// Lines is at least the number of lines YAML sees in data: CR, LF, NEL,
// LS and PS each end one, in UTF-8 or, after a byte order mark, UTF-16.
// An error's line must not be past it.
func Lines(data []byte) int {
	text := string(data)
	if len(data) >= 2 && (data[0] == 0xfe && data[1] == 0xff || data[0] == 0xff && data[1] == 0xfe) {
		var u []uint16
		for i := 2; i+1 < len(data); i += 2 {
			if data[0] == 0xfe {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			} else {
				u = append(u, uint16(data[i+1])<<8|uint16(data[i]))
			}
		}
		text = string(utf16.Decode(u))
	}
	n := 1
	for _, sep := range []string{"\r", "\n", "\u0085", "\u2028", "\u2029"} {
		n += strings.Count(text, sep)
	}
	return n
}
