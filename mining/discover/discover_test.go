package discover

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/pnml"
)

var small = eventlog.FromTraces([][]string{
	{"a", "b", "c", "d"}, {"a", "c", "b", "d"}, {"a", "b", "c", "d"}, {"a", "e", "d"},
})

func TestDiscoverEveryAlgorithm(t *testing.T) {
	for _, algo := range Algorithms {
		t.Run(algo, func(t *testing.T) {
			m, err := Discover(small, Options{Algorithm: algo, Activities: 1, Paths: 1})
			if err != nil {
				t.Fatal(err)
			}
			isTree := algo == "im" || algo == "imf" || algo == "imd"
			if (m.Tree != nil) != isTree || (m.Net == nil) != (algo == "dfg") || (m.DFG != nil) != (algo == "dfg") ||
				(m.Causal != nil) != (algo == "heuristics") {
				t.Fatalf("model parts: tree %v net %v dfg %v causal %v", m.Tree != nil, m.Net != nil, m.DFG != nil, m.Causal != nil)
			}
			if m.Net != nil {
				labels := map[string]bool{}
				for _, tr := range m.Net.Transitions {
					if !tr.Silent {
						labels[tr.Label] = true
					}
				}
				for _, a := range small.Activities {
					if !labels[a] {
						t.Errorf("net lacks a transition for %q", a)
					}
				}
			}
			if m.Description == "" {
				t.Error("no description")
			}
		})
	}
	// IM on this log is known: a, then b||c or e, then d.
	m, _ := Discover(small, Options{Algorithm: "im"})
	if got, want := m.Tree.Canonical(), "->( 'a', X( 'e', +( 'b', 'c' ) ), 'd' )"; got != want {
		t.Errorf("IM tree %s, want %s", got, want)
	}
}

func TestDiscoverRejects(t *testing.T) {
	for _, o := range []Options{{Algorithm: "nope"}, {Algorithm: "imf", Noise: 1, NoiseSet: true}, {Algorithm: "imf", Noise: -0.1, NoiseSet: true},
		{Algorithm: "dfg", Activities: 2, Paths: 1}} {
		if _, err := Discover(small, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func TestWriteFormats(t *testing.T) {
	ctx := context.Background()
	imf, _ := Discover(small, Options{Algorithm: "imf"})
	alpha, _ := Discover(small, Options{Algorithm: "alpha"})
	d, _ := Discover(small, Options{Algorithm: "dfg", Activities: 1, Paths: 1})
	for _, c := range []struct {
		m      *Model
		format string
		want   string // substring of the output, or of the error when err
		err    bool
	}{
		{imf, "tree", "->( 'a'", false},
		{imf, "pnml", "<pnml>", false},
		{imf, "bpmn", "bpmndi:BPMNDiagram", false},
		{imf, "dot", "digraph", false},
		{imf, "svg", "<svg", false},
		{imf, "json", `"tree": "->(`, false},
		{alpha, "tree", "no process tree", true},
		{alpha, "bpmn", "bpmndi:BPMNDiagram", false},
		{d, "pnml", "no Petri net", true},
		{d, "dot", "start -> a0", false},
		{d, "json", `"edges"`, false},
		{imf, "gif", "unknown model format", true},
	} {
		var buf bytes.Buffer
		err := Write(ctx, &buf, c.m, c.format, "small <log>")
		if c.err {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s as %s: error %v, want %q", c.m.Algorithm, c.format, err, c.want)
			}
			continue
		}
		if err != nil || !strings.Contains(buf.String(), c.want) {
			t.Errorf("%s as %s: %v; output lacks %q", c.m.Algorithm, c.format, err, c.want)
		}
	}
	// PNML reads back into the same net, named after the log.
	var buf bytes.Buffer
	if err := Write(ctx, &buf, imf, "pnml", "small"); err != nil {
		t.Fatal(err)
	}
	n, err := pnml.Read(&buf)
	if err != nil || n.Name != "small" || len(n.Transitions) != len(imf.Net.Transitions) || len(n.Places) != len(imf.Net.Places) {
		t.Fatalf("PNML round trip: %v", err)
	}
	// JSON describes silent transitions with a null label.
	buf.Reset()
	if err := Write(ctx, &buf, imf, "json", "small"); err != nil {
		t.Fatal(err)
	}
	var desc Description
	if err := json.Unmarshal(buf.Bytes(), &desc); err != nil || desc.Net == nil || len(desc.Net.Initial) != 1 || len(desc.Net.Final) != 1 {
		t.Fatalf("JSON: %v %+v", err, desc.Net)
	}
}

func TestFormatFor(t *testing.T) {
	for in, want := range map[string]string{"m.pnml": "pnml", "M.BPMN": "bpmn", "x.svg": "svg", "x.gv": "dot", "x.json": "json", "x.tree": "tree", "x": ""} {
		if got := FormatFor(in); got != want {
			t.Errorf("FormatFor(%q) = %q, want %q", in, got, want)
		}
	}
}
