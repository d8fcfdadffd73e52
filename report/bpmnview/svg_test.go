package bpmnview

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/bpmn"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// kinds has one node of every kind, names that look like markup, nested
// lanes and an expanded subprocess; the log runs its upper branch.
func kinds(di bool) fixture {
	lanes := []*bpmn.Lane{{ID: "L1", Name: "Front <office>", Bounds: &bpmn.Bounds{X: 60, Y: 20, W: 1190, H: 200},
		Children: []*bpmn.Lane{{ID: "L1a", Name: "Desk & phone", Bounds: &bpmn.Bounds{X: 90, Y: 20, W: 1160, H: 200}}}},
		{ID: "L2", Name: "Back office", Bounds: &bpmn.Bounds{X: 60, Y: 220, W: 1190, H: 200}}}
	if !di {
		lanes = nil
	}
	fx := build([]fnode{
		{"S", "Request <b>in</b>", bpmn.StartEvent, 130, 120},
		{"X", "Route?", bpmn.ExclusiveGateway, 190, 120},
		{"T1", `Approve "fast" & file the request in the archive of approved requests`, bpmn.Task, 270, 120},
		{"P", "", bpmn.ParallelGateway, 420, 120},
		{"T2", "Notify", bpmn.Task, 510, 80},
		{"T3", "Archive", bpmn.Task, 510, 170},
		{"J", "", bpmn.ParallelGateway, 660, 120},
		{"O", "", bpmn.InclusiveGateway, 760, 120},
		{"EB", "", bpmn.EventBasedGateway, 860, 120},
		{"IE", "Timer", bpmn.IntermediateEvent, 960, 120},
		{"M", "", bpmn.ExclusiveGateway, 1060, 300},
		{"E", "Done", bpmn.EndEvent, 1160, 300},
		{"T4", "<script>alert(1)</script>", bpmn.Task, 270, 300},
	}, []fflow{
		{"f1", "S", "X"}, {"f2", "X", "T1"}, {"f3", "T1", "P"}, {"f4", "P", "T2"}, {"f5", "P", "T3"},
		{"f6", "T2", "J"}, {"f7", "T3", "J"}, {"f8", "J", "O"}, {"f9", "O", "EB"}, {"f10", "EB", "IE"},
		{"f11", "IE", "M"}, {"f12", "X", "T4"}, {"f13", "T4", "M"}, {"f14", "M", "E"},
	}, di, lanes)
	p := fx.model.Processes[0]
	sub := &bpmn.Node{ID: "SP", Name: "Handle ' quotes", Kind: bpmn.SubProcess}
	inner := &bpmn.Node{ID: "T5", Name: "Inner task", Kind: bpmn.Task, SubProcess: "SP"}
	if di {
		sub.Bounds = &bpmn.Bounds{X: 400, Y: 250, W: 300, H: 150}
		inner.Bounds = &bpmn.Bounds{X: 500, Y: 290, W: 100, H: 80}
	}
	p.Nodes = append(p.Nodes, sub, inner)
	return fx
}

var kindsTraces = []struct {
	acts    []string
	minutes []int
}{
	{[]string{`Approve "fast" & file the request in the archive of approved requests`, "Notify", "Archive"}, []int{0, 30, 45}},
	{[]string{`Approve "fast" & file the request in the archive of approved requests`, "Archive", "Notify"}, []int{0, 20, 25}},
	{[]string{`Approve "fast" & file the request in the archive of approved requests`, "<img src=x>", "Archive"}, []int{0, 5, 10}},
}

func TestSVGGolden(t *testing.T) {
	for _, c := range []struct {
		name string
		fx   fixture
		tr   []struct {
			acts    []string
			minutes []int
		}
	}{
		{"linear", linear(true), linearTraces},
		{"linear-nodi", linear(false), linearTraces},
		{"kinds", kinds(true), kindsTraces},
		{"kinds-nodi", kinds(false), kindsTraces},
	} {
		t.Run(c.name, func(t *testing.T) {
			l, tl := logs(c.tr)
			ov := overlayOf(t, c.fx, l, tl)
			svg, err := SVG(context.Background(), c.fx.model, ov)
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, svg)
			again, err := SVG(context.Background(), c.fx.model, ov)
			if err != nil || again != svg {
				t.Fatalf("second drawing differs (err %v)", err)
			}
			js, err := json.MarshalIndent(ov, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name+".svg", svg)
			golden(t, c.name+".json", string(js)+"\n")
		})
	}
}

// allowedAttrs are the attributes report's SVG rewrite keeps (report/svg.go's
// svgAttrs, less the namespaced ones): anything else would be dropped
// from the page, silently changing the drawing.
var allowedAttrs = map[string]bool{
	"xmlns": true, "id": true, "class": true, "transform": true,
	"viewBox": true, "width": true, "height": true, "preserveAspectRatio": true,
	"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true,
	"cx": true, "cy": true, "r": true, "rx": true, "ry": true, "points": true, "d": true,
	"fill": true, "fill-opacity": true, "stroke": true, "stroke-width": true, "stroke-opacity": true,
	"stroke-dasharray": true, "stroke-linecap": true, "stroke-linejoin": true, "stroke-miterlimit": true, "opacity": true,
	"font-family": true, "font-size": true, "font-weight": true, "font-style": true, "font-stretch": true,
	"text-anchor": true, "text-decoration": true, "baseline-shift": true, "dominant-baseline": true,
}

// checkSVG parses the drawing and checks that it uses only the static
// elements the report's allowlist keeps and that no name became markup.
func checkSVG(t *testing.T, svg string) {
	t.Helper()
	allowed := map[string]bool{"svg": true, "g": true, "title": true, "text": true, "tspan": true, "path": true,
		"polygon": true, "circle": true, "rect": true, "line": true}
	d := xml.NewDecoder(strings.NewReader(svg))
	d.Strict = true
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if !allowed[se.Name.Local] {
				t.Errorf("element <%s> outside the allowlist", se.Name.Local)
			}
			for _, a := range se.Attr {
				if !allowedAttrs[a.Name.Local] {
					t.Errorf("attribute %s on <%s> outside the allowlist (the report would drop it)", a.Name.Local, se.Name.Local)
				}
			}
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; run with -update and review the diff", path)
	}
}

// TestSVGBrokenModels: models no reader should produce but a caller might
// build — subprocesses holding each other, coordinates that are not
// numbers, flows to nodes that are not there, lanes without shapes — are
// drawn without a panic or a hang, as well-formed SVG.
func TestSVGBrokenModels(t *testing.T) {
	nan := math.NaN()
	for name, p := range map[string]*bpmn.Process{
		"subprocess cycle": {ID: "P", Nodes: []*bpmn.Node{
			{ID: "s1", Kind: bpmn.SubProcess, SubProcess: "s2", Bounds: &bpmn.Bounds{X: 0, Y: 0, W: 100, H: 80}},
			{ID: "s2", Kind: bpmn.SubProcess, SubProcess: "s1", Bounds: &bpmn.Bounds{X: 200, Y: 0, W: 100, H: 80}},
			{ID: "t", Kind: bpmn.Task, Name: "t", SubProcess: "s1", Bounds: &bpmn.Bounds{X: 400, Y: 0, W: 100, H: 80}}}},
		"not a number": {ID: "P", Nodes: []*bpmn.Node{
			{ID: "t", Kind: bpmn.Task, Name: "t", Bounds: &bpmn.Bounds{X: nan, Y: math.Inf(1), W: nan, H: 80}}},
			Flows: []*bpmn.Flow{{ID: "f", Source: "t", Target: "t", Waypoints: []bpmn.Point{{X: nan, Y: 0}, {X: 1, Y: nan}}}}},
		"dangling flow": {ID: "P", Nodes: []*bpmn.Node{{ID: "t", Kind: bpmn.Task, Name: "t", Bounds: &bpmn.Bounds{W: 100, H: 80}}},
			Flows: []*bpmn.Flow{{ID: "f", Source: "t", Target: "nowhere"}}, Lanes: []*bpmn.Lane{{ID: "l", Name: "lane"}}},
	} {
		t.Run(name, func(t *testing.T) {
			m := &bpmn.Model{Processes: []*bpmn.Process{p}, HasDI: true}
			ov := &Overlay{Process: "P", LogOnly: []LogOnly{{Activity: "x", After: "t", Count: 1}, {Activity: "y", After: "nowhere", Count: 1}}}
			svg, err := SVG(context.Background(), m, ov)
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, svg)
			if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
				t.Error("a coordinate written as NaN or Inf")
			}
		})
	}
}
