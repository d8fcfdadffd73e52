package export

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pmx-dev/pmx/mining/dfg"
	"github.com/pmx-dev/pmx/mining/tree"
)

func TestShortLabel(t *testing.T) {
	ell := "…"
	at := func(s string, n int) string { return strings.Repeat(s, n) }
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", ""},
		{"short", "register request", "register request"},
		{"exactly the cap", at("a", MaxLabelRunes), at("a", MaxLabelRunes)},
		{"one over", at("a", MaxLabelRunes+1), at("a", MaxLabelRunes-1) + ell},
		{"two-byte runes counted as runes", at("é", MaxLabelRunes), at("é", MaxLabelRunes)},
		{"two-byte runes cut", at("é", MaxLabelRunes+5), at("é", MaxLabelRunes-1) + ell},
		{"three-byte runes cut", at("検", 1000), at("検", MaxLabelRunes-1) + ell},
		{"four-byte runes cut", at("😀", 1000), at("😀", MaxLabelRunes-1) + ell},
		{"no space before the ellipsis", at("a", MaxLabelRunes-3) + "   " + at("b", 10), at("a", MaxLabelRunes-3) + ell},
		{"invalid UTF-8 passes through uncut", "a\xffb", "a\xffb"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ShortLabel(c.in)
			if got != c.want {
				t.Errorf("ShortLabel(%.20q…) = %q, want %q", c.in, got, c.want)
			}
			if utf8.ValidString(c.in) && !utf8.ValidString(got) {
				t.Errorf("cut inside a UTF-8 sequence: %q", got)
			}
			if n := utf8.RuneCountInString(got); n > MaxLabelRunes {
				t.Errorf("%d runes, more than %d", n, MaxLabelRunes)
			}
		})
	}
}

// longName is a name of about size bytes (at least 4·MaxLabelRunes), its
// first half two-byte runes so a cut by bytes would show as invalid UTF-8,
// and what a drawing shows of it.
func longName(size int) (full, drawn string) {
	full = strings.Repeat("Ä", size/4) + strings.Repeat("x", size-2*(size/4))
	return full, strings.Repeat("Ä", MaxLabelRunes-1) + "…"
}

// TestLongLabelsDrawnShort: a drawing shows a long name cut to the cap, the
// DOT text hands Graphviz no long string (its scanner is quadratic in a
// string's length), and the SVG keeps the full name in the node's <title>.
func TestLongLabelsDrawnShort(t *testing.T) {
	ctx := context.Background()
	full, drawn := longName(200_000)
	net := wfnet("net", "i a p1", "p1 b o")
	net.Transitions[0].Label = full
	net.Transitions[1].ID = full + " t" // ids reach the DOT as tooltips
	net.Places[1].ID = full + " p"
	net.Name = full
	tr := tree.New(tree.Seq)
	tr.Children = []*tree.Node{tree.Activity(full), tree.Activity("b")}
	g := &dfg.Graph{Activities: []string{full, "b"}, Counts: []int64{3, 3},
		Edges: []dfg.Edge{{From: 0, To: 1, Count: 3}}, Start: []int64{3, 0}, End: []int64{0, 3}, Cases: 3}

	for _, c := range []struct {
		name string
		dot  func() (string, error)
		svg  func() ([]byte, error)
	}{
		{"petri net", func() (string, error) { return PetriNetDOT(net) }, func() ([]byte, error) { return PetriNetSVG(ctx, net) }},
		{"process tree", func() (string, error) { return TreeDOT(tr) }, func() ([]byte, error) { return TreeSVG(ctx, tr) }},
		{"directly-follows graph", func() (string, error) { return DFGDOT(g) }, func() ([]byte, error) { return DFGSVG(ctx, g) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			dot, err := c.dot()
			if err != nil {
				t.Fatal(err)
			}
			if len(dot) > 20_000 {
				t.Errorf("DOT is %d bytes: a long name went into it uncut", len(dot))
			}
			if !strings.Contains(dot, drawn) {
				t.Errorf("DOT lacks the cut label %q", drawn)
			}
			svg, err := c.svg()
			if err != nil {
				t.Fatal(err)
			}
			el, err := svgElements(svg)
			if err != nil {
				t.Fatalf("SVG is not well-formed XML: %v", err)
			}
			if !contains(el["text"], drawn) {
				t.Errorf("no <text> %q in the SVG", drawn)
			}
			for _, s := range el["text"] {
				if n := utf8.RuneCountInString(s); n > MaxLabelRunes+len("\n1234567") {
					t.Errorf("a <text> of %d runes", n)
				}
			}
			if !contains(el["title"], full) {
				t.Errorf("no <title> holds the full name (%d titles)", len(el["title"]))
			}
		})
	}
}

// TestSetTitles: only node titles whose text is a key change; edge and
// graph titles stay, even when the graph is named like a node.
func TestSetTitles(t *testing.T) {
	in := `<svg><g id="graph0" class="graph"><title>t0</title>
<g id="node1" class="node">
<title>t0</title><text>a</text></g>
<g id="edge1" class="edge"><title>t0&#45;&gt;p1</title></g>
<g id="node2" class="node"><title>p9</title></g></svg>`
	want := `<svg><g id="graph0" class="graph"><title>t0</title>
<g id="node1" class="node">
<title>R&amp;D &lt;a&gt; &#34;x&#34;</title><text>a</text></g>
<g id="edge1" class="edge"><title>t0&#45;&gt;p1</title></g>
<g id="node2" class="node"><title>p9</title></g></svg>`
	got := string(setTitles([]byte(in), map[string]string{"t0": `R&D <a> "x"`, "p1": "nope"}))
	if got != want {
		t.Errorf("setTitles:\n%s\nwant\n%s", got, want)
	}
}

// svgElements decodes an SVG strictly and returns the text of its <text>
// and <title> elements.
func svgElements(svg []byte) (map[string][]string, error) {
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	d.Strict = true
	out := map[string][]string{}
	var cur *strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if n := tok.Name.Local; n == "text" || n == "title" {
				cur = &strings.Builder{}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(tok)
			}
		case xml.EndElement:
			if n := tok.Name.Local; (n == "text" || n == "title") && cur != nil {
				out[n] = append(out[n], cur.String())
				cur = nil
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// BenchmarkLongLabel draws a model with one name of 100 KB, 1 MB and 10 MB:
// time per byte of name must stay flat (linear), not grow with its length.
func BenchmarkLongLabel(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{100_000, 1_000_000, 10_000_000} {
		full, _ := longName(size)
		net := wfnet("net", "i a p1", "p1 b o")
		net.Transitions[0].Label, net.Transitions[0].ID = full, full
		tr := tree.New(tree.Seq)
		tr.Children = []*tree.Node{tree.Activity(full), tree.Activity("b")}
		for _, c := range []struct {
			name string
			run  func() error
		}{
			{"petri-dot", func() error { _, err := PetriNetDOT(net); return err }},
			{"petri-svg", func() error { _, err := PetriNetSVG(ctx, net); return err }},
			{"tree-svg", func() error { _, err := TreeSVG(ctx, tr); return err }},
			{"tree-bpmn", func() error { _, err := TreeBPMN(ctx, tr, BPMNOptions{}); return err }},
			{"petri-bpmn", func() error { _, err := PetriNetBPMN(ctx, net, BPMNOptions{}); return err }},
		} {
			b.Run(fmt.Sprintf("%s/name=%s", c.name, sizeName(size)), func(b *testing.B) {
				b.SetBytes(int64(len(full)))
				for b.Loop() {
					if err := c.run(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func sizeName(n int) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%dMB", n/1_000_000)
	}
	return fmt.Sprintf("%dkB", n/1000)
}
