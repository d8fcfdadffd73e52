package engine

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// ErrStuck reports a case of mode net that can go no further before its
// final marking: the net is not sound for the path the case took.
var ErrStuck = errors.New("simulate: a case is stuck")

// maxFirings bounds the transitions one step of a case's token game fires
// at one instant. Validation refuses loops of silent transitions, so only
// a huge net reaches it; it turns a bug into an error rather than a hang.
const maxFirings = 1_000_000

// maxCaseActivities and maxTokens bound one case: a case that does this
// many activities, or piles this many tokens on a place, is in a loop
// whose way out weighs 0 or in a net that is not bounded, and would
// otherwise run the simulation forever.
const (
	maxCaseActivities = 100_000
	maxTokens         = 10_000
)

// netSim is mode net's workflow net, compiled for the token game. Places
// and transitions are numbered as the model lists them.
type netSim struct {
	places  []string
	act     []int32   // per transition: activity, -1 silent
	pre     [][]arcW  // per transition: places it takes from
	post    [][]arcW  // per transition: places it puts into
	out     [][]int32 // per place: transitions taking from it
	weight  [][]float64
	initial []int32 // tokens per place
	final   []int32
}

type arcW struct{ place, weight int32 }

// netState is one case's token game.
type netState struct {
	mark    []int32
	running int32    // labelled transitions started and not yet done
	started int32    // labelled transitions started in all
	chosen  []uint32 // per place: choices made there (keys their streams)
	// committed is, per place with a choice, the transition its next
	// token is promised to (-1: not drawn yet).
	committed []int32
	occ       []int32 // per activity: instances started
}

func compileNet(w *model.WorkflowNet, actIndex map[string]int) *netSim {
	n := &netSim{places: w.Places}
	place := index(w.Places)
	n.out = make([][]int32, len(w.Places))
	add := func(arcs []arcW, p int32) []arcW {
		for i := range arcs {
			if arcs[i].place == p {
				arcs[i].weight++
				return arcs
			}
		}
		return append(arcs, arcW{p, 1})
	}
	for ti, t := range w.Transitions {
		a := int32(-1)
		if t.Label != "" {
			a = int32(actIndex[t.Label])
		}
		n.act = append(n.act, a)
		var pre, post []arcW
		for _, p := range t.In {
			pi := int32(place[p])
			pre = add(pre, pi)
			if !slices.Contains(n.out[pi], int32(ti)) {
				n.out[pi] = append(n.out[pi], int32(ti))
			}
		}
		for _, p := range t.Out {
			post = add(post, int32(place[p]))
		}
		n.pre, n.post = append(n.pre, pre), append(n.post, post)
	}
	n.weight = make([][]float64, len(w.Places))
	for pi, p := range w.Places {
		ws, ok := w.Weights[p]
		n.weight[pi] = make([]float64, len(n.out[pi]))
		for j, ti := range n.out[pi] {
			n.weight[pi][j] = 1
			if ok {
				n.weight[pi][j] = ws[w.Transitions[ti].ID]
			}
		}
	}
	n.initial = make([]int32, len(w.Places))
	n.final = make([]int32, len(w.Places))
	for p, k := range w.Initial {
		n.initial[place[p]] = int32(k)
	}
	for p, k := range w.Final {
		n.final[place[p]] = int32(k)
	}
	return n
}

func (n *netSim) enabled(t int32, mark []int32) bool {
	for _, a := range n.pre[t] {
		if mark[a.place] < a.weight {
			return false
		}
	}
	return true
}

// newNetState starts a case's token game, reusing a finished case's state.
func (r *run) newNetState() *netState {
	n := r.s.net
	var ns *netState
	if k := len(r.freeNet); k > 0 {
		ns, r.freeNet = r.freeNet[k-1], r.freeNet[:k-1]
		clear(ns.chosen)
		clear(ns.occ)
		for i := range ns.committed {
			ns.committed[i] = -1
		}
		ns.running, ns.started = 0, 0
	} else {
		ns = &netState{mark: make([]int32, len(n.places)), chosen: make([]uint32, len(n.places)), occ: make([]int32, len(r.s.acts)),
			committed: make([]int32, len(n.places))}
		for i := range ns.committed {
			ns.committed[i] = -1
		}
	}
	copy(ns.mark, n.initial)
	return ns
}

// play fires case c's enabled transitions at t until none is left: silent
// ones at once, labelled ones by starting their activity (their outputs
// come when it is done, in netDone). It ends the case at the final
// marking, and fails the run when the case is stuck short of it.
func (r *run) play(c int32, t int64) {
	n, ns := r.s.net, r.cases[c].net
	for range maxFirings {
		if ns.running == 0 && slices.Equal(ns.mark, n.final) {
			r.finish(c, t)
			return
		}
		tr := r.choose(c, ns)
		if tr < 0 && ns.running == 0 && r.recommit(c, ns) {
			continue
		}
		if tr < 0 {
			if ns.running == 0 {
				r.err = fmt.Errorf("%w: case %d reached marking %s, which is not the final marking %s, and no transition is enabled: the net is not sound on this path",
					ErrStuck, c, n.marking(ns.mark), n.marking(n.final))
			}
			return
		}
		for _, a := range n.pre[tr] {
			ns.mark[a.place] -= a.weight
			if ns.committed[a.place] == tr || ns.mark[a.place] == 0 {
				ns.committed[a.place] = -1
			}
		}
		a := n.act[tr]
		if a < 0 {
			if !r.put(c, tr) {
				return
			}
			continue
		}
		if ns.started++; ns.started > maxCaseActivities {
			r.err = fmt.Errorf("%w: case %d has started %d activities without reaching the final marking: a loop whose way out weighs 0?", ErrStuck, c, maxCaseActivities)
			return
		}
		nodes := append(r.cases[c].nodes, pnode{kind: nAct, act: a, occ: ns.occ[a], prev: -2, parent: -1, first: -1, next: -1, trans: tr})
		r.cases[c].nodes = nodes
		ns.occ[a]++
		ns.running++
		r.start(c, int32(len(nodes)-1), t)
	}
	r.err = fmt.Errorf("simulate: case %d fired %d transitions at one instant: the net loops without time passing", c, maxFirings)
}

// netDone puts the outputs of the transition of case c's plan node n,
// whose activity ended at t, and plays on.
func (r *run) netDone(c, n int32, t int64) {
	ns := r.cases[c].net
	ns.running--
	if r.put(c, r.cases[c].nodes[n].trans) {
		r.play(c, t)
	}
}

// put puts transition tr's output tokens in case c's marking; it fails the
// run when a place overflows (the net is not bounded).
func (r *run) put(c, tr int32) bool {
	n, ns := r.s.net, r.cases[c].net
	for _, o := range n.post[tr] {
		if ns.mark[o.place] += o.weight; ns.mark[o.place] > maxTokens {
			r.err = fmt.Errorf("%w: case %d has %d tokens on place %s: the net is not bounded", ErrStuck, c, ns.mark[o.place], n.places[o.place])
			return false
		}
	}
	return true
}

// choose picks the transition case c fires next, or -1 when none may.
//
// A place with a choice decides when a token is in it, by its weights
// over all its output transitions, as a BPMN gateway decides when the
// token arrives: the token is then promised to that transition and waits
// until it is enabled. Choosing only among the transitions enabled at
// that instant would bias every choice whose branch needs a token from
// elsewhere too (a loop back beside a join that waits for a parallel
// branch: the loop would win whenever the branch is late). Only if the
// case would otherwise be stuck does recommit draw again among the enabled
// ones. Each draw comes from a stream of its own keyed by (case, place,
// draw), so that timing (which branch of a parallel block gets there
// first) does not shift any case's choices. A transition fires when it is
// enabled and every input place with a choice is promised to it, in the
// order the model lists places and transitions.
func (r *run) choose(c int32, ns *netState) int32 {
	n := r.s.net
	for p, k := range ns.mark {
		if k > 0 && len(n.out[p]) > 1 && ns.committed[p] < 0 {
			ns.committed[p] = r.draw(c, ns, int32(p), false)
		}
	}
	for p, k := range ns.mark {
		if k == 0 {
			continue
		}
		for _, t := range n.out[p] {
			if n.enabled(t, ns.mark) && n.promised(t, ns) {
				return t
			}
		}
	}
	return -1
}

// promised reports whether every input place of t with a choice has its
// token promised to t.
func (n *netSim) promised(t int32, ns *netState) bool {
	for _, a := range n.pre[t] {
		if len(n.out[a.place]) > 1 && ns.committed[a.place] != t {
			return false
		}
	}
	return true
}

// recommit draws again, among the transitions enabled now, for each place
// whose token is promised to a transition that is not enabled: case c has
// nothing running and would be stuck otherwise. It reports whether any
// promise changed.
func (r *run) recommit(c int32, ns *netState) bool {
	n := r.s.net
	changed := false
	for p, t := range ns.committed {
		if t < 0 || ns.mark[p] == 0 || n.enabled(t, ns.mark) {
			continue
		}
		if u := r.draw(c, ns, int32(p), true); u >= 0 && u != t {
			ns.committed[p], changed = u, true
		}
	}
	return changed
}

// draw picks one of place p's output transitions by their weights
// (uniformly when those it picks among all weigh 0): among all of them,
// or only the enabled ones (-1 when none is).
func (r *run) draw(c int32, ns *netState, p int32, enabledOnly bool) int32 {
	n := r.s.net
	cand, total := r.cand[:0], 0.0
	for j, t := range n.out[p] {
		if !enabledOnly || n.enabled(t, ns.mark) {
			cand = append(cand, int32(j))
			total += n.weight[p][j]
		}
	}
	r.cand = cand
	if len(cand) == 0 {
		return -1
	}
	st := r.streams.of(purposeRoute, uint64(c), uint64(p), uint64(ns.chosen[p]))
	ns.chosen[p]++
	u := st.Float64()
	if total <= 0 {
		return n.out[p][cand[min(int(u*float64(len(cand))), len(cand)-1)]]
	}
	x := u * total
	for _, j := range cand {
		if x -= n.weight[p][j]; x < 0 {
			return n.out[p][j]
		}
	}
	// Rounding left x at 0: the last one with weight takes it.
	for i := len(cand) - 1; i >= 0; i-- {
		if n.weight[p][cand[i]] > 0 {
			return n.out[p][cand[i]]
		}
	}
	return n.out[p][cand[len(cand)-1]]
}

// marking writes a marking as {place: tokens, ...}.
func (n *netSim) marking(mark []int32) string {
	var parts []string
	for p, k := range mark {
		if k > 0 {
			parts = append(parts, fmt.Sprintf("%s: %d", n.places[p], k))
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
