package bpmn

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pmx-dev/pmx/mining/petri"
)

// level converts the nodes of one (sub)process level and joins its end
// places into lv.snk.
//
// A BPMN process ends when no token is left, not when one reaches an end
// event: parallel branches may end at end events of their own, and the
// case is over only when all of them have. So the end places are joined
// per terminal combination: the level's net is explored from its source,
// each dead marking that holds tokens only on end places is a combination
// of end events a run reaches together, and a silent step takes exactly
// that combination to the sink. This is exact when no combination is
// contained in another (then a combination fully marked is the whole
// marking, as nothing consumes end places and every other token would
// still have to reach one); otherwise the model is refused.
func (b *builder) level(lv *level) error {
	outer := b.cur
	b.cur = lv.sub
	defer func() { b.cur = outer }()
	starts := 0
	for _, n := range b.kids[lv.sub] {
		if n.Kind == StartEvent && !b.drop[n.ID] {
			starts++
		}
	}
	switch {
	case starts == 0:
		return fmt.Errorf("%s has no start event", levelName(lv))
	case lv.sub != "" && starts > 1:
		return fmt.Errorf("%s has %d start events; an embedded subprocess must have exactly one", levelName(lv), starts)
	}
	for _, n := range b.kids[lv.sub] {
		if b.drop[n.ID] {
			continue
		}
		if err := b.node(lv, n); err != nil {
			return err
		}
	}
	combos, err := b.endCombinations(lv, b.inside(lv.sub))
	if err != nil {
		return err
	}
	for _, c := range combos {
		var name []string
		for _, p := range sortedPlaces(c) {
			id := lv.endNodes[indexOf(lv.ends, p)]
			if c[p] > 1 {
				id = fmt.Sprintf("%sx%d", id, c[p])
			}
			name = append(name, id)
		}
		t := b.trans("done_"+strings.Join(name, "_"), "", true, "")
		for _, p := range sortedPlaces(c) {
			b.net.Arcs = append(b.net.Arcs, petri.Arc{Place: p, Trans: t, ToTrans: true, Weight: c[p]})
		}
		b.net.AddOutput(t, lv.snk)
	}
	return nil
}

func indexOf(s []int, v int) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// endCombinations returns the multisets of end places the level's runs
// stop on, in the order a breadth-first search meets them. When the level
// cannot be explored (it is unbounded, or larger than the state bound) or
// no run ends, each end place is its own combination, as PM4Py converts
// end events; the soundness check then says what is wrong, or a warning
// that it could not.
func (b *builder) endCombinations(lv *level, allowed []bool) ([]petri.Marking, error) {
	single := func() []petri.Marking {
		var out []petri.Marking
		for _, p := range lv.ends {
			out = append(out, petri.Marking{p: 1})
		}
		return out
	}
	if len(lv.ends) == 0 {
		return nil, nil
	}
	// Explored on a copy with the pass-through steps merged (keeping the
	// source, the end places and the flows): it has the same dead
	// markings, and far fewer states.
	keep := make([]bool, len(b.net.Places))
	keep[lv.src] = true
	for i, f := range b.conv.Flow {
		keep[i] = keep[i] || f != ""
	}
	for _, p := range lv.ends {
		keep[p] = true
	}
	small, placeAt, transAt := (&Conversion{Net: b.net, Node: b.conv.Node, Flow: b.conv.Flow}).reduceMap(keep)
	back := make(map[int]int, len(lv.ends))
	for _, p := range lv.ends {
		back[placeAt[p]] = p
	}
	smallAllowed := make([]bool, len(small.Net.Transitions))
	for t, to := range transAt {
		if to >= 0 && t < len(allowed) {
			smallAllowed[to] = allowed[t]
		}
	}
	g, err := explore(small.Net, petri.Marking{placeAt[lv.src]: 1}, smallAllowed, b.maxStates)
	if err != nil {
		if errors.Is(err, ErrStateLimit) && len(lv.ends) > 1 {
			b.warn("which end events of %s a case reaches together is unknown (%v): each end event is taken to end the case on its own", levelName(lv), err)
		}
		return single(), nil
	}
	var combos []petri.Marking
	for s := range g.keys {
		if len(g.succ[s]) > 0 {
			continue
		}
		m := petri.Marking{}
		for p, k := range g.marking(int32(s)) {
			if orig, ok := back[p]; ok {
				m[orig] = k
			} else {
				m = nil // a deadlock: CheckSound explains it
				break
			}
		}
		if len(m) > 0 {
			combos = append(combos, m) // markings are unique per state
		}
	}
	if len(combos) == 0 {
		return single(), nil
	}
	for _, a := range combos {
		for _, c := range combos {
			if !a.Equal(c) && covers(c, a) {
				return nil, fmt.Errorf("%s can end at %s alone or at %s together, so reaching the first does not tell that the case is over; pmx cannot convert such ends",
					levelName(lv), b.endText(lv, a), b.endText(lv, c))
			}
		}
	}
	return combos, nil
}

func levelName(lv *level) string {
	if lv.sub == "" {
		return "the process"
	}
	return fmt.Sprintf("subprocess %q", lv.sub)
}

func (b *builder) endText(lv *level, m petri.Marking) string {
	var s []string
	for _, p := range sortedPlaces(m) {
		id := fmt.Sprintf("%q", lv.endNodes[indexOf(lv.ends, p)])
		if m[p] > 1 {
			id += fmt.Sprintf(" (%d times)", m[p])
		}
		s = append(s, id)
	}
	return strings.Join(s, " and ")
}

// inclusiveSkips completes PM4Py's reading of inclusive gateways: each
// outgoing flow of an inclusive split (more than one outgoing flow) gets a
// silent skip to the nearest flow entering an inclusive join (more than one
// incoming flow), nearest by the number of flows on the shortest path,
// ties to the first met in document order. Flows that both leave a split
// and enter a join get none. PM4Py adds skips only when the process has
// both kinds of flows; so does this.
func (b *builder) inclusiveSkips() {
	exit, entry := map[string]bool{}, map[string]bool{}
	for _, f := range b.flows {
		if b.drop[f.ID] {
			continue
		}
		s, t := b.nodes[f.Source], b.nodes[f.Target]
		switch {
		case s.Kind == InclusiveGateway && len(b.out[s.ID]) > 1:
			exit[f.ID] = true
		case t.Kind == InclusiveGateway && len(b.in[t.ID]) > 1:
			entry[f.ID] = true
		}
	}
	for id := range exit {
		if entry[id] {
			delete(exit, id)
			delete(entry, id)
		}
	}
	if len(exit) == 0 || len(entry) == 0 {
		return
	}
	for _, f := range b.flows {
		if !exit[f.ID] {
			continue
		}
		seen := map[string]bool{f.ID: true}
		queue := []*Flow{f}
		var to *Flow
		for len(queue) > 0 && to == nil {
			g := queue[0]
			queue = queue[1:]
			for _, h := range b.out[g.Target] {
				if seen[h.ID] || b.drop[h.ID] {
					continue
				}
				seen[h.ID] = true
				if entry[h.ID] {
					to = h
					break
				}
				queue = append(queue, h)
			}
		}
		if to == nil {
			continue
		}
		b.cur = f.SubProcess
		t := b.trans("skip_"+f.ID, "", true, f.Source)
		b.arcs(t, []int{b.flowPlace[f.ID]}, []int{b.flowPlace[to.ID]})
	}
	b.cur = ""
}
