package fit

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/mining/bpmn"
)

// designXML is a small to-be process: A, then B (probability 0.3) or C,
// with A's duration given and two lanes.
const designXML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">
  <bpmn:process id="p">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="l1" name="Front"><bpmn:flowNodeRef>a</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="l2" name="Back"><bpmn:flowNodeRef>b</bpmn:flowNodeRef><bpmn:flowNodeRef>c</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="s" />
    <bpmn:task id="a" name="A">
      <bpmn:extensionElements><camunda:properties><camunda:property name="duration" value="60" /></camunda:properties></bpmn:extensionElements>
    </bpmn:task>
    <bpmn:exclusiveGateway id="g" />
    <bpmn:task id="b" name="b" />
    <bpmn:task id="c" name="C" />
    <bpmn:exclusiveGateway id="j" />
    <bpmn:endEvent id="e" />
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" />
    <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="g" />
    <bpmn:sequenceFlow id="fb" sourceRef="g" targetRef="b">
      <bpmn:extensionElements><camunda:properties><camunda:property name="probability" value="0.3" /></camunda:properties></bpmn:extensionElements>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="fc" sourceRef="g" targetRef="c" />
    <bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="j" />
    <bpmn:sequenceFlow id="f4" sourceRef="c" targetRef="j" />
    <bpmn:sequenceFlow id="f5" sourceRef="j" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`

func TestDesignFromBPMN(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edits  [][2]string
		weight float64 // of the step into fb
		dur    dist.Dist
		err    string
	}{
		{name: "as drawn", weight: 0.3, dur: dist.Dist{Kind: dist.Fixed, Value: 60}},
		{name: "a distribution", edits: [][2]string{{`value="60"`, `value="{dist: lognormal, mu: 4, sigma: 0.5}"`}},
			weight: 0.3, dur: dist.Dist{Kind: dist.LogNormal, Mu: 4, Sigma: 0.5}},
		// An inclusive split: the probability is the branch's against its
		// skip.
		{name: "inclusive", edits: [][2]string{{`exclusiveGateway id="g"`, `inclusiveGateway id="g"`}, {`exclusiveGateway id="j"`, `inclusiveGateway id="j"`}},
			weight: 0.3, dur: dist.Dist{Kind: dist.Fixed, Value: 60}},
		{name: "bad duration", edits: [][2]string{{`value="60"`, `value="{dist: gamma}"`}}, err: `bpmn line 9: task "A" (a): duration: gamma`},
		{name: "probability above 1", edits: [][2]string{{`value="0.3"`, `value="1.5"`}}, err: `bpmn line 19: sequence flow fb: probability "1.5": want a number from 0 to 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := designXML
			for _, e := range tc.edits {
				src = strings.Replace(src, e[0], e[1], 1)
			}
			m, err := bpmn.Read(strings.NewReader(src))
			if err != nil {
				t.Fatal(err)
			}
			d, err := DesignFromBPMN(m, "", []string{"A", "B", "C"})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want …%s…", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Weights) != 1 {
				t.Fatalf("weights %v, want one for the step into fb", d.Weights)
			}
			for tr, w := range d.Weights {
				// The step into fb: for an exclusive split the silent step
				// onto it; for an inclusive one, where the converter merges
				// that step into the task, task b itself (against its skip).
				if id := d.Net.Transitions[tr].ID; w != tc.weight || !(strings.Contains(id, "fb") || id == "b") {
					t.Errorf("weight %v on %s, want %v on the step into fb", w, id, tc.weight)
				}
			}
			if got := d.Durations["A"]; !reflect.DeepEqual(got, tc.dur) || len(d.Durations) != 1 {
				t.Errorf("durations %v, want A: %v", d.Durations, tc.dur)
			}
			// "b" is the log's "B" (case folded), in lane Back.
			if want := map[string]string{"A": "Front", "B": "Back", "C": "Back"}; !reflect.DeepEqual(d.Lanes, want) {
				t.Errorf("lanes %v, want %v", d.Lanes, want)
			}
		})
	}
}
