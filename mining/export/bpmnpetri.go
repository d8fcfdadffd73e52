package export

import (
	"context"
	"errors"
	"fmt"

	"github.com/pmx-dev/pmx/mining/petri"
)

// ErrNotWorkflowNet is returned (wrapped, with the reason) by PetriNetBPMN
// for a net that is not a workflow net.
var ErrNotWorkflowNet = errors.New("not a workflow net")

// PetriNetBPMN writes a workflow net as a BPMN 2.0 process with diagram.
// A workflow net has one source place (the start event), one sink place
// (the end event), every place and transition on a path from source to
// sink, arc weights of one, and, when markings are given, the initial
// marking one token on the source and the final one token on the sink;
// anything else fails with ErrNotWorkflowNet.
//
// The conversion: a visible transition becomes a task; a place with several
// input transitions becomes an exclusive merge, one with several output
// transitions an exclusive split (the choice a place makes is exclusive,
// which is exact for free-choice nets); a transition with several input or
// output places gets a parallel join before or a parallel split after its
// task. Silent transitions are removed, their flows joined through, and a
// silent transition that puts back exactly what it takes (a no-op) is
// dropped; gateways left with one incoming and one outgoing flow disappear.
func PetriNetBPMN(ctx context.Context, n *petri.Net, opt BPMNOptions) ([]byte, error) {
	if n == nil {
		return nil, fmt.Errorf("export: nil Petri net")
	}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	ix := n.Index()
	source, sink, err := workflowEnds(n, ix)
	if err != nil {
		return nil, fmt.Errorf("export: Petri net %q: %w", n.Name, err)
	}
	if opt.Name == "" {
		opt.Name = n.Name
	}

	g := &graph{}
	// Each place enters the process through inPort and leaves through
	// outPort: the same element unless it both merges and splits.
	inPort, outPort := make([]int, len(n.Places)), make([]int, len(n.Places))
	for p := range n.Places {
		switch p {
		case source:
			e := g.add(startEvent, "")
			inPort[p], outPort[p] = -1, e
			if len(ix.PlaceOut[p]) > 1 {
				s := g.add(exclusiveGateway, "")
				g.connect(e, s)
				outPort[p] = s
			}
		case sink:
			e := g.add(endEvent, "")
			inPort[p], outPort[p] = e, -1
			if len(ix.PlaceIn[p]) > 1 {
				j := g.add(exclusiveGateway, "")
				g.connect(j, e)
				inPort[p] = j
			}
		default:
			j := g.add(exclusiveGateway, "")
			inPort[p], outPort[p] = j, j
			if len(ix.PlaceIn[p]) > 1 && len(ix.PlaceOut[p]) > 1 {
				s := g.add(exclusiveGateway, "")
				g.connect(j, s)
				outPort[p] = s
			}
		}
	}
	for t, tr := range n.Transitions {
		if tr.Silent && noOp(ix, t) {
			continue
		}
		e := g.add(task, tr.Label)
		switch {
		case tr.Silent:
			g.elems[e] = element{kind: silentStep}
		case tr.Label == "":
			g.elems[e].name = tr.ID
		}
		in, out := e, e
		if len(ix.Pre[t]) > 1 {
			in = g.add(parallelGateway, "")
			g.connect(in, e)
		}
		if len(ix.Post[t]) > 1 {
			out = g.add(parallelGateway, "")
			g.connect(e, out)
		}
		for _, w := range ix.Pre[t] {
			g.connect(outPort[w.Place], in)
		}
		for _, w := range ix.Post[t] {
			g.connect(out, inPort[w.Place])
		}
	}
	return g.encode(ctx, opt)
}

// noOp reports whether transition t consumes exactly what it produces, so
// firing it changes nothing.
func noOp(ix *petri.Index, t int) bool {
	if len(ix.Pre[t]) != len(ix.Post[t]) {
		return false
	}
	for _, a := range ix.Pre[t] {
		found := false
		for _, b := range ix.Post[t] {
			found = found || b == a
		}
		if !found {
			return false
		}
	}
	return true
}

// workflowEnds checks that n is a workflow net and returns its source and
// sink places.
func workflowEnds(n *petri.Net, ix *petri.Index) (source, sink int, err error) {
	for i, a := range n.Arcs {
		if a.Weight > 1 {
			return 0, 0, fmt.Errorf("%w: arc %d has weight %d, which BPMN cannot express", ErrNotWorkflowNet, i, a.Weight)
		}
	}
	var sources, sinks []int
	for p := range n.Places {
		if len(ix.PlaceIn[p]) == 0 {
			sources = append(sources, p)
		}
		if len(ix.PlaceOut[p]) == 0 {
			sinks = append(sinks, p)
		}
	}
	if len(sources) != 1 || len(sinks) != 1 {
		return 0, 0, fmt.Errorf("%w: %d source and %d sink places, want one of each", ErrNotWorkflowNet, len(sources), len(sinks))
	}
	source, sink = sources[0], sinks[0]
	if source == sink {
		return 0, 0, fmt.Errorf("%w: place %s is both source and sink", ErrNotWorkflowNet, n.Places[source].ID)
	}
	for _, m := range []struct {
		what  string
		mark  petri.Marking
		place int
	}{{"initial", n.Initial, source}, {"final", n.Final, sink}} {
		if len(m.mark) > 0 && !m.mark.Equal(petri.Marking{m.place: 1}) {
			return 0, 0, fmt.Errorf("%w: the %s marking is not one token on place %s", ErrNotWorkflowNet, m.what, n.Places[m.place].ID)
		}
	}

	// Every node must lie on a path from source to sink: reachable forward
	// from the source and backward from the sink.
	reach := func(from int, forward bool) (places, trans []bool) {
		places, trans = make([]bool, len(n.Places)), make([]bool, len(n.Transitions))
		places[from] = true
		queue := []int{from}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			ts := ix.PlaceOut[p]
			if !forward {
				ts = ix.PlaceIn[p]
			}
			for _, t := range ts {
				if trans[t] {
					continue
				}
				trans[t] = true
				next := ix.Post[t]
				if !forward {
					next = ix.Pre[t]
				}
				for _, w := range next {
					if !places[w.Place] {
						places[w.Place] = true
						queue = append(queue, w.Place)
					}
				}
			}
		}
		return places, trans
	}
	fp, ft := reach(source, true)
	bp, bt := reach(sink, false)
	for p := range n.Places {
		if !fp[p] || !bp[p] {
			return 0, 0, fmt.Errorf("%w: place %s is not on a path from %s to %s", ErrNotWorkflowNet,
				n.Places[p].ID, n.Places[source].ID, n.Places[sink].ID)
		}
	}
	for t := range n.Transitions {
		if !ft[t] || !bt[t] {
			return 0, 0, fmt.Errorf("%w: transition %s is not on a path from %s to %s", ErrNotWorkflowNet,
				n.Transitions[t].ID, n.Places[source].ID, n.Places[sink].ID)
		}
	}
	return source, sink, nil
}
