package bpmnview

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/conformance"
)

// loopBPMN redoes a review until it passes; it has no DI, so it is laid
// out by Graphviz.
const loopBPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="P" name="Review loop">
    <bpmn:startEvent id="s" />
    <bpmn:task id="a" name="Draft" />
    <bpmn:exclusiveGateway id="m" />
    <bpmn:task id="b" name="Review" />
    <bpmn:exclusiveGateway id="x" name="Passed?" />
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" />
    <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="m" />
    <bpmn:sequenceFlow id="f3" sourceRef="m" targetRef="b" />
    <bpmn:sequenceFlow id="f4" sourceRef="b" targetRef="x" />
    <bpmn:sequenceFlow id="back" sourceRef="x" targetRef="m" />
    <bpmn:sequenceFlow id="f5" sourceRef="x" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`

// TestLoop: a flow passed several times in one case counts the case once
// and every pass; each pass of the way back is timed from the review
// before it to the review after it.
func TestLoop(t *testing.T) {
	m, err := bpmn.Read(strings.NewReader(loopBPMN))
	if err != nil {
		t.Fatal(err)
	}
	conv, err := m.Net("")
	if err != nil {
		t.Fatal(err)
	}
	l, tl := logs([]struct {
		acts    []string
		minutes []int
	}{
		{[]string{"Draft", "Review", "Review", "Review"}, []int{0, 10, 30, 60}},
		{[]string{"Draft", "Review"}, []int{0, 5}},
	})
	al, err := conformance.Align(context.Background(), l, conv.Net, conformance.AlignOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	in := Input{Model: m, Net: conv.Net, Node: conv.Node, Flow: conv.Flow, Log: l, Align: al, Times: tl}
	ov, err := Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		flow                 string
		cases, passes, timed int64
		meanMinutes          float64
	}{
		{"f2", 2, 2, 2, (10 + 5) / 2.0},           // Draft → the first review
		{"f3", 2, 4, 4, (10 + 20 + 30 + 5) / 4.0}, // into each review, from the event before it
		{"back", 1, 2, 2, (20 + 30) / 2.0},        // review → the next review
		{"f5", 2, 2, 0, 0},                        // into the end: untimed
	} {
		var got FlowStat
		for _, f := range ov.Flows {
			if f.Flow == c.flow {
				got = f
			}
		}
		if got.Cases != c.cases || got.Passes != c.passes || got.Timed != c.timed || math.Abs(got.MeanSeconds-c.meanMinutes*60) > 1e-9 {
			t.Errorf("flow %s: %+v; want %d cases, %d passes, %d timed, mean %.1f min", c.flow, got, c.cases, c.passes, c.timed, c.meanMinutes)
		}
	}
	for _, ts := range ov.Tasks {
		if ts.Skipped != 0 {
			t.Errorf("task %s skipped %d times in a fitting log", ts.Node, ts.Skipped)
		}
	}
	svg, err := SVG(context.Background(), m, ov)
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, svg)
	golden(t, "loop.svg", svg)
}
