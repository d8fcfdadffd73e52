package fit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/petri"
)

// BPMN extension properties the simulation reads (Camunda's, Zeebe's or
// pmx's own <properties>, see bpmn.Node.Ext):
//
//	<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="check">
//	  <bpmn:extensionElements>
//	    <pmx:properties><pmx:property name="probability" value="0.3"/></pmx:properties>
//	  </bpmn:extensionElements>
//	</bpmn:sequenceFlow>
//	<bpmn:task id="check" name="Check">
//	  <bpmn:extensionElements>
//	    <camunda:properties>
//	      <camunda:property name="duration" value="{dist: lognormal, mu: 6.2, sigma: 0.9}"/>
//	    </camunda:properties>
//	  </bpmn:extensionElements>
//	</bpmn:task>
//
// A flow's probability (0 to 1) is the chance the choice it leaves takes
// it; the choice's other flows share the rest by the log's counts. A
// task's duration is its working time in the model file's distribution
// syntax, or a number of seconds (fixed).
const (
	PropProbability = "probability"
	PropDuration    = "duration"
)

// DesignFromBPMN makes a design of a BPMN process (process "" for the only
// one): its workflow net (bpmn.Model.Net), task names matched to the log's
// activities (bpmn.MatchLabels: exact, else ignoring case and spacing),
// the probabilities and durations the file gives, and the lanes as
// resource roles. An unsound process is refused: a simulated case could
// get stuck in it.
func DesignFromBPMN(m *bpmn.Model, process string, activities []string) (*Design, error) {
	conv, err := m.Net(process)
	if err != nil {
		if errors.Is(err, bpmn.ErrUnsound) {
			return nil, fmt.Errorf("a simulated case could get stuck in this process: %w", err)
		}
		return nil, err
	}
	d := DesignFromNet(conv.Net, activities)
	for _, w := range append(append([]string(nil), m.Warnings...), conv.Warnings...) {
		d.Notes = append(d.Notes, "bpmn: "+w)
	}
	d.Durations = map[string]dist.Dist{}
	d.Weights = map[int]float64{}
	nodes := map[string]*bpmn.Node{}
	flows := map[string]*bpmn.Flow{}
	lanes := map[string]string{} // lane ID → name
	var walk func(ls []*bpmn.Lane)
	walk = func(ls []*bpmn.Lane) {
		for _, l := range ls {
			lanes[l.ID] = l.Name
			if l.Name == "" {
				lanes[l.ID] = l.ID
			}
			walk(l.Children)
		}
	}
	for _, p := range m.Processes {
		for _, n := range p.Nodes {
			nodes[n.ID] = n
		}
		for _, f := range p.Flows {
			flows[f.ID] = f
		}
		walk(p.Lanes)
	}
	var errs []error
	for t, id := range conv.Node {
		n, tr := nodes[id], conv.Net.Transitions[t]
		if n == nil || tr.Silent {
			continue
		}
		if text, ok := n.Ext[PropDuration]; ok {
			dd, err := model.ParseDist(text)
			if err != nil {
				errs = append(errs, fmt.Errorf("bpmn line %d: task %q (%s): %s: %v", n.Line, n.Name, n.ID, PropDuration, err))
			} else if _, dup := d.Durations[tr.Label]; !dup {
				d.Durations[tr.Label] = dd
			}
		}
		if lane, ok := lanes[n.Lane]; ok && n.Lane != "" {
			if d.Lanes == nil {
				d.Lanes = map[string]string{}
			}
			d.Lanes[tr.Label] = lane
		}
	}
	ix := conv.Net.Index()
	for p, id := range conv.Flow {
		fl := flows[id]
		if fl == nil {
			continue
		}
		text, ok := fl.Ext[PropProbability]
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || !(v >= 0 && v <= 1) {
			errs = append(errs, fmt.Errorf("bpmn line %d: sequence flow %s: %s %q: want a number from 0 to 1", fl.Line, fl.ID, PropProbability, text))
			continue
		}
		ts := flowChoice(conv, ix, p, fl)
		if len(ts) == 0 {
			d.Notes = append(d.Notes, fmt.Sprintf("bpmn line %d: sequence flow %s has a probability but leaves no choice; ignored", fl.Line, fl.ID))
		}
		for _, t := range ts {
			d.Weights[t] = v
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return d, nil
}

// flowChoice finds the transitions a flow's probability weighs: the steps
// that put a token on the flow's place while competing with others for
// their own input (an exclusive gateway's branches), or else, where the
// flow's place itself is a choice (an inclusive gateway's branch against
// its skip), the step into the flow's target.
func flowChoice(conv *bpmn.Conversion, ix *petri.Index, p int, fl *bpmn.Flow) []int {
	var out []int
	for _, t := range ix.PlaceIn[p] {
		for _, in := range ix.Pre[t] {
			if len(ix.PlaceOut[in.Place]) > 1 {
				out = append(out, t)
				break
			}
		}
	}
	if len(out) > 0 || len(ix.PlaceOut[p]) < 2 {
		return out
	}
	for _, t := range ix.PlaceOut[p] {
		if conv.Node[t] == fl.Target {
			out = append(out, t)
		}
	}
	return out
}

// DesignFromNet makes a design of a workflow net (a PNML file, say): its
// labels matched to the log's activities as DesignFromBPMN matches them.
func DesignFromNet(n *petri.Net, activities []string) *Design {
	d := &Design{Net: n}
	match := bpmn.MatchLabels(n, activities)
	for _, r := range match.Folded {
		d.Notes = append(d.Notes, fmt.Sprintf("task %q is the log's activity %q", r.Model, r.Log))
	}
	if len(match.Ambiguous) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("tasks %s match several activities of the log when case and spacing are ignored; left as written", quote(match.Ambiguous)))
	}
	if len(match.LogOnly) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("activities %s of the log are not in the design; they are not simulated", quote(match.LogOnly)))
	}
	return d
}
