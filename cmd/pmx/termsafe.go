package main

import (
	"bytes"
	"fmt"
	"io"
	"unicode/utf8"
)

// Event logs are data from elsewhere: an activity, a resource or a case id
// may hold terminal escape sequences (ESC [ 2 J clears the screen, OSC 8
// forges links, OSC 52 writes the clipboard), carriage returns that overwrite
// a line, or bidirectional overrides that make text read differently from
// what it is. pmx's text output must show such data, never obey it.

// termSafe writes text output with every character a terminal would act on
// made visible as a Go-style escape: C0 controls but tab and newline, DEL,
// the C1 controls, the Unicode bidirectional embeddings, overrides and
// isolates, and bytes that are not UTF-8. Everything else passes unchanged,
// so normal output is byte for byte what was written.
type termSafe struct {
	w       io.Writer
	partial []byte // an incomplete UTF-8 sequence held for the next Write
}

// unsafeRune reports whether a terminal could act on r.
func unsafeRune(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e || r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// escapeRune is the visible form of an unsafe rune.
func escapeRune(r rune) string {
	if r < 0x80 {
		return fmt.Sprintf(`\x%02x`, r)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

func (t *termSafe) Write(p []byte) (int, error) {
	n := len(p)
	if len(t.partial) > 0 {
		p = append(t.partial, p...)
		t.partial = nil
	}
	var out bytes.Buffer
	clean := 0 // p[clean:i] is safe and not yet copied
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(p[i:]) { // may complete in the next Write
				out.Write(p[clean:i])
				t.partial = append([]byte(nil), p[i:]...)
				_, err := t.w.Write(out.Bytes())
				return n, err
			}
			out.Write(p[clean:i])
			fmt.Fprintf(&out, `\x%02x`, p[i])
			i++
			clean = i
			continue
		}
		if unsafeRune(r) {
			out.Write(p[clean:i])
			out.WriteString(escapeRune(r))
			clean = i + size
		}
		i += size
	}
	if out.Len() == 0 {
		_, err := t.w.Write(p)
		return n, err
	}
	out.Write(p[clean:])
	_, err := t.w.Write(out.Bytes())
	return n, err
}

// Flush writes a held incomplete sequence, escaped: the output ended inside
// a character.
func (t *termSafe) Flush() error {
	if len(t.partial) == 0 {
		return nil
	}
	var out bytes.Buffer
	for _, b := range t.partial {
		fmt.Fprintf(&out, `\x%02x`, b)
	}
	t.partial = nil
	_, err := t.w.Write(out.Bytes())
	return err
}

// termText makes one string safe for a terminal line (error messages).
func termText(s string) string {
	var b bytes.Buffer
	t := &termSafe{w: &b}
	t.Write([]byte(s))
	t.Flush()
	return b.String()
}

// jsonSafe escapes, inside JSON text, the runes encoding/json leaves raw but
// a terminal may act on (DEL, C1 controls, bidirectional controls), as
// \uXXXX. Such runes only occur inside JSON strings, where \uXXXX is valid
// and decodes to the same string, so the document's meaning is unchanged.
func jsonSafe(p []byte) []byte {
	var out []byte
	clean := 0
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r >= 0x7f && unsafeRune(r) {
			if out == nil {
				out = make([]byte, 0, len(p)+16)
			}
			out = append(out, p[clean:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			clean = i + size
		}
		i += size
	}
	if out == nil {
		return p
	}
	return append(out, p[clean:]...)
}
