package bpmn

import (
	"fmt"

	"github.com/pmx-dev/pmx/mining/petri"
)

// Each flow node X becomes PM4Py's pattern: an entry place ent_X, X's own
// transition (labelled for a named task, else silent), an exit place
// exi_X. Flows are places; a silent step tfl_f takes flow f into the entry
// of its target and a silent step sfl_f takes the exit of its source onto
// f, so several flows in are an exclusive merge and several flows out an
// exclusive choice. Parallel and inclusive gateways instead join all their
// incoming flows in one step (in_X) and split to all outgoing flows in one
// (out_X); so do tasks, events and subprocesses with several outgoing
// flows, which BPMN starts all at once (PM4Py reads them as a choice).
// Keeping PM4Py's shape (and, after Reduce, its reduction) makes pmx's
// conformance figures on a converted model equal PM4Py's.

// isGateway says whether a node routes tokens rather than doing work.
func isGateway(k Kind) bool {
	return k == ExclusiveGateway || k == ParallelGateway || k == InclusiveGateway || k == EventBasedGateway
}

func (b *builder) flowPlaces(fs []*Flow) []int {
	ps := make([]int, len(fs))
	for i, f := range fs {
		ps[i] = b.flowPlace[f.ID]
	}
	return ps
}

func (b *builder) arcs(t int, pre, post []int) {
	for _, p := range pre {
		b.net.AddInput(p, t)
	}
	for _, p := range post {
		b.net.AddOutput(t, p)
	}
}

// node converts one flow node of lv (a subprocess with its content).
func (b *builder) node(lv *level, n *Node) error {
	if n.Kind == BoundaryEvent {
		return nil // converted with the node it is attached to
	}
	ins := b.in[n.ID]
	switch {
	case n.Kind == StartEvent && len(ins) > 0:
		return fmt.Errorf("start event %q has an incoming sequence flow (%q)", n.ID, ins[0].ID)
	case n.Kind != StartEvent && len(ins) == 0:
		return fmt.Errorf("%s %q has no incoming sequence flow; pmx needs every flow node but start events to be reached by one", n.Kind, n.ID)
	}
	ent := b.place("ent_"+n.ID, "")
	switch {
	case n.Kind == StartEvent:
		// Each start event takes the level's one source token: several
		// start events are an exclusive choice, as each starts a case.
		b.arcs(b.trans("start_"+n.ID, "", true, n.ID), []int{lv.src}, []int{ent})
	case (n.Kind == ParallelGateway || n.Kind == InclusiveGateway) && len(ins) > 1:
		b.arcs(b.trans("in_"+n.ID, "", true, n.ID), b.flowPlaces(ins), []int{ent})
	default:
		for _, f := range ins {
			b.arcs(b.trans("tfl_"+f.ID, "", true, n.ID), []int{b.flowPlace[f.ID]}, []int{ent})
		}
	}
	exi := b.place("exi_"+n.ID, "")
	switch n.Kind {
	case Task:
		silent := n.Name == ""
		if silent {
			b.warn("task %q has no name: converted as a silent step", n.ID)
		}
		b.arcs(b.trans(n.ID, n.Name, silent, n.ID), []int{ent}, []int{exi})
		// An interrupting boundary event is a silent alternative to the
		// task: it is cut short and does not complete.
		for _, bd := range b.bounds[n.ID] {
			bx := b.place("exi_"+bd.ID, "")
			b.arcs(b.trans(bd.ID, "", true, bd.ID), []int{ent}, []int{bx})
			b.leave(lv, bd, bx)
		}
	case SubProcess:
		if err := b.subprocess(lv, n, ent, exi); err != nil {
			return err
		}
	default: // events and gateways: silent steps
		b.arcs(b.trans(n.ID, "", true, n.ID), []int{ent}, []int{exi})
	}
	b.leave(lv, n, exi)
	return nil
}

// leave connects a node's exit place to its outgoing flows. A node with
// none (an end event, or any node where a path stops, which BPMN reads as
// an end) leaves its exit place as an end place of the level.
func (b *builder) leave(lv *level, n *Node, exi int) {
	outs := b.out[n.ID]
	if len(outs) == 0 || n.Kind == EndEvent {
		lv.ends = append(lv.ends, exi)
		lv.endNodes = append(lv.endNodes, n.ID)
		return
	}
	if len(outs) > 1 && (n.Kind == ParallelGateway || n.Kind == InclusiveGateway || !isGateway(n.Kind)) {
		b.arcs(b.trans("out_"+n.ID, "", true, n.ID), []int{exi}, b.flowPlaces(outs))
		return
	}
	for _, f := range outs {
		b.arcs(b.trans("sfl_"+f.ID, "", true, n.ID), []int{exi}, []int{b.flowPlace[f.ID]})
	}
}

// subprocess nests the sub-workflow net of an embedded subprocess between
// its entry and exit places: a step from ent to the subprocess's source
// place, its content (one start event), a step from its sink to exi.
//
// An interrupting boundary event on it gets one silent step per marking
// the subprocess can be in, taking exactly that marking's tokens: in a
// sound subprocess no reachable marking contains another, so the step
// empties the subprocess whatever it was doing.
func (b *builder) subprocess(lv *level, n *Node, ent, exi int) error {
	if n.Element == "adHocSubProcess" {
		return fmt.Errorf("ad hoc subprocess %q: its activities run in any order and any number of times, which pmx does not convert", n.ID)
	}
	src := b.place("src_"+n.ID, "")
	snk := b.place("snk_"+n.ID, "")
	b.arcs(b.trans(n.ID, "", true, n.ID), []int{ent}, []int{src})
	if err := b.level(&level{sub: n.ID, src: src, snk: snk}); err != nil {
		return err
	}
	allowed := b.inside(n.ID)
	b.arcs(b.trans("exit_"+n.ID, "", true, n.ID), []int{snk}, []int{exi})
	if len(b.bounds[n.ID]) == 0 {
		return nil
	}
	states := []petri.Marking{{src: 1}}
	if g, err := explore(b.net, petri.Marking{src: 1}, allowed, min(b.maxStates, 1000)); err == nil {
		states = states[:0]
		for s := range g.keys {
			if m := g.marking(int32(s)); !m.Equal(petri.Marking{snk: 1}) {
				states = append(states, m)
			}
		}
	} else {
		b.warn("interrupting boundary events on subprocess %q: it has too many states (%v), so they are converted as taken only when it starts", n.ID, err)
	}
	for _, bd := range b.bounds[n.ID] {
		bx := b.place("exi_"+bd.ID, "")
		for i, m := range states {
			t := b.trans(fmt.Sprintf("%s_%d", bd.ID, i+1), "", true, bd.ID)
			for _, q := range sortedPlaces(m) {
				b.net.Arcs = append(b.net.Arcs, petri.Arc{Place: q, Trans: t, ToTrans: true, Weight: m[q]})
			}
			b.net.AddOutput(t, bx)
		}
		b.leave(lv, bd, bx)
	}
	return nil
}
