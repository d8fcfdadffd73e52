package export

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/goccy/go-graphviz"
)

// graphvizMu serialises Graphviz calls: go-graphviz runs one process-wide
// WebAssembly instance whose C state is not safe for concurrent use.
var graphvizMu sync.Mutex

// RenderSVG lays out any DOT text with Graphviz's dot engine and returns the
// SVG document Graphviz writes (XML prolog included, so it can be saved as
// a .svg file as is). Graphviz XML-escapes label text itself.
func RenderSVG(ctx context.Context, dot string) ([]byte, error) {
	svg, err := runGraphviz(ctx, dot, graphviz.SVG)
	if err != nil {
		return nil, fmt.Errorf("export: render SVG: %w", err)
	}
	return svg, nil
}

// runGraphviz lays dot out and renders it in format. Its errors carry no
// package prefix; callers say what they were doing.
func runGraphviz(ctx context.Context, dot string, format graphviz.Format) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	graphvizMu.Lock()
	defer graphvizMu.Unlock()

	g, err := graphviz.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("start graphviz: %w", err)
	}
	defer g.Close()
	graph, err := graphviz.ParseBytes([]byte(dot))
	if err != nil {
		return nil, fmt.Errorf("parse DOT: %w", err)
	}
	defer graph.Close()
	var buf bytes.Buffer
	if err := g.Render(ctx, graph, format, &buf); err != nil {
		return nil, fmt.Errorf("graphviz layout: %w", err)
	}
	if buf.Len() == 0 {
		return nil, fmt.Errorf("graphviz wrote no %s output", format)
	}
	return buf.Bytes(), nil
}

// dotString quotes s as a DOT string. An empty string becomes " ": the
// Graphviz build in go-graphviz draws the node name for label="". Backslashes are doubled so Graphviz's
// escapes (\N, \G, \l, ...) never fire on user text, and '&' is written as
// "&amp;" because Graphviz passes entity references through to SVG
// unchanged: without it a label "a&lt;b" would be drawn as "a<b". Control
// characters, which XML cannot carry, become spaces.
func dotString(s string) string {
	if s == "" {
		return `" "`
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '&':
			b.WriteString("&amp;")
		case r == '\n':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
