package bpmn

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzNet converts whatever Read accepts: Net must return a net or an
// error, never panic or loop, and a net it returns must be valid with its
// maps the net's size.
func FuzzNet(f *testing.F) {
	for _, dir := range []string{convertDir, "../../testdata/bpmn/read", "../../testdata/bpmn/pm4py"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.bpmn"))
		for _, file := range files {
			if doc, err := os.ReadFile(file); err == nil && len(doc) < 16<<10 {
				f.Add(doc)
			}
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := Read(bytes.NewReader(doc))
		if err != nil {
			return
		}
		for _, p := range m.Processes {
			conv, err := m.Net(p.ID)
			if conv == nil {
				continue
			}
			if err == nil {
				if verr := conv.Net.Validate(); verr != nil {
					t.Fatalf("process %q: invalid net: %v", p.ID, verr)
				}
			}
			if len(conv.Node) != len(conv.Net.Transitions) || len(conv.Flow) != len(conv.Net.Places) {
				t.Fatalf("process %q: maps of %d and %d for %d transitions and %d places", p.ID,
					len(conv.Node), len(conv.Flow), len(conv.Net.Transitions), len(conv.Net.Places))
			}
			red := conv.Reduce()
			if verr := red.Net.Validate(); verr != nil {
				t.Fatalf("process %q: reduced net invalid: %v", p.ID, verr)
			}
		}
	})
}
