package bpmnview

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/report"
)

// orderTraces run over testdata/order.bpmn: three cases as drawn (the
// parallel tasks in either order), two that skip the credit check, one
// that calls the customer (not in the diagram) after receiving the order.
var orderTraces = []struct {
	acts    []string
	minutes []int
}{
	{[]string{"Receive order", "Check credit", "Notify customer", "Ship"}, []int{0, 10, 15, 70}},
	{[]string{"Receive order", "Notify customer", "Check credit", "Ship"}, []int{0, 5, 20, 80}},
	{[]string{"Receive order", "Check credit", "Notify customer", "Ship"}, []int{0, 30, 35, 90}},
	{[]string{"Receive order", "Notify customer", "Ship"}, []int{0, 10, 60}},
	{[]string{"Receive order", "Notify customer", "Ship"}, []int{0, 20, 120}},
	{[]string{"Receive order", "Call customer", "Check credit", "Notify customer", "Ship"}, []int{0, 5, 40, 45, 100}},
}

// orderInput reads testdata/order.bpmn, converts it with mining/bpmn (the
// unreduced net, whose places stand for the flows) and aligns the log.
func orderInput(t *testing.T) (Input, *bpmn.Conversion) {
	t.Helper()
	f, err := os.Open("testdata/order.bpmn")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := bpmn.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := m.Net("")
	if err != nil {
		t.Fatal(err)
	}
	l, tl := logs(orderTraces)
	al, err := conformance.Align(context.Background(), l, conv.Net, conformance.AlignOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return Input{Model: m, Net: conv.Net, Node: conv.Node, Flow: conv.Flow, Log: l, Align: al, Times: tl}, conv
}

// orderSection is the report section of testdata/order.bpmn.
func orderSection(t *testing.T) *report.Designed {
	t.Helper()
	in, conv := orderInput(t)
	d, _, err := Section(context.Background(), in, "order.bpmn", append(in.Model.Warnings, conv.Warnings...), nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOrderFile checks the overlay over mining/bpmn's own reading and
// conversion of a bpmn.io file, and pins its drawing.
func TestOrderFile(t *testing.T) {
	in, _ := orderInput(t)
	ov, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int64{"receive": {6, 0}, "credit": {4, 2}, "notify": {6, 0}, "ship": {6, 0}}
	for _, ts := range ov.Tasks {
		if w := want[ts.Node]; ts.Sync != w[0] || ts.Skipped != w[1] {
			t.Errorf("task %s: sync %d, skipped %d; want %d, %d", ts.Node, ts.Sync, ts.Skipped, w[0], w[1])
		}
	}
	if len(ov.LogOnly) != 1 || ov.LogOnly[0] != (LogOnly{Activity: "Call customer", After: "receive", Count: 1}) {
		t.Errorf("log-only %+v; want Call customer after receive once", ov.LogOnly)
	}
	for _, f := range ov.Flows {
		if f.Cases != 6 || f.Passes != 6 {
			t.Errorf("flow %s: %d cases, %d passes; want every case once", f.Flow, f.Cases, f.Passes)
		}
	}
	// f5 (Check credit → join): from the credit check, or when it was
	// skipped the last event causally before it (Receive order's, not
	// Notify customer's on the parallel branch, whatever order the
	// alignment put the moves in), to Ship. Minutes: 60, 60, 60, 60, 120, 60.
	for _, f := range ov.Flows {
		if f.Flow == "f5" && (f.Timed != 6 || math.Abs(f.MeanSeconds-70*60) > 1e-9) {
			t.Errorf("flow f5: %d timed, mean %.1f min; want 6, 70", f.Timed, f.MeanSeconds/60)
		}
	}
	svg, err := SVG(context.Background(), in.Model, ov)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, svg)
	golden(t, "order.svg", svg)
}
