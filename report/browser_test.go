package report

import (
	"encoding/json"
	"fmt"
	"testing"
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
