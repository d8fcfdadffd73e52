package bpmn

import (
	"fmt"
	"strings"

	"github.com/pmx-dev/pmx/mining/petri"
)

// builder converts one process. Nodes and flows are visited in document
// order and every ID is minted from the model's IDs, so the same model
// always gives the same net, byte for byte.
type builder struct {
	proc      *Process
	net       *petri.Net
	conv      *Conversion
	ids       map[string]bool
	nodes     map[string]*Node
	in, out   map[string][]*Flow // by node ID, document order
	flowPlace map[string]int
	kids      map[string][]*Node // by SubProcess ID ("" the process level)
	bounds    map[string][]*Node // interrupting boundary events by AttachedTo
	drop      map[string]bool    // nodes and flows left out (see dropNonInterrupting)
	maxStates int
	// owner is, per transition, the level (subprocess ID, "" the process)
	// it belongs to; cur the level being converted.
	owner []string
	cur   string
}

// level is one (sub)process level being converted: its source and sink
// places and the end places its end events (and nodes without outgoing
// flows, which end their path as an end event would) put tokens on.
type level struct {
	sub      string
	src, snk int
	ends     []int
	endNodes []string
}

func (b *builder) uniq(id string) string {
	out := id
	for i := 2; b.ids[out]; i++ {
		out = fmt.Sprintf("%s#%d", id, i)
	}
	b.ids[out] = true
	return out
}

func (b *builder) place(id, flow string) int {
	b.conv.Flow = append(b.conv.Flow, flow)
	return b.net.AddPlace(b.uniq(id))
}

func (b *builder) trans(id, label string, silent bool, node string) int {
	b.conv.Node = append(b.conv.Node, node)
	b.owner = append(b.owner, b.cur)
	return b.net.AddTransition(b.uniq(id), label, silent)
}

func (b *builder) warn(format string, a ...any) {
	b.conv.Warnings = append(b.conv.Warnings, fmt.Sprintf(format, a...))
}

// index fills the lookup tables and checks what the conversion relies on:
// flows between known nodes of one level, boundary events attached to
// activities.
func (b *builder) index() error {
	for _, n := range b.proc.Nodes {
		if b.nodes[n.ID] != nil {
			return fmt.Errorf("node id %q repeated", n.ID)
		}
		b.nodes[n.ID] = n
		b.kids[n.SubProcess] = append(b.kids[n.SubProcess], n)
	}
	for _, f := range b.proc.Flows {
		s, t := b.nodes[f.Source], b.nodes[f.Target]
		if s == nil || t == nil {
			return fmt.Errorf("sequence flow %q joins %q and %q, not both flow nodes of the process", f.ID, f.Source, f.Target)
		}
		if s.SubProcess != t.SubProcess {
			return fmt.Errorf("sequence flow %q crosses the border of a subprocess (%q to %q)", f.ID, f.Source, f.Target)
		}
		b.out[f.Source] = append(b.out[f.Source], f)
		b.in[f.Target] = append(b.in[f.Target], f)
	}
	for _, n := range b.proc.Nodes {
		if n.Kind != BoundaryEvent {
			continue
		}
		host := b.nodes[n.AttachedTo]
		if host == nil || (host.Kind != Task && host.Kind != SubProcess) {
			return fmt.Errorf("boundary event %q is attached to %q, not a task or subprocess of the process", n.ID, n.AttachedTo)
		}
		if len(b.in[n.ID]) > 0 {
			return fmt.Errorf("boundary event %q has an incoming sequence flow", n.ID)
		}
		if n.Interrupting {
			b.bounds[n.AttachedTo] = append(b.bounds[n.AttachedTo], n)
		}
	}
	return nil
}

// dropNonInterrupting leaves out each non-interrupting boundary event with
// the path it starts, when that path runs apart from the rest of the
// process to end events: the net cannot start a branch beside a running
// task without changing the task's own behaviour, and a path that only
// ends loses nothing the rest of the process depends on. A path that
// merges back is refused: leaving it out would change the process.
func (b *builder) dropNonInterrupting() error {
	for _, n := range b.proc.Nodes {
		if n.Kind != BoundaryEvent || n.Interrupting {
			continue
		}
		path := map[string]bool{n.ID: true}
		queue := []string{n.ID}
		var tasks []string
		for len(queue) > 0 {
			id := queue[0]
			queue = queue[1:]
			outs := b.out[id]
			if len(outs) == 0 && b.nodes[id].Kind != EndEvent && id != n.ID {
				return fmt.Errorf("non-interrupting boundary event %q: its path stops at %s %q, not at an end event; pmx converts such a path only when it runs to end events on its own",
					n.ID, b.nodes[id].Kind, id)
			}
			for _, f := range outs {
				if !path[f.Target] {
					path[f.Target] = true
					queue = append(queue, f.Target)
					if t := b.nodes[f.Target]; t.Kind == Task {
						tasks = append(tasks, fmt.Sprintf("%q", t.Name))
					}
				}
			}
		}
		for id := range path {
			for _, f := range b.in[id] {
				if !path[f.Source] {
					return fmt.Errorf("non-interrupting boundary event %q: its path joins the rest of the process at %q (flow %q); pmx cannot convert a branch that starts beside a running task and merges back",
						n.ID, id, f.ID)
				}
			}
			if len(b.bounds[id]) > 0 || b.nodes[id].Kind == SubProcess {
				return fmt.Errorf("non-interrupting boundary event %q: its path holds %q, which has its own boundary events or content; not converted", n.ID, id)
			}
		}
		for id := range path {
			b.drop[id] = true
			for _, f := range b.out[id] {
				b.drop[f.ID] = true
			}
		}
		what := ""
		if len(tasks) > 0 {
			what = " (tasks " + strings.Join(tasks, ", ") + " are not in the net)"
		}
		b.warn("non-interrupting boundary event %q on %q: left out with the path it starts, which only ends%s", n.ID, n.AttachedTo, what)
	}
	return nil
}

// entry is the place a node's own transition consumes from: its one
// incoming flow's place or, when several flows come in, a place each of
// them feeds by a silent step (an exclusive merge: a token on any of them
// starts the node, as BPMN's uncontrolled merge does).
func (b *builder) entry(n *Node) (int, error) {
	ins := b.in[n.ID]
	switch len(ins) {
	case 0:
		return 0, fmt.Errorf("%s %q has no incoming sequence flow; pmx needs every flow node but start events to be reached by one", n.Kind, n.ID)
	case 1:
		return b.flowPlace[ins[0].ID], nil
	}
	p := b.place("ent_"+n.ID, "")
	for _, f := range ins {
		t := b.trans("tfl_"+f.ID, "", true, n.ID)
		b.net.AddInput(b.flowPlace[f.ID], t)
		b.net.AddOutput(t, p)
	}
	return p, nil
}

// outputs are the places a node's transition produces on: one per
// outgoing flow (all of them: a node that is not a gateway splits in
// parallel, as BPMN says), or a new end place when none leaves, since a
// path that stops at a node ends there as at an end event.
func (b *builder) outputs(lv *level, n *Node) []int {
	var ps []int
	for _, f := range b.out[n.ID] {
		ps = append(ps, b.flowPlace[f.ID])
	}
	if len(ps) == 0 || n.Kind == EndEvent {
		p := b.place("end_"+n.ID, "")
		lv.ends = append(lv.ends, p)
		lv.endNodes = append(lv.endNodes, n.ID)
		return []int{p}
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

// node converts one flow node of lv (subprocesses recursively).
func (b *builder) node(lv *level, n *Node) error {
	switch n.Kind {
	case StartEvent:
		if len(b.in[n.ID]) > 0 {
			return fmt.Errorf("start event %q has an incoming sequence flow (%q)", n.ID, b.in[n.ID][0].ID)
		}
		b.arcs(b.trans(n.ID, "", true, n.ID), []int{lv.src}, b.outputs(lv, n))
		return nil
	case BoundaryEvent:
		return nil // converted with the node it is attached to
	case ExclusiveGateway, EventBasedGateway:
		return b.choice(lv, n)
	case ParallelGateway, InclusiveGateway:
		// An inclusive gateway is converted as PM4Py does: a parallel
		// split and join, with skips added by inclusiveSkips.
		if len(b.in[n.ID]) == 0 {
			return fmt.Errorf("%s %q has no incoming sequence flow", n.Kind, n.ID)
		}
		var pre []int
		for _, f := range b.in[n.ID] {
			pre = append(pre, b.flowPlace[f.ID])
		}
		b.arcs(b.trans(n.ID, "", true, n.ID), pre, b.outputs(lv, n))
		return nil
	}
	p, err := b.entry(n)
	if err != nil {
		return err
	}
	switch n.Kind {
	case Task:
		silent := n.Name == ""
		if silent {
			b.warn("task %q has no name: converted as a silent step", n.ID)
		}
		b.arcs(b.trans(n.ID, n.Name, silent, n.ID), []int{p}, b.outputs(lv, n))
	case SubProcess:
		if err := b.subprocess(lv, n, p); err != nil {
			return err
		}
	default: // end and intermediate events: silent steps
		b.arcs(b.trans(n.ID, "", true, n.ID), []int{p}, b.outputs(lv, n))
	}
	if n.Kind == Task {
		// An interrupting boundary event of a task is a silent alternative
		// to it: the task is cut short and does not complete.
		for _, bd := range b.bounds[n.ID] {
			b.arcs(b.trans(bd.ID, "", true, bd.ID), []int{p}, b.outputs(lv, bd))
		}
	}
	return nil
}

// choice converts an exclusive or event-based gateway: one silent step per
// (incoming, outgoing) flow pair when one side has a single flow, else a
// shared place between a step per incoming and a step per outgoing flow.
// Conditions and default flows are not evaluated: every branch is possible.
func (b *builder) choice(lv *level, n *Node) error {
	ins := b.in[n.ID]
	if len(ins) == 0 {
		return fmt.Errorf("%s %q has no incoming sequence flow", n.Kind, n.ID)
	}
	outs := b.outputs(lv, n)
	outFlow := func(i int) string {
		if len(b.out[n.ID]) == 0 {
			return "end"
		}
		return b.out[n.ID][i].ID
	}
	switch {
	case len(ins) == 1 && len(outs) == 1:
		b.arcs(b.trans(n.ID, "", true, n.ID), []int{b.flowPlace[ins[0].ID]}, outs)
	case len(ins) == 1:
		for i, o := range outs {
			b.arcs(b.trans(n.ID+"_"+outFlow(i), "", true, n.ID), []int{b.flowPlace[ins[0].ID]}, []int{o})
		}
	case len(outs) == 1:
		for _, f := range ins {
			b.arcs(b.trans(n.ID+"_"+f.ID, "", true, n.ID), []int{b.flowPlace[f.ID]}, outs)
		}
	default:
		mid := b.place("ent_"+n.ID, "")
		for _, f := range ins {
			b.arcs(b.trans(n.ID+"_"+f.ID, "", true, n.ID), []int{b.flowPlace[f.ID]}, []int{mid})
		}
		for i, o := range outs {
			b.arcs(b.trans(n.ID+"_"+outFlow(i), "", true, n.ID), []int{mid}, []int{o})
		}
	}
	return nil
}

// subprocess nests the sub-workflow net of an embedded subprocess between
// an entering step (from entry place p) and a leaving step. An
// interrupting boundary event on it gets one silent step per marking the
// subprocess can be in, taking exactly that marking's tokens: in a sound
// subprocess no reachable marking contains another, so the step empties
// the subprocess whatever it was doing.
func (b *builder) subprocess(lv *level, n *Node, p int) error {
	enter := b.trans(n.ID, "", true, n.ID)
	src := b.place("src_"+n.ID, "")
	snk := b.place("snk_"+n.ID, "")
	b.arcs(enter, []int{p}, []int{src})
	if err := b.level(&level{sub: n.ID, src: src, snk: snk}); err != nil {
		return err
	}
	allowed := b.inside(n.ID)
	b.arcs(b.trans("exit_"+n.ID, "", true, n.ID), []int{snk}, b.outputs(lv, n))
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
		b.warn("interrupting boundary events on subprocess %q: it has too many states (%v), so they are converted as taken only before it starts", n.ID, err)
	}
	for _, bd := range b.bounds[n.ID] {
		post := b.outputs(lv, bd)
		for i, m := range states {
			t := b.trans(fmt.Sprintf("%s_%d", bd.ID, i+1), "", true, bd.ID)
			for _, q := range sortedPlaces(m) {
				b.net.Arcs = append(b.net.Arcs, petri.Arc{Place: q, Trans: t, ToTrans: true, Weight: m[q]})
			}
			b.arcs(t, nil, post)
		}
	}
	return nil
}

// inside marks the transitions of level sub and of the subprocesses nested
// in it.
func (b *builder) inside(sub string) []bool {
	allowed := make([]bool, len(b.net.Transitions))
	for t, o := range b.owner {
		for ; o != "" && o != sub; o = b.nodes[o].SubProcess {
		}
		allowed[t] = o == sub
	}
	return allowed
}
