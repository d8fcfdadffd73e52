package bpmn

import (
	"slices"

	"github.com/pmx-dev/pmx/mining/petri"
)

// Reduce returns the conversion with PM4Py's simple reduction applied
// (pm4py's reduction.apply_simple_reduction, which its BPMN conversion
// runs by default): until nothing changes, a silent transition whose one
// input place is fed by one transition and feeds only it is merged into
// that transition, and a silent transition whose one output place is fed
// only by it and feeds one transition is merged into that one. Both keep
// the language (the merged step only fires its silent part at the latest
// or earliest moment it could have), and together with Net's PM4Py-shaped
// conversion they give PM4Py's net, so alignment costs (which count silent
// moves) and precision agree with PM4Py's.
//
// The reduced net loses most flow places (Flow is "" for the places left
// that stand for none); use the conversion Net returned to map runs back
// to sequence flows. Reduce does not change c.
func (c *Conversion) Reduce() *Conversion {
	src := c
	if c.full != nil {
		src = c.full
	}
	out := src.reduce(nil)
	out.Warnings = slices.Clone(c.Warnings)
	return out
}

// reduce applies PM4Py's reduction (keep nil) or the light one Net applies
// (keep marks the places to keep: the flows'): both rules taken with
// several transitions on the other side of the place, but only where that
// keeps soundness as well as the language.
func (c *Conversion) reduce(keep []bool) *Conversion {
	out, _, _ := c.reduceMap(keep)
	return out
}

// reduceMap is reduce that also returns where each place and transition
// went (-1 when merged away).
func (c *Conversion) reduceMap(keep []bool) (*Conversion, []int, []int) {
	n := c.Net
	nP, nT := len(n.Places), len(n.Transitions)
	type arc struct{ p, w int }
	pre, post := make([][]arc, nT), make([][]arc, nT)
	for _, a := range n.Arcs {
		if a.ToTrans {
			pre[a.Trans] = append(pre[a.Trans], arc{a.Place, a.Weight})
		} else {
			post[a.Trans] = append(post[a.Trans], arc{a.Place, a.Weight})
		}
	}
	aliveT, aliveP := make([]bool, nT), make([]bool, nP)
	for i := range aliveT {
		aliveT[i] = true
	}
	for i := range aliveP {
		aliveP[i] = true
	}
	// producers and consumers of each place, one entry per arc (PM4Py
	// counts arcs).
	producers, consumers := make([][]int, nP), make([][]int, nP)
	for t := range nT {
		for _, a := range pre[t] {
			consumers[a.p] = append(consumers[a.p], t)
		}
		for _, a := range post[t] {
			producers[a.p] = append(producers[a.p], t)
		}
	}
	drop := func(list []int, t int) []int { return slices.DeleteFunc(list, func(u int) bool { return u == t }) }
	// A weighted arc is no step PM4Py's rules know: only plain arcs merge.
	weightAt := func(list []arc, p int) int {
		for _, a := range list {
			if a.p == p {
				return a.w
			}
		}
		return 0
	}
	plain := func(t int) bool {
		if !aliveT[t] || !n.Transitions[t].Silent {
			return false
		}
		for _, a := range append(slices.Clip(pre[t]), post[t]...) {
			if a.w != 1 {
				return false
			}
		}
		return true
	}
	// remove deletes transition t and place p, which only t and others
	// touch, and the arcs of both.
	remove := func(t, p int, others []int) {
		aliveT[t], aliveP[p] = false, false
		for _, a := range pre[t] {
			consumers[a.p] = drop(consumers[a.p], t)
		}
		for _, a := range post[t] {
			producers[a.p] = drop(producers[a.p], t)
		}
		pre[t], post[t] = nil, nil
		for _, o := range others {
			pre[o] = slices.DeleteFunc(pre[o], func(a arc) bool { return a.p == p })
			post[o] = slices.DeleteFunc(post[o], func(a arc) bool { return a.p == p })
		}
		producers[p], consumers[p] = nil, nil
	}
	free := func(p int) bool { return (keep == nil || !keep[p]) && n.Initial[p] == 0 && n.Final[p] == 0 }
	distinct := func(ts []int, t int) bool {
		for i, u := range ts {
			if u == t || slices.Contains(ts[:i], u) {
				return false
			}
		}
		return len(ts) > 0
	}
	// singleEntry merges t into the transitions feeding its one input
	// place p, which feeds only t: t then fires as soon as p is marked,
	// which it always could. PM4Py requires one feeding transition; the
	// light reduction takes several.
	singleEntry := func() bool {
		for t := range nT {
			if !plain(t) || len(pre[t]) != 1 {
				continue
			}
			p := pre[t][0].p
			in := producers[p]
			if !free(p) || len(consumers[p]) != 1 || !distinct(in, t) || (keep == nil && len(in) != 1) {
				continue
			}
			ok := true
			for _, s := range in {
				ok = ok && weightAt(post[s], p) == 1
			}
			if !ok {
				continue
			}
			targets := slices.Clone(post[t])
			remove(t, p, in)
			for _, s := range in {
				post[s] = append(post[s], targets...)
				for _, a := range targets {
					producers[a.p] = append(producers[a.p], s)
				}
			}
			return true
		}
		return false
	}
	// singleExit merges t into the transitions its one output place p
	// feeds, when only t feeds p: t's firing is put off until one of them
	// fires. PM4Py requires one fed transition (which may wait for other
	// places too); the light reduction takes several, each waiting for p
	// alone, so that no choice moves and soundness is kept.
	singleExit := func() bool {
		for t := range nT {
			if !plain(t) || len(post[t]) != 1 {
				continue
			}
			p := post[t][0].p
			out := consumers[p]
			if !free(p) || len(producers[p]) != 1 || !distinct(out, t) || (keep == nil && len(out) != 1) {
				continue
			}
			ok := true
			for _, u := range out {
				ok = ok && weightAt(pre[u], p) == 1 && (keep == nil || len(pre[u]) == 1)
			}
			if !ok {
				continue
			}
			sources := slices.Clone(pre[t])
			remove(t, p, out)
			for _, u := range out {
				pre[u] = append(pre[u], sources...)
				for _, a := range sources {
					consumers[a.p] = append(consumers[a.p], u)
				}
			}
			return true
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for singleEntry() {
			changed = true
		}
		for singleExit() {
			changed = true
		}
	}

	out := &Conversion{Net: &petri.Net{Name: n.Name}, Warnings: slices.Clone(c.Warnings)}
	placeAt, transAt := make([]int, nP), make([]int, nT)
	used := make([]bool, nP)
	for t := range nT {
		for _, a := range append(slices.Clip(pre[t]), post[t]...) {
			used[a.p] = true
		}
	}
	for p := range nP {
		placeAt[p] = -1
		if aliveP[p] && (used[p] || n.Initial[p] > 0 || n.Final[p] > 0) {
			placeAt[p] = out.Net.AddPlace(n.Places[p].ID)
			out.Flow = append(out.Flow, c.Flow[p])
		}
	}
	for t := range nT {
		transAt[t] = -1
		if aliveT[t] {
			tr := n.Transitions[t]
			transAt[t] = out.Net.AddTransition(tr.ID, tr.Label, tr.Silent)
			out.Node = append(out.Node, c.Node[t])
		}
	}
	for t := range nT {
		for _, a := range pre[t] {
			out.Net.Arcs = append(out.Net.Arcs, petri.Arc{Place: placeAt[a.p], Trans: transAt[t], ToTrans: true, Weight: a.w})
		}
		for _, a := range post[t] {
			out.Net.Arcs = append(out.Net.Arcs, petri.Arc{Place: placeAt[a.p], Trans: transAt[t], Weight: a.w})
		}
	}
	out.Net.Initial, out.Net.Final = petri.Marking{}, petri.Marking{}
	for p, k := range n.Initial {
		out.Net.Initial[placeAt[p]] = k
	}
	for p, k := range n.Final {
		out.Net.Final[placeAt[p]] = k
	}
	return out, placeAt, transAt
}
