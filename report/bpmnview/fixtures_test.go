package bpmnview

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// fixture is a hand-made diagram with its hand-converted net, as
// mining/bpmn's converter maps them: one transition per node (silent for
// events and gateways), one place per sequence flow, plus the source and
// sink places.
type fixture struct {
	model *bpmn.Model
	net   *petri.Net
	node  []string // transition → node
	flow  []string // place → flow
}

type fnode struct {
	id, name string
	kind     bpmn.Kind
	x, y     float64
}

type fflow struct{ id, from, to string }

// build makes the model (with DI when di) and its net: every node is a
// transition consuming its incoming flows' places and producing into its
// outgoing ones; an exclusive gateway gets one transition per outgoing
// flow so that it chooses. Start events take the source place, end
// events feed the sink.
func build(nodes []fnode, flows []fflow, di bool, lanes []*bpmn.Lane) fixture {
	p := &bpmn.Process{ID: "Process_1", Name: "Order to cash", Lanes: lanes}
	fx := fixture{model: &bpmn.Model{Processes: []*bpmn.Process{p}, HasDI: di}, net: &petri.Net{Name: "t"}}
	pos := map[string]bpmn.Bounds{}
	for _, n := range nodes {
		w, h := 100.0, 80.0
		switch n.kind {
		case bpmn.StartEvent, bpmn.EndEvent, bpmn.IntermediateEvent, bpmn.BoundaryEvent:
			w, h = 36, 36
		case bpmn.ExclusiveGateway, bpmn.ParallelGateway, bpmn.InclusiveGateway, bpmn.EventBasedGateway:
			w, h = 50, 50
		}
		b := bpmn.Bounds{X: n.x, Y: n.y - h/2, W: w, H: h}
		pos[n.id] = b
		bn := &bpmn.Node{ID: n.id, Name: n.name, Kind: n.kind, Interrupting: true}
		if di {
			bn.Bounds = &b
		}
		p.Nodes = append(p.Nodes, bn)
	}
	place := map[string]int{}
	src := fx.net.AddPlace("source")
	fx.flow = append(fx.flow, "")
	for _, f := range flows {
		bf := &bpmn.Flow{ID: f.id, Source: f.from, Target: f.to}
		if di {
			a, b := pos[f.from], pos[f.to]
			y1, y2 := a.Y+a.H/2, b.Y+b.H/2
			bf.Waypoints = []bpmn.Point{{X: a.X + a.W, Y: y1}}
			if y1 != y2 {
				bf.Waypoints = append(bf.Waypoints, bpmn.Point{X: (a.X + a.W + b.X) / 2, Y: y1}, bpmn.Point{X: (a.X + a.W + b.X) / 2, Y: y2})
			}
			bf.Waypoints = append(bf.Waypoints, bpmn.Point{X: b.X, Y: y2})
		}
		p.Flows = append(p.Flows, bf)
		place[f.id] = fx.net.AddPlace(f.id)
		fx.flow = append(fx.flow, f.id)
	}
	sink := fx.net.AddPlace("sink")
	fx.flow = append(fx.flow, "")
	fx.net.Initial, fx.net.Final = petri.Marking{src: 1}, petri.Marking{sink: 1}
	for _, n := range nodes {
		var ins, outs []int
		for _, f := range flows {
			if f.to == n.id {
				ins = append(ins, place[f.id])
			}
			if f.from == n.id {
				outs = append(outs, place[f.id])
			}
		}
		if n.kind == bpmn.StartEvent {
			ins = []int{src}
		}
		if n.kind == bpmn.EndEvent {
			outs = []int{sink}
		}
		silent := n.kind != bpmn.Task
		// An exclusive (or event-based) gateway chooses: one transition
		// per incoming flow of a merge, per outgoing flow of a split.
		type arcs struct{ ins, outs []int }
		ts := []arcs{{ins, outs}}
		if n.kind == bpmn.ExclusiveGateway || n.kind == bpmn.EventBasedGateway {
			ts = nil
			for _, in := range ins {
				for _, o := range outs {
					ts = append(ts, arcs{[]int{in}, []int{o}})
				}
			}
		}
		for i, a := range ts {
			t := fx.net.AddTransition(fmt.Sprintf("%s#%d", n.id, i), n.name, silent)
			fx.node = append(fx.node, n.id)
			for _, pl := range a.ins {
				fx.net.AddInput(pl, t)
			}
			for _, pl := range a.outs {
				fx.net.AddOutput(t, pl)
			}
		}
	}
	return fx
}

// linear is start → Receive order → Check credit → Ship → end in one
// lane; the log skips Check credit in two cases and calls the customer
// after receiving the order in one.
func linear(di bool) fixture {
	var lanes []*bpmn.Lane
	if di {
		lanes = []*bpmn.Lane{{ID: "Lane_1", Name: "Sales", Nodes: []string{"S", "A", "B", "C", "E"}, Bounds: &bpmn.Bounds{X: 70, Y: 40, W: 640, H: 160}}}
	}
	return build([]fnode{
		{"S", "Order in", bpmn.StartEvent, 100, 120},
		{"A", "Receive order", bpmn.Task, 170, 120},
		{"B", "Check credit", bpmn.Task, 320, 120},
		{"C", "Ship", bpmn.Task, 470, 120},
		{"E", "Done", bpmn.EndEvent, 620, 120},
	}, []fflow{{"f1", "S", "A"}, {"f2", "A", "B"}, {"f3", "B", "C"}, {"f4", "C", "E"}}, di, lanes)
}

// linearTraces are the cases of the linear fixture with their times in
// minutes after a fixed instant.
var linearTraces = []struct {
	acts    []string
	minutes []int
}{
	{[]string{"Receive order", "Check credit", "Ship"}, []int{0, 10, 70}},
	{[]string{"Receive order", "Check credit", "Ship"}, []int{0, 20, 80}},
	{[]string{"Receive order", "Check credit", "Ship"}, []int{0, 30, 90}},
	{[]string{"Receive order", "Ship"}, []int{0, 60}},
	{[]string{"Receive order", "Ship"}, []int{0, 120}},
	{[]string{"Receive order", "Call customer", "Check credit", "Ship"}, []int{0, 5, 40, 100}},
}

// logs builds the variant log and the timestamped log of traces.
func logs(traces []struct {
	acts    []string
	minutes []int
}) (*eventlog.Log, *timeline.Log) {
	var tr [][]string
	for _, t := range traces {
		tr = append(tr, t.acts)
	}
	l := eventlog.FromTraces(tr)
	tl := &timeline.Log{Activities: l.Activities, CaseStart: []int32{0}}
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).UnixMicro()
	for c, t := range traces {
		tl.CaseIDs = append(tl.CaseIDs, string(rune('a'+c)))
		for i, a := range t.acts {
			tl.Case = append(tl.Case, int32(c))
			tl.Act = append(tl.Act, l.Index(a))
			tl.Time = append(tl.Time, t0+int64(t.minutes[i])*60e6)
			tl.Start = append(tl.Start, timeline.None)
			tl.Resource = append(tl.Resource, timeline.None)
		}
		tl.CaseStart = append(tl.CaseStart, int32(len(tl.Act)))
	}
	return l, tl
}

// overlayOf aligns the log with the fixture's net and computes the overlay.
func overlayOf(t *testing.T, fx fixture, l *eventlog.Log, tl *timeline.Log) *Overlay {
	t.Helper()
	al, err := conformance.Align(context.Background(), l, fx.net, conformance.AlignOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	ov, err := Compute(Input{Model: fx.model, Net: fx.net, Node: fx.node, Flow: fx.flow, Log: l, Align: al, Times: tl})
	if err != nil {
		t.Fatal(err)
	}
	return ov
}
