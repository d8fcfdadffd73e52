package bpmnview_test

import (
	"context"
	"fmt"
	"os"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/report/bpmnview"
)

// A designed model read from a file, converted, aligned with a log, and
// the overlay's figures per task. bpmnview.Section builds the report's
// section from the same Input; bpmnview.SVG draws the overlay alone.
func Example() {
	f, err := os.Open("testdata/order.bpmn")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	m, err := bpmn.Read(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The unreduced conversion: its places stand for the sequence flows.
	conv, err := m.Net("")
	if err != nil {
		fmt.Println(err)
		return
	}
	log := eventlog.FromTraces([][]string{
		{"Receive order", "Check credit", "Notify customer", "Ship"},
		{"Receive order", "Notify customer", "Ship"},
		{"Receive order", "Call customer", "Notify customer", "Check credit", "Ship"},
	})
	al, err := conformance.Align(context.Background(), log, conv.Net, conformance.AlignOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ov, err := bpmnview.Compute(bpmnview.Input{Model: m, Net: conv.Net, Node: conv.Node, Flow: conv.Flow, Log: log, Align: al})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range ov.Tasks {
		fmt.Printf("%-16s in step %d, skipped %d\n", t.Name, t.Sync, t.Skipped)
	}
	for _, l := range ov.LogOnly {
		fmt.Printf("log only: %s after %s, %d case\n", l.Activity, l.After, l.Count)
	}
	// Output:
	// Receive order    in step 3, skipped 0
	// Check credit     in step 2, skipped 1
	// Notify customer  in step 3, skipped 0
	// Ship             in step 3, skipped 0
	// log only: Call customer after receive, 1 case
}
