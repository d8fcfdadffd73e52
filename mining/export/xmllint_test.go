package export

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBPMNValidatesAgainstXSD runs xmllint with the OMG BPMN 2.0 schemas in
// testdata/bpmn20 on the BPMN of every tree and net case and on the golden
// file. It skips when xmllint is not installed, unless PMX_XMLLINT=1 (CI
// sets it after .ci/install-xmllint), where a missing xmllint fails.
// PMX_BPMN_OUT=dir keeps the generated files there, to open them in a
// modeler.
func TestBPMNValidatesAgainstXSD(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("PMX_XMLLINT") == "1" {
			t.Fatal("PMX_XMLLINT=1 but xmllint is not on PATH: run .ci/install-xmllint (Debian package libxml2-utils)")
		}
		t.Skip("xmllint not on PATH: install libxml2-utils (.ci/install-xmllint) to validate BPMN against the BPMN 2.0 XSD")
	}
	schema := filepath.Join("testdata", "bpmn20", "BPMN20.xsd")
	dir := os.Getenv("PMX_BPMN_OUT")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join("testdata", "small_tree.bpmn")}
	write := func(name string, data []byte) {
		path := filepath.Join(dir, fileName(name)+".bpmn")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	ctx := context.Background()
	for _, c := range treeCases {
		out, err := TreeBPMN(ctx, c.build(), BPMNOptions{Name: c.name})
		if err != nil {
			t.Fatalf("tree %s: %v", c.name, err)
		}
		write("tree "+c.name, out)
	}
	for _, c := range netCases() {
		out, err := PetriNetBPMN(ctx, c.net, BPMNOptions{Routing: RoutingPolyline})
		if err != nil {
			t.Fatalf("net %s: %v", c.name, err)
		}
		write("net "+c.name, out)
	}
	for _, f := range files {
		out, err := exec.Command(xmllint, "--noout", "--schema", schema, f).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "validates") {
			t.Errorf("%s does not validate (%v):\n%s", f, err, out)
		}
	}

	// The schema must really be applied: a document that breaks it (no
	// targetNamespace, a task outside a process) must be rejected.
	broken := filepath.Join(dir, "broken.bpmn")
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"><bpmn:task id="T"/></bpmn:definitions>`
	if err := os.WriteFile(broken, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", schema, broken).CombinedOutput(); err == nil {
		t.Errorf("xmllint accepted a document that breaks the schema:\n%s", out)
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9]+`)

func fileName(s string) string { return strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_") }
