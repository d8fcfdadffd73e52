package bpmnview

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/bpmn"
)

// TestSVGOfFiles draws the reader's test files (as Camunda Modeler,
// bpmn-js and Signavio write them, and one without DI) with an empty
// overlay: every process with flow nodes, shapes where the file puts
// them. The drawings are pinned as golden files; run with -update and
// look at them after a change.
func TestSVGOfFiles(t *testing.T) {
	// A fixed list: a file added there later needs its golden file here.
	for _, name := range []string{"boundary", "bpmnjs", "camunda5", "collaboration", "default_ns", "gateways",
		"intermediate", "lanes", "nodi", "semantic", "signavio", "startend", "subprocess", "tasks", "unsupported"} {
		path := filepath.Join("..", "..", "testdata", "bpmn", "read", name+".bpmn")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			m, err := bpmn.Read(f)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			for _, p := range m.Processes {
				if len(p.Nodes) == 0 {
					continue
				}
				svg, err := SVG(context.Background(), m, &Overlay{Process: p.ID})
				if err != nil {
					t.Fatalf("process %s: %v", p.ID, err)
				}
				checkSVG(t, svg)
				for _, n := range p.Nodes {
					// A task has its own title, or a line in the title of the
					// collapsed subprocess that holds it.
					if n.Kind == bpmn.Task && n.Name != "" && !strings.Contains(svg, "<title>"+esc(n.Name)+"&#10;") &&
						!strings.Contains(svg, "&#10;"+esc(n.Name)+": ") {
						t.Errorf("process %s: no title for task %q", p.ID, n.Name)
					}
				}
				out.WriteString(svg + "\n")
			}
			golden(t, "file-"+name+".svg", out.String())
		})
	}
}
