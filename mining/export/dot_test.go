package export

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/tree"
)

func TestDOTGolden(t *testing.T) {
	small := mustTree(t, "->( 'a', X( 'b', 'c' ), 'd' )")
	loop := wfnet("loop", "i tau1 p1", "p1 a p2", "p2 b p1", "p2 tau2 o")
	weighted := wfnet("weighted", "i a p1", "p1 b o")
	weighted.Arcs[1].Weight = 2
	weighted.Initial[0] = 3
	weighted.Final[2] = 2
	for _, c := range []struct {
		golden string
		dot    func() (string, error)
	}{
		{"small_tree.dot", func() (string, error) { return TreeDOT(small) }},
		{"loop_net.dot", func() (string, error) { return PetriNetDOT(loop) }},
		{"weighted_net.dot", func() (string, error) { return PetriNetDOT(weighted) }},
	} {
		t.Run(c.golden, func(t *testing.T) {
			dot, err := c.dot()
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.golden, []byte(dot))
		})
	}
}

func TestDOTString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a", `"a"`},
		{"", `" "`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash \N`, `"back\\slash \\N"`},
		{"R&D", `"R&amp;D"`},
		{"two\nlines", `"two\nlines"`},
		{"tab\there\x00", `"tab here "`},
		{"Prüfung ✓", `"Prüfung ✓"`},
	} {
		if got := dotString(c.in); got != c.want {
			t.Errorf("dotString(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestDOTRejects(t *testing.T) {
	if _, err := TreeDOT(nil); err == nil {
		t.Error("nil tree: no error")
	}
	if _, err := TreeDOT(&tree.Node{Op: tree.Or + 1, Children: []*tree.Node{tree.Activity("a")}}); err == nil {
		t.Error("unknown operator: no error")
	}
	if _, err := PetriNetDOT(nil); err == nil {
		t.Error("nil net: no error")
	}
	if _, err := PetriNetDOT(&petri.Net{Places: []petri.Place{{ID: "p"}, {ID: "p"}}}); err == nil {
		t.Error("repeated place id: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := RenderSVG(ctx, "digraph { a }"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := RenderSVG(context.Background(), "digraph { a -> "); err == nil {
		t.Error("bad DOT: no error")
	}
}

// TestSVG renders every tree and net case and checks the SVG is well-formed
// XML with an <svg> root whose text shows every activity label, escaped
// correctly (a label line must come back unchanged from the XML decoder).
func TestSVG(t *testing.T) {
	ctx := context.Background()
	type svgCase struct {
		name   string
		render func() ([]byte, error)
		labels []string
	}
	var cases []svgCase
	for _, c := range treeCases {
		n := c.build()
		cases = append(cases, svgCase{"tree " + c.name, func() ([]byte, error) { return TreeSVG(ctx, n) }, n.Leaves()})
	}
	for _, c := range netCases() {
		var labels []string
		for _, tr := range c.net.Transitions {
			if !tr.Silent {
				labels = append(labels, tr.Label)
			}
		}
		cases = append(cases, svgCase{"net " + c.name, func() ([]byte, error) { return PetriNetSVG(ctx, c.net) }, labels})
	}
	hostile := wfnet("hostile", "i x p1", "p1 y o")
	hostile.Transitions[0].Label = `R&D <review> "now"`
	hostile.Transitions[1].Label = `a&lt;b \N`
	cases = append(cases, svgCase{"net hostile labels", func() ([]byte, error) { return PetriNetSVG(ctx, hostile) },
		[]string{`R&D <review> "now"`, `a&lt;b \N`}})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svg, err := c.render()
			if err != nil {
				t.Fatal(err)
			}
			texts, root, err := svgTexts(svg)
			if err != nil {
				t.Fatalf("SVG is not well-formed XML: %v", err)
			}
			if root != "svg" {
				t.Errorf("root element %q, want svg", root)
			}
			have := map[string]bool{}
			for _, s := range texts {
				have[s] = true
			}
			for _, s := range texts {
				if dotName.MatchString(s) {
					t.Errorf("the SVG shows the DOT node name %q: an empty label drew the name", s)
				}
			}
			for _, l := range c.labels {
				for _, line := range strings.Split(l, "\n") {
					if !have[line] {
						t.Errorf("no <text> %q in the SVG; texts: %q", line, texts)
					}
				}
			}
		})
	}
}

var dotName = regexp.MustCompile(`^[ptn][0-9]+$`)

// svgTexts decodes an SVG strictly and returns the content of its <text>
// elements and the name of the root element.
func svgTexts(svg []byte) (texts []string, root string, err error) {
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	d.Strict = true
	var cur *strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return texts, root, nil
		}
		if err != nil {
			return nil, "", err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			if tok.Name.Local == "text" {
				cur = &strings.Builder{}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" && cur != nil {
				texts = append(texts, cur.String())
				cur = nil
			}
		}
	}
}
