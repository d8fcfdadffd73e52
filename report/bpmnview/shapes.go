package bpmnview

import (
	"fmt"
	"math"
	"strings"

	"github.com/pmx-dev/pmx/analysis/units"
	"github.com/pmx-dev/pmx/mining/bpmn"
)

// node draws one flow node at its shape, with a <title> for hover.
func (d *drawing) node(n *bpmn.Node) {
	b, ok := d.g.shapes[n.ID]
	if !ok || d.g.hidden[n.ID] {
		return
	}
	title := orID(n.Name, n.ID) + " (" + kindTitle(n) + ")"
	class := "pmx-bpmn-node"
	switch {
	case n.Kind == bpmn.Task:
		class, title = "pmx-bpmn-task", d.taskTitle(n)
	case n.Kind == bpmn.SubProcess && !d.g.expanded(n.ID):
		title += d.contentTitle(n.ID)
	}
	fmt.Fprintf(&d.b, `<g class="%s"><title>%s</title>`, class, esc(title))
	cx, cy := b.X+b.W/2, b.Y+b.H/2
	r := math.Min(b.W, b.H) / 2
	switch n.Kind {
	case bpmn.Task:
		f, dash := notRunFill, ` stroke-dasharray="4 3"`
		if t := d.tasks[n.ID]; t != nil && t.Ran {
			f, dash = fill(t.SkipRate), ""
		}
		fmt.Fprintf(&d.b, `<rect x="%s" y="%s" width="%s" height="%s" rx="10" fill="%s" stroke="%s" stroke-width="1.5"%s/>`,
			num(b.X), num(b.Y), num(b.W), num(b.H), f, shapeStroke, dash)
		lines := wrap(n.Name, int((b.W-10)/charW), int((b.H-8)/lineH))
		d.text(cx, cy, lines, "")
	case bpmn.SubProcess:
		fmt.Fprintf(&d.b, `<rect x="%s" y="%s" width="%s" height="%s" rx="10" fill="#ffffff" fill-opacity="0.6" stroke="%s" stroke-width="1.5"/>`,
			num(b.X), num(b.Y), num(b.W), num(b.H), shapeStroke)
		if d.g.expanded(n.ID) { // the name at the top left
			fmt.Fprintf(&d.b, `<text x="%s" y="%s">%s</text>`, num(b.X+8), num(b.Y+16), esc(cut(n.Name, int((b.W-16)/charW))))
		} else { // collapsed: the name and the [+] marker
			d.text(cx, cy-6, wrap(n.Name, int((b.W-10)/charW), int((b.H-24)/lineH)), "")
			fmt.Fprintf(&d.b, `<rect x="%s" y="%s" width="14" height="14" fill="none" stroke="%s"/><path d="M%s %sh8M%s %sv8" stroke="%s"/>`,
				num(cx-7), num(b.Y+b.H-16), shapeStroke, num(cx-4), num(b.Y+b.H-9), num(cx), num(b.Y+b.H-13), shapeStroke)
		}
	case bpmn.ExclusiveGateway, bpmn.ParallelGateway, bpmn.InclusiveGateway, bpmn.EventBasedGateway:
		fmt.Fprintf(&d.b, `<polygon points="%s,%s %s,%s %s,%s %s,%s" fill="#ffffff" stroke="%s" stroke-width="1.5"/>`,
			num(cx), num(b.Y), num(b.X+b.W), num(cy), num(cx), num(b.Y+b.H), num(b.X), num(cy), shapeStroke)
		d.gatewayMarker(n.Kind, cx, cy, r)
		if n.Name != "" { // the label above, as modelers place it
			d.text(cx, b.Y-8, []string{cut(n.Name, 30)}, ` font-size="11"`)
		}
	default: // events
		width := "1.5"
		if n.Kind == bpmn.EndEvent {
			width = "4"
		}
		dash := ""
		if n.Kind == bpmn.BoundaryEvent && !n.Interrupting {
			dash = ` stroke-dasharray="4 3"`
		}
		fmt.Fprintf(&d.b, `<circle cx="%s" cy="%s" r="%s" fill="#ffffff" stroke="%s" stroke-width="%s"%s/>`, num(cx), num(cy), num(r), shapeStroke, width, dash)
		if n.Kind == bpmn.IntermediateEvent || n.Kind == bpmn.BoundaryEvent {
			fmt.Fprintf(&d.b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s"%s/>`, num(cx), num(cy), num(r-3), shapeStroke, dash)
		}
		if n.Trigger == "terminate" {
			fmt.Fprintf(&d.b, `<circle cx="%s" cy="%s" r="%s" fill="%s"/>`, num(cx), num(cy), num(r*0.55), shapeStroke)
		}
		if n.Name != "" { // the label below
			d.text(cx, b.Y+b.H+12, []string{cut(n.Name, 30)}, ` font-size="11"`)
		}
	}
	d.b.WriteString(`</g>`)
}

// gatewayMarker draws the type marker inside a gateway's diamond.
func (d *drawing) gatewayMarker(k bpmn.Kind, cx, cy, r float64) {
	s := r * 0.42
	switch k {
	case bpmn.ExclusiveGateway:
		fmt.Fprintf(&d.b, `<path d="M%s %sL%s %sM%s %sL%s %s" stroke="%s" stroke-width="3" stroke-linecap="round"/>`,
			num(cx-s*0.8), num(cy-s*0.8), num(cx+s*0.8), num(cy+s*0.8), num(cx+s*0.8), num(cy-s*0.8), num(cx-s*0.8), num(cy+s*0.8), shapeStroke)
	case bpmn.ParallelGateway:
		fmt.Fprintf(&d.b, `<path d="M%s %sL%s %sM%s %sL%s %s" stroke="%s" stroke-width="3"/>`,
			num(cx-s), num(cy), num(cx+s), num(cy), num(cx), num(cy-s), num(cx), num(cy+s), shapeStroke)
	case bpmn.InclusiveGateway:
		fmt.Fprintf(&d.b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="2.5"/>`, num(cx), num(cy), num(s), shapeStroke)
	case bpmn.EventBasedGateway:
		fmt.Fprintf(&d.b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s"/><circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s"/>`,
			num(cx), num(cy), num(s*1.25), shapeStroke, num(cx), num(cy), num(s), shapeStroke)
		var pts []string
		for i := 0; i < 5; i++ {
			a := -math.Pi/2 + float64(i)*2*math.Pi/5
			pts = append(pts, num(cx+s*0.62*math.Cos(a))+","+num(cy+s*0.62*math.Sin(a)))
		}
		fmt.Fprintf(&d.b, `<polygon points="%s" fill="none" stroke="%s"/>`, strings.Join(pts, " "), shapeStroke)
	}
}

// contentTitle lists the figures of the tasks a collapsed subprocess
// holds, since the drawing does not show them.
func (d *drawing) contentTitle(sp string) string {
	var b strings.Builder
	for _, n := range d.p.Nodes {
		if n.Kind != bpmn.Task || !d.within(n.ID, sp) {
			continue
		}
		b.WriteString("\n" + orID(n.Name, n.ID) + ": ")
		if t := d.tasks[n.ID]; t != nil && t.Ran {
			fmt.Fprintf(&b, "%s in step, %s skipped (%s)", units.Count(t.Sync), units.Count(t.Skipped), units.Percent(t.SkipRate))
		} else {
			b.WriteString("not reached")
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "\ninside:" + b.String()
}

// within says whether node id lies in subprocess sp, at any depth.
func (d *drawing) within(id, sp string) bool {
	n := d.nodes[id]
	for k := 0; n != nil && n.SubProcess != "" && k <= len(d.nodes); k++ { // k: a cycle ends
		if n.SubProcess == sp {
			return true
		}
		n = d.nodes[n.SubProcess]
	}
	return false
}

func (d *drawing) taskTitle(n *bpmn.Node) string {
	t := d.tasks[n.ID]
	name := orID(n.Name, n.ID)
	if t == nil || !t.Ran {
		return name + "\nnot reached by any aligned case"
	}
	return fmt.Sprintf("%s\nin step with the log: %s\nskipped (model-only moves): %s\nskip rate: %s",
		name, cases(t.Sync), cases(t.Skipped), units.Percent(t.SkipRate))
}

// flow draws a sequence flow along its route, its width growing with the
// cases that passed it, with an arrowhead at the target.
func (d *drawing) flow(f *bpmn.Flow) {
	r := d.g.routes[f.ID]
	if len(r) < 2 || d.g.hidden[f.ID] {
		return
	}
	fs := d.flows[f.ID]
	width, dash := 1.5, ""
	if fs == nil || fs.Cases == 0 {
		dash = ` stroke-dasharray="5 4"`
	} else if d.maxCases > 0 {
		width = 1.5 + 3*float64(fs.Cases)/float64(d.maxCases)
	}
	fmt.Fprintf(&d.b, `<g class="pmx-bpmn-flow"><title>%s</title>`, esc(d.flowTitle(f, fs)))
	// The line stops where the arrowhead starts, so a thick line does not
	// blunt its tip.
	a, z := r[len(r)-2], r[len(r)-1]
	const al, aw = 10, 4.5
	l := math.Hypot(z.X-a.X, z.Y-a.Y)
	var ux, uy float64
	if l > 0 {
		ux, uy = (z.X-a.X)/l, (z.Y-a.Y)/l
	}
	line := append([]bpmn.Point(nil), r...)
	if l > al {
		line[len(line)-1] = bpmn.Point{X: z.X - ux*al*0.8, Y: z.Y - uy*al*0.8}
	}
	var path strings.Builder
	for i, p := range line {
		if i == 0 {
			path.WriteString("M")
		} else {
			path.WriteString("L")
		}
		path.WriteString(num(p.X) + " " + num(p.Y))
	}
	fmt.Fprintf(&d.b, `<path d="%s" fill="none" stroke="%s" stroke-width="%s" stroke-linejoin="round"%s/>`, path.String(), flowStroke, num(width), dash)
	// The arrowhead: a triangle at the last waypoint along the last segment.
	if l > 0 {
		fmt.Fprintf(&d.b, `<polygon points="%s,%s %s,%s %s,%s" fill="%s"/>`, num(z.X), num(z.Y),
			num(z.X-ux*al-uy*aw), num(z.Y-uy*al+ux*aw), num(z.X-ux*al+uy*aw), num(z.Y-uy*al-ux*aw), flowStroke)
	}
	d.b.WriteString(`</g>`)
}

func (d *drawing) flowTitle(f *bpmn.Flow, fs *FlowStat) string {
	name := "Sequence flow " + orID(f.Name, f.ID)
	if s, t := d.nodes[f.Source], d.nodes[f.Target]; s != nil && t != nil {
		name += ": " + orID(s.Name, s.ID) + " → " + orID(t.Name, t.ID)
	}
	if fs == nil || fs.Cases == 0 {
		return name + "\nno aligned case passed it"
	}
	s := fmt.Sprintf("%s\npassed by %s (%s)", name, cases(fs.Cases), plural(fs.Passes, "pass", "passes"))
	if fs.Timed > 0 {
		s += fmt.Sprintf("\nmean time on it: %s (over %s)", units.Duration(fs.MeanSeconds), plural(fs.Timed, "timed pass", "timed passes"))
	}
	return s
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return units.Count(n) + " " + many
}

// flowLabel writes the cases (and mean time) at the middle of the flow's
// longest segment, drawn after all shapes so none hides it.
func (d *drawing) flowLabel(f *bpmn.Flow) {
	r, fs := d.g.routes[f.ID], d.flows[f.ID]
	if len(r) < 2 || fs == nil || fs.Cases == 0 || d.g.hidden[f.ID] {
		return
	}
	best, at := -1.0, 0
	for i := 1; i < len(r); i++ {
		if l := math.Hypot(r[i].X-r[i-1].X, r[i].Y-r[i-1].Y); l > best {
			best, at = l, i
		}
	}
	mx, my := (r[at-1].X+r[at].X)/2, (r[at-1].Y+r[at].Y)/2
	label := units.Count(fs.Cases)
	if fs.Passes != fs.Cases { // a loop: how often, besides by how many
		label += " (" + units.Count(fs.Passes) + "×)"
	}
	if fs.Timed > 0 {
		label += " · " + units.Duration(fs.MeanSeconds)
	}
	anchor, x, y := "middle", mx, my-5
	if d.badged[f.ID] { // clear of the badge on the line
		y -= badgeR
	}
	if math.Abs(r[at].X-r[at-1].X) < math.Abs(r[at].Y-r[at-1].Y) { // vertical: beside it
		anchor, x, y = "start", mx+5, my+4
	}
	fmt.Fprintf(&d.b, `<text class="pmx-bpmn-flowlabel" x="%s" y="%s" text-anchor="%s" font-size="10" fill="#444444">%s</text>`,
		num(x), num(y), anchor, esc(label))
}

// badges draws a red badge with the count for each log-only activity, on
// the outgoing flow of the node it happened after that most cases took
// (the first in the diagram on a tie), or beside the node when it has
// none. Badges on one flow are spaced along it.
func (d *drawing) badges() {
	for _, b := range d.placed {
		d.badge(b.lo, b.x, b.y)
	}
}

// badgeAt is a log-only badge placed.
type badgeAt struct {
	lo   LogOnly
	x, y float64
}

// placeBadges finds where each badge goes (see badges) and which flows
// carry one, before the flow labels are written.
func (d *drawing) placeBadges() {
	d.badged = map[string]bool{}
	used := map[string]int{}
	for _, lo := range d.ov.LogOnly {
		after := lo.After
		if after == "" {
			for _, n := range d.p.Nodes {
				if n.Kind == bpmn.StartEvent && n.SubProcess == "" {
					after = n.ID
					break
				}
			}
		}
		if sp, ok := d.g.shown[after]; ok { // inside a collapsed subprocess: on its box
			after = sp
		}
		var best *bpmn.Flow
		var bestCases int64 = -1
		for _, f := range d.p.Flows {
			if fs := d.flows[f.ID]; f.Source == after && !d.g.hidden[f.ID] && len(d.g.routes[f.ID]) >= 2 && fs != nil && fs.Cases > bestCases {
				best, bestCases = f, fs.Cases
			}
		}
		var x, y float64
		key := "node " + after
		k := used[key]
		if best != nil {
			key = "flow " + best.ID
			k = used[key]
			d.badged[best.ID] = true
			route := d.g.routes[best.ID]
			// One place near the flow's start; the flow's further
			// badges stack upwards from it, each with its name to its
			// right, so that neither badges nor names overlap.
			p, _, _ := pointAt(route, math.Min(16, math.Max(pathLen(route)-12, 0)))
			x, y = p.X, p.Y-float64(k)*badgeStep
		} else if b, ok := d.g.shapes[after]; ok {
			x, y = b.X+b.W+badgeR+2, b.Y+badgeR+float64(k)*badgeStep
		} else {
			continue
		}
		used[key]++
		d.placed = append(d.placed, badgeAt{lo, x, y})
	}
}

// badge draws one log-only badge centred on (x, y), its count inside and
// the activity's name to its right (badges of one place stack upwards).
func (d *drawing) badge(lo LogOnly, x, y float64) {
	where := "at the start"
	if n := d.nodes[lo.After]; n != nil {
		where = "after " + orID(n.Name, n.ID)
	}
	title := fmt.Sprintf("Log-only activity “%s”: %s %s (not in the model there)", lo.Activity, cases(lo.Count), where)
	count := units.Count(lo.Count)
	rr := math.Max(badgeR, 3.2*float64(len(count))+3)
	fmt.Fprintf(&d.b, `<g class="pmx-bpmn-logonly"><title>%s</title>`, esc(title))
	fmt.Fprintf(&d.b, `<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="#ffffff" stroke-width="1.5"/>`, num(x), num(y), num(rr), badgeFill)
	fmt.Fprintf(&d.b, `<text x="%s" y="%s" text-anchor="middle" dominant-baseline="central" font-size="9" font-weight="bold" fill="#ffffff">%s</text>`, num(x), num(y), esc(count))
	fmt.Fprintf(&d.b, `<text x="%s" y="%s" font-size="10" fill="%s">%s</text></g>`, num(x+rr+3), num(y+3.5), badgeFill, esc(cut(lo.Activity, maxLabel)))
}
