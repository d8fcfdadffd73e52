package bpmnview

import (
	"context"
	"math"
	"testing"

	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/report"
)

// linearSection is the designed-model section of the linear fixture, its
// conformance taken from the alignments alone.
func linearSection(t *testing.T) *report.Designed {
	t.Helper()
	fx := linear(true)
	l, tl := logs(linearTraces)
	al, err := conformance.Align(context.Background(), l, fx.net, conformance.AlignOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := Section(context.Background(), Input{Model: fx.model, Net: fx.net, Node: fx.node, Flow: fx.flow, Log: l, Align: al, Times: tl},
		"order-to-cash.bpmn", []string{"line 9: <bpmn:textAnnotation>: ignored"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSection(t *testing.T) {
	d := linearSection(t)
	if d.Name != "order-to-cash.bpmn" || d.Process != "Order to cash" || d.SVG == "" || len(d.Warnings) != 1 {
		t.Errorf("section %q, process %q, %d bytes of SVG, warnings %q", d.Name, d.Process, len(d.SVG), d.Warnings)
	}
	c := d.Conformance
	// Three deviations (two model moves, one log move) over 6 cases.
	if c == nil || c.Method != "alignments" || math.Abs(c.FittingShare-3.0/6) > 1e-12 || !(c.Fitness > 0 && c.Fitness < 1) || !math.IsNaN(c.Precision) {
		t.Fatalf("conformance %+v", c)
	}
	want := []report.Deviation{{Activity: "Check credit", ModelMoves: 2}, {Activity: "Call customer", LogMoves: 1}}
	if len(c.Deviations) != len(want) || c.Deviations[0] != want[0] || c.Deviations[1] != want[1] {
		t.Errorf("deviations %+v; want %+v", c.Deviations, want)
	}
	if len(d.Tasks) != 3 || d.Tasks[1] != (report.DesignedTask{Name: "Check credit", Sync: 4, Skipped: 2, SkipRate: 2.0 / 6}) {
		t.Errorf("tasks %+v", d.Tasks)
	}
	if len(d.LogOnly) != 1 || d.LogOnly[0] != (report.DesignedLogOnly{Activity: "Call customer", After: "Receive order", Count: 1}) {
		t.Errorf("log-only %+v", d.LogOnly)
	}
}
