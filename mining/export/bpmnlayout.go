package export

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-graphviz"
)

// Shape sizes in BPMN pixels, the defaults of bpmn.io. Graphviz works in
// points; one point is used as one pixel, so its coordinates are the
// diagram's.
const (
	taskW, taskH       = 100, 80
	gatewaySize        = 50
	eventSize          = 36
	pointsPerInch      = 72.0
	layoutRankSep      = 0.6 // inches between columns
	layoutNodeSep      = 0.5 // inches between shapes in a column
	minWaypointSpacing = 0.5
)

type point struct{ X, Y float64 }

type bounds struct{ X, Y, W, H float64 }

// layoutResult holds the diagram geometry in whole pixels, y pointing down
// as in BPMNDI.
type layoutResult struct {
	shapes    map[int]bounds  // by element
	waypoints map[int][]point // by flow
}

func (g *graph) size(e int) (w, h float64) {
	switch k := g.elems[e].kind; {
	case k == startEvent || k == endEvent:
		return eventSize, eventSize
	case k.isGateway():
		return gatewaySize, gatewaySize
	}
	return taskW, taskH
}

// layoutDOT is the graph as Graphviz sees it: fixed-size shapes of the BPMN
// sizes and no labels, so the layout depends on the structure alone, not on
// font metrics. Start and end events are pinned to the first and last
// column. Edges have no arrowheads (dir=none), so Graphviz clips every route
// at both shape borders, which is where BPMN waypoints start and end; the
// flows in reversed are written head to tail (see loopFlows).
func (g *graph) layoutDOT(elems, flows []int, elemID, flowID map[int]string, reversed map[int]bool, routing Routing) string {
	splines := "ortho"
	if routing == RoutingPolyline {
		splines = "polyline"
	}
	var b strings.Builder
	b.WriteString("digraph bpmn {\n")
	fmt.Fprintf(&b, "\tgraph [rankdir=LR, splines=%s, ranksep=%g, nodesep=%g];\n", splines, layoutRankSep, layoutNodeSep)
	b.WriteString("\tnode [fixedsize=true, label=\" \"];\n")
	b.WriteString("\tedge [dir=none];\n")
	var starts, ends []string
	for _, e := range elems {
		w, h := g.size(e)
		shape := "box"
		switch k := g.elems[e].kind; {
		case k == startEvent || k == endEvent:
			shape = "circle"
		case k.isGateway():
			shape = "diamond"
		}
		fmt.Fprintf(&b, "\t%s [shape=%s, width=%.4f, height=%.4f];\n",
			dotString(elemID[e]), shape, w/pointsPerInch, h/pointsPerInch)
		switch g.elems[e].kind {
		case startEvent:
			starts = append(starts, dotString(elemID[e]))
		case endEvent:
			ends = append(ends, dotString(elemID[e]))
		}
	}
	for _, f := range flows {
		tail, head := g.flows[f].from, g.flows[f].to
		if reversed[f] {
			tail, head = head, tail
		}
		fmt.Fprintf(&b, "\t%s -> %s [id=%s];\n", dotString(elemID[tail]), dotString(elemID[head]), dotString(flowID[f]))
	}
	if len(starts) > 0 {
		fmt.Fprintf(&b, "\t{ rank=min; %s; }\n", strings.Join(starts, "; "))
	}
	if len(ends) > 0 {
		fmt.Fprintf(&b, "\t{ rank=max; %s; }\n", strings.Join(ends, "; "))
	}
	b.WriteString("}\n")
	return b.String()
}

// gvJSON is the part of Graphviz's json0 output the layout needs.
type gvJSON struct {
	BB      string `json:"bb"`
	Objects []struct {
		Name string `json:"name"`
		Pos  string `json:"pos"`
	} `json:"objects"`
	Edges []struct {
		ID  string `json:"id"`
		Pos string `json:"pos"`
	} `json:"edges"`
}

// layout runs Graphviz on layoutDOT and converts its result: node centres
// become shape bounds, edge splines become waypoints, and y is flipped
// (Graphviz's origin is bottom-left, BPMNDI's top-left).
func (g *graph) layout(ctx context.Context, elems, flows []int, elemID, flowID map[int]string, routing Routing) (*layoutResult, error) {
	reversed := g.loopFlows(elems, flows)
	dot := g.layoutDOT(elems, flows, elemID, flowID, reversed, routing)
	out, err := runGraphviz(ctx, dot, graphviz.Format("json0"))
	if err != nil {
		return nil, fmt.Errorf("export: BPMN layout: %w", err)
	}
	var gv gvJSON
	if err := json.Unmarshal(out, &gv); err != nil {
		return nil, fmt.Errorf("export: BPMN layout: read graphviz json: %w", err)
	}
	bb, err := parseFloats(gv.BB, 4)
	if err != nil {
		return nil, fmt.Errorf("export: BPMN layout: bounding box %q: %w", gv.BB, err)
	}
	// The bounding box is x0,y0,x1,y1 with y up; move its top-left corner
	// to the origin.
	flip := func(p point) point { return point{math.Round(p.X - bb[0]), math.Round(bb[3] - p.Y)} }

	byID := map[string]int{}
	for _, e := range elems {
		byID[elemID[e]] = e
	}
	res := &layoutResult{shapes: map[int]bounds{}, waypoints: map[int][]point{}}
	for _, o := range gv.Objects {
		e, ok := byID[o.Name]
		if !ok {
			continue
		}
		c, err := parseFloats(o.Pos, 2)
		if err != nil {
			return nil, fmt.Errorf("export: BPMN layout: position of %s %q: %w", o.Name, o.Pos, err)
		}
		w, h := g.size(e)
		p := flip(point{c[0], c[1]})
		res.shapes[e] = bounds{X: math.Round(p.X - w/2), Y: math.Round(p.Y - h/2), W: w, H: h}
	}
	flowByID := map[string]int{}
	for _, f := range flows {
		flowByID[flowID[f]] = f
	}
	for _, ed := range gv.Edges {
		f, ok := flowByID[ed.ID]
		if !ok {
			continue
		}
		pts, err := splinePoints(ed.Pos)
		if err != nil {
			return nil, fmt.Errorf("export: BPMN layout: route of %s: %w", ed.ID, err)
		}
		for i := range pts {
			pts[i] = flip(pts[i])
		}
		if reversed[f] {
			slices.Reverse(pts)
		}
		res.waypoints[f] = simplifyPath(pts)
	}
	for _, e := range elems {
		if _, ok := res.shapes[e]; !ok {
			return nil, fmt.Errorf("export: BPMN layout: graphviz placed no %s", elemID[e])
		}
	}
	for _, f := range flows {
		if len(res.waypoints[f]) < 2 {
			// Graphviz gave no usable route (it may skip one it cannot
			// draw orthogonally): join the shape centres.
			res.waypoints[f] = []point{center(res.shapes[g.flows[f].from]), center(res.shapes[g.flows[f].to])}
		}
	}
	return res, nil
}

func center(b bounds) point { return point{b.X + b.W/2, b.Y + b.H/2} }

// loopFlows picks the flows to hand Graphviz reversed so that loops read
// well: the body of a loop runs left to right, and the way back (the redo
// part) lies beside it, drawn right to left, instead of being pushed past
// the loop's exit. Graphviz ranks along edge direction, so the back path
// must point forward in the DOT text. Which flows those are: a depth-first
// walk from the start event finds the back edges (flows into an element on
// the walk's stack); with those removed the graph is acyclic, and the
// elements that then can no longer reach the end event are the redo parts.
// Back edges and every flow touching a redo element are reversed.
func (g *graph) loopFlows(elems, flows []int) map[int]bool {
	outs := map[int][]int{}
	for _, f := range flows {
		outs[g.flows[f].from] = append(outs[g.flows[f].from], f)
	}
	const (
		unseen = iota
		onStack
		done
	)
	state := map[int]int{}
	back := map[int]bool{}
	var dfs func(e int)
	dfs = func(e int) {
		state[e] = onStack
		for _, f := range outs[e] {
			switch to := g.flows[f].to; state[to] {
			case unseen:
				dfs(to)
			case onStack:
				back[f] = true
			}
		}
		state[e] = done
	}
	for _, e := range elems {
		if state[e] == unseen {
			dfs(e)
		}
	}

	// Walk backwards from the end events over the remaining flows.
	ins := map[int][]int{}
	for _, f := range flows {
		if !back[f] {
			ins[g.flows[f].to] = append(ins[g.flows[f].to], f)
		}
	}
	reachesEnd := map[int]bool{}
	var queue []int
	for _, e := range elems {
		if g.elems[e].kind == endEvent {
			reachesEnd[e] = true
			queue = append(queue, e)
		}
	}
	for ; len(queue) > 0; queue = queue[1:] {
		for _, f := range ins[queue[0]] {
			if from := g.flows[f].from; !reachesEnd[from] {
				reachesEnd[from] = true
				queue = append(queue, from)
			}
		}
	}
	reversed := map[int]bool{}
	for _, f := range flows {
		fl := g.flows[f]
		if back[f] || !reachesEnd[fl.from] || !reachesEnd[fl.to] {
			reversed[f] = true
		}
	}
	return reversed
}

// splinePoints reads a Graphviz edge "pos": optional "s,x,y" and "e,x,y"
// arrow points, then 3k+1 B-spline control points; several splines are
// separated by ';' (only the first is used). It returns the path from tail
// to head: the start point, the end point of each cubic segment (for ortho
// and polyline routing these are the corners) and the arrow tip, which lies
// on the head shape's border.
func splinePoints(pos string) ([]point, error) {
	spline, _, _ := strings.Cut(pos, ";")
	var start, end *point
	var ctrl []point
	for _, tok := range strings.Fields(spline) {
		prefix := ""
		if strings.HasPrefix(tok, "s,") || strings.HasPrefix(tok, "e,") {
			prefix, tok = tok[:1], tok[2:]
		}
		v, err := parseFloats(tok, 2)
		if err != nil {
			return nil, err
		}
		p := point{v[0], v[1]}
		switch prefix {
		case "s":
			start = &p
		case "e":
			end = &p
		default:
			ctrl = append(ctrl, p)
		}
	}
	var path []point
	if start != nil {
		path = append(path, *start)
	}
	for i := 0; i < len(ctrl); i += 3 {
		path = append(path, ctrl[i])
	}
	if n := len(ctrl); n > 0 && (n-1)%3 != 0 {
		path = append(path, ctrl[n-1])
	}
	if end != nil {
		path = append(path, *end)
	}
	return path, nil
}

// simplifyPath drops repeated points and the middle of three collinear
// points, so an orthogonal route keeps only its corners.
func simplifyPath(pts []point) []point {
	var out []point
	for _, p := range pts {
		if n := len(out); n > 0 && math.Abs(out[n-1].X-p.X) < minWaypointSpacing && math.Abs(out[n-1].Y-p.Y) < minWaypointSpacing {
			continue
		}
		if n := len(out); n >= 2 && collinear(out[n-2], out[n-1], p) {
			out[n-1] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

// collinear reports whether b lies on the segment from a to c (within half
// a pixel), not merely on the same line: a route that doubles back keeps
// its turning point.
func collinear(a, b, c point) bool {
	cross := (b.X-a.X)*(c.Y-a.Y) - (b.Y-a.Y)*(c.X-a.X)
	length := math.Hypot(c.X-a.X, c.Y-a.Y)
	if length == 0 || math.Abs(cross)/length > minWaypointSpacing {
		return false
	}
	dot := (b.X-a.X)*(c.X-a.X) + (b.Y-a.Y)*(c.Y-a.Y)
	return dot >= 0 && dot <= length*length
}

func parseFloats(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("want %d numbers", n)
	}
	out := make([]float64, n)
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}
