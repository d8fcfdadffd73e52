package report

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The SVG Graphviz writes is parsed and written out again before it is
// inlined, keeping only what a static drawing needs. This is structural, not
// a search for bad words: data reaches the SVG only as text (labels, titles)
// and attribute values, and the rewrite escapes both for the context they
// land in, so a name such as `<script>`, `a href="javascript:x"` or
// `onload=x` is drawn as those characters and can never become markup.
// Markup the allowlists below do not name is refused (an element) or dropped
// (an attribute): Graphviz never writes it for the DOT this package builds.

// svgElements are the elements Graphviz uses for a static drawing. <a> is
// not among them: Graphviz wraps a node in <a> for a tooltip or a link, and
// the rewrite replaces it by a plain <g> (see unwrapLinks).
var svgElements = map[string]bool{
	"svg": true, "g": true, "title": true, "text": true, "tspan": true,
	"path": true, "polygon": true, "polyline": true, "ellipse": true, "circle": true, "rect": true, "line": true,
	"defs": true, "linearGradient": true, "radialGradient": true, "stop": true,
}

// svgAttrs are the presentation and geometry attributes kept, by name as
// written (prefix:local). No event handler, href, style or anything else
// that can run code, load a resource or restyle the page is among them.
var svgAttrs = map[string]bool{
	"xmlns": true, "xmlns:xlink": true, "id": true, "class": true, "transform": true,
	"viewBox": true, "width": true, "height": true, "preserveAspectRatio": true,
	"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true,
	"cx": true, "cy": true, "r": true, "rx": true, "ry": true, "points": true, "d": true,
	"fill": true, "fill-opacity": true, "stroke": true, "stroke-width": true, "stroke-opacity": true,
	"stroke-dasharray": true, "stroke-linecap": true, "stroke-linejoin": true, "stroke-miterlimit": true, "opacity": true,
	"font-family": true, "font-size": true, "font-weight": true, "font-style": true, "font-stretch": true,
	"text-anchor": true, "text-decoration": true, "baseline-shift": true, "dominant-baseline": true,
	"offset": true, "stop-color": true, "stop-opacity": true, "gradientUnits": true, "gradientTransform": true,
}

// svgNode is an element of a parsed SVG. A child is either an element or,
// when el is nil, a run of text.
type svgNode struct {
	name  string
	attrs []xml.Attr // Name.Space holds the prefix as written (xlink), not a URL
	kids  []svgChild
}

type svgChild struct {
	el   *svgNode
	text string
}

func (n *svgNode) attr(name string) (string, bool) {
	for _, a := range n.attrs {
		if attrName(a.Name) == name {
			return a.Value, true
		}
	}
	return "", false
}

func attrName(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// svgOptions tune the rewrite for where the drawing goes.
type svgOptions struct {
	// idPrefix is put before every id (and every url(#id) reference), so two
	// Graphviz drawings on one page do not share ids such as "graph0".
	idPrefix string
	// titles replaces the <title> of each node group whose title is a key
	// (the DOT node name) with the value: the full name a cut label stands
	// for, shown as the node's tooltip.
	titles map[string]string
}

// cleanSVG rewrites a Graphviz SVG document into the bare <svg> element to
// inline: prolog, doctype and comments dropped, elements and attributes
// limited to the allowlists, <a> wrappers turned into groups, text and
// attribute values escaped anew. Linear in the size of the SVG.
func cleanSVG(s string, opt svgOptions) (string, error) {
	root, err := parseSVG(s)
	if err != nil {
		return "", err
	}
	if err := checkSVG(root); err != nil {
		return "", err
	}
	unwrapLinks(root, opt.titles, false)
	var b strings.Builder
	b.Grow(len(s))
	writeSVG(&b, root, opt.idPrefix)
	return b.String(), nil
}

// parseSVG reads the document into a tree. The decoder checks that the XML
// is well formed; entities are decoded here and escaped again on output.
func parseSVG(s string) (*svgNode, error) {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	var root *svgNode
	var stack []*svgNode
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("report: graphviz SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &svgNode{name: attrName(t.Name), attrs: append([]xml.Attr(nil), t.Attr...)}
			switch {
			case len(stack) > 0:
				top := stack[len(stack)-1]
				top.kids = append(top.kids, svgChild{el: n})
			case root != nil:
				return nil, fmt.Errorf("report: graphviz SVG has a second root element <%s>", n.name)
			default:
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != attrName(t.Name) {
				return nil, fmt.Errorf("report: graphviz SVG: unexpected </%s>", attrName(t.Name))
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.kids = append(top.kids, svgChild{text: string(t)})
			}
		}
		// Comments, processing instructions and the doctype are dropped.
	}
	if root == nil || root.name != "svg" {
		return nil, fmt.Errorf("report: graphviz returned no <svg> element")
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("report: graphviz SVG: <%s> not closed", stack[len(stack)-1].name)
	}
	return root, nil
}

// checkSVG refuses any element outside svgElements (and <a>, which
// unwrapLinks replaces).
func checkSVG(n *svgNode) error {
	if !svgElements[n.name] && n.name != "a" {
		return fmt.Errorf("report: unexpected <%s> in graphviz SVG", n.name)
	}
	for _, k := range n.kids {
		if k.el != nil {
			if err := checkSVG(k.el); err != nil {
				return err
			}
		}
	}
	return nil
}

// unwrapLinks replaces every <a> by a <g> holding the same children. Its
// xlink:title, Graphviz's tooltip, becomes the group's <title> unless the
// node already got its full name from titles (hasTitle), which must not
// be hidden by an inner, shorter one. No link target survives.
func unwrapLinks(n *svgNode, titles map[string]string, hasTitle bool) {
	if n.name == "g" && hasClass(n, "node") {
		for _, k := range n.kids {
			if t := k.el; t != nil && t.name == "title" {
				if full, ok := titles[textOf(t)]; ok {
					t.kids = []svgChild{{text: full}}
					hasTitle = true
				}
				break
			}
		}
	}
	if n.name == "a" {
		tip, ok := n.attr("xlink:title")
		n.name, n.attrs = "g", nil
		if ok && !hasTitle {
			n.kids = append([]svgChild{{el: &svgNode{name: "title", kids: []svgChild{{text: tip}}}}}, n.kids...)
		}
	}
	for _, k := range n.kids {
		if k.el != nil {
			unwrapLinks(k.el, titles, hasTitle)
		}
	}
}

func hasClass(n *svgNode, class string) bool {
	v, _ := n.attr("class")
	for _, c := range strings.Fields(v) {
		if c == class {
			return true
		}
	}
	return false
}

func textOf(n *svgNode) string {
	var b strings.Builder
	for _, k := range n.kids {
		if k.el == nil {
			b.WriteString(k.text)
		}
	}
	return b.String()
}

// writeSVG serialises the tree, keeping allowlisted attributes only.
func writeSVG(b *strings.Builder, n *svgNode, idPrefix string) {
	b.WriteByte('<')
	b.WriteString(n.name)
	for _, a := range n.attrs {
		name := attrName(a.Name)
		if !svgAttrs[name] {
			continue
		}
		v, ok := attrValue(name, a.Value, idPrefix)
		if !ok {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(name)
		b.WriteString(`="`)
		escapeSVG(b, v, true)
		b.WriteByte('"')
	}
	if len(n.kids) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteByte('>')
	for _, k := range n.kids {
		if k.el != nil {
			writeSVG(b, k.el, idPrefix)
		} else {
			escapeSVG(b, k.text, false)
		}
	}
	b.WriteString("</")
	b.WriteString(n.name)
	b.WriteByte('>')
}

// attrValue prefixes ids and url(#id) references, and drops a paint that
// refers to anything but an element of the drawing.
func attrValue(name, v, idPrefix string) (string, bool) {
	if name == "id" {
		return idPrefix + v, true
	}
	if i := strings.Index(v, "url("); i >= 0 {
		ref, ok := strings.CutPrefix(strings.TrimSpace(v[i+len("url("):]), "#")
		if !ok || i > 0 || !strings.HasSuffix(ref, ")") || strings.ContainsAny(ref[:len(ref)-1], `()'" \`) {
			return "", false
		}
		return "url(#" + idPrefix + ref, true
	}
	return v, true
}

// escapeSVG writes s escaped for XML text or a double-quoted attribute;
// both parse the same in HTML's foreign (SVG) content. The set matches what
// Graphviz itself escapes, plus line breaks and tabs in attributes.
func escapeSVG(b *strings.Builder, s string, inAttr bool) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		case '\'':
			esc = "&#39;"
		case '\n', '\r', '\t':
			if !inAttr {
				continue
			}
			esc = fmt.Sprintf("&#%d;", s[i])
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}
