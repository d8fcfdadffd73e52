package discover

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// BPMNStats counts what a BPMN model is made of, in BPMN's own terms, for a
// summary a BPMN user recognises ("8 tasks, 6 gateways") rather than the
// Petri net the model was drawn from.
type BPMNStats struct {
	Tasks             int `json:"tasks"`
	ExclusiveGateways int `json:"exclusive_gateways"`
	ParallelGateways  int `json:"parallel_gateways"`
	OtherGateways     int `json:"other_gateways,omitempty"`
	Events            int `json:"events"` // start, end and intermediate events
	Flows             int `json:"sequence_flows"`
}

// Gateways is the number of gateways of every kind.
func (s BPMNStats) Gateways() int { return s.ExclusiveGateways + s.ParallelGateways + s.OtherGateways }

// CountBPMN counts the flow elements of a BPMN 2.0 document (as Write
// produces it): tasks of every kind, gateways by kind, events and sequence
// flows. Diagram-interchange elements are not counted.
func CountBPMN(doc []byte) (BPMNStats, error) {
	var s BPMNStats
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		if err != nil {
			return s, fmt.Errorf("bpmn: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || strings.HasPrefix(se.Name.Space, "http://www.omg.org/spec/BPMN/20100524/DI") {
			continue
		}
		switch n := se.Name.Local; {
		case n == "task" || strings.HasSuffix(n, "Task") || n == "subProcess" || n == "callActivity":
			s.Tasks++
		case n == "exclusiveGateway":
			s.ExclusiveGateways++
		case n == "parallelGateway":
			s.ParallelGateways++
		case strings.HasSuffix(n, "Gateway"):
			s.OtherGateways++
		case strings.HasSuffix(n, "Event") && !strings.HasSuffix(n, "EventDefinition"):
			s.Events++
		case n == "sequenceFlow":
			s.Flows++
		}
	}
}
