package bpmnview

import (
	"context"
	"fmt"
	"math"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/export"
)

// geometry is where the drawing puts each node and flow: the file's own
// DI when every node of the process has a shape, else a Graphviz layout.
type geometry struct {
	shapes map[string]bpmn.Bounds
	routes map[string][]bpmn.Point
	// fromDI: lanes and expanded subprocesses are drawn only with the
	// file's DI; a Graphviz layout has no room for them, so a subprocess
	// is drawn collapsed there (its content as a separate part).
	fromDI bool
	// collapsed subprocesses are drawn as a box with the [+] marker: all
	// of them without DI; with DI, those whose box holds none of their
	// content (a modeler draws a collapsed subprocess's content on a
	// plane of its own, at coordinates that would overlap this one).
	// hidden are the nodes and flows inside a collapsed subprocess in a
	// drawing from DI; shown maps a hidden node to the collapsed
	// subprocess that shows it.
	collapsed map[string]bool
	hidden    map[string]bool
	shown     map[string]string
}

// expanded says whether subprocess id is drawn with its content.
func (g *geometry) expanded(id string) bool { return g.fromDI && !g.collapsed[id] }

// fold finds the collapsed subprocesses of a drawing from DI, and the
// nodes and flows their boxes stand for.
func (g *geometry) fold(p *bpmn.Process) {
	parent := map[string]string{}
	for _, n := range p.Nodes {
		parent[n.ID] = n.SubProcess
	}
	for _, n := range p.Nodes {
		if n.Kind != bpmn.SubProcess {
			continue
		}
		holds := false
		for _, c := range p.Nodes {
			if c.SubProcess == n.ID && inside(g.shapes[c.ID], g.shapes[n.ID]) {
				holds = true
				break
			}
		}
		if !holds {
			g.collapsed[n.ID] = true
		}
	}
	// A node is hidden under its outermost collapsed ancestor.
	for _, n := range p.Nodes {
		sp := n.SubProcess
		for k := 0; sp != "" && k <= len(parent); k++ { // k: a cycle in a broken model ends
			if g.collapsed[sp] {
				g.hidden[n.ID], g.shown[n.ID] = true, sp
			}
			sp = parent[sp]
		}
	}
	for _, f := range p.Flows {
		if g.hidden[f.Source] || g.hidden[f.Target] {
			g.hidden[f.ID] = true
		}
	}
}

// inside says whether a lies within b (half a pixel of slack).
func inside(a, b bpmn.Bounds) bool {
	const slack = 0.5
	return a.X >= b.X-slack && a.Y >= b.Y-slack && a.X+a.W <= b.X+b.W+slack && a.Y+a.H <= b.Y+b.H+slack
}

func hasDI(m *bpmn.Model, p *bpmn.Process) bool {
	if !m.HasDI {
		return false
	}
	for _, n := range p.Nodes {
		if n.Bounds == nil {
			return false
		}
	}
	return true
}

func layoutOf(ctx context.Context, m *bpmn.Model, p *bpmn.Process) (*geometry, error) {
	g := &geometry{shapes: map[string]bpmn.Bounds{}, routes: map[string][]bpmn.Point{},
		collapsed: map[string]bool{}, hidden: map[string]bool{}, shown: map[string]string{}}
	if hasDI(m, p) {
		g.fromDI = true
		for _, n := range p.Nodes {
			g.shapes[n.ID] = *n.Bounds
		}
		for _, f := range p.Flows {
			if len(f.Waypoints) >= 2 {
				g.routes[f.ID] = f.Waypoints
			} else if s, ok1 := g.shapes[f.Source]; ok1 {
				// A flow without its edge in the DI: a straight line
				// between the two shapes' borders.
				if t, ok2 := g.shapes[f.Target]; ok2 {
					g.routes[f.ID] = []bpmn.Point{border(s, center(t)), border(t, center(s))}
				}
			}
		}
		g.fold(p)
		return g, nil
	}
	nodes := make([]export.LayoutNode, 0, len(p.Nodes))
	known := map[string]bool{}
	for _, n := range p.Nodes {
		shape := export.LayoutTask
		switch n.Kind {
		case bpmn.StartEvent:
			if n.SubProcess == "" {
				shape = export.LayoutStart
			}
		case bpmn.EndEvent:
			if n.SubProcess == "" {
				shape = export.LayoutEnd
			}
		case bpmn.ExclusiveGateway, bpmn.ParallelGateway, bpmn.InclusiveGateway, bpmn.EventBasedGateway:
			shape = export.LayoutGateway
		}
		nodes = append(nodes, export.LayoutNode{ID: n.ID, Shape: shape})
		known[n.ID] = true
	}
	var flows []export.LayoutFlow
	for _, f := range p.Flows {
		if known[f.Source] && known[f.Target] {
			flows = append(flows, export.LayoutFlow{ID: f.ID, Source: f.Source, Target: f.Target})
		}
	}
	lay, err := export.LayoutBPMN(ctx, nodes, flows, export.RoutingAuto)
	if err != nil {
		return nil, fmt.Errorf("bpmnview: process %q has no diagram and could not be laid out: %w", p.ID, err)
	}
	for _, n := range p.Nodes {
		b := lay.Shapes[n.ID]
		// Events other than the pinned start and end, laid out in a
		// task's box, are drawn at the usual event size in its middle.
		if w := eventW(n.Kind); w > 0 && b.W > w {
			b = export.Box{X: b.X + (b.W-w)/2, Y: b.Y + (b.H-w)/2, W: w, H: w}
		}
		g.shapes[n.ID] = bpmn.Bounds(b)
	}
	kind := map[string]bpmn.Kind{}
	for _, n := range p.Nodes {
		kind[n.ID] = n.Kind
	}
	for _, f := range p.Flows {
		pts, ok := lay.Waypoints[f.ID]
		if !ok {
			continue
		}
		ps := make([]bpmn.Point, len(pts))
		for i, pt := range pts {
			ps[i] = bpmn.Point(pt)
		}
		// A route to or from an event drawn smaller than its box starts
		// at the box: carry it on to the circle.
		if w := eventW(kind[f.Source]); w > 0 && len(ps) > 0 {
			if q, ok := toward(center(g.shapes[f.Source]), ps[0], w/2); ok {
				ps = append([]bpmn.Point{q}, ps...)
			}
		}
		if w := eventW(kind[f.Target]); w > 0 && len(ps) > 0 {
			if q, ok := toward(center(g.shapes[f.Target]), ps[len(ps)-1], w/2); ok {
				ps = append(ps, q)
			}
		}
		g.routes[f.ID] = ps
	}
	return g, nil
}

// toward is the point at distance r from c in the direction of p; false
// when p is no farther than that (the route already reaches the circle).
func toward(c, p bpmn.Point, r float64) (bpmn.Point, bool) {
	l := math.Hypot(p.X-c.X, p.Y-c.Y)
	if l <= r+1 {
		return p, false
	}
	return bpmn.Point{X: math.Round(c.X + (p.X-c.X)*r/l), Y: math.Round(c.Y + (p.Y-c.Y)*r/l)}, true
}

// eventW is an event's diameter, 0 for other kinds.
func eventW(k bpmn.Kind) float64 {
	switch k {
	case bpmn.StartEvent, bpmn.EndEvent, bpmn.IntermediateEvent, bpmn.BoundaryEvent:
		return 36
	}
	return 0
}

func center(b bpmn.Bounds) bpmn.Point { return bpmn.Point{X: b.X + b.W/2, Y: b.Y + b.H/2} }

// border is where the line from b's centre toward p leaves b's box.
func border(b bpmn.Bounds, p bpmn.Point) bpmn.Point {
	c := center(b)
	dx, dy := p.X-c.X, p.Y-c.Y
	t := 1.0
	if dx != 0 {
		t = math.Min(t, b.W/2/math.Abs(dx))
	}
	if dy != 0 {
		t = math.Min(t, b.H/2/math.Abs(dy))
	}
	return bpmn.Point{X: math.Round(c.X + dx*t), Y: math.Round(c.Y + dy*t)}
}

// box is a bounding box grown by add.
type box struct{ x0, y0, x1, y1 float64 }

func newBox() box { return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *box) add(x, y float64) {
	b.x0, b.y0, b.x1, b.y1 = min(b.x0, x), min(b.y0, y), max(b.x1, x), max(b.y1, y)
}

func (b *box) addBounds(r bpmn.Bounds) { b.add(r.X, r.Y); b.add(r.X+r.W, r.Y+r.H) }

func (b box) empty() bool { return b.x0 > b.x1 }

// pointAt is the point at distance d along a path (its end when d is past
// it), with the direction of the segment it lies on.
func pointAt(path []bpmn.Point, d float64) (p bpmn.Point, dx, dy float64) {
	if len(path) == 0 {
		return bpmn.Point{}, 1, 0
	}
	for i := 1; i < len(path); i++ {
		a, b := path[i-1], path[i]
		l := math.Hypot(b.X-a.X, b.Y-a.Y)
		if l == 0 {
			continue
		}
		ux, uy := (b.X-a.X)/l, (b.Y-a.Y)/l
		if d <= l || i == len(path)-1 {
			d = min(d, l)
			return bpmn.Point{X: a.X + ux*d, Y: a.Y + uy*d}, ux, uy
		}
		d -= l
	}
	return path[len(path)-1], 1, 0
}

func pathLen(path []bpmn.Point) float64 {
	var l float64
	for i := 1; i < len(path); i++ {
		l += math.Hypot(path[i].X-path[i-1].X, path[i].Y-path[i-1].Y)
	}
	return l
}
