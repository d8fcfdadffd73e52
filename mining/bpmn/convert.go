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
	flows     []*Flow            // the process's, then those joining link events
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
	for _, n := range b.proc.Nodes {
		// Every level must be a subprocess node, and levels must not
		// nest in a circle (a Model built in Go may say anything).
		depth := 0
		for s := n.SubProcess; s != ""; s = b.nodes[s].SubProcess {
			if b.nodes[s] == nil || b.nodes[s].Kind != SubProcess {
				return fmt.Errorf("%s %q is inside %q, which is no subprocess of the process", n.Kind, n.ID, s)
			}
			if depth++; depth > len(b.proc.Nodes) {
				return fmt.Errorf("%s %q: subprocesses nest in a circle", n.Kind, n.ID)
			}
		}
	}
	if err := b.links(); err != nil {
		return err
	}
	for _, f := range b.flows {
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
		switch {
		case n.Trigger == "compensate":
			// A compensation event starts its handler (by association,
			// not by flow) only when a later failure undoes the task.
			b.drop[n.ID] = true
			b.warn("compensation boundary event %q on %q: left out (compensation is not converted)", n.ID, n.AttachedTo)
		case n.Interrupting:
			b.bounds[n.AttachedTo] = append(b.bounds[n.AttachedTo], n)
		}
	}
	for _, n := range b.proc.Nodes {
		if n.Kind == EndEvent && n.Trigger == "terminate" {
			b.warn("terminate end event %q: converted as a plain end event (the branches still running are not cut short)", n.ID)
		}
	}
	// A task or intermediate event no sequence flow touches is not on any
	// path: a compensation handler, or a shape left on the canvas.
	for _, n := range b.proc.Nodes {
		if (n.Kind == Task || n.Kind == IntermediateEvent) && len(b.in[n.ID])+len(b.out[n.ID]) == 0 {
			b.drop[n.ID] = true
			b.warn("%s %q is connected by no sequence flow: left out", n.Kind, n.ID)
		}
	}
	return nil
}

// links joins each link throw event to the link catch event of the same
// name (and subprocess level) by a flow of its own: link events are a
// drawing's off-page connectors, a jump as good as a sequence flow. The
// flow's place stands for no flow of the file (Flow "").
func (b *builder) links() error {
	b.flows = append(b.flows, b.proc.Flows...)
	catch := map[[2]string]*Node{}
	for _, n := range b.proc.Nodes {
		if n.Kind == IntermediateEvent && n.Trigger == "link" && n.Element == "intermediateCatchEvent" {
			catch[[2]string{n.SubProcess, n.Name}] = n
		}
	}
	for _, n := range b.proc.Nodes {
		if n.Kind != IntermediateEvent || n.Trigger != "link" || n.Element != "intermediateThrowEvent" {
			continue
		}
		c := catch[[2]string{n.SubProcess, n.Name}]
		if c == nil {
			return fmt.Errorf("link event %q throws to %q, but no link catch event of that name is on its level", n.ID, n.Name)
		}
		b.flows = append(b.flows, &Flow{ID: "link_" + n.ID, Source: n.ID, Target: c.ID, SubProcess: n.SubProcess})
		b.warn("link events %q and %q: joined as by a sequence flow", n.ID, c.ID)
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
		for _, pn := range b.proc.Nodes { // document order: the same error every time
			id := pn.ID
			if !path[id] {
				continue
			}
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
