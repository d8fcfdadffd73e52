package export

import (
	"context"
	"fmt"
)

// LayoutShape is the shape class of a node handed to LayoutBPMN: it fixes
// the node's size (bpmn.io's defaults) and, for events, its column.
type LayoutShape uint8

const (
	LayoutTask    LayoutShape = iota // 100×80; also any node drawn as a box
	LayoutGateway                    // 50×50 diamond
	LayoutStart                      // 36×36 circle, pinned to the first column
	LayoutEnd                        // 36×36 circle, pinned to the last column
)

// LayoutNode and LayoutFlow are a diagram to lay out: node and flow IDs as
// the caller names them (unique), flows between node IDs.
type LayoutNode struct {
	ID    string
	Shape LayoutShape
}

type LayoutFlow struct{ ID, Source, Target string }

// Box is a shape's bounds and Point a waypoint, in BPMN diagram pixels, y
// pointing down.
type Box struct{ X, Y, W, H float64 }

type Point struct{ X, Y float64 }

// Layout is where LayoutBPMN put every node (by ID) and how it routed every
// flow (by ID, from the source's border to the target's).
type Layout struct {
	Shapes    map[string]Box
	Waypoints map[string][]Point
}

// LayoutBPMN lays out a BPMN diagram that came without diagram interchange
// the same way the BPMN writers lay out their own (Graphviz dot, left to
// right, loops drawn backwards beside their body), so a model read from a
// file without DI can be drawn. The graph is taken as given: nothing is
// simplified. Node order fixes the output (same input, same layout).
func LayoutBPMN(ctx context.Context, nodes []LayoutNode, flows []LayoutFlow, routing Routing) (*Layout, error) {
	g := &graph{}
	byID := make(map[string]int, len(nodes))
	elems, fl := make([]int, 0, len(nodes)), make([]int, 0, len(flows))
	elemID, flowID := map[int]string{}, map[int]string{}
	for _, n := range nodes {
		if _, dup := byID[n.ID]; dup {
			return nil, fmt.Errorf("export: BPMN layout: node %q given twice", n.ID)
		}
		k := task
		switch n.Shape {
		case LayoutGateway:
			k = exclusiveGateway
		case LayoutStart:
			k = startEvent
		case LayoutEnd:
			k = endEvent
		}
		e := g.add(k, "")
		byID[n.ID], elemID[e] = e, n.ID
		elems = append(elems, e)
	}
	seen := map[string]bool{}
	for _, f := range flows {
		from, ok1 := byID[f.Source]
		to, ok2 := byID[f.Target]
		if !ok1 || !ok2 || seen[f.ID] {
			return nil, fmt.Errorf("export: BPMN layout: flow %q: unknown end or given twice", f.ID)
		}
		seen[f.ID] = true
		g.connect(from, to)
		fl = append(fl, len(g.flows)-1)
		flowID[len(g.flows)-1] = f.ID
	}
	if routing == RoutingAuto {
		routing = RoutingOrthogonal
		if len(nodes) > AutoOrthogonalLimit {
			routing = RoutingPolyline
		}
	}
	lay, err := g.layout(ctx, elems, fl, elemID, flowID, routing)
	if err != nil {
		return nil, err
	}
	out := &Layout{Shapes: make(map[string]Box, len(nodes)), Waypoints: make(map[string][]Point, len(flows))}
	for e, b := range lay.shapes {
		out.Shapes[elemID[e]] = Box(b)
	}
	for f, pts := range lay.waypoints {
		ps := make([]Point, len(pts))
		for i, p := range pts {
			ps[i] = Point(p)
		}
		out.Waypoints[flowID[f]] = ps
	}
	return out, nil
}
