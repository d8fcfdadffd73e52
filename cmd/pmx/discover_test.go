package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/pnml"
	"github.com/pmx-dev/pmx/mining/tree"
)

var sharedXES = map[string]string{
	"bpic2013_incidents": "bpic2013_incidents.xes.gz", "helpdesk": "helpdesk.xes.gz",
	"interval_event_log": "interval_event_log.xes", "receipt": "receipt.xes.gz",
	"repair_example": "repair_example.xes.gz", "reviewing": "reviewing.xes",
	"roadtraffic100traces": "roadtraffic100traces.xes", "running-example": "running-example.xes",
}

// TestDiscoverFromWarehouseMatchesPM4Py runs the whole path a user takes —
// import into the warehouse, load the compact log through Arrow, discover —
// and compares the IM tree with PM4Py's for every shared log. The mining
// packages compare their algorithms on logs read without a warehouse; this
// checks the warehouse hands them the same log.
func TestDiscoverFromWarehouseMatchesPM4Py(t *testing.T) {
	needShared(t)
	db := filepath.Join(t.TempDir(), "w.duckdb")
	for stem, file := range sharedXES {
		t.Run(stem, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pm4py", stem, "reference.json"))
			if err != nil {
				t.Skipf("no PM4Py reference for %s", stem)
			}
			var ref struct {
				IM string `json:"im_tree"`
			}
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			if _, errOut, code := pmx(t, "import", filepath.Join(filepath.Dir(runningExample), file), "--db", db, "--name", stem); code != 0 {
				t.Fatalf("import: %s", errOut)
			}
			out, errOut, code := pmx(t, "discover", "--db", db, "--log", stem, "--algo", "im", "--format", "tree")
			if code != 0 {
				t.Fatalf("discover: %s", errOut)
			}
			got, err := tree.Parse(strings.TrimSpace(out))
			if err != nil {
				t.Fatal(err)
			}
			want, err := tree.Parse(ref.IM)
			if err != nil {
				t.Fatal(err)
			}
			if !tree.Equivalent(got, want) {
				t.Errorf("IM tree differs from PM4Py's:\n got  %s\n want %s", got, want)
			}
		})
	}
}

func TestDiscoverFormatsAndErrors(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	// Every format of every algorithm that has it; the file is complete
	// and the summary names it.
	for _, algo := range []string{"alpha", "alpha+", "heuristics", "im", "imf", "imd", "dfg"} {
		for _, format := range []string{"pnml", "bpmn", "tree", "dot", "svg", "json"} {
			out := filepath.Join(dir, strings.ReplaceAll(algo, "+", "plus")+"."+format)
			stdout, errOut, code := pmx(t, "discover", runningExample, "--algo", algo, "--format", format, "-o", out, "--json")
			noTree := format == "tree" && (algo == "alpha" || algo == "alpha+" || algo == "heuristics" || algo == "dfg")
			noNet := (format == "pnml" || format == "bpmn") && algo == "dfg"
			if noTree || noNet {
				if code != 1 || !strings.Contains(errOut, "use --format") {
					t.Errorf("%s as %s: code %d, stderr %q; want a one-line error naming what works", algo, format, code, errOut)
				}
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s as %s: a failed discover left %s behind", algo, format, out)
				}
				continue
			}
			if code != 0 || !strings.Contains(stdout, `"file"`) {
				t.Fatalf("%s as %s: code %d, stderr %q", algo, format, code, errOut)
			}
			b, err := os.ReadFile(out)
			if err != nil || len(b) == 0 {
				t.Fatalf("%s as %s: %v", algo, format, err)
			}
			if format == "pnml" {
				n, err := pnml.Read(strings.NewReader(string(b)))
				if err != nil || len(n.Transitions) == 0 {
					t.Errorf("%s PNML does not read back: %v", algo, err)
				}
			}
		}
	}
	for _, bad := range [][]string{
		{"--algo", "nope"}, {"--noise", "1.5"}, {"--algo", "dfg", "--paths", "2"}, {"--format", "gif", "--algo", "im"},
	} {
		_, errOut, code := pmx(t, append([]string{"discover", runningExample}, bad...)...)
		if code == 0 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: code %d, stderr %q; want a one-line error", bad, code, errOut)
		}
	}
}

// Issue 9, item 12: -o with an extension pmx does not write is refused
// (it used to write a text tree into x.png), a mismatch with --format is
// refused, and a BPMN file is summarised in BPMN terms.
func TestDiscoverOutputExtensions(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"-o", filepath.Join(dir, "x.png")},
		{"-o", filepath.Join(dir, "x.pdf"), "--format", "svg"},
		{"-o", filepath.Join(dir, "x.svg"), "--format", "pnml"},
		{"--format", "png"},
		{"-o", filepath.Join(dir, "noext")},
	} {
		_, errOut, code := pmx(t, append([]string{"discover", runningExample}, args...)...)
		if code != 2 || strings.Count(errOut, "\n") != 1 {
			t.Errorf("discover %v: code %d, %q; want a usage error", args, code, errOut)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("refused outputs left files: %v", ents)
	}
	if _, errOut, code := pmx(t, "discover", runningExample, "--format", "pnml", "-o", filepath.Join(dir, "m.xml")); code != 0 {
		t.Errorf("-o m.xml --format pnml: %s", errOut)
	}
	out, errOut, code := pmx(t, "discover", runningExample, "-o", filepath.Join(dir, "m.bpmn"))
	if code != 0 || !strings.Contains(out, "tasks") || !strings.Contains(out, "gateways") || strings.Contains(out, "places") {
		t.Errorf("bpmn summary: code %d, %q %q", code, out, errOut)
	}
	out, _, _ = pmx(t, "discover", runningExample, "-o", filepath.Join(dir, "m2.bpmn"), "--json")
	var sum struct {
		Places int `json:"places"`
		BPMN   *struct {
			Tasks int `json:"tasks"`
			Flows int `json:"sequence_flows"`
		} `json:"bpmn"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.BPMN == nil || sum.BPMN.Tasks != 8 || sum.BPMN.Flows == 0 || sum.Places != 0 {
		t.Errorf("bpmn --json summary: %v %s", err, out)
	}
}
