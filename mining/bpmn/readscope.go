package bpmn

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// flowNodeKinds maps the flow node elements the reader keeps to their
// Kind. complexGateway is here too: it is read as an inclusive gateway,
// with a warning (see start).
var flowNodeKinds = map[string]Kind{
	"startEvent":             StartEvent,
	"endEvent":               EndEvent,
	"task":                   Task,
	"userTask":               Task,
	"serviceTask":            Task,
	"manualTask":             Task,
	"scriptTask":             Task,
	"businessRuleTask":       Task,
	"sendTask":               Task,
	"receiveTask":            Task,
	"callActivity":           Task,
	"exclusiveGateway":       ExclusiveGateway,
	"parallelGateway":        ParallelGateway,
	"inclusiveGateway":       InclusiveGateway,
	"complexGateway":         InclusiveGateway,
	"eventBasedGateway":      EventBasedGateway,
	"intermediateCatchEvent": IntermediateEvent,
	"intermediateThrowEvent": IntermediateEvent,
	"boundaryEvent":          BoundaryEvent,
	"subProcess":             SubProcess,
	"transaction":            SubProcess,
	"adHocSubProcess":        SubProcess,
}

// Reasons of the summary warnings (one per element kind, see summarise).
const (
	notFlow         = "not control flow, ignored"
	notProcessFlow  = "not control flow within a process, ignored"
	notConversation = "choreography and conversation are not control flow within a process, ignored"
)

// summarised are the elements counted into one warning per kind rather
// than one each: data, artifacts, message flows and conversations are
// common in drawn models and say nothing about the order of steps.
var summarised = map[string]string{
	"dataObject":              notFlow,
	"dataObjectReference":     notFlow,
	"dataStore":               notFlow,
	"dataStoreReference":      notFlow,
	"dataInputAssociation":    notFlow,
	"dataOutputAssociation":   notFlow,
	"ioSpecification":         notFlow,
	"property":                notFlow,
	"textAnnotation":          notFlow,
	"association":             notFlow,
	"group":                   notFlow,
	"messageFlow":             notProcessFlow,
	"conversation":            notConversation,
	"subConversation":         notConversation,
	"callConversation":        notConversation,
	"conversationLink":        notConversation,
	"conversationAssociation": notConversation,
	"globalConversation":      notConversation,
	"choreography":            notConversation,
	"globalChoreographyTask":  notConversation,
	"choreographyTask":        notConversation,
	"subChoreography":         notConversation,
	"callChoreography":        notConversation,
}

// summaryCount counts the elements of one summarised kind.
type summaryCount struct {
	n     int
	line  int
	id    string
	order int
}

// summarise counts an element into its kind's warning.
func (r *docReader) summarise(element, id string, line int) {
	s := r.summary[element]
	if s == nil {
		s = &summaryCount{line: line, id: id, order: len(r.summary)}
		r.summary[element] = s
	}
	s.n++
}

// start reads a start tag in the context of its parent and returns the
// frame its children are read in.
func (r *docReader) start(t xml.StartElement, line int) (xmlFrame, error) {
	parent := r.stack[len(r.stack)-1]
	name, space := t.Name.Local, t.Name.Space
	f := xmlFrame{kind: xSkip, proc: parent.proc, sub: parent.sub, diag: parent.diag, line: line, name: name}
	if space == nsModel {
		f.id = xmlAttr(t, "id")
		if f.id != "" {
			if first, dup := r.ids[f.id]; dup {
				return f, &Error{Line: line, Element: name, ID: f.id, Reason: fmt.Sprintf("id used twice (first on line %d)", first)}
			}
			r.ids[f.id] = line
		}
	}
	var err error
	switch parent.kind {
	case xRoot:
		err = r.inRoot(t, &f)
	case xProcess:
		err = r.inScope(t, &f)
	case xSub:
		if !r.nodeDetail(t, &f, parent.node) {
			err = r.inScope(t, &f)
		}
	case xNode:
		r.nodeDetail(t, &f, parent.node)
	case xFlow:
		r.inFlow(t, &f, parent.flow)
	case xExt:
		if name == "properties" && (space == nsCamunda || space == nsZeebe || space == nsPMX) {
			f.kind, f.ext, f.extNS = xProps, parent.ext, space
		}
	case xProps:
		if name == "property" && space == parent.extNS {
			if key := xmlAttr(t, "name"); key != "" {
				if *parent.ext == nil {
					*parent.ext = map[string]string{}
				}
				(*parent.ext)[key] = xmlAttr(t, "value")
			}
		}
	case xLaneSet:
		if name == "lane" && space == nsModel {
			err = r.lane(t, &f, parent.lane)
		}
	case xLane:
		r.inLane(t, &f, parent.lane)
	case xCollab:
		r.inCollaboration(t, &f)
	case xDiagram, xPlane, xShape, xEdge:
		err = r.inDiagram(t, &f, parent)
	}
	if err != nil {
		return f, err
	}
	if f.kind == xSkip && f.id != "" {
		r.skipped[f.id] = name
	}
	return f, nil
}

// inRoot reads a child of <definitions>. Its declarations (message,
// signal, error, itemDefinition, interface, resource, category, …) only
// serve elements that refer to them and are passed over without a word.
func (r *docReader) inRoot(t xml.StartElement, f *xmlFrame) error {
	name, space := t.Name.Local, t.Name.Space
	switch {
	case space == nsModel && name == "process":
		p := &Process{ID: f.id, Name: normSpace(xmlAttr(t, "name")), Line: f.line}
		if p.ID == "" {
			return &Error{Line: f.line, Element: name, Reason: "a process without an id"}
		}
		r.m.Processes = append(r.m.Processes, p)
		r.procs[p.ID] = p
		f.kind, f.proc = xProcess, p
	case space == nsModel && name == "collaboration":
		f.kind = xCollab
	case space == nsBPMNDI && name == "BPMNDiagram":
		d := &diDiagram{line: f.line, id: xmlAttr(t, "id"), shapes: map[string]*Bounds{}, edges: map[string][]Point{}}
		r.diagrams = append(r.diagrams, d)
		f.kind, f.diag = xDiagram, d
	case space == nsModel && summarised[name] != "":
		r.summarise(name, f.id, f.line)
	}
	return nil
}

// inScope reads a child of a process or embedded subprocess: a flow node,
// a sequence flow, a lane set, or something summarised or warned about.
func (r *docReader) inScope(t xml.StartElement, f *xmlFrame) error {
	name, space := t.Name.Local, t.Name.Space
	if space != nsModel {
		r.warn(f.line, name, "", fmt.Sprintf("an element of namespace %q outside extensionElements, ignored", space))
		return nil
	}
	if kind, ok := flowNodeKinds[name]; ok {
		return r.flowNode(t, f, kind)
	}
	switch {
	case name == "sequenceFlow":
		fl := &Flow{ID: f.id, Name: normSpace(xmlAttr(t, "name")), Source: xmlAttr(t, "sourceRef"), Target: xmlAttr(t, "targetRef"),
			SubProcess: f.sub, Line: f.line}
		if fl.ID == "" {
			return &Error{Line: f.line, Element: name, Reason: "a sequence flow without an id"}
		}
		f.proc.Flows = append(f.proc.Flows, fl)
		r.flows[fl.ID] = fl
		f.kind, f.flow = xFlow, fl
	case name == "laneSet":
		f.kind, f.lane = xLaneSet, nil
	case summarised[name] != "":
		r.summarise(name, f.id, f.line)
	case name == "documentation" || name == "extensionElements" || name == "incoming" || name == "outgoing" || name == "auditing" || name == "monitoring" ||
		name == "performer" || name == "humanPerformer" || name == "potentialOwner" || name == "supports" ||
		name == "correlationSubscription":
		// metadata of the process: nothing to do with the order of steps
	default:
		r.warn(f.line, name, f.id, "not supported, ignored")
	}
	return nil
}

// flowNode reads a flow node's start tag.
func (r *docReader) flowNode(t xml.StartElement, f *xmlFrame, kind Kind) error {
	name := t.Name.Local
	if f.id == "" {
		return &Error{Line: f.line, Element: name, Reason: "a flow node without an id"}
	}
	if kind == SubProcess && xmlAttr(t, "triggeredByEvent") == "true" {
		r.warn(f.line, name, f.id, "an event subprocess is not supported: ignored with its content")
		return nil
	}
	n := &Node{ID: f.id, Name: normSpace(xmlAttr(t, "name")), Kind: kind, Element: name, SubProcess: f.sub,
		Default: xmlAttr(t, "default"), Line: f.line}
	switch name {
	case "complexGateway":
		r.warn(f.line, name, f.id, "not supported, read as an inclusiveGateway")
	case "transaction":
		r.warn(f.line, name, f.id, "not supported, read as a subProcess (cancel and compensation are not modelled)")
	case "adHocSubProcess":
		r.warn(f.line, name, f.id, "not supported, read as a subProcess (its sequence flows are followed; the any-order semantics is not modelled)")
	case "boundaryEvent":
		n.AttachedTo = xmlAttr(t, "attachedToRef")
		n.Interrupting = xmlAttr(t, "cancelActivity") != "false"
	}
	if xmlAttr(t, "isForCompensation") == "true" {
		r.warn(f.line, name, f.id, "compensation is not supported: read as an ordinary activity")
	}
	f.proc.Nodes = append(f.proc.Nodes, n)
	r.nodes[n.ID] = nodeIn{n, f.proc}
	f.node = n
	f.kind = xNode
	if kind == SubProcess {
		f.kind, f.sub = xSub, n.ID
	}
	return nil
}

// nodeDetail reads a child of a flow node that is about the node itself
// (event definitions, loop characteristics, extension elements, data
// associations), and reports whether it was one. Other children
// (incoming and outgoing, which repeat the flows' refs; documentation;
// performers; a script's text) say nothing the reader keeps.
func (r *docReader) nodeDetail(t xml.StartElement, f *xmlFrame, n *Node) bool {
	name, space := t.Name.Local, t.Name.Space
	if space != nsModel {
		return false
	}
	switch {
	case strings.HasSuffix(name, "EventDefinition") && name != "EventDefinition":
		trigger := strings.TrimSuffix(name, "EventDefinition")
		if n.Trigger == "" {
			n.Trigger = trigger
		} else if n.Trigger != trigger {
			n.Trigger = "multiple"
		}
		switch trigger {
		case "compensate":
			r.warn(f.line, n.Element, n.ID, "a compensation event is not supported: read as a plain event")
		case "link":
			r.warn(f.line, n.Element, n.ID, "a link event is not supported: read as a plain event, not joined to its partner")
		}
	case name == "standardLoopCharacteristics":
		r.warn(f.line, n.Element, n.ID, "a loop is not supported: read as one execution")
	case name == "multiInstanceLoopCharacteristics":
		r.warn(f.line, n.Element, n.ID, "multi-instance is not supported: read as one execution")
	case name == "extensionElements":
		f.kind, f.ext = xExt, &n.Ext
	case summarised[name] != "" && n.Kind != SubProcess:
		// a subprocess's data children are in its scope: inScope counts them
		r.summarise(name, f.id, f.line)
	case n.Kind != SubProcess:
		// incoming, outgoing, documentation, performers, script, …
	default:
		return false
	}
	return true
}

// inFlow reads a child of a sequence flow.
func (r *docReader) inFlow(t xml.StartElement, f *xmlFrame, fl *Flow) {
	if t.Name.Space != nsModel {
		return
	}
	switch t.Name.Local {
	case "conditionExpression":
		r.text = r.text[:0]
		f.kind = xText
		f.onText = func(s string) { fl.Condition = strings.TrimSpace(s) }
	case "extensionElements":
		f.kind, f.ext = xExt, &fl.Ext
	}
}

// lane reads a <lane> of a laneSet (parent nil) or of a lane's childLaneSet.
func (r *docReader) lane(t xml.StartElement, f *xmlFrame, parent *Lane) error {
	if f.id == "" {
		return &Error{Line: f.line, Element: "lane", Reason: "a lane without an id"}
	}
	l := &Lane{ID: f.id, Name: normSpace(xmlAttr(t, "name")), Line: f.line}
	if parent == nil {
		f.proc.Lanes = append(f.proc.Lanes, l)
	} else {
		parent.Children = append(parent.Children, l)
	}
	f.kind, f.lane = xLane, l
	return nil
}

// inLane reads a child of a lane: its flow node references and child lanes.
func (r *docReader) inLane(t xml.StartElement, f *xmlFrame, l *Lane) {
	if t.Name.Space != nsModel {
		return
	}
	switch t.Name.Local {
	case "flowNodeRef":
		r.text = r.text[:0]
		f.kind = xText
		proc, line := f.proc, f.line
		f.onText = func(s string) {
			ref := strings.TrimSpace(s)
			l.Nodes = append(l.Nodes, ref)
			r.laneRefs = append(r.laneRefs, laneRefAt{lane: l, proc: proc, ref: ref, line: line})
		}
	case "childLaneSet":
		f.kind, f.lane = xLaneSet, l
	}
}

// inCollaboration reads a child of a collaboration: participants (pools)
// name their processes; message flows, conversations and artifacts are
// summarised.
func (r *docReader) inCollaboration(t xml.StartElement, f *xmlFrame) {
	name := t.Name.Local
	if t.Name.Space != nsModel {
		return
	}
	switch {
	case name == "participant":
		r.parts = append(r.parts, poolRef{id: f.id, name: normSpace(xmlAttr(t, "name")), process: xmlAttr(t, "processRef"), line: f.line})
	case summarised[name] != "":
		r.summarise(name, f.id, f.line)
	case name == "participantAssociation" || name == "messageFlowAssociation" || name == "correlationKey":
		r.summarise("conversation", f.id, f.line)
	}
}
