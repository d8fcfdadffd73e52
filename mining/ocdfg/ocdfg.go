package ocdfg

import "sort"

// Input is an object-centric log reduced to what the OC-DFG needs.
type Input struct {
	Activities []string  // activity of each event; events indexed 0..n-1 in time order
	ObjectType []string  // type of each object
	Lifecycles [][]int32 // per object, its events' indexes, ascending (time order)
}

// Graph is the OC-DFG: one directly-follows graph per object type.
type Graph struct {
	Types []TypeGraph `json:"object_types"`
}

// TypeGraph is the part of the OC-DFG of one object type.
type TypeGraph struct {
	Type       string `json:"object_type"`
	Objects    int64  `json:"objects"` // objects of the type with at least one event
	Activities []Node `json:"activities"`
	Start      []Node `json:"start_activities"`
	End        []Node `json:"end_activities"`
	Edges      []Edge `json:"edges"`
}

// Node is an activity with its frequencies (see the package comment).
type Node struct {
	Activity      string `json:"activity"`
	Events        int64  `json:"events"`
	UniqueObjects int64  `json:"unique_objects"`
	TotalObjects  int64  `json:"total_objects"`
}

// Edge is a directly-follows relation with its frequencies.
type Edge struct {
	From          string `json:"from"`
	To            string `json:"to"`
	EventCouples  int64  `json:"event_couples"`
	UniqueObjects int64  `json:"unique_objects"`
	TotalObjects  int64  `json:"total_objects"`
}

type nodeAcc struct {
	events  map[int32]struct{}
	objects int64 // each object counted once per node by construction
	total   int64
}

type edgeAcc struct {
	couples map[[2]int32]struct{}
	objects int64
	total   int64
}

// Discover computes the OC-DFG.
func Discover(in Input) Graph {
	byType := map[string][]int{}
	for o, t := range in.ObjectType {
		if len(in.Lifecycles[o]) > 0 {
			byType[t] = append(byType[t], o)
		}
	}
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	sort.Strings(types)
	var g Graph
	for _, t := range types {
		acts := map[string]*nodeAcc{}
		starts := map[string]*nodeAcc{}
		ends := map[string]*nodeAcc{}
		edges := map[[2]string]*edgeAcc{}
		for _, o := range byType[t] {
			lc := in.Lifecycles[o]
			seenAct := map[string]bool{}
			seenEdge := map[[2]string]bool{}
			for i, e := range lc {
				a := in.Activities[e]
				n := node(acts, a)
				n.events[e] = struct{}{}
				n.total++
				if !seenAct[a] {
					seenAct[a] = true
					n.objects++
				}
				if i == 0 {
					s := node(starts, a)
					s.events[e] = struct{}{}
					s.total++
					s.objects++
				}
				if i == len(lc)-1 {
					s := node(ends, a)
					s.events[e] = struct{}{}
					s.total++
					s.objects++
				}
				if i > 0 {
					p := lc[i-1]
					k := [2]string{in.Activities[p], a}
					ea := edges[k]
					if ea == nil {
						ea = &edgeAcc{couples: map[[2]int32]struct{}{}}
						edges[k] = ea
					}
					ea.couples[[2]int32{p, e}] = struct{}{}
					ea.total++
					if !seenEdge[k] {
						seenEdge[k] = true
						ea.objects++
					}
				}
			}
		}
		tg := TypeGraph{Type: t, Objects: int64(len(byType[t])), Activities: nodes(acts), Start: nodes(starts), End: nodes(ends)}
		for k, ea := range edges {
			tg.Edges = append(tg.Edges, Edge{From: k[0], To: k[1], EventCouples: int64(len(ea.couples)), UniqueObjects: ea.objects, TotalObjects: ea.total})
		}
		sort.Slice(tg.Edges, func(i, j int) bool {
			if tg.Edges[i].From != tg.Edges[j].From {
				return tg.Edges[i].From < tg.Edges[j].From
			}
			return tg.Edges[i].To < tg.Edges[j].To
		})
		if tg.Edges == nil {
			tg.Edges = []Edge{}
		}
		g.Types = append(g.Types, tg)
	}
	if g.Types == nil {
		g.Types = []TypeGraph{}
	}
	return g
}

func node(m map[string]*nodeAcc, a string) *nodeAcc {
	n := m[a]
	if n == nil {
		n = &nodeAcc{events: map[int32]struct{}{}}
		m[a] = n
	}
	return n
}

func nodes(m map[string]*nodeAcc) []Node {
	out := make([]Node, 0, len(m))
	for a, n := range m {
		out = append(out, Node{Activity: a, Events: int64(len(n.events)), UniqueObjects: n.objects, TotalObjects: n.total})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Activity < out[j].Activity })
	return out
}
