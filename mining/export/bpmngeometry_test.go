package export

import (
	"context"
	"strings"
	"testing"
)

func TestLayoutBPMN(t *testing.T) {
	nodes := []LayoutNode{{"s", LayoutStart}, {"g", LayoutGateway}, {"a", LayoutTask}, {"b", LayoutTask}, {"j", LayoutGateway}, {"e", LayoutEnd}}
	flows := []LayoutFlow{{"f1", "s", "g"}, {"f2", "g", "a"}, {"f3", "g", "b"}, {"f4", "a", "j"}, {"f5", "b", "j"}, {"f6", "j", "e"}, {"back", "j", "g"}}
	lay, err := LayoutBPMN(context.Background(), nodes, flows, RoutingAuto)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]float64{"s": {36, 36}, "g": {50, 50}, "a": {100, 80}, "e": {36, 36}}
	for id, wh := range want {
		if b := lay.Shapes[id]; b.W != wh[0] || b.H != wh[1] {
			t.Errorf("%s: %+v; want %v×%v", id, b, wh[0], wh[1])
		}
	}
	if s, e := lay.Shapes["s"], lay.Shapes["e"]; s.X >= lay.Shapes["a"].X || e.X <= lay.Shapes["a"].X {
		t.Errorf("start %+v and end %+v not on either side of a %+v", s, e, lay.Shapes["a"])
	}
	for _, f := range flows {
		if len(lay.Waypoints[f.ID]) < 2 {
			t.Errorf("flow %s: route %v", f.ID, lay.Waypoints[f.ID])
		}
	}
	again, err := LayoutBPMN(context.Background(), nodes, flows, RoutingAuto)
	if err != nil || len(again.Shapes) != len(lay.Shapes) || again.Shapes["b"] != lay.Shapes["b"] {
		t.Errorf("second layout differs: %+v vs %+v (%v)", again.Shapes, lay.Shapes, err)
	}
}

func TestLayoutBPMNRefuses(t *testing.T) {
	for _, c := range []struct {
		name  string
		nodes []LayoutNode
		flows []LayoutFlow
		want  string
	}{
		{"duplicate node", []LayoutNode{{"a", LayoutTask}, {"a", LayoutTask}}, nil, `node "a" given twice`},
		{"unknown end", []LayoutNode{{"a", LayoutTask}}, []LayoutFlow{{"f", "a", "z"}}, `flow "f"`},
		{"duplicate flow", []LayoutNode{{"a", LayoutTask}, {"b", LayoutTask}}, []LayoutFlow{{"f", "a", "b"}, {"f", "b", "a"}}, `flow "f"`},
	} {
		_, err := LayoutBPMN(context.Background(), c.nodes, c.flows, RoutingAuto)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v; want %q", c.name, err, c.want)
		}
	}
}
