package heuristics

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/pmx-dev/pmx/mining/petri"
)

// Petri converts the heuristics net into a labelled Petri net the way
// PM4Py 2.7's heuristics-net converter does, so that both give the same
// transitions and places:
//
//   - one transition per node, labelled with its activity; a source place
//     (initial marking) and a sink place (final marking);
//   - a node with predecessors gets an input place pre_<a>. If its only way
//     in is one predecessor b, b's output goes straight into pre_<a>;
//     otherwise each input binding becomes a silent transition into
//     pre_<a>, consuming from one place per predecessor in the binding
//     (splace_in_<a>_<b>), and a start node gets a silent transition from
//     the source. A start node with no predecessor takes from the source
//     directly;
//   - a node with exactly one way out (one successor, or being an end
//     node) produces straight into its successor's input place or into the
//     sink. Otherwise it produces into intplace_<a>, from which one silent
//     transition per output binding (and one to the sink for an end node)
//     produces into the successors' input places. A node with no way out
//     at all keeps an intplace_<a> with no consumer, as PM4Py's does;
//   - then silent transitions dominated by another one (same input places,
//     strictly fewer output places) are removed, and the net is reduced:
//     a silent transition whose single input place has a single producer
//     and no other consumer is fused with that producer, and one whose
//     single output place has a single consumer and no other producer is
//     fused with that consumer, until neither applies.
//
// Transition IDs are activity names and hid_<k> for silent ones; place IDs
// are source, sink, pre_<a>, splace_in_<a>_<b> and intplace_<a>.
func (h *Net) Petri() *petri.Net {
	g := newGraph()
	source, sink := g.addPlace("source"), g.addPlace("sink")
	name := func(a int32) string { return h.Activities[a] }
	trans := map[int32]int{}
	for _, nd := range h.Nodes {
		trans[nd.Activity] = g.addTrans(name(nd.Activity), name(nd.Activity), false)
	}
	succ, pred := map[int32][]int32{}, map[int32][]int32{}
	for _, a := range h.Arcs {
		succ[a.From] = append(succ[a.From], a.To)
		pred[a.To] = append(pred[a.To], a.From)
	}
	byName := func(xs []int32) []int32 {
		xs = slices.Clone(xs)
		slices.SortFunc(xs, func(x, y int32) int { return cmp.Compare(name(x), name(y)) })
		return xs
	}
	hid := 0
	silent := func() int {
		hid++
		return g.addTrans(fmt.Sprintf("hid_%d", hid), "", true)
	}
	// entering[a][b] is the place b produces into on its way to a.
	entering := map[int32]map[int32]int{}
	for _, nd := range h.Nodes {
		a := nd.Activity
		preds := byName(pred[a])
		ways := len(preds)
		if nd.Start > 0 {
			ways++
		}
		entering[a] = map[int32]int{}
		master := -1
		if len(preds) > 0 {
			master = g.addPlace("pre_" + name(a))
			g.arcPT(master, trans[a])
		}
		sPlace := func(b int32) int {
			if p, ok := entering[a][b]; ok {
				return p
			}
			p := g.addPlace("splace_in_" + name(a) + "_" + name(b))
			entering[a][b] = p
			return p
		}
		inAnd := map[int32]bool{}
		for _, bind := range nd.Inputs {
			if len(bind) < 2 {
				continue
			}
			t := silent()
			g.arcTP(t, master)
			for _, b := range byName(bind) {
				inAnd[b] = true
				g.arcPT(sPlace(b), t)
			}
		}
		for _, b := range preds {
			switch {
			case inAnd[b]:
			case ways == 1:
				entering[a][b] = master
			default:
				t := silent()
				g.arcPT(sPlace(b), t)
				g.arcTP(t, master)
			}
		}
		if nd.Start > 0 {
			if ways == 1 {
				g.arcPT(source, trans[a])
			} else {
				t := silent()
				g.arcPT(source, t)
				g.arcTP(t, master)
			}
		}
	}
	for _, nd := range h.Nodes {
		a := nd.Activity
		succs := byName(succ[a])
		ways := len(succs)
		if nd.End > 0 {
			ways++
		}
		if ways == 1 && len(succs) == 1 {
			g.arcTP(trans[a], entering[succs[0]][a])
			continue
		}
		if ways == 1 {
			g.arcTP(trans[a], sink)
			continue
		}
		out := g.addPlace("intplace_" + name(a))
		g.arcTP(trans[a], out)
		inAnd := map[int32]bool{}
		for _, bind := range nd.Outputs {
			if len(bind) < 2 {
				continue
			}
			t := silent()
			g.arcPT(out, t)
			for _, b := range byName(bind) {
				inAnd[b] = true
				g.arcTP(t, entering[b][a])
			}
		}
		for _, b := range succs {
			if !inAnd[b] {
				t := silent()
				g.arcPT(out, t)
				g.arcTP(t, entering[b][a])
			}
		}
		if nd.End > 0 {
			t := silent()
			g.arcPT(out, t)
			g.arcTP(t, sink)
		}
	}
	g.removeDominatedSilent()
	g.reduce()
	return g.net("heuristics", source, sink)
}

// graph is a mutable Petri net for the conversion's reductions.
type graph struct {
	places []gnode
	trans  []gnode
	// pIn[p] / pOut[p]: transitions producing into / consuming from p;
	// tIn[t] / tOut[t]: input / output places of t.
	pIn, pOut, tIn, tOut []map[int]bool
}

type gnode struct {
	name, label string
	silent      bool
	dead        bool
}

func newGraph() *graph { return &graph{} }

func (g *graph) addPlace(name string) int {
	g.places = append(g.places, gnode{name: name})
	g.pIn, g.pOut = append(g.pIn, map[int]bool{}), append(g.pOut, map[int]bool{})
	return len(g.places) - 1
}

func (g *graph) addTrans(name, label string, silent bool) int {
	g.trans = append(g.trans, gnode{name: name, label: label, silent: silent})
	g.tIn, g.tOut = append(g.tIn, map[int]bool{}), append(g.tOut, map[int]bool{})
	return len(g.trans) - 1
}

func (g *graph) arcPT(p, t int) { g.pOut[p][t], g.tIn[t][p] = true, true }
func (g *graph) arcTP(t, p int) { g.tOut[t][p], g.pIn[p][t] = true, true }

func (g *graph) removeTrans(t int) {
	for p := range g.tIn[t] {
		delete(g.pOut[p], t)
	}
	for p := range g.tOut[t] {
		delete(g.pIn[p], t)
	}
	g.tIn[t], g.tOut[t] = map[int]bool{}, map[int]bool{}
	g.trans[t].dead = true
}

func (g *graph) removePlace(p int) {
	for t := range g.pIn[p] {
		delete(g.tOut[t], p)
	}
	for t := range g.pOut[p] {
		delete(g.tIn[t], p)
	}
	g.pIn[p], g.pOut[p] = map[int]bool{}, map[int]bool{}
	g.places[p].dead = true
}

func only(m map[int]bool) int {
	for k := range m {
		return k
	}
	return -1
}

// removeDominatedSilent removes every silent transition j for which another
// silent transition i has the same input places and strictly more output
// places, including all of j's. (PM4Py removes them pairwise; since
// dominance is a strict order and a dominating transition is itself only
// removed by one that dominates j too, the outcome is the same set.)
func (g *graph) removeDominatedSilent() {
	var ts []int
	for t, n := range g.trans {
		if n.silent && !n.dead {
			ts = append(ts, t)
		}
	}
	var drop []int
	for _, j := range ts {
		for _, i := range ts {
			if i != j && maps.Equal(g.tIn[i], g.tIn[j]) && len(g.tOut[j]) < len(g.tOut[i]) && contains(g.tOut[i], g.tOut[j]) {
				drop = append(drop, j)
				break
			}
		}
	}
	for _, t := range drop {
		g.removeTrans(t)
	}
}

func contains(big, small map[int]bool) bool {
	for k := range small {
		if !big[k] {
			return false
		}
	}
	return true
}

// reduce fuses silent transitions with their unique neighbour until
// nothing changes (PM4Py's apply_simple_reduction).
func (g *graph) reduce() {
	for {
		changed := false
		for g.singleEntry() {
			changed = true
		}
		for g.singleExit() {
			changed = true
		}
		if !changed {
			return
		}
	}
}

// singleEntry fuses one silent t whose only input place p is fed by a
// single transition s and feeds only t: s then produces into t's outputs.
func (g *graph) singleEntry() bool {
	for t, n := range g.trans {
		if !n.silent || n.dead || len(g.tIn[t]) != 1 {
			continue
		}
		p := only(g.tIn[t])
		if len(g.pIn[p]) != 1 || len(g.pOut[p]) != 1 {
			continue
		}
		s := only(g.pIn[p])
		if s == t {
			continue
		}
		outs := slices.Sorted(maps.Keys(g.tOut[t]))
		g.removeTrans(t)
		g.removePlace(p)
		for _, q := range outs {
			g.arcTP(s, q)
		}
		return true
	}
	return false
}

// singleExit fuses one silent t whose only output place p feeds a single
// transition u and is fed only by t: t's input places then feed u.
func (g *graph) singleExit() bool {
	for t, n := range g.trans {
		if !n.silent || n.dead || len(g.tOut[t]) != 1 {
			continue
		}
		p := only(g.tOut[t])
		if len(g.pOut[p]) != 1 || len(g.pIn[p]) != 1 {
			continue
		}
		u := only(g.pOut[p])
		if u == t {
			continue
		}
		ins := slices.Sorted(maps.Keys(g.tIn[t]))
		g.removeTrans(t)
		g.removePlace(p)
		for _, q := range ins {
			g.arcPT(q, u)
		}
		return true
	}
	return false
}

// net writes the live part of the graph as a petri.Net with unique IDs.
func (g *graph) net(name string, source, sink int) *petri.Net {
	out := &petri.Net{Name: name, Initial: petri.Marking{}, Final: petri.Marking{}}
	ids := map[string]bool{}
	id := func(want string) string {
		s := want
		for i := 2; ids[s]; i++ {
			s = fmt.Sprintf("%s#%d", want, i)
		}
		ids[s] = true
		return s
	}
	pIdx := map[int]int{}
	for p, n := range g.places {
		if !n.dead {
			pIdx[p] = out.AddPlace(id(n.name))
		}
	}
	tIdx := map[int]int{}
	for t, n := range g.trans {
		if !n.dead {
			tIdx[t] = out.AddTransition(id(n.name), n.label, n.silent)
		}
	}
	for t, n := range g.trans {
		if n.dead {
			continue
		}
		for _, p := range slices.Sorted(maps.Keys(g.tIn[t])) {
			out.AddInput(pIdx[p], tIdx[t])
		}
		for _, p := range slices.Sorted(maps.Keys(g.tOut[t])) {
			out.AddOutput(tIdx[t], pIdx[p])
		}
	}
	out.Initial[pIdx[source]] = 1
	out.Final[pIdx[sink]] = 1
	return out
}
