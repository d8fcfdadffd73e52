package bpmnview

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/pmx-dev/pmx/mining/conformance"
)

func TestComputeLinear(t *testing.T) {
	fx := linear(true)
	l, tl := logs(linearTraces)
	ov := overlayOf(t, fx, l, tl)
	if ov.Cases != 6 || ov.Unaligned != 0 {
		t.Fatalf("cases %d, unaligned %d; want 6, 0", ov.Cases, ov.Unaligned)
	}
	tasks := map[string]TaskStat{}
	for _, ts := range ov.Tasks {
		tasks[ts.Node] = ts
	}
	for _, c := range []struct {
		node          string
		sync, skipped int64
		rate          float64
	}{
		{"A", 6, 0, 0},
		{"B", 4, 2, 2.0 / 6},
		{"C", 6, 0, 0},
	} {
		got := tasks[c.node]
		if got.Sync != c.sync || got.Skipped != c.skipped || math.Abs(got.SkipRate-c.rate) > 1e-12 || !got.Ran {
			t.Errorf("task %s: %+v; want sync %d, skipped %d, rate %.3f", c.node, got, c.sync, c.skipped, c.rate)
		}
	}
	if len(ov.LogOnly) != 1 || ov.LogOnly[0] != (LogOnly{Activity: "Call customer", After: "A", Count: 1}) {
		t.Errorf("log-only %+v; want Call customer after A once", ov.LogOnly)
	}
	flows := map[string]FlowStat{}
	for _, f := range ov.Flows {
		flows[f.Flow] = f
	}
	for _, c := range []struct {
		flow         string
		cases, timed int64
		meanMinutes  float64
	}{
		{"f1", 6, 0, 0},         // from the start event: no event before it
		{"f2", 6, 6, 280.0 / 6}, // Receive order → the next in-step event: 10, 20, 30, 60 and 120 (Ship: B skipped), 40
		{"f3", 6, 6, 70},        // Check credit (or, skipped, the event before it) → Ship: 60, 60, 60, 60, 120, 60
		{"f4", 6, 0, 0},         // into the end event: no event after it
	} {
		got := flows[c.flow]
		if got.Cases != c.cases || got.Passes != c.cases || got.Timed != c.timed || math.Abs(got.MeanSeconds-c.meanMinutes*60) > 1e-9 {
			t.Errorf("flow %s: %+v; want %d cases, %d timed, mean %.1f min", c.flow, got, c.cases, c.timed, c.meanMinutes)
		}
	}
}

func TestComputeWithoutTimes(t *testing.T) {
	fx := linear(false)
	l, _ := logs(linearTraces)
	ov := overlayOf(t, fx, l, nil)
	for _, f := range ov.Flows {
		if f.Timed != 0 || f.MeanSeconds != 0 {
			t.Errorf("flow %s timed without times: %+v", f.Flow, f)
		}
	}
	if _, err := json.Marshal(ov); err != nil {
		t.Fatal(err)
	}
}

func TestComputeRefusesMismatch(t *testing.T) {
	fx := linear(true)
	l, _ := logs(linearTraces)
	for name, in := range map[string]Input{
		"no model":        {Net: fx.net, Log: l, Align: &conformance.Alignments{}},
		"other log":       {Model: fx.model, Net: fx.net, Log: l, Align: &conformance.Alignments{}},
		"unknown process": {Model: fx.model, Process: "nope", Net: fx.net, Log: l, Align: &conformance.Alignments{}},
	} {
		if _, err := Compute(in); !errors.Is(err, ErrInput) {
			t.Errorf("%s: err %v; want ErrInput", name, err)
		}
	}
}
