package bpmn

// Kind is what a flow node is, after reading: every BPMN element the
// reader keeps maps to one of these.
type Kind int

const (
	StartEvent Kind = iota
	EndEvent
	// Task is any activity the log records: task, userTask, serviceTask,
	// manualTask, scriptTask, businessRuleTask, sendTask, receiveTask, and
	// callActivity (a call to another process, kept as one step).
	Task
	ExclusiveGateway
	ParallelGateway
	InclusiveGateway
	// EventBasedGateway is read as an exclusive choice (the first event
	// to occur wins).
	EventBasedGateway
	// IntermediateEvent is an intermediate catch or throw event on a
	// sequence flow: a silent step.
	IntermediateEvent
	// BoundaryEvent is attached to a task or subprocess (AttachedTo); an
	// interrupting one is a silent alternative to completing it,
	// continuing on its own outgoing flows. Non-interrupting ones are kept
	// with Interrupting false and the converter refuses or warns (see Net).
	BoundaryEvent
	// SubProcess is an embedded subprocess: its own nodes and flows name it
	// in their SubProcess field (the converter nests it; nothing is
	// flattened by the reader, so that the diagram keeps its shape).
	SubProcess
)

// String is the kind's BPMN element name (the reader's canonical one).
func (k Kind) String() string {
	switch k {
	case StartEvent:
		return "startEvent"
	case EndEvent:
		return "endEvent"
	case Task:
		return "task"
	case ExclusiveGateway:
		return "exclusiveGateway"
	case ParallelGateway:
		return "parallelGateway"
	case InclusiveGateway:
		return "inclusiveGateway"
	case EventBasedGateway:
		return "eventBasedGateway"
	case IntermediateEvent:
		return "intermediateEvent"
	case BoundaryEvent:
		return "boundaryEvent"
	case SubProcess:
		return "subProcess"
	}
	return "unknown"
}

// MarshalText writes a kind as its element name (JSON of a Model reads
// "exclusiveGateway", not a number).
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Model is one BPMN 2.0 document, read: its processes (with their
// embedded subprocesses), the diagram's shapes and edges, and what the
// reader met but does not support.
type Model struct {
	// Processes in document order. A collaboration's pools are its
	// participants, each referring to one process.
	Processes []*Process
	// Warnings list the elements read but not supported, each with its
	// line and id ("line 41: <complexGateway id="g3">: not
	// supported, read as …" or "… ignored"), in document order. Nothing
	// is dropped without a warning.
	Warnings []string
	// HasDI says whether the file has diagram interchange (BPMNDI) for
	// its nodes: Bounds and Waypoints are set from it.
	HasDI bool
	// Exporter and ExporterVersion are the definitions' attributes (e.g.
	// "Camunda Modeler", "5.17.0"), empty when absent.
	Exporter, ExporterVersion string
}

// Process is one process (a pool's content). Node and flow IDs are the
// file's, unique within the model; the nodes and flows of an embedded
// subprocess are listed here too, naming the subprocess in SubProcess.
type Process struct {
	ID, Name string
	// Participant is the collaboration participant (pool) of the process,
	// "" when the file has no collaboration.
	Participant string
	Nodes       []*Node
	Flows       []*Flow
	Lanes       []*Lane
	// Bounds is the pool's shape from the DI (nil without a collaboration
	// or a shape for its participant).
	Bounds *Bounds
	Line   int
}

// Node is a flow node.
type Node struct {
	ID   string
	Name string // the label; for a Task the activity it matches in the log
	Kind Kind
	// Element is the BPMN element name as written, without prefix
	// ("userTask", "intermediateCatchEvent", …).
	Element string
	// Lane is the ID of the innermost lane holding the node ("" none).
	Lane string
	// SubProcess is the ID of the embedded subprocess the node was in
	// ("" at the process level; the innermost one when nested).
	SubProcess string
	// AttachedTo is a boundary event's task ID; Interrupting its
	// cancelActivity (true unless the file says false).
	AttachedTo   string
	Interrupting bool
	// Trigger is an event's definition, the element's name without
	// "EventDefinition" ("timer", "message", "signal", "error",
	// "terminate", …): "" for a none event (and for every other kind),
	// "multiple" when the event has definitions of several kinds.
	Trigger string
	// Default is a gateway's (or task's) default outgoing flow ID.
	Default string
	// Bounds is the node's shape from the DI (nil without one).
	Bounds *Bounds
	// Ext holds simulation parameters given in the file's extension
	// elements (Camunda properties or pmx's own, see the package doc):
	// key → value as written, nil when none.
	Ext map[string]string
	// Line is where the element starts in the file.
	Line int
}

// Flow is a sequence flow between two nodes of one process (of the same
// subprocess level).
type Flow struct {
	ID, Name       string
	Source, Target string // node IDs
	SubProcess     string // as Node.SubProcess
	// Condition is the condition expression's text, as written.
	Condition string
	// Waypoints is the edge from the DI (nil without one).
	Waypoints []Point
	Ext       map[string]string
	Line      int
}

// Lane is a lane of a process: a resource role. Nodes names its flow
// nodes (flowNodeRef), Children its child lanes.
type Lane struct {
	ID, Name string
	Nodes    []string
	Children []*Lane
	Bounds   *Bounds
	Line     int
}

// Bounds is a shape's box in diagram coordinates.
type Bounds struct{ X, Y, W, H float64 }

// Point is a diagram coordinate.
type Point struct{ X, Y float64 }
