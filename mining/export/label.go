package export

import (
	"bytes"
	"strings"
)

// MaxLabelRunes is the most characters (runes) a drawing shows of one name.
// Longer names are cut to MaxLabelRunes-1 runes and an ellipsis; the whole
// name stays where nothing is laid out: the SVG <title> tooltip, PNML, BPMN
// and JSON.
//
// The cap is about time as much as looks: Graphviz's DOT scanner rescans a
// quoted string from its start each time its input buffer refills, so
// parsing one string costs time quadratic in its length (a 1 MB label takes
// about 2 s, 10 MB minutes). Every string this package hands to Graphviz is
// therefore at most this long, and drawing a model is linear in the size of
// its names.
const MaxLabelRunes = 80

// ShortLabel returns s cut to MaxLabelRunes runes, ending in "…" when it
// was cut. It cuts between runes, never inside a UTF-8 sequence, and reads
// at most MaxLabelRunes+1 runes of s, so it costs the same for 80 bytes and
// for 10 MB.
func ShortLabel(s string) string {
	n, cut := 0, 0
	for i := range s {
		if n == MaxLabelRunes-1 {
			cut = i
		}
		if n == MaxLabelRunes {
			return strings.TrimRight(s[:cut], " ") + "…"
		}
		n++
	}
	return s
}

// setTitles replaces the <title> of every node group in a Graphviz SVG
// whose text is a key of titles (a DOT node name) with the value, XML-
// escaped: the full name of what the node draws, which browsers show as its
// tooltip. Graphviz writes each node as <g id=".." class="node"> followed by
// <title>NAME</title>, NAME being the DOT node name; the node names this
// package generates (p0, t3, n12, a4) need no XML escaping, so a literal
// match is exact. Titles of edges and of the graph are left alone. One pass:
// linear in the size of the SVG and the titles.
func setTitles(svg []byte, titles map[string]string) []byte {
	const open, closing, node = "<title>", "</title>", `class="node"`
	var out bytes.Buffer
	out.Grow(len(svg))
	rest := svg
	for {
		i := bytes.Index(rest, []byte(open))
		if i < 0 {
			out.Write(rest)
			return out.Bytes()
		}
		j := bytes.Index(rest[i:], []byte(closing))
		if j < 0 {
			out.Write(rest)
			return out.Bytes()
		}
		// Only whitespace may separate the title from the start tag of
		// its node group.
		head := rest[:i]
		name := string(rest[i+len(open) : i+j])
		full, ok := titles[name]
		isNode := false
		if g := bytes.LastIndex(head, []byte("<g ")); ok && g >= 0 {
			end := g + bytes.IndexByte(head[g:], '>')
			isNode = end > g && len(bytes.TrimSpace(head[end+1:])) == 0 && bytes.Contains(head[g:end], []byte(node))
		}
		if !isNode {
			out.Write(rest[:i+j+len(closing)])
			rest = rest[i+j+len(closing):]
			continue
		}
		out.Write(head)
		out.WriteString(open)
		out.WriteString(attr(full))
		out.WriteString(closing)
		rest = rest[i+j+len(closing):]
	}
}
