package bpmn

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/mining/petri"
)

// Conversion is a process's workflow net and how its parts map back to
// the BPMN.
//
// The net follows PM4Py's BPMN conversion where PM4Py converts an element
// (start and end events, tasks, exclusive, parallel and inclusive
// gateways: an inclusive split is a parallel split whose branches each
// have a silent skip to the nearest inclusive join, the join a parallel
// join), and goes beyond it where PM4Py drops elements: event-based
// gateways are exclusive choices, intermediate events silent steps,
// interrupting boundary events silent alternatives to their task or
// subprocess, embedded subprocesses nested sub-workflow nets, link events
// joined by name. Compensation events and handlers, and nodes no flow
// touches, are left out with a warning; terminate end events are read as
// plain ones (with a warning). Conditions and default flows are not
// evaluated: every branch of a choice is possible. Two choices differ
// from PM4Py, both BPMN's own semantics: a task (or event) with
// several outgoing flows starts them all (PM4Py picks one), and a case
// ends when no token is left, so end events reached together are joined
// before the sink (PM4Py puts one token in the sink per end event).
//
// Invariants: the net passes petri.Validate; Initial is one token in the
// source place, Final one in the sink; Node has one entry per transition
// and Flow one per place; only tasks with a name are visible, labelled
// with it; the same Model gives the same net, IDs included.
type Conversion struct {
	Net *petri.Net
	// Node is, per transition index, the BPMN node the transition stands
	// for ("" for the silent steps that join end events into the sink).
	Node []string
	// Flow is, per place index, the sequence flow the place stands for
	// ("" for internal places: source, sink, merges, end places).
	Flow []string
	// Warnings say what the conversion approximated or could not check.
	Warnings []string

	// full is the unreduced net Reduce starts from, so that it gives
	// PM4Py's net whatever Net merged.
	full *Conversion
}

// ErrUnsound is what a *SoundnessError is (errors.Is): the model converts,
// but some case can get stuck, leave work behind, or never do a task.
var ErrUnsound = errors.New("not a sound process")

// SoundnessError is an unsound model's error, in BPMN terms. Net returns
// it together with the Conversion, so that a caller may still show the net.
type SoundnessError struct {
	Process string
	// Reason names the gateways, flows and tasks at fault.
	Reason string
	// Net is the flaw in the net's terms, with its witness.
	Net *Unsoundness
}

func (e *SoundnessError) Error() string {
	return fmt.Sprintf("bpmn process %q: not sound: %s", e.Process, e.Reason)
}

func (e *SoundnessError) Is(target error) bool { return target == ErrUnsound }
func (e *SoundnessError) Unwrap() error        { return e.Net }

// Net converts a process to a workflow net and checks that the net is
// sound (see CheckSound). process is a process ID; "" picks the one
// process with flow nodes (an error lists the IDs when there are several).
// An unsound model returns the Conversion and a *SoundnessError; a model
// too large to check returns the Conversion with a warning saying so.
//
// The net keeps a place for every sequence flow (Flow maps it back), so
// that an alignment's moves tell which flows a case took; silent steps
// that only pass a token between a node and its flows are merged. Reduce
// merges further, as PM4Py does, for figures equal to PM4Py's.
func (m *Model) Net(process string) (*Conversion, error) {
	p, err := m.process(process)
	if err != nil {
		return nil, err
	}
	b := &builder{proc: p, net: &petri.Net{Name: p.Name}, conv: &Conversion{}, ids: map[string]bool{},
		nodes: map[string]*Node{}, in: map[string][]*Flow{}, out: map[string][]*Flow{}, flowPlace: map[string]int{},
		kids: map[string][]*Node{}, bounds: map[string][]*Node{}, drop: map[string]bool{}, maxStates: DefaultMaxStates}
	if b.net.Name == "" {
		b.net.Name = p.ID
	}
	fail := func(err error) (*Conversion, error) { return nil, fmt.Errorf("bpmn process %q: %w", p.ID, err) }
	if err := b.index(); err != nil {
		return fail(err)
	}
	if err := b.dropNonInterrupting(); err != nil {
		return fail(err)
	}
	src := b.place("source", "")
	snk := b.place("sink", "")
	for i, f := range b.flows {
		if b.drop[f.ID] {
			continue
		}
		flow := f.ID
		if i >= len(p.Flows) {
			flow = "" // joins link events: no flow of the file
		}
		b.flowPlace[f.ID] = b.place(f.ID, flow)
	}
	b.inclusiveSkips()
	if err := b.level(&level{src: src, snk: snk}); err != nil {
		return fail(err)
	}
	b.net.Initial, b.net.Final = petri.Marking{src: 1}, petri.Marking{snk: 1}
	if err := b.net.Validate(); err != nil {
		return fail(err) // a bug: IDs are minted unique
	}
	b.conv.Net = b.net
	// Most of PM4Py's silent steps only pass a token on; merging them
	// (keeping every flow's place, so that runs still map to flows) makes
	// the net several times smaller for the check and for alignments.
	keep := make([]bool, len(b.conv.Flow))
	for i, f := range b.conv.Flow {
		keep[i] = f != ""
	}
	full := b.conv
	b.adopt(full.reduce(keep))
	b.conv.full = full
	err = CheckSound(b.net, b.maxStates)
	var u *Unsoundness
	switch {
	case err == nil:
	case errors.As(err, &u):
		return b.conv, &SoundnessError{Process: p.ID, Reason: b.explain(u), Net: u}
	case errors.Is(err, ErrStateLimit):
		b.warn("soundness not checked: %v", err)
	default:
		return fail(err)
	}
	return b.conv, nil
}

// adopt makes c the builder's conversion, after a reduction renumbered
// places and transitions.
func (b *builder) adopt(c *Conversion) {
	b.conv, b.net = c, c.Net
	clear(b.flowPlace)
	for p, f := range c.Flow {
		if f != "" {
			b.flowPlace[f] = p
		}
	}
}

func (m *Model) process(id string) (*Process, error) {
	var ids, with []string
	var only *Process
	for _, p := range m.Processes {
		if id != "" && p.ID == id {
			return p, nil
		}
		ids = append(ids, p.ID)
		if len(p.Nodes) > 0 {
			with = append(with, p.ID)
			only = p
		}
	}
	switch {
	case id != "":
		return nil, fmt.Errorf("bpmn: no process %q (the model has %s)", id, quoted(ids))
	case len(with) == 0:
		return nil, errors.New("bpmn: no process has flow nodes")
	case len(with) > 1:
		return nil, fmt.Errorf("bpmn: %d processes have flow nodes (%s); name the one to convert", len(with), quoted(with))
	}
	return only, nil
}

func quoted(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

// what names a node for a person: a task by its name, others by kind.
func (b *builder) what(id string) string {
	n := b.nodes[id]
	if n == nil {
		return fmt.Sprintf("%q", id)
	}
	if n.Kind == Task && n.Name != "" {
		return fmt.Sprintf("task %q (%s)", n.Name, n.ID)
	}
	return fmt.Sprintf("%s %q", n.Kind, n.ID)
}

// where names the BPMN position a place stands for.
func (b *builder) where(p int) string {
	if f := b.conv.Flow[p]; f != "" {
		return fmt.Sprintf("flow %q", f)
	}
	id := b.net.Places[p].ID
	for _, pre := range []string{"ent_", "exi_", "src_", "snk_"} {
		n, ok := strings.CutPrefix(id, pre)
		if !ok || b.nodes[n] == nil {
			continue
		}
		switch {
		case pre == "ent_":
			return "the entry of " + b.what(n)
		case pre == "src_":
			return "the start of " + b.what(n)
		case pre == "snk_" || b.nodes[n].Kind == EndEvent || len(b.out[n]) == 0:
			return "the end of " + b.what(n)
		}
		return "the exit of " + b.what(n)
	}
	return fmt.Sprintf("%q", id)
}

func (b *builder) places(m petri.Marking) string {
	var s []string
	for _, p := range sortedPlaces(m) {
		w := b.where(p)
		if m[p] > 1 {
			w += fmt.Sprintf(" (%d tokens)", m[p])
		}
		s = append(s, w)
	}
	return strings.Join(s, ", ")
}

// explain says in BPMN terms what CheckSound found.
func (b *builder) explain(u *Unsoundness) string {
	switch u.Problem {
	case DeadTransitions:
		var never []string
		for _, t := range u.Dead {
			if id := b.conv.Node[t]; id != "" {
				if w := b.what(id); !slices.Contains(never, w) {
					never = append(never, w)
				}
			}
		}
		if len(never) == 0 {
			return "some end events can never be reached together" // joins come from reachable markings: a bug
		}
		return fmt.Sprintf("%s can never happen (or never take all of its paths)", strings.Join(never, ", "))
	case Unbounded:
		var grow []string
		for p, k := range u.Marking {
			if k > u.Grown[p] {
				grow = append(grow, b.where(p))
			}
		}
		slices.Sort(grow)
		var via []string
		for _, t := range u.Repeat {
			if id := b.conv.Node[t]; id != "" && !slices.Contains(via, b.what(id)) {
				via = append(via, b.what(id))
			}
		}
		return fmt.Sprintf("%s can collect any number of tokens: each round through %s adds one (a parallel split in a loop without a matching join?)",
			strings.Join(grow, ", "), strings.Join(via, ", "))
	case ImproperCompletion:
		rest := u.Marking.Clone()
		for p, k := range b.net.Final {
			rest[p] -= k
		}
		return fmt.Sprintf("a case can end while tokens remain on %s", b.places(rest))
	}
	if !u.Stuck {
		return fmt.Sprintf("a case can reach a point from which it never ends, with tokens on %s (a loop with no way out?)", b.places(u.Marking))
	}
	var why []string
	for _, p := range sortedPlaces(u.Marking) {
		f := b.conv.Flow[p]
		if f == "" {
			continue
		}
		var flow *Flow
		for _, x := range b.in[b.flowTarget(f)] {
			if x.ID == f {
				flow = x
			}
		}
		if flow == nil {
			continue
		}
		join := b.nodes[flow.Target]
		if join.Kind != ParallelGateway && join.Kind != InclusiveGateway {
			continue
		}
		for _, g := range b.in[join.ID] {
			if q, ok := b.flowPlace[g.ID]; !ok || u.Marking[q] > 0 {
				continue
			}
			kind := "parallel join"
			if join.Kind == InclusiveGateway {
				kind = "inclusive join"
			}
			if split := b.choiceBefore(g); split != nil {
				why = append(why, fmt.Sprintf("%s %q waits for flow %q that %s may not take", kind, join.ID, g.ID, splitName(split)))
			} else {
				why = append(why, fmt.Sprintf("%s %q waits for flow %q", kind, join.ID, g.ID))
			}
		}
	}
	stop := fmt.Sprintf("a case can stop with tokens on %s", b.places(u.Marking))
	if len(why) == 0 {
		return stop
	}
	return strings.Join(why, "; ") + ": " + stop
}

func (b *builder) flowTarget(id string) string {
	for _, f := range b.flows {
		if f.ID == id {
			return f.Target
		}
	}
	return ""
}

func splitName(n *Node) string {
	switch n.Kind {
	case ExclusiveGateway:
		return fmt.Sprintf("exclusive split %q", n.ID)
	case EventBasedGateway:
		return fmt.Sprintf("event-based gateway %q", n.ID)
	case InclusiveGateway:
		return fmt.Sprintf("inclusive split %q", n.ID)
	}
	return fmt.Sprintf("%s %q", n.Kind, n.ID)
}

// choiceBefore is the nearest choice (an exclusive, event-based or
// inclusive gateway with several outgoing flows, or an activity with an
// interrupting boundary event) upstream of flow f: the point where a case
// may go another way than f.
func (b *builder) choiceBefore(f *Flow) *Node {
	seen := map[string]bool{}
	queue := []string{f.Source}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		n := b.nodes[id]
		switch n.Kind {
		case ExclusiveGateway, EventBasedGateway, InclusiveGateway:
			if len(b.out[id]) > 1 {
				return n
			}
		case BoundaryEvent:
			return n
		}
		for _, g := range b.in[id] {
			queue = append(queue, g.Source)
		}
		if n.Kind == BoundaryEvent {
			queue = append(queue, n.AttachedTo)
		}
	}
	return nil
}
