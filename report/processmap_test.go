package report

import (
	"context"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
)

func TestDotLabel(t *testing.T) {
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"plain"}, `"plain"`},
		{[]string{"a", "1,234"}, `"a\n1,234"`},
		{[]string{`say "hi"`}, `"say \"hi\""`},
		{[]string{`C:\N\l`}, `"C:\\N\\l"`},
		{[]string{"R&D &lt;"}, `"R&amp;D &amp;lt;"`},
		{[]string{"two\nlines\ttab"}, `"two lines tab"`},
		{[]string{`end\`}, `"end\\"`},
	}
	for _, tc := range tests {
		if got := dotLabel(tc.lines...); got != tc.want {
			t.Errorf("dotLabel(%q) = %s, want %s", tc.lines, got, tc.want)
		}
	}
}

// TestLabelsRenderVerbatim runs tricky names through Graphviz itself: the
// SVG text must be exactly the XML-escaped name (no \N expansion, no entity
// decoding, no broken quoting).
func TestLabelsRenderVerbatim(t *testing.T) {
	names := []string{`C:\N\G`, `R&D &lt;b&gt; &#65;`, `say "hi" \"`, hostile, "Überprüfung – 検査", `trailing\`}
	counts := map[string]int64{}
	for i, n := range names {
		counts[n] = int64(i + 1)
	}
	pm := buildProcessMap(facts.DFG{ActivityCounts: counts}, facts.Stats{})
	svg, err := renderSVG(context.Background(), pm.dot(), svgOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if !strings.Contains(svg, ">"+xmlEscape(n)+"</text>") {
			t.Errorf("SVG lacks verbatim label %q", n)
		}
	}
}

func TestBuildProcessMap(t *testing.T) {
	in := runningExample()
	pm := buildProcessMap(in.DFG, in.Stats)
	if got, want := len(pm.Nodes), 8+2; got != want {
		t.Fatalf("%d nodes, want %d", got, want)
	}
	// Most frequent first, ties by name: ids do not depend on map order.
	if pm.Nodes[0].Name != "check ticket" || pm.Nodes[1].Name != "decide" || pm.Nodes[0].ID != "n0" {
		t.Errorf("unexpected node order: %+v %+v", pm.Nodes[0], pm.Nodes[1])
	}
	if got, want := len(pm.Edges), len(in.DFG.Edges)+1+2; got != want {
		t.Errorf("%d edges, want %d (DFG + start + end)", got, want)
	}
	if pm.DefaultPaths != 100 {
		t.Errorf("small map should open with all paths, got %d%%", pm.DefaultPaths)
	}
	big := synthetic(30, 150)
	pm = buildProcessMap(big.DFG, big.Stats)
	if pm.DefaultPaths >= 100 || pm.DefaultPaths <= 0 {
		t.Errorf("big map should open filtered, got %d%%", pm.DefaultPaths)
	}
	// Edges missing from the count maps still get nodes.
	pm = buildProcessMap(facts.DFG{Edges: []facts.Edge{{From: "x", To: "y", Count: 2}}}, facts.Stats{})
	if len(pm.Nodes) != 2 || pm.Edges[0].From == "" || pm.Edges[0].To == "" {
		t.Errorf("edge endpoints not turned into nodes: %+v", pm)
	}
}
