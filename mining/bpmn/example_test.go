package bpmn_test

import (
	"fmt"
	"strings"

	"github.com/pmx-dev/pmx/mining/bpmn"
)

func ExampleRead() {
	const model = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" exporter="Camunda Modeler" exporterVersion="5.17.0">
  <bpmn:process id="claims" name="Claims">
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Check&#10;claim">
      <bpmn:extensionElements>
        <camunda:properties>
          <camunda:property name="duration" value="lognormal(20m, 5m)" />
        </camunda:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:complexGateway id="g" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="g" />
    <bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="end" />
    <bpmn:textAnnotation id="note"><bpmn:text>ask twice</bpmn:text></bpmn:textAnnotation>
  </bpmn:process>
</bpmn:definitions>`
	m, err := bpmn.Read(strings.NewReader(model))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Exporter, m.ExporterVersion)
	for _, p := range m.Processes {
		for _, n := range p.Nodes {
			fmt.Printf("%s %s %q %v\n", n.Kind, n.Element, n.Name, n.Ext)
		}
		fmt.Println(len(p.Flows), "flows")
	}
	for _, w := range m.Warnings {
		fmt.Println(w)
	}

	_, err = bpmn.Read(strings.NewReader(`<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <process id="p">
    <task id="a" />
    <sequenceFlow id="f" sourceRef="a" targetRef="b" />
  </process>
</definitions>`))
	fmt.Println(err)
	// Output:
	// Camunda Modeler 5.17.0
	// startEvent startEvent "" map[]
	// task userTask "Check claim" map[duration:lognormal(20m, 5m)]
	// inclusiveGateway complexGateway "" map[]
	// endEvent endEvent "" map[]
	// 3 flows
	// line 13: <complexGateway id="g">: not supported, read as an inclusiveGateway
	// line 18: 1 textAnnotation: not control flow, ignored (the first is id "note")
	// line 4: <sequenceFlow id="f">: targetRef "b" is not a flow node of the file
}
