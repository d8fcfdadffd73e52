package report

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/petri"
)

// longNameInput is the running example with one activity named by size
// bytes of text, in the map, the variants, the deviations and the model.
func longNameInput(size int) (in Input, full string) {
	full = strings.Repeat("Ä", size/4) + strings.Repeat("x", size-2*(size/4))
	in = runningExample()
	counts := map[string]int64{full: 2}
	for k, v := range in.Stats.ActivityCounts {
		counts[k] = v
	}
	in.Stats.ActivityCounts, in.DFG.ActivityCounts = counts, counts
	in.DFG.Edges = append(in.DFG.Edges, facts.Edge{From: "decide", To: full, Count: 2, MeanSeconds: hour})
	in.Variants = append([]facts.Variant{{Activities: []string{"register request", full}, Count: 2, Share: 0.3}}, in.Variants...)
	net := &petri.Net{Name: "long", Initial: petri.Marking{}, Final: petri.Marking{}}
	src, dst := net.AddPlace("i"), net.AddPlace("o")
	tr := net.AddTransition("t-long", full, false)
	net.AddInput(src, tr)
	net.AddOutput(tr, dst)
	net.Initial[src], net.Final[dst] = 1, 1
	dot, err := export.PetriNetDOT(net)
	if err != nil {
		panic(err)
	}
	in.Model = &Model{Algorithm: "hand-made", DOT: dot, Titles: export.PetriNetTitles(net), Places: 2, Transitions: 1, Arcs: 2,
		Conformance: &Conformance{Method: "alignments", Fitness: 1, Deviations: []Deviation{{Activity: full, LogMoves: 1}}}}
	return in, full
}

// TestLongNameCut: the map and the tables show a long name cut to
// export.MaxLabelRunes runes; the page data (the map's tooltips), the
// tables' title attributes and the model's <title> keep it whole.
func TestLongNameCut(t *testing.T) {
	in, full := longNameInput(300_000)
	short := export.ShortLabel(full)
	out := render(t, in)
	mapTexts, _, err := inspectSVG(mapSVG(t, out))
	if err != nil {
		t.Fatal(err)
	}
	if !mapTexts[short] {
		t.Errorf("the map does not show the cut name %q", short)
	}
	for s := range mapTexts {
		if len(s) > 4*export.MaxLabelRunes {
			t.Errorf("the map draws a text of %d bytes", len(s))
		}
	}
	i := strings.Index(out, `id="pmx-model"`)
	_, titles, err := inspectSVG(out[i+strings.Index(out[i:], "<svg") : i+strings.Index(out[i:], "</svg>")+len("</svg>")])
	if err != nil {
		t.Fatal(err)
	}
	if !titles[full] {
		t.Error("no <title> of the model holds the full name")
	}
	for _, want := range []struct{ what, s string }{
		{"page data", `"name":"` + full + `"`},
		{"variant row title", `title="register request → ` + full + `"`},
		{"variant step", `<span class="act" title="` + full + `">` + short + `</span>`},
		{"deviation row", `<td title="` + full + `">` + short + `</td>`},
	} {
		if !strings.Contains(out, want.s) {
			t.Errorf("%s: page lacks %.120q", want.what, want.s)
		}
	}
}

// BenchmarkWriteLongName renders a report with one activity name of
// 100 kB, 1 MB and 10 MB: the time per byte must stay flat (linear).
func BenchmarkWriteLongName(b *testing.B) {
	for _, size := range []int{100_000, 1_000_000, 10_000_000} {
		in, _ := longNameInput(size)
		name := fmt.Sprintf("name=%dkB", size/1000)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				if err := Write(io.Discard, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
