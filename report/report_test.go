package report

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.html")

const hostile = `<script>alert("x")</script> & "quotes"`

// hostileInput puts the hostile name everywhere data text can go: title,
// source, activity counts, start/end activities, edges and variants.
func hostileInput() Input {
	in := runningExample()
	in.Title, in.Source = hostile, hostile+".csv"
	add := func(m map[string]int64, v int64) map[string]int64 {
		out := map[string]int64{hostile: v}
		for k, c := range m {
			out[k] = c
		}
		return out
	}
	in.Stats.ActivityCounts = add(in.Stats.ActivityCounts, 4)
	in.Stats.StartActivities = add(in.Stats.StartActivities, 1)
	in.Stats.EndActivities = add(in.Stats.EndActivities, 1)
	in.DFG.ActivityCounts, in.DFG.StartActivities, in.DFG.EndActivities =
		in.Stats.ActivityCounts, in.Stats.StartActivities, in.Stats.EndActivities
	in.DFG.Edges = append([]facts.Edge{
		{From: hostile, To: "decide", Count: 2, MeanSeconds: hour, MedianSeconds: hour, P90Seconds: 2 * hour},
		{From: hostile, To: hostile, Count: 1, MeanSeconds: 60, MedianSeconds: 60, P90Seconds: 60},
	}, in.DFG.Edges...)
	in.Variants = append([]facts.Variant{{Activities: []string{hostile, "decide", hostile}, Count: 1, Share: 0.1, MeanDurationSeconds: day}}, in.Variants...)
	return in
}

// degenerate inputs that must render without error or panic.
func degenerateInputs() map[string]Input {
	one := facts.Stats{Cases: 3, Events: 3, Activities: 1, Variants: 1,
		ActivityCounts: map[string]int64{"only": 3}, StartActivities: map[string]int64{"only": 3}, EndActivities: map[string]int64{"only": 3}}
	return map[string]Input{
		"zero value": {},
		"zero cases": {Title: "empty", Stats: facts.Stats{Log: "empty"}, Durations: facts.Histogram{Buckets: []facts.Bucket{}}},
		"one activity": {Stats: one, DFG: facts.DFG{ActivityCounts: one.ActivityCounts, StartActivities: one.StartActivities, EndActivities: one.EndActivities},
			Variants: []facts.Variant{{Activities: []string{"only"}, Count: 3, Share: 1}}},
		"edges only, no count maps": {DFG: facts.DFG{Edges: []facts.Edge{{From: "a", To: "b", Count: 1}}}},
		"non-finite edge times":     {DFG: facts.DFG{Edges: []facts.Edge{{From: "a", To: "a", Count: 1, MeanSeconds: math.NaN(), MedianSeconds: math.Inf(1), P90Seconds: math.Inf(-1)}}}},
		"empty activity name":       {DFG: facts.DFG{ActivityCounts: map[string]int64{"": 2}, Edges: []facts.Edge{{From: "", To: "", Count: 1}}}},
		"no edges, no start/end":    {Stats: facts.Stats{Cases: 1, ActivityCounts: map[string]int64{"a": 1, "b": 1}}},
		"odd numbers": {Stats: facts.Stats{Cases: 1, CaseDuration: facts.Summary{Median: math.NaN(), Mean: math.Inf(1)}, FirstEvent: "yesterday"},
			Variants:  []facts.Variant{{Count: 0, Share: math.NaN()}, {Activities: make([]string, 40), Count: 1}},
			Durations: facts.Histogram{Buckets: []facts.Bucket{{Low: 0, High: 0, Count: 0}}}},
	}
}

func render(t *testing.T, in Input) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.String()
}

func allInputs() map[string]Input {
	m := map[string]Input{"running example": runningExample(), "synthetic 30x150": synthetic(30, 150), "hostile": hostileInput()}
	for k, v := range degenerateInputs() {
		m["degenerate "+k] = v
	}
	return m
}

func echartsJS(t *testing.T) string {
	t.Helper()
	b, err := assets.ReadFile("assets/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSelfContained: nothing in the page may reach the network, and echarts
// itself must be inlined.
func TestSelfContained(t *testing.T) {
	ech := echartsJS(t)
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`(?i)<script[^>]*\bsrc\s*=`),
		regexp.MustCompile(`(?i)<link\b`),
		regexp.MustCompile(`(?i)@import`),
		regexp.MustCompile(`(?i)\b(src|href|action|poster|data)\s*=\s*["']?\s*(https?:)?//`),
		regexp.MustCompile(`(?i)url\(\s*["']?\s*(https?:)?//`),
		regexp.MustCompile(`(?i)http-equiv`),
	}
	// Elements that load a resource; echarts' source mentions "<img" in a
	// string, so this applies to everything but echarts.
	loaders := regexp.MustCompile(`(?i)<(iframe|object|embed|img|image|audio|video|source|base|use)\b`)
	// Our own code may not fetch at all; echarts is checked by the rules above
	// only (it contains unused image-loading code paths).
	ownForbidden := []string{"fetch(", "XMLHttpRequest", "import(", "WebSocket", "EventSource", "sendBeacon", "new Image"}
	for name, in := range allInputs() {
		t.Run(name, func(t *testing.T) {
			out := render(t, in)
			if !strings.Contains(out, ech) {
				t.Fatal("echarts.min.js is not inlined verbatim")
			}
			for _, re := range forbidden {
				if m := re.FindString(out); m != "" {
					t.Errorf("external reference %q (rule %s)", m, re)
				}
			}
			own := strings.Replace(out, ech, "", 1)
			if m := loaders.FindString(own); m != "" {
				t.Errorf("resource-loading element %q", m)
			}
			for _, s := range ownForbidden {
				if strings.Contains(own, s) {
					t.Errorf("page code contains %q", s)
				}
			}
			if n := strings.Count(strings.ToLower(out), "<script"); n != 4 {
				t.Errorf("found %d <script tags, want the page's own 4", n)
			}
		})
	}
}

// TestHostileNameEscaped: the hostile activity name must never appear raw,
// in HTML, SVG, JSON or JS, but must be shown (escaped) in map and table.
func TestHostileNameEscaped(t *testing.T) {
	out := render(t, hostileInput())
	for _, raw := range []string{hostile, "<script>alert", `alert("x")`, `& "quotes"`, `</script> &`} {
		if strings.Contains(out, raw) {
			t.Errorf("output contains unescaped %q", raw)
		}
	}
	svg := mapSVG(t, out)
	if want := xmlEscape(hostile); !strings.Contains(svg, want) {
		t.Errorf("map SVG lacks the escaped name %q", want)
	}
	if want := `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;`; !strings.Contains(out, want) {
		t.Errorf("HTML text lacks the escaped name %q", want)
	}
	if want := `\u003cscript\u003ealert(\"x\")\u003c/script\u003e \u0026 \"quotes\"`; !strings.Contains(out, want) {
		t.Errorf("page data lacks the JSON-escaped name %q", want)
	}
}

// TestDeterministic: same Input, same bytes, including the Graphviz layout
// (the wasm instance keeps state between calls, so render several times).
func TestDeterministic(t *testing.T) {
	for name, in := range map[string]Input{"running example": runningExample(), "synthetic": synthetic(30, 150), "hostile": hostileInput(), "model": modelInput()} {
		t.Run(name, func(t *testing.T) {
			first := render(t, in)
			for i := 0; i < 2; i++ {
				if again := render(t, in); again != first {
					t.Fatalf("render %d differs from the first (len %d vs %d)", i+2, len(again), len(first))
				}
			}
		})
	}
}

// TestGolden pins the whole page (minus the echarts bytes) across processes
// and machines; run `go test ./report/ -run Golden -update` after an
// intended change and review the diff.
func TestGolden(t *testing.T) {
	ech := echartsJS(t)
	for name, in := range map[string]Input{"running_example": runningExample(), "hostile": hostileInput(), "model": modelInput(), "analysis": analysisInput()} {
		t.Run(name, func(t *testing.T) {
			got := []byte(strings.Replace(render(t, in), ech, "/* echarts.min.js elided */", 1))
			path := filepath.Join("testdata", name+".golden.html")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s; rerun with -update if intended", path)
			}
		})
	}
}

// TestKeyContent: KPIs are shown and every activity is a node of the map.
func TestKeyContent(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		want []string
	}{
		{"running example", runningExample(), []string{">6</div>", ">42</div>", ">8.3 d</div>", ">7.1 d</div>", "2010-12-30 → 2011-01-23", "running-example.xes", "generated 2025-03-14 09:26 UTC"}},
		{"synthetic", synthetic(30, 150), []string{">5,000</div>", ">1,873</div>", ">48</div>", "40 more not shown"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, tc.in)
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			events := ">" + humanCount(tc.in.Stats.Events) + "</div>"
			if !strings.Contains(out, events) {
				t.Errorf("output lacks event count %q", events)
			}
			svg := mapSVG(t, out)
			for a, c := range tc.in.DFG.ActivityCounts {
				if !strings.Contains(svg, ">"+xmlEscape(a)+"</text>") || !strings.Contains(svg, ">"+humanCount(c)+"</text>") {
					t.Errorf("map lacks node %q with count %d", a, c)
				}
			}
			if got, want := strings.Count(svg, `class="edge`), len(tc.in.DFG.Edges)+len(tc.in.DFG.StartActivities)+len(tc.in.DFG.EndActivities); got != want {
				t.Errorf("map has %d edges, want %d", got, want)
			}
		})
	}
}

func TestDegenerate(t *testing.T) {
	for name, in := range degenerateInputs() {
		t.Run(name, func(t *testing.T) {
			out := render(t, in) // must not error or panic
			if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(out), "</html>") {
				t.Error("not a complete HTML document")
			}
			hasActs := len(in.Stats.ActivityCounts)+len(in.DFG.ActivityCounts)+len(in.DFG.Edges) > 0
			if got := strings.Contains(out, "<svg"); got != hasActs {
				t.Errorf("map SVG present = %v, want %v", got, hasActs)
			}
		})
	}
}

// mapSVG returns the inlined process-map SVG of a page.
func mapSVG(t *testing.T, page string) string {
	t.Helper()
	i, j := strings.Index(page, "<svg"), strings.Index(page, "</svg>")
	if i < 0 || j < i {
		t.Fatal("page has no map SVG")
	}
	return page[i : j+len("</svg>")]
}

// xmlEscape mirrors Graphviz's SVG text escaping.
func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;").Replace(s)
}
