package report

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/petri"
)

// Checks in a real headless Chromium over the DevTools protocol (see
// cdp_test.go). Like TestChromium they need PMX_CHROMIUM=1; with
// PMX_SCREENSHOT_DIR set they leave PNGs there for a human to look at.

// TestChromiumInjection: names that look like markup or script show as
// text in the map, the model and the map's tooltip, and no script of theirs
// runs — not on load and not on hover.
func TestChromiumInjection(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open(writePage(t, injectionInput()))
	names, _ := json.Marshal(injectionNames)
	var r struct {
		Pwned     bool
		Scripts   int
		Handlers  []string
		Missing   []string
		TipText   string
		TipMarkup int
	}
	b.eval(fmt.Sprintf(`(function () {
		var names = %s, r = {Missing: [], Handlers: []};
		var tip = document.getElementById("pmx-tip");
		// Hover every map node: the tooltip is built with innerHTML.
		Array.prototype.forEach.call(document.querySelectorAll("#pmx-map g.node"), function (g) {
			g.querySelector("path, polygon, ellipse").dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
			r.TipMarkup += tip.querySelectorAll("script, img, a, style, svg").length;
			if (tip.textContent.indexOf(names[1]) >= 0) r.TipText = tip.textContent;
		});
		["#pmx-map", "#pmx-model"].forEach(function (sel) {
			var shown = {};
			Array.prototype.forEach.call(document.querySelectorAll(sel + " svg text"), function (t) {
				var box = t.getBoundingClientRect();
				if (box.width > 0 && box.height > 0) shown[t.textContent.trim()] = true;
			});
			names.forEach(function (n) { if (!shown[n]) r.Missing.push(sel + ": " + n); });
		});
		Array.prototype.forEach.call(document.querySelectorAll("*"), function (e) {
			Array.prototype.forEach.call(e.attributes, function (a) {
				if (/^on/i.test(a.name) || /href/i.test(a.name)) r.Handlers.push(e.tagName + " " + a.name);
			});
		});
		r.Scripts = document.scripts.length;
		r.Pwned = window.__pwned !== undefined;
		return r;
	})()`, names), &r)
	if r.Pwned {
		t.Error("a payload in an activity name ran")
	}
	if f := b.failures(); len(f) > 0 {
		t.Errorf("page errors or dialogs: %v", f)
	}
	if r.Scripts != 4 {
		t.Errorf("%d <script> elements, want the page's own 4", r.Scripts)
	}
	if len(r.Handlers) > 0 {
		t.Errorf("event handler or link attributes in the live DOM: %v", r.Handlers)
	}
	if len(r.Missing) > 0 {
		t.Errorf("names not shown as visible text: %q", r.Missing)
	}
	if r.TipMarkup > 0 || r.TipText == "" {
		t.Errorf("tooltip: %d markup elements, text %q", r.TipMarkup, r.TipText)
	}
	b.screenshot("injection-map", "#map-section")
	b.screenshot("injection-model", "#model-section")
}

// bpicDurations is a histogram shaped like bpic2013_incidents': 31 buckets,
// four per decade, from 1 s to about 1 y.
func bpicDurations() facts.Histogram {
	var h facts.Histogram
	for b := 0; b <= 30; b++ {
		lo, hi := math.Pow(10, float64(b)/4), math.Pow(10, float64(b+1)/4)
		h.Buckets = append(h.Buckets, facts.Bucket{Low: lo, High: hi, Count: int64(1 + 2600*math.Exp(-math.Pow(float64(b)-22, 2)/8))})
	}
	return h
}

// TestChromiumDurationAxis: the case-duration histogram's x labels, as
// echarts drew them, are few, horizontal and do not overlap.
func TestChromiumDurationAxis(t *testing.T) {
	for _, c := range []struct {
		name  string
		h     facts.Histogram
		width int
	}{
		{"bpic2013-like, two columns", bpicDurations(), 1280},
		{"bpic2013-like, one column", bpicDurations(), 860},
		{"running example", runningExample().Durations, 1280},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := runningExample()
			in.Durations = c.h
			b := newBrowser(t, c.width, 900)
			b.open(writePage(t, in))
			var labels []struct {
				Text       string
				X, Y, W, H float64
			}
			// The axis labels are zrender text spans below the plot.
			b.eval(`(function () {
				var chart = echarts.getInstanceByDom(document.getElementById("chart-durations"));
				var grid = chart.getModel().getComponent("grid", 0).coordinateSystem.getRect();
				var out = [];
				chart.getZr().storage.getDisplayList().forEach(function (el) {
					if (el.type !== "tspan" || !el.style.text) return;
					var r = el.getBoundingRect().clone();
					r.applyTransform(el.getComputedTransform());
					if (r.y >= grid.y + grid.height) out.push({Text: el.style.text, X: r.x, Y: r.y, W: r.width, H: r.height});
				});
				return out;
			})()`, &labels)
			if len(labels) < min(3, len(c.h.Buckets)) || len(labels) > 10 {
				t.Errorf("%d x labels, want 3 to 10: %+v", len(labels), labels)
			}
			for i, a := range labels {
				if a.H > 24 {
					t.Errorf("label %q is %.0f px high: rotated?", a.Text, a.H)
				}
				for _, o := range labels[i+1:] {
					if a.X < o.X+o.W+2 && o.X < a.X+a.W+2 && a.Y < o.Y+o.H && o.Y < a.Y+a.H {
						t.Errorf("labels %q and %q overlap", a.Text, o.Text)
					}
				}
			}
			if f := b.failures(); len(f) > 0 {
				t.Errorf("page errors: %v", f)
			}
			b.screenshot("durations-"+strings.ReplaceAll(c.name, " ", "_"), "#chart-durations")
		})
	}
}

// wideModelInput is the running example with a sequential Petri net of 26
// transitions in the model section: about 3,000 px wide at natural size.
func wideModelInput() Input {
	in := runningExample()
	net := &petri.Net{Name: "wide", Initial: petri.Marking{}, Final: petri.Marking{}}
	prev := net.AddPlace("source")
	net.Initial[prev] = 1
	for i := 0; i < 26; i++ {
		t := net.AddTransition(fmt.Sprintf("t%d", i), fmt.Sprintf("Activity number %d", i+1), false)
		next := net.AddPlace(fmt.Sprintf("p%d", i))
		net.AddInput(prev, t)
		net.AddOutput(t, next)
		prev = next
	}
	net.Final[prev] = 1
	dot, err := export.PetriNetDOT(net)
	if err != nil {
		panic(err)
	}
	in.Model = &Model{Algorithm: "hand-made", DOT: dot, Titles: export.PetriNetTitles(net),
		Places: len(net.Places), Transitions: len(net.Transitions), Arcs: len(net.Arcs)}
	return in
}

// box is a client rectangle read back from the page.
type box struct{ Left, Top, Right, Bottom float64 }

func (b box) contains(o box) bool {
	return o.Left >= b.Left-1 && o.Right <= b.Right+1 && o.Top >= b.Top-1 && o.Bottom <= b.Bottom+1
}

const rectJS = `function rect(e) { var r = e.getBoundingClientRect(); return {Left: r.left, Top: r.top, Right: r.right, Bottom: r.bottom}; }`

// TestChromiumModelFitsWidth: the model opens fitted to the width of its
// box (the whole net visible), and zooms and fits like the process map.
func TestChromiumModelFitsWidth(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open(writePage(t, wideModelInput()))
	var r struct {
		Ready             string
		Host, Graph, Card box
		Overflow          bool
		VB0, VBIn, VBFit  string
	}
	b.eval(`(function () {
		`+rectJS+`
		var host = document.getElementById("pmx-model"), svg = host.querySelector("svg");
		var r = {Ready: document.body.getAttribute("data-pmx-model") || "", Host: rect(host),
			Graph: rect(svg.querySelector("g.graph")), Card: rect(document.getElementById("model-section")),
			Overflow: host.scrollWidth > host.clientWidth + 1, VB0: svg.getAttribute("viewBox")};
		var zin = document.getElementById("pmx-model-zoom-in"), fit = document.getElementById("pmx-model-fit");
		if (zin && fit) {
			zin.click(); r.VBIn = svg.getAttribute("viewBox");
			fit.click(); r.VBFit = svg.getAttribute("viewBox");
		}
		return r;
	})()`, &r)
	if r.Ready != "ok" {
		t.Error("the page script did not set up the model view")
	}
	if !r.Host.contains(r.Graph) || r.Overflow {
		t.Errorf("the net (%+v) does not fit its box (%+v); overflow %v", r.Graph, r.Host, r.Overflow)
	}
	if !r.Card.contains(r.Host) {
		t.Errorf("the model box %+v leaves its card %+v", r.Host, r.Card)
	}
	if r.VBIn == "" || r.VBIn == r.VB0 || r.VBFit != r.VB0 {
		t.Errorf("zoom and fit buttons: viewBox %q, after + %q, after Fit %q", r.VB0, r.VBIn, r.VBFit)
	}
	if f := b.failures(); len(f) > 0 {
		t.Errorf("page errors: %v", f)
	}
	b.screenshot("model-fit", "#model-section")
}

// TestChromiumPrint: in print media the controls are gone and the map, the
// model and the charts fit the page width, whole.
func TestChromiumPrint(t *testing.T) {
	in := wideModelInput()
	syn := synthetic(30, 150)
	in.Stats, in.DFG, in.Variants, in.Durations = syn.Stats, syn.DFG, syn.Variants, bpicDurations()
	const pageWidth = 720 // A4 portrait at 96 dpi, less the default margins
	b := newBrowser(t, 1280, 900)
	b.open(writePage(t, in))
	b.viewport(pageWidth, 1000)
	b.media("print")
	var r struct {
		Controls        []string
		Page            float64
		Drawings        []struct{ SVG, Graph box }
		Charts, Content []box
	}
	b.eval(`(function () {
		`+rectJS+`
		window.dispatchEvent(new Event("beforeprint"));
		var r = {Controls: [], Drawings: [], Charts: [], Content: [], Page: document.documentElement.clientWidth};
		Array.prototype.forEach.call(document.querySelectorAll(".toolbar, .zoom, button, input"), function (e) {
			if (e.getClientRects().length > 0) r.Controls.push(e.outerHTML.slice(0, 60));
		});
		Array.prototype.forEach.call(document.querySelectorAll("#pmx-map svg, #pmx-model svg"), function (s) {
			r.Drawings.push({SVG: rect(s), Graph: rect(s.querySelector("g.graph"))});
		});
		Array.prototype.forEach.call(document.querySelectorAll(".chart canvas"), function (c) { r.Charts.push(rect(c)); });
		Array.prototype.forEach.call(document.querySelectorAll(".card"), function (c) { r.Content.push(rect(c)); });
		return r;
	})()`, &r)
	b.screenshot("print", "")
	b.screenshot("print-map", "#map-section")
	b.screenshot("print-model", "#model-section")
	b.screenshot("print-durations", "#chart-durations")
	b.call("Page.printToPDF", map[string]any{}, nil) // must not fail either
	if len(r.Controls) > 0 {
		t.Errorf("controls shown in print: %q", r.Controls)
	}
	page := box{0, -1e9, r.Page, 1e9}
	if len(r.Drawings) != 2 {
		t.Fatalf("%d drawings, want map and model", len(r.Drawings))
	}
	for i, d := range r.Drawings {
		if !page.contains(d.SVG) || !d.SVG.contains(d.Graph) {
			t.Errorf("drawing %d: svg %+v, drawing %+v, page width %.0f", i, d.SVG, d.Graph, r.Page)
		}
	}
	for i, c := range append(r.Charts, r.Content...) {
		if !page.contains(c) {
			t.Errorf("box %d %+v is wider than the page (%.0f px)", i, c, r.Page)
		}
	}
}

// helpdeskLike is a small map with the shape that hid digits in the
// helpdesk log's map: one dominant path of ~4,000 cases (the thickest pen)
// next to thin ones, every edge with a mean time.
func helpdeskLike() Input {
	counts := map[string]int64{"Assign seriousness": 4938, "Take in charge ticket": 5060, "Resolve ticket": 4983,
		"Wait": 1463, "Closed": 4574, "Insert ticket": 118, "Create SW anomaly": 67}
	e := func(from, to string, n int64, mean float64) facts.Edge {
		return facts.Edge{From: from, To: to, Count: n, MeanSeconds: mean, MedianSeconds: mean / 2, P90Seconds: mean * 3}
	}
	edges := []facts.Edge{
		e("Assign seriousness", "Assign seriousness", 439, 2*hour), e("Assign seriousness", "Take in charge ticket", 4160, 12.5*day),
		e("Assign seriousness", "Wait", 69, 3*day), e("Create SW anomaly", "Resolve ticket", 42, 40*day),
		e("Insert ticket", "Assign seriousness", 111, 50*60), e("Resolve ticket", "Closed", 4558, 30.2*day),
		e("Take in charge ticket", "Create SW anomaly", 53, 8*day), e("Take in charge ticket", "Resolve ticket", 3563, 9.6*day),
		e("Take in charge ticket", "Take in charge ticket", 99, 1.5*day), e("Take in charge ticket", "Wait", 1265, 4*day),
		e("Wait", "Resolve ticket", 773, 6*day), e("Wait", "Take in charge ticket", 558, 2*day), e("Wait", "Wait", 113, day),
	}
	starts := map[string]int64{"Assign seriousness": 4384, "Insert ticket": 118, "Take in charge ticket": 74}
	ends := map[string]int64{"Closed": 4557, "Resolve ticket": 19}
	in := runningExample()
	in.Stats.ActivityCounts, in.Stats.StartActivities, in.Stats.EndActivities = counts, starts, ends
	in.DFG = facts.DFG{Edges: edges, ActivityCounts: counts, StartActivities: starts, EndActivities: ends}
	return in
}

// TestChromiumEdgeLabelsClear: no edge label lies under the stroke (or
// arrowhead) of its own edge, in frequency and in mean-time mode — the
// helpdesk map read "1,160" for "4,160" under a thick edge.
func TestChromiumEdgeLabelsClear(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Input
	}{{"helpdesk-like", helpdeskLike()}, {"synthetic", synthetic(30, 150)}, {"running example", runningExample()}} {
		t.Run(c.name, func(t *testing.T) {
			b := newBrowser(t, 1280, 900)
			b.open(writePage(t, c.in))
			var r struct {
				Checked, TimeChecked int
				Covered              []string
			}
			b.eval(`(function () {
				var r = {Covered: []};
				function check(mode) {
					var n = 0;
					Array.prototype.forEach.call(document.querySelectorAll("#pmx-map g.edge:not(.pmx-hidden)"), function (g) {
						var text = g.querySelector("text");
						if (!text || !text.textContent.trim()) return;
						var bb = text.getBBox(), svg = g.ownerSVGElement, hit = 0;
						// The digits' body (the middle of the line box) and a
						// margin of 1.5 pt either side must be clear.
						for (var i = 0; i <= 8; i++) for (var j = 0; j <= 2; j++) {
							var p = svg.createSVGPoint();
							p.x = bb.x - 1.5 + (bb.width + 3) * i / 8;
							p.y = bb.y + bb.height * (0.3 + 0.2 * j);
							Array.prototype.forEach.call(g.querySelectorAll("path, polygon"), function (s) {
								if (s.isPointInStroke(p) || (s.tagName === "polygon" && s.isPointInFill(p))) hit++;
							});
						}
						if (hit) r.Covered.push(mode + " " + g.id + " " + JSON.stringify(text.textContent));
						n++;
					});
					return n;
				}
				r.Checked = check("freq");
				var radio = document.querySelector("input[name=pmx-mode][value=time]");
				radio.checked = true; radio.dispatchEvent(new Event("change"));
				r.TimeChecked = check("time");
				return r;
			})()`, &r)
			if r.Checked == 0 || r.TimeChecked == 0 {
				t.Fatalf("checked %d / %d labels", r.Checked, r.TimeChecked)
			}
			if len(r.Covered) > 0 {
				t.Errorf("%d of %d labels lie under their own edge: %q", len(r.Covered), r.Checked+r.TimeChecked, r.Covered)
			}
			b.screenshot("edges-"+strings.ReplaceAll(c.name, " ", "_"), "#pmx-map")
		})
	}
}
