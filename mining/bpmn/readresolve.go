package bpmn

import (
	"fmt"
	"slices"
)

// resolve checks and joins what parse read, once every element is known
// (a flow may come before its nodes, the diagram comes last): pools to
// processes, flows to their nodes, boundary events to their activities,
// lanes to their nodes, shapes and edges to what they draw. After it,
// every flow's Source and Target is a node of the flow's process at the
// flow's subprocess level, and every id is used once.
func (r *docReader) resolve() error {
	if len(r.m.Processes) == 0 {
		return &Error{Line: r.rootLine, Element: "definitions", Reason: "no <process>: there is no process to read"}
	}
	pools, err := r.participants()
	if err != nil {
		return err
	}
	for _, p := range r.m.Processes {
		for _, fl := range p.Flows {
			if err := r.flowEnd(p, fl, "sourceRef", fl.Source); err != nil {
				return err
			}
			if err := r.flowEnd(p, fl, "targetRef", fl.Target); err != nil {
				return err
			}
		}
		for _, n := range p.Nodes {
			if err := r.checkNode(p, n); err != nil {
				return err
			}
		}
	}
	lanes := r.lanes()
	r.diDiagram(pools, lanes)
	keys := make([]string, 0, len(r.summary))
	for k := range r.summary {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s := r.summary[k]
		text := fmt.Sprintf("line %d: %d %s: %s", s.line, s.n, k, summarised[k])
		if s.id != "" {
			text += fmt.Sprintf(" (the first is id %q)", s.id)
		}
		r.warns = append(r.warns, readWarning{s.line, text})
	}
	r.sortWarnings()
	return nil
}

// participants names each process by its pool and returns the processes
// by participant id (for the pools' shapes).
func (r *docReader) participants() (map[string]*Process, error) {
	pools := map[string]*Process{}
	for _, pt := range r.parts {
		if pt.process == "" {
			r.warn(pt.line, "participant", pt.id, "a pool without a process (a black box): nothing to read")
			continue
		}
		p := r.procs[pt.process]
		if p == nil {
			return nil, &Error{Line: pt.line, Element: "participant", ID: pt.id,
				Reason: fmt.Sprintf("processRef %q is not a process of the file", pt.process)}
		}
		if p.Participant != "" {
			r.warn(pt.line, "participant", pt.id, fmt.Sprintf("a second pool of process %q, ignored", p.ID))
			continue
		}
		p.Participant = pt.name
		if p.Participant == "" {
			p.Participant = pt.id
		}
		if pt.id != "" {
			pools[pt.id] = p
		}
	}
	return pools, nil
}

// whereIs says where a node or flow is, for errors.
func whereIs(p *Process, sub string) string {
	if sub == "" {
		return fmt.Sprintf("at the top level of process %q", p.ID)
	}
	return fmt.Sprintf("inside subprocess %q of process %q", sub, p.ID)
}

// flowEnd checks one end of a sequence flow: a node of the same process,
// at the same subprocess level (a flow cannot enter or leave a
// subprocess; the subprocess's own node is its boundary).
func (r *docReader) flowEnd(p *Process, fl *Flow, attrName, id string) error {
	fail := func(format string, args ...any) error {
		return &Error{Line: fl.Line, Element: "sequenceFlow", ID: fl.ID, Reason: fmt.Sprintf(format, args...)}
	}
	if id == "" {
		return fail("no %s", attrName)
	}
	at, ok := r.nodes[id]
	if !ok {
		if el, ok := r.skipped[id]; ok {
			return fail("%s %q is a <%s>, which is not read as a flow node (see the warnings)", attrName, id, el)
		}
		return fail("%s %q is not a flow node of the file", attrName, id)
	}
	if at.proc != p {
		return fail("%s %q is in process %q, the flow in process %q: a sequence flow cannot cross pools (that is a message flow)",
			attrName, id, at.proc.ID, p.ID)
	}
	if at.node.SubProcess != fl.SubProcess {
		return fail("%s %q is %s, the flow %s: a sequence flow cannot cross a subprocess boundary",
			attrName, id, whereIs(p, at.node.SubProcess), whereIs(p, fl.SubProcess))
	}
	return nil
}

// checkNode checks a boundary event's attachment and a default flow.
func (r *docReader) checkNode(p *Process, n *Node) error {
	fail := func(format string, args ...any) error {
		return &Error{Line: n.Line, Element: n.Element, ID: n.ID, Reason: fmt.Sprintf(format, args...)}
	}
	if n.Kind == BoundaryEvent {
		if n.AttachedTo == "" {
			return fail("a boundary event attached to nothing (no attachedToRef)")
		}
		at, ok := r.nodes[n.AttachedTo]
		switch {
		case !ok:
			return fail("attachedToRef %q is not an activity of the file", n.AttachedTo)
		case at.node.Kind != Task && at.node.Kind != SubProcess:
			return fail("attached to %q, a <%s>: only tasks and subprocesses carry boundary events", n.AttachedTo, at.node.Element)
		case at.proc != p || at.node.SubProcess != n.SubProcess:
			return fail("attached to %q, which is %s, the event %s", n.AttachedTo,
				whereIs(at.proc, at.node.SubProcess), whereIs(p, n.SubProcess))
		}
	}
	if n.Default != "" {
		if fl := r.flows[n.Default]; fl == nil || fl.Source != n.ID {
			return fail("default flow %q is not one of its outgoing sequence flows", n.Default)
		}
	}
	return nil
}

// lanes checks the lanes' flowNodeRefs, keeps in Lane.Nodes only those
// naming a node of the lane's process, sets Node.Lane to the innermost
// lane, and returns the lanes by id (for their shapes).
func (r *docReader) lanes() map[string]*Lane {
	byID := map[string]*Lane{}
	known := map[*Lane]map[string]bool{}
	for _, lr := range r.laneRefs {
		if at, ok := r.nodes[lr.ref]; ok && at.proc == lr.proc {
			if known[lr.lane] == nil {
				known[lr.lane] = map[string]bool{}
			}
			known[lr.lane][lr.ref] = true
			continue
		}
		if _, ok := r.skipped[lr.ref]; ok {
			continue // not read, and said so where it is
		}
		r.warn(lr.line, "flowNodeRef", "", fmt.Sprintf("%q names no flow node of process %q, ignored", lr.ref, lr.proc.ID))
	}
	// Preorder: a child lane is visited after its parent, so the node
	// ends up with the innermost lane.
	var walk func([]*Lane)
	walk = func(ls []*Lane) {
		for _, l := range ls {
			if l.ID != "" {
				byID[l.ID] = l
			}
			kept := l.Nodes[:0]
			for _, id := range l.Nodes {
				if known[l][id] {
					kept = append(kept, id)
					r.nodes[id].node.Lane = l.ID
				}
			}
			l.Nodes = slices.Clip(kept)
			if len(l.Nodes) == 0 {
				l.Nodes = nil
			}
			walk(l.Children)
		}
	}
	for _, p := range r.m.Processes {
		walk(p.Lanes)
	}
	return byID
}

// diDiagram sets Bounds and Waypoints from the first diagram, and from any
// later one whose plane is a subprocess (bpmn-js draws the content of a
// collapsed subprocess on a diagram of its own). Other diagrams are
// warned about and ignored. Shapes of elements not read (data, artifacts,
// skipped elements) are passed over: their elements carry the warning.
func (r *docReader) diDiagram(pools map[string]*Process, lanes map[string]*Lane) {
	for i, d := range r.diagrams {
		if i > 0 {
			if at, ok := r.nodes[d.plane]; !ok || at.node.Kind != SubProcess {
				r.warn(d.line, "BPMNDiagram", d.id, fmt.Sprintf("a second diagram, ignored (the first one, line %d, is used)", r.diagrams[0].line))
				continue
			}
		}
		for id, b := range d.shapes {
			if at, ok := r.nodes[id]; ok && at.node.Bounds == nil {
				at.node.Bounds = b
			} else if l := lanes[id]; l != nil && l.Bounds == nil {
				l.Bounds = b
			} else if p := pools[id]; p != nil && p.Bounds == nil {
				p.Bounds = b
			}
		}
		for id, pts := range d.edges {
			if fl := r.flows[id]; fl != nil && fl.Waypoints == nil {
				fl.Waypoints = pts
			}
		}
	}
	for _, p := range r.m.Processes {
		for _, n := range p.Nodes {
			if n.Bounds != nil {
				r.m.HasDI = true
				return
			}
		}
	}
}
