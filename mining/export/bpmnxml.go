package export

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
)

// BPMN 2.0 namespaces (OMG, 2010-05-24 schemas).
const (
	nsModel  = "http://www.omg.org/spec/BPMN/20100524/MODEL"
	nsBPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
	nsDC     = "http://www.omg.org/spec/DD/20100524/DC"
	nsDI     = "http://www.omg.org/spec/DD/20100524/DI"
	// targetNamespace is required by the schema; it names the models' own
	// namespace, which for pmx output has no further meaning.
	pmxTargetNamespace = "https://github.com/pmx-dev/pmx/bpmn"
)

var elementTag = map[kind]string{
	startEvent:       "startEvent",
	endEvent:         "endEvent",
	task:             "task",
	exclusiveGateway: "exclusiveGateway",
	parallelGateway:  "parallelGateway",
	inclusiveGateway: "inclusiveGateway",
	silentStep:       "task", // only if one survives simplify; written nameless
}

// write serialises the process and its diagram. Element order in the file is
// the ordered() order; within a flow node the schema wants incoming before
// outgoing references.
func (g *graph) write(name string, elems, flows []int, elemID, flowID map[int]string, lay *layoutResult) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<bpmn:definitions xmlns:bpmn="%s" xmlns:bpmndi="%s" xmlns:dc="%s" xmlns:di="%s" id="Definitions_1" targetNamespace="%s" exporter="pmx" exporterVersion="1">`+"\n",
		nsModel, nsBPMNDI, nsDC, nsDI, pmxTargetNamespace)
	b.WriteString(`  <bpmn:process id="Process_1"`)
	if name != "" {
		b.WriteString(` name="` + attr(name) + `"`)
	}
	b.WriteString(` isExecutable="false">` + "\n")

	ins, outs := map[int][]int{}, map[int][]int{}
	for _, f := range flows {
		fl := g.flows[f]
		outs[fl.from] = append(outs[fl.from], f)
		ins[fl.to] = append(ins[fl.to], f)
	}
	for _, e := range elems {
		el := g.elems[e]
		tag := elementTag[el.kind]
		fmt.Fprintf(&b, `    <bpmn:%s id="%s"`, tag, elemID[e])
		if el.name != "" && el.kind != silentStep {
			b.WriteString(` name="` + attr(el.name) + `"`)
		}
		if el.kind.isGateway() {
			if dir := gatewayDirection(len(ins[e]), len(outs[e])); dir != "" {
				b.WriteString(` gatewayDirection="` + dir + `"`)
			}
		}
		b.WriteString(">\n")
		for _, f := range ins[e] {
			fmt.Fprintf(&b, "      <bpmn:incoming>%s</bpmn:incoming>\n", flowID[f])
		}
		for _, f := range outs[e] {
			fmt.Fprintf(&b, "      <bpmn:outgoing>%s</bpmn:outgoing>\n", flowID[f])
		}
		fmt.Fprintf(&b, "    </bpmn:%s>\n", tag)
	}
	for _, f := range flows {
		fl := g.flows[f]
		fmt.Fprintf(&b, `    <bpmn:sequenceFlow id="%s" sourceRef="%s" targetRef="%s" />`+"\n", flowID[f], elemID[fl.from], elemID[fl.to])
	}
	b.WriteString("  </bpmn:process>\n")

	b.WriteString(`  <bpmndi:BPMNDiagram id="BPMNDiagram_1">` + "\n")
	b.WriteString(`    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Process_1">` + "\n")
	for _, e := range elems {
		s := lay.shapes[e]
		fmt.Fprintf(&b, `      <bpmndi:BPMNShape id="%s_di" bpmnElement="%s"`, elemID[e], elemID[e])
		if g.elems[e].kind == exclusiveGateway {
			b.WriteString(` isMarkerVisible="true"`) // draw the X, as modelers do
		}
		fmt.Fprintf(&b, ">\n        <dc:Bounds x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" />\n      </bpmndi:BPMNShape>\n",
			num(s.X), num(s.Y), num(s.W), num(s.H))
	}
	for _, f := range flows {
		fmt.Fprintf(&b, `      <bpmndi:BPMNEdge id="%s_di" bpmnElement="%s">`+"\n", flowID[f], flowID[f])
		for _, p := range lay.waypoints[f] {
			fmt.Fprintf(&b, "        <di:waypoint x=\"%s\" y=\"%s\" />\n", num(p.X), num(p.Y))
		}
		b.WriteString("      </bpmndi:BPMNEdge>\n")
	}
	b.WriteString("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n")
	return b.Bytes()
}

func gatewayDirection(in, out int) string {
	switch {
	case in > 1 && out > 1:
		return "Mixed"
	case in > 1:
		return "Converging"
	case out > 1:
		return "Diverging"
	}
	return ""
}

// attr escapes text for a double-quoted XML attribute. EscapeText also
// replaces characters XML cannot carry with U+FFFD.
func attr(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // a bytes.Buffer does not fail
	return b.String()
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
