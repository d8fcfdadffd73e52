package bpmnview

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pmx-dev/pmx/analysis/units"
	"github.com/pmx-dev/pmx/mining/bpmn"
)

// Drawing constants, in diagram pixels.
const (
	margin      = 20
	legendH     = 46
	badgeR      = 9
	badgeStep   = 22 // between badges on one flow
	fontFamily  = "Helvetica,Arial,sans-serif"
	charW       = 6.4 // mean glyph width at 12 px, for wrapping
	lineH       = 14
	poolLabelW  = 30 // bpmn.io's pool header width
	maxLabel    = 24 // runes of a log-only activity's name beside its badge
	flowStroke  = "#555555"
	badgeFill   = "#d32f2f"
	notRunFill  = "#f2f2f2"
	shapeStroke = "#333333"
)

// SVG draws process ov.Process of m with the overlay painted on it, as one
// <svg> element to inline in a page (no prolog, no external reference).
// Without DI the process is laid out by Graphviz, which ctx may cancel.
func SVG(ctx context.Context, m *bpmn.Model, ov *Overlay) (string, error) {
	if m == nil || ov == nil {
		return "", fmt.Errorf("bpmnview: SVG needs a model and an overlay: %w", ErrInput)
	}
	p, err := pickProcess(m, ov.Process)
	if err != nil {
		return "", err
	}
	g, err := layoutOf(ctx, m, p)
	if err != nil {
		return "", err
	}
	d := &drawing{p: p, g: g, ov: ov, tasks: map[string]*TaskStat{}, flows: map[string]*FlowStat{}, nodes: map[string]*bpmn.Node{}}
	for i := range ov.Tasks {
		d.tasks[ov.Tasks[i].Node] = &ov.Tasks[i]
	}
	for i := range ov.Flows {
		d.flows[ov.Flows[i].Flow] = &ov.Flows[i]
		d.maxCases = max(d.maxCases, ov.Flows[i].Cases)
	}
	for _, n := range p.Nodes {
		d.nodes[n.ID] = n
	}
	return d.render(), nil
}

type drawing struct {
	p        *bpmn.Process
	g        *geometry
	ov       *Overlay
	tasks    map[string]*TaskStat
	flows    map[string]*FlowStat
	nodes    map[string]*bpmn.Node
	maxCases int64
	placed   []badgeAt
	badged   map[string]bool // flows that carry a badge
	b        strings.Builder
}

func (d *drawing) render() string {
	bb := newBox()
	pool, hasPool := d.poolBounds()
	if hasPool {
		bb.addBounds(pool)
	}
	for _, n := range d.p.Nodes {
		b, ok := d.g.shapes[n.ID]
		if !ok || d.g.hidden[n.ID] {
			continue
		}
		bb.addBounds(b)
		// Event and gateway labels sit outside their shapes.
		if n.Name != "" && n.Kind != bpmn.Task && n.Kind != bpmn.SubProcess {
			half := charW * float64(min(len([]rune(n.Name)), 30)) / 2
			bb.add(b.X+b.W/2-half, b.Y-lineH-8)
			bb.add(b.X+b.W/2+half, b.Y+b.H+lineH+4)
		}
	}
	for id, r := range d.g.routes {
		if d.g.hidden[id] {
			continue
		}
		for _, pt := range r {
			bb.add(pt.X, pt.Y)
		}
	}
	if bb.empty() {
		bb = box{0, 0, 200, 40}
	}
	// Room for flow labels and badges past the outermost shapes.
	bb.x0, bb.y0, bb.x1, bb.y1 = bb.x0-margin, bb.y0-margin, bb.x1+margin+40, bb.y1+margin
	w, h := math.Max(bb.x1-bb.x0, 460), bb.y1-bb.y0+legendH
	fmt.Fprintf(&d.b, `<svg xmlns="http://www.w3.org/2000/svg" class="pmx-bpmn" viewBox="0 0 %s %s" width="%s" height="%s" font-family="%s" font-size="12">`,
		num(w), num(h), num(w), num(h), fontFamily)
	fmt.Fprintf(&d.b, `<g transform="translate(%s,%s)">`, num(-bb.x0), num(-bb.y0))
	if hasPool {
		d.drawPool(pool)
	}
	// Expanded subprocesses first, outer before inner, so that their
	// content is drawn over them.
	var subs []*bpmn.Node
	for _, n := range d.p.Nodes {
		if n.Kind == bpmn.SubProcess && d.g.expanded(n.ID) {
			subs = append(subs, n)
		}
	}
	slices.SortStableFunc(subs, func(a, b *bpmn.Node) int { return d.depth(a) - d.depth(b) })
	for _, n := range subs {
		d.node(n)
	}
	for _, f := range d.p.Flows {
		d.flow(f)
	}
	for _, n := range d.p.Nodes {
		if !(n.Kind == bpmn.SubProcess && d.g.expanded(n.ID)) {
			d.node(n)
		}
	}
	d.placeBadges()
	for _, f := range d.p.Flows {
		d.flowLabel(f)
	}
	d.badges()
	d.b.WriteString(`</g>`)
	d.legend(bb.y1 - bb.y0)
	d.b.WriteString(`</svg>`)
	return d.b.String()
}

// depth is how many subprocesses hold n (a cycle in a broken file stops
// the count).
func (d *drawing) depth(n *bpmn.Node) int {
	k := 0
	for sp := n.SubProcess; sp != "" && k <= len(d.nodes); k++ {
		p := d.nodes[sp]
		if p == nil {
			break
		}
		sp = p.SubProcess
	}
	return k
}

// poolBounds is the pool's shape from the DI or, when the file gives
// lanes but no pool shape, the lanes' box with bpmn.io's header on its
// left.
func (d *drawing) poolBounds() (bpmn.Bounds, bool) {
	if !d.g.fromDI {
		return bpmn.Bounds{}, false
	}
	if d.p.Bounds != nil {
		return *d.p.Bounds, true
	}
	if len(d.p.Lanes) == 0 {
		return bpmn.Bounds{}, false
	}
	bb := newBox()
	for _, l := range d.p.Lanes {
		if l.Bounds != nil {
			bb.addBounds(*l.Bounds)
		}
	}
	if bb.empty() {
		return bpmn.Bounds{}, false
	}
	return bpmn.Bounds{X: bb.x0 - poolLabelW, Y: bb.y0, W: bb.x1 - bb.x0 + poolLabelW, H: bb.y1 - bb.y0}, true
}

func (d *drawing) drawPool(pool bpmn.Bounds) {
	name := processName(d.p)
	d.band("pmx-bpmn-pool", pool, name, "Pool "+name)
	var lanes func(ls []*bpmn.Lane)
	lanes = func(ls []*bpmn.Lane) {
		for _, l := range ls {
			if l.Bounds != nil {
				d.band("pmx-bpmn-lane", *l.Bounds, l.Name, "Lane "+orID(l.Name, l.ID))
			}
			lanes(l.Children)
		}
	}
	lanes(d.p.Lanes)
}

// band is a pool or lane: a box with its name written upwards in a header
// strip on the left.
func (d *drawing) band(class string, b bpmn.Bounds, name, title string) {
	fmt.Fprintf(&d.b, `<g class="%s"><title>%s</title>`, class, esc(title))
	fmt.Fprintf(&d.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="%s"/>`, num(b.X), num(b.Y), num(b.W), num(b.H), shapeStroke)
	fmt.Fprintf(&d.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`, num(b.X+poolLabelW), num(b.Y), num(b.X+poolLabelW), num(b.Y+b.H), shapeStroke)
	cx, cy := b.X+poolLabelW/2, b.Y+b.H/2
	fmt.Fprintf(&d.b, `<text x="%s" y="%s" text-anchor="middle" dominant-baseline="middle" transform="rotate(-90 %s %s)">%s</text></g>`,
		num(cx), num(cy), num(cx), num(cy), esc(cut(name, int(b.H/charW))))
}

// processName is how a process is called: its pool's name (the reader
// keeps the participant's name), its own, or its ID.
func processName(p *bpmn.Process) string {
	if p.Participant != "" {
		return p.Participant
	}
	return orID(p.Name, p.ID)
}

func orID(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

// num writes a coordinate to a tenth of a pixel; a coordinate that is
// not a number (a broken DI) is drawn at 0 rather than written as NaN.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// esc escapes s for XML text and double-quoted attributes (the same rules
// hold in HTML's SVG content); control characters and the other code
// points XML cannot carry (U+FFFE, U+FFFF, invalid UTF-8) become spaces.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '\n':
			b.WriteString("&#10;")
		case r < 0x20 || r == 0x7f || r == 0xfffd || !xmlChar(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xmlChar says whether XML 1.0 can carry r at all (its Char production).
func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// cut shortens s to n runes, marking the cut with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if n < 1 {
		n = 1
	}
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// wrap breaks a name into at most lines lines of at most width runes,
// at spaces where it can; a name that does not fit ends in an ellipsis.
func wrap(s string, width, lines int) []string {
	width, lines = max(width, 1), max(lines, 1)
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		for len([]rune(w)) > width { // a word longer than a line is split
			if cur != "" {
				out, cur = append(out, cur), ""
			}
			r := []rune(w)
			out, w = append(out, string(r[:width])), string(r[width:])
		}
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= width:
			cur += " " + w
		default:
			out, cur = append(out, cur), w
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	if len(out) > lines {
		out = out[:lines]
		r := []rune(out[lines-1])
		if len(r) >= width {
			r = r[:width-1]
		}
		out[lines-1] = string(r) + "…"
	}
	return out
}

// text writes lines centred on (x, y).
func (d *drawing) text(x, y float64, lines []string, extra string) {
	y0 := y - float64(len(lines)-1)*lineH/2
	fmt.Fprintf(&d.b, `<text x="%s" y="%s" text-anchor="middle" dominant-baseline="middle"%s>`, num(x), num(y0), extra)
	for i, l := range lines {
		if i == 0 {
			fmt.Fprintf(&d.b, `<tspan x="%s" y="%s">%s</tspan>`, num(x), num(y0), esc(l))
		} else { // y, not dy: the report's SVG allowlist keeps no dy
			fmt.Fprintf(&d.b, `<tspan x="%s" y="%s">%s</tspan>`, num(x), num(y0+float64(i)*lineH), esc(l))
		}
	}
	d.b.WriteString(`</text>`)
}

// fill is the skip rate's colour: green (never skipped) through amber to
// red (always skipped), interpolated in sRGB.
func fill(rate float64) string {
	stops := [3][3]float64{{0xdf, 0xf0, 0xe0}, {0xf7, 0xd9, 0x8b}, {0xe0, 0x6c, 0x5a}}
	rate = math.Min(1, math.Max(0, rate))
	i, t := 0, rate*2
	if t > 1 {
		i, t = 1, t-1
	}
	var c [3]int
	for k := range c {
		c[k] = int(math.Round(stops[i][k] + (stops[i+1][k]-stops[i][k])*t))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}

func (d *drawing) legend(y float64) {
	fmt.Fprintf(&d.b, `<g class="pmx-bpmn-legend" transform="translate(%d,%s)" font-size="11">`, margin, num(y+8))
	d.b.WriteString(`<text x="0" y="12">Skip rate of a task (the log lacks it where the model needs it):</text>`)
	x := 0.0
	for i, r := range []float64{0, 0.25, 0.5, 0.75, 1} {
		x = float64(i) * 52
		fmt.Fprintf(&d.b, `<rect x="%s" y="20" width="18" height="12" rx="3" fill="%s" stroke="%s"/><text x="%s" y="30">%s</text>`,
			num(x), fill(r), shapeStroke, num(x+22), esc(strconv.Itoa(int(r*100))+" %"))
	}
	x += 60
	fmt.Fprintf(&d.b, `<rect x="%s" y="20" width="18" height="12" rx="3" fill="%s" stroke="%s" stroke-dasharray="3 2"/><text x="%s" y="30">not reached</text>`,
		num(x), notRunFill, shapeStroke, num(x+22))
	x += 96
	fmt.Fprintf(&d.b, `<circle cx="%s" cy="26" r="%d" fill="%s"/><text x="%s" y="30" fill="#ffffff" text-anchor="middle" font-size="9">n</text><text x="%s" y="30">log-only activity, n cases</text>`,
		num(x+badgeR), badgeR, badgeFill, num(x+badgeR), num(x+2*badgeR+4))
	d.b.WriteString(`</g>`)
}

func kindName(n *bpmn.Node) string {
	switch n.Kind {
	case bpmn.StartEvent:
		return "start event"
	case bpmn.EndEvent:
		return "end event"
	case bpmn.ExclusiveGateway:
		return "exclusive gateway"
	case bpmn.ParallelGateway:
		return "parallel gateway"
	case bpmn.InclusiveGateway:
		return "inclusive gateway"
	case bpmn.EventBasedGateway:
		return "event-based gateway"
	case bpmn.IntermediateEvent:
		return "intermediate event"
	case bpmn.BoundaryEvent:
		return "boundary event"
	case bpmn.SubProcess:
		return "subprocess"
	}
	return "task"
}

// kindTitle is the kind as a title says it, with an event's trigger.
func kindTitle(n *bpmn.Node) string {
	if n.Trigger != "" {
		return n.Trigger + " " + kindName(n)
	}
	return kindName(n)
}

func cases(n int64) string {
	if n == 1 {
		return "1 case"
	}
	return units.Count(n) + " cases"
}
