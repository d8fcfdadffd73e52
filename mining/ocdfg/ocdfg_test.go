package ocdfg

import (
	"reflect"
	"testing"
)

func TestDiscover(t *testing.T) {
	// e0 a {o1,o2}, e1 b {o1,o2}, e2 c {o1}, e3 b {o3}; o1,o2 orders, o3 item.
	in := Input{
		Activities: []string{"a", "b", "c", "b"},
		ObjectType: []string{"order", "order", "order", "item", "item"},
		Lifecycles: [][]int32{{0, 1, 2}, {0, 1}, nil, {3}, {}},
	}
	got := Discover(in)
	want := Graph{Types: []TypeGraph{
		{Type: "item", Objects: 1,
			Activities: []Node{{"b", 1, 1, 1}},
			Start:      []Node{{"b", 1, 1, 1}},
			End:        []Node{{"b", 1, 1, 1}},
			Edges:      []Edge{}},
		{Type: "order", Objects: 2,
			Activities: []Node{{"a", 1, 2, 2}, {"b", 1, 2, 2}, {"c", 1, 1, 1}},
			Start:      []Node{{"a", 1, 2, 2}},
			End:        []Node{{"b", 1, 1, 1}, {"c", 1, 1, 1}},
			Edges:      []Edge{{"a", "b", 1, 2, 2}, {"b", "c", 1, 1, 1}}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestDiscoverEmpty(t *testing.T) {
	if g := Discover(Input{}); g.Types == nil || len(g.Types) != 0 {
		t.Fatalf("empty input: %+v", g)
	}
}
