package bpmn_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/tree"
)

// TestReadPMXExport reads back what pmx itself writes (mining/export's
// BPMN writers, from a process tree and from a Petri net): one process,
// the tree's activities as tasks, every flow between known nodes, and a
// diagram for every node and flow.
func TestReadPMXExport(t *testing.T) {
	ctx := context.Background()
	pt, err := tree.Parse("->( 'register', X( 'approve', 'reject' ), +( 'notify', 'archive' ), *( 'check', tau ) )")
	if err != nil {
		t.Fatal(err)
	}
	fromTree, err := export.TreeBPMN(ctx, pt, export.BPMNOptions{Name: "claims"})
	if err != nil {
		t.Fatal(err)
	}
	fromNet, err := export.PetriNetBPMN(ctx, pt.ToNet(), export.BPMNOptions{Name: "claims"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		xml  []byte
	}{{"tree", fromTree}, {"net", fromNet}} {
		t.Run(c.name, func(t *testing.T) {
			m, err := bpmn.Read(bytes.NewReader(c.xml))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Processes) != 1 || m.Exporter != "pmx" || !m.HasDI || len(m.Warnings) > 0 {
				t.Fatalf("%d processes, exporter %q, HasDI %v, warnings %q", len(m.Processes), m.Exporter, m.HasDI, m.Warnings)
			}
			p := m.Processes[0]
			if p.Name != "claims" {
				t.Errorf("process name %q", p.Name)
			}
			var tasks []string
			kinds := map[bpmn.Kind]int{}
			ids := map[string]bool{}
			for _, n := range p.Nodes {
				kinds[n.Kind]++
				ids[n.ID] = true
				if n.Kind == bpmn.Task {
					tasks = append(tasks, n.Name)
				}
				if n.Bounds == nil {
					t.Errorf("node %q has no shape", n.ID)
				}
			}
			slices.Sort(tasks)
			want := []string{"approve", "archive", "check", "notify", "register", "reject"}
			if !slices.Equal(tasks, want) {
				t.Errorf("tasks %q, want %q", tasks, want)
			}
			if kinds[bpmn.StartEvent] != 1 || kinds[bpmn.EndEvent] != 1 || kinds[bpmn.ParallelGateway] != 2 || kinds[bpmn.ExclusiveGateway] < 2 {
				t.Errorf("node kinds %v", kinds)
			}
			// every node but the end has a way out, every node but the start a way in
			in, out := map[string]int{}, map[string]int{}
			for _, f := range p.Flows {
				if !ids[f.Source] || !ids[f.Target] {
					t.Errorf("flow %q: %q -> %q", f.ID, f.Source, f.Target)
				}
				out[f.Source]++
				in[f.Target]++
				if len(f.Waypoints) < 2 {
					t.Errorf("flow %q has %d waypoints", f.ID, len(f.Waypoints))
				}
			}
			for _, n := range p.Nodes {
				if (n.Kind != bpmn.StartEvent && in[n.ID] == 0) || (n.Kind != bpmn.EndEvent && out[n.ID] == 0) {
					t.Errorf("node %q (%v): %d in, %d out", n.ID, n.Kind, in[n.ID], out[n.ID])
				}
			}
		})
	}
}
