package export_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/tree"
)

func ExampleTreeDOT() {
	t, _ := tree.Parse("->( 'register', X( 'approve', tau ) )")
	dot, _ := export.TreeDOT(t)
	fmt.Print(dot)
	// Output:
	// digraph "process tree" {
	// 	graph [ordering=out, nodesep=0.3, ranksep=0.4];
	// 	node [fontname="Helvetica", fontsize=12];
	// 	edge [arrowhead=none];
	// 	n0 [shape=circle, fixedsize=true, width=0.45, label="->"];
	// 	n0 -> n1;
	// 	n1 [shape=box, style=rounded, label="register"];
	// 	n0 -> n2;
	// 	n2 [shape=circle, fixedsize=true, width=0.45, label="X"];
	// 	n2 -> n3;
	// 	n3 [shape=box, style=rounded, label="approve"];
	// 	n2 -> n4;
	// 	n4 [shape=box, style=filled, fillcolor=black, fixedsize=true, width=0.25, height=0.25, label=" ", tooltip="tau"];
	// }
}

func ExampleTreeBPMN() {
	t, _ := tree.Parse("->( 'register', X( 'approve', tau ) )")
	bpmn, err := export.TreeBPMN(context.Background(), t, export.BPMNOptions{Name: "approval"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The process: a task per activity, an exclusive split and merge for
	// X, the tau branch a flow from split to merge. Print its elements.
	for _, line := range strings.Split(string(bpmn), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "<bpmn:") && !strings.HasPrefix(line, "<bpmn:definitions") &&
			!strings.HasPrefix(line, "<bpmn:incoming") && !strings.HasPrefix(line, "<bpmn:outgoing") {
			fmt.Println(line)
		}
	}
	// Output:
	// <bpmn:process id="Process_1" name="approval" isExecutable="false">
	// <bpmn:startEvent id="StartEvent_1">
	// <bpmn:task id="Task_1" name="register">
	// <bpmn:exclusiveGateway id="Gateway_1" gatewayDirection="Diverging">
	// <bpmn:task id="Task_2" name="approve">
	// <bpmn:exclusiveGateway id="Gateway_2" gatewayDirection="Converging">
	// <bpmn:endEvent id="EndEvent_1">
	// <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_1" />
	// <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_1" targetRef="Gateway_1" />
	// <bpmn:sequenceFlow id="Flow_3" sourceRef="Gateway_1" targetRef="Task_2" />
	// <bpmn:sequenceFlow id="Flow_4" sourceRef="Gateway_1" targetRef="Gateway_2" />
	// <bpmn:sequenceFlow id="Flow_5" sourceRef="Task_2" targetRef="Gateway_2" />
	// <bpmn:sequenceFlow id="Flow_6" sourceRef="Gateway_2" targetRef="EndEvent_1" />
}
