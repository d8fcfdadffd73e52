package bpmn_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pmx-dev/pmx/mining/bpmn"
)

func ExampleModel_Net() {
	const model = `<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <process id="order">
    <startEvent id="start" />
    <parallelGateway id="fork" />
    <task id="pick" name="Pick" />
    <task id="bill" name="Bill" />
    <endEvent id="shipped" />
    <endEvent id="billed" />
    <sequenceFlow id="f1" sourceRef="start" targetRef="fork" />
    <sequenceFlow id="f2" sourceRef="fork" targetRef="pick" />
    <sequenceFlow id="f3" sourceRef="fork" targetRef="bill" />
    <sequenceFlow id="f4" sourceRef="pick" targetRef="shipped" />
    <sequenceFlow id="f5" sourceRef="bill" targetRef="billed" />
  </process>
</definitions>`
	m, err := bpmn.Read(strings.NewReader(model))
	if err != nil {
		fmt.Println(err)
		return
	}
	conv, err := m.Net("")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The two end events are reached together: one silent step joins
	// them into the sink, so the net is sound.
	for i, t := range conv.Net.Transitions {
		fmt.Printf("%-22s label %-5q node %q\n", t.ID, t.Label, conv.Node[i])
	}

	// The same diagram with an exclusive split before a parallel join.
	broken := strings.NewReplacer(`<parallelGateway id="fork" />`, `<exclusiveGateway id="fork" />`,
		`<endEvent id="shipped" />`, `<parallelGateway id="join" />`,
		`targetRef="shipped"`, `targetRef="join"`, `targetRef="billed"`, `targetRef="join"`,
		`<endEvent id="billed" />`, `<endEvent id="end" /><sequenceFlow id="f6" sourceRef="join" targetRef="end" />`).Replace(model)
	if m, err = bpmn.Read(strings.NewReader(broken)); err != nil {
		fmt.Println(err)
		return
	}
	_, err = m.Net("")
	fmt.Println(errors.Is(err, bpmn.ErrUnsound), err)
	// Output:
	// start_start            label ""    node "start"
	// tfl_f1                 label ""    node "fork"
	// pick                   label "Pick" node "pick"
	// bill                   label "Bill" node "bill"
	// tfl_f4                 label ""    node "shipped"
	// tfl_f5                 label ""    node "billed"
	// done_shipped_billed    label ""    node ""
	// true bpmn process "order": not sound: parallel join "join" waits for flow "f5" that exclusive split "fork" may not take: a case can stop with tokens on flow "f4"
}
