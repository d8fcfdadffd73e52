package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/petri"
)

// injectionNames are activity names that look like markup or script. A
// report must show each as text, in the map and in the model, and never
// refuse the log because of one. The payloads set window.__pwned, which the
// Chromium test checks.
var injectionNames = []string{
	`a href="javascript:alert(1)"`,
	`<script>window.__pwned=1</script>`,
	`javascript:x`,
	`onload=x`,
	`<img src=x onerror="window.__pwned=1">`,
	`" onmouseover="window.__pwned=1`,
	`<a xlink:href="javascript:window.__pwned=1">click</a>`,
	`]]><svg onload="window.__pwned=1">`,
	`<style>body{display:none}</style>`,
	`HREF=x SRC=y`,
}

// injectionInput is the running example with every injection name as an
// activity of the map (with edges and a variant) and as a transition of
// the model section's Petri net (labels and ids), drawn the way pmx report
// draws it: export.PetriNetDOT plus export.PetriNetTitles.
func injectionInput() Input {
	in := runningExample()
	counts := map[string]int64{}
	for k, v := range in.Stats.ActivityCounts {
		counts[k] = v
	}
	net := &petri.Net{Name: "injection", Initial: petri.Marking{}, Final: petri.Marking{}}
	prev := net.AddPlace("source")
	net.Initial[prev] = 1
	for i, name := range injectionNames {
		counts[name] = int64(i + 1)
		from := "decide"
		if i > 0 {
			from = injectionNames[i-1]
		}
		in.DFG.Edges = append(in.DFG.Edges, facts.Edge{From: from, To: name, Count: int64(i + 1), MeanSeconds: hour})
		t := net.AddTransition(name+" (id)", name, false)
		next := net.AddPlace("p " + name)
		net.AddInput(prev, t)
		net.AddOutput(t, next)
		prev = next
	}
	net.Final[prev] = 1
	in.Stats.ActivityCounts, in.DFG.ActivityCounts = counts, counts
	in.Variants = append([]facts.Variant{{Activities: injectionNames, Count: 1, Share: 0.1}}, in.Variants...)
	dot, err := export.PetriNetDOT(net)
	if err != nil {
		panic(err)
	}
	in.Model = &Model{Algorithm: "hand-made", DOT: dot, Titles: export.PetriNetTitles(net),
		Places: len(net.Places), Transitions: len(net.Transitions), Arcs: len(net.Arcs)}
	return in
}

// TestInjectionNamesShownAsText: the report renders (it used to refuse any
// name holding "href" or "javascript:"), both SVGs are well-formed and hold
// only allowlisted elements and attributes, and every name comes back, as
// text, from the <text> elements of the map and of the model.
func TestInjectionNamesShownAsText(t *testing.T) {
	var buf strings.Builder
	if err := Write(&buf, injectionInput()); err != nil {
		t.Fatalf("Write refused the log: %v", err)
	}
	out := buf.String()
	for _, section := range []string{`id="pmx-map"`, `id="pmx-model"`} {
		t.Run(section, func(t *testing.T) {
			i := strings.Index(out, section)
			if i < 0 {
				t.Fatalf("page lacks %s", section)
			}
			start := i + strings.Index(out[i:], "<svg")
			end := start + strings.Index(out[start:], "</svg>") + len("</svg>")
			texts, titles, err := inspectSVG(out[start:end])
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range injectionNames {
				if !texts[name] {
					t.Errorf("no <text> shows %q", name)
				}
				if section == `id="pmx-model"` && !titles[name] {
					t.Errorf("no <title> holds %q", name)
				}
			}
		})
	}
}

// inspectSVG parses an inlined SVG strictly and fails on any element or
// attribute outside the allowlists, any event handler or link; it returns
// the texts and titles it holds.
func inspectSVG(svg string) (texts, titles map[string]bool, err error) {
	d := xml.NewDecoder(strings.NewReader(svg))
	d.Strict = true
	texts, titles = map[string]bool{}, map[string]bool{}
	var cur *strings.Builder
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return texts, titles, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("SVG not well-formed: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !svgElements[t.Name.Local] || t.Name.Space != "" {
				return nil, nil, fmt.Errorf("element <%s> in the SVG", attrName(t.Name))
			}
			for _, a := range t.Attr {
				n := strings.ToLower(attrName(a.Name))
				if !svgAttrs[attrName(a.Name)] || strings.HasPrefix(n, "on") || strings.Contains(n, "href") {
					return nil, nil, fmt.Errorf("attribute %s=%q on <%s>", n, a.Value, t.Name.Local)
				}
			}
			if t.Name.Local == "text" || t.Name.Local == "title" {
				cur = &strings.Builder{}
			}
		case xml.CharData:
			if cur != nil {
				cur.Write(t)
			}
		case xml.EndElement:
			if cur != nil {
				s := strings.TrimSpace(cur.String())
				if t.Name.Local == "text" {
					texts[s] = true
				} else {
					titles[s] = true
				}
				cur = nil
			}
		}
	}
}

func TestCleanSVG(t *testing.T) {
	good := []struct{ name, in, want string }{
		{"prolog, doctype and comments dropped",
			"<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<!-- Generated -->\n<svg><!-- n0 --><g/></svg>", "<svg><g/></svg>"},
		{"text escaped anew", `<svg><text x="1">a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; &#160;</text></svg>`,
			"<svg><text x=\"1\">a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; \u00a0</text></svg>"},
		{"link unwrapped, its tooltip kept", `<svg xmlns:xlink="x"><g id="a_n"><a xlink:href="javascript:alert(1)" xlink:title="hi &amp; bye" target="_top"><text>t</text></a></g></svg>`,
			`<svg xmlns:xlink="x"><g id="a_n"><g><title>hi &amp; bye</title><text>t</text></g></g></svg>`},
		{"event handlers and style dropped", `<svg onload="alert(1)"><g onclick="x()" style="display:none" class="node"><path d="M0" onmouseover="y"/></g></svg>`,
			`<svg><g class="node"><path d="M0"/></g></svg>`},
		{"foreign paint dropped, local paint kept", `<svg><path fill="url(http://evil/x)" stroke="url(#l_0)"/><path fill="blue url(#a)"/></svg>`,
			`<svg><path stroke="url(#l_0)"/><path/></svg>`},
		{"attribute breakout stays inside the value", `<svg><g id="x&quot; onload=&quot;alert(1)"/></svg>`,
			`<svg><g id="x&quot; onload=&quot;alert(1)"/></svg>`},
	}
	for _, c := range good {
		t.Run(c.name, func(t *testing.T) {
			got, err := cleanSVG(c.in, svgOptions{})
			if err != nil || got != c.want {
				t.Errorf("cleanSVG =\n%q, %v\nwant\n%q", got, err, c.want)
			}
		})
	}
	for _, bad := range []string{"no svg here", "<svg><script>x</script></svg>", "<svg><foreignObject/></svg>",
		"<svg><!-- open</svg>", "<svg><image href='x'/></svg>", "<svg><style>*{}</style></svg>", "<svg><g></svg>",
		"<svg><use href='#a'/></svg>", "<svg/><svg/>", "<html><svg/></html>"} {
		if _, err := cleanSVG(bad, svgOptions{}); err == nil {
			t.Errorf("cleanSVG(%q) accepted", bad)
		}
	}
}

func TestCleanSVGOptions(t *testing.T) {
	in := `<svg><g id="graph0" class="graph"><title>model</title>
<g id="node1" class="node"><title>t0</title><g id="a_node1"><a xlink:title="short id"><text>cut…</text></a></g></g>
<g id="node2" class="node"><title>p0</title><g><a xlink:title="place id"><ellipse/></a></g></g>
<g id="edge1" class="edge"><title>t0&#45;&gt;p0</title><path fill="url(#g1)"/></g></g></svg>`
	want := `<svg><g id="m-graph0" class="graph"><title>model</title>
<g id="m-node1" class="node"><title>the full &lt;name&gt;</title><g id="m-a_node1"><g><text>cut…</text></g></g></g>
<g id="m-node2" class="node"><title>p0</title><g><g><title>place id</title><ellipse/></g></g></g>
<g id="m-edge1" class="edge"><title>t0-&gt;p0</title><path fill="url(#m-g1)"/></g></g></svg>`
	got, err := cleanSVG(in, svgOptions{idPrefix: "m-", titles: map[string]string{"t0": "the full <name>", "model": "no"}})
	if err != nil || got != want {
		t.Errorf("cleanSVG =\n%s, %v\nwant\n%s", got, err, want)
	}
}
