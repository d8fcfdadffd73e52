package bpmn

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readDir holds one hand-written BPMN file per element kind and per tool
// dialect, each with the Model it reads to as <name>.golden.json.
const readDir = "../../testdata/bpmn/read"

// updateGolden is the -update flag shared by the package's golden tests:
// defined here unless another test file of the package defined it first
// (two flag.Bool("update") calls in one test binary panic).
var updateGolden = func() func() bool {
	if f := flag.Lookup("update"); f != nil {
		return func() bool { return f.Value.String() == "true" }
	}
	b := flag.Bool("update", false, "rewrite the golden files in testdata/ from the current output")
	return func() bool { return *b }
}()

// TestRead reads every file of testdata/bpmn/read and compares the Model,
// as indented JSON, with its golden file; every Model is also checked for
// the invariants Read promises (checkModel).
func TestRead(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(readDir, "*.bpmn"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files in %s (%v)", readDir, err)
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".bpmn")
		t.Run(name, func(t *testing.T) {
			m := readFile(t, path)
			checkModel(t, m)
			got, err := json.MarshalIndent(m, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join(readDir, name+".golden.json")
			if updateGolden() {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("model differs from %s (run with -update to accept):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

func readFile(t *testing.T, path string) *Model {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return m
}

// firstDiff shows the first line where two texts differ, with its number.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n  want %s\n  got  %s", i+1, a, b)
		}
	}
	return "(same lines)"
}

// checkModel checks what Read promises of any Model it returns: node,
// flow, lane and process ids unique; every flow's ends are nodes of its
// process at its subprocess level; a node's SubProcess, Lane and
// AttachedTo name what they should; HasDI exactly when a node has Bounds.
func checkModel(t testing.TB, m *Model) {
	t.Helper()
	if len(m.Processes) == 0 {
		t.Fatal("a model without processes")
	}
	seen := map[string]bool{}
	unique := func(id string) {
		if id == "" {
			t.Errorf("an empty id")
		}
		if seen[id] {
			t.Errorf("id %q used twice", id)
		}
		seen[id] = true
	}
	hasDI := false
	for _, p := range m.Processes {
		unique(p.ID)
		nodes := map[string]*Node{}
		for _, n := range p.Nodes {
			unique(n.ID)
			nodes[n.ID] = n
			hasDI = hasDI || n.Bounds != nil
		}
		for _, n := range p.Nodes {
			if n.SubProcess != "" && (nodes[n.SubProcess] == nil || nodes[n.SubProcess].Kind != SubProcess) {
				t.Errorf("node %q: SubProcess %q is not a subprocess of process %q", n.ID, n.SubProcess, p.ID)
			}
			if n.Kind == BoundaryEvent {
				if a := nodes[n.AttachedTo]; a == nil || a.SubProcess != n.SubProcess {
					t.Errorf("boundary event %q: attached to %q, not an activity at its level", n.ID, n.AttachedTo)
				}
			}
			if n.Element == "" || (n.Kind != Task && n.Kind != SubProcess && n.Kind != IntermediateEvent &&
				n.Element != n.Kind.String() && n.Element != "complexGateway") {
				t.Errorf("node %q: element %q for kind %v", n.ID, n.Element, n.Kind)
			}
		}
		for _, f := range p.Flows {
			unique(f.ID)
			s, d := nodes[f.Source], nodes[f.Target]
			if s == nil || d == nil {
				t.Errorf("flow %q: %q -> %q, not both nodes of process %q", f.ID, f.Source, f.Target, p.ID)
				continue
			}
			if s.SubProcess != f.SubProcess || d.SubProcess != f.SubProcess {
				t.Errorf("flow %q crosses subprocess levels", f.ID)
			}
		}
		var lanes func([]*Lane)
		lanes = func(ls []*Lane) {
			for _, l := range ls {
				unique(l.ID)
				for _, id := range l.Nodes {
					if nodes[id] == nil {
						t.Errorf("lane %q: node %q is not in process %q", l.ID, id, p.ID)
					}
				}
				lanes(l.Children)
			}
		}
		lanes(p.Lanes)
		for _, n := range p.Nodes {
			if n.Lane != "" && !seen[n.Lane] {
				t.Errorf("node %q: lane %q is not a lane of process %q", n.ID, n.Lane, p.ID)
			}
		}
	}
	if hasDI != m.HasDI {
		t.Errorf("HasDI %v, but a node has bounds: %v", m.HasDI, hasDI)
	}
	if _, err := json.Marshal(m); err != nil {
		t.Errorf("the model does not marshal to JSON: %v", err)
	}
}
