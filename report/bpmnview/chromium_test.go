package bpmnview

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/report"
	"github.com/pmx-dev/pmx/report/internal/cdp"
)

// strictCSP is what pmx serve sends with a report (report/serve), the
// strictest the page meets: inline script and style only, no resource.
const strictCSP = `default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:`

// TestChromiumDesigned opens a report with the designed-model section of
// testdata/order.bpmn (read and converted by mining/bpmn) in headless
// Chromium under a strict Content-Security-Policy: the task the log skips
// is filled differently from the others, the log-only badge shows its
// count on the flow after the task it followed, the hover titles carry
// the figures, and nothing violates the policy. Needs PMX_CHROMIUM=1;
// PMX_SCREENSHOT_DIR keeps a PNG of the section.
func TestChromiumDesigned(t *testing.T) {
	b := cdp.New(t, 1200, 900)
	in := report.Input{Title: "pmx report — designed", Stats: facts.Stats{Cases: 6, Events: 22, Activities: 5, Variants: 4},
		Designed: orderSection(t)}
	var buf bytes.Buffer
	if err := report.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	html := strings.Replace(buf.String(), "<head>", `<head><meta http-equiv="Content-Security-Policy" content="`+strictCSP+`">`+
		`<script>window.__csp = []; document.addEventListener("securitypolicyviolation", function (e) { window.__csp.push(e.violatedDirective + " " + e.blockedURI); });</script>`, 1)
	page := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	b.Navigate("file://"+page, `document.body.hasAttribute("data-pmx-ready")`)

	var r struct {
		Fill   map[string]string // task → its box's fill
		Title  map[string]string // task → its hover title
		Badges []struct {
			Count, Title string
			X            float64
			Visible      bool
		}
		FlowTitle string
		CSP       []string
		Error     string
	}
	b.Eval(`(function () {
		var r = {Fill: {}, Title: {}, Badges: [], CSP: window.__csp, Error: document.body.getAttribute("data-pmx-error") || ""};
		var svg = document.querySelector("#designed-section #pmx-designed svg");
		if (!svg) return r;
		svg.querySelectorAll("g.pmx-bpmn-task").forEach(function (g) {
			var title = g.querySelector("title").textContent, name = title.split("\n")[0];
			r.Fill[name] = g.querySelector("rect").getAttribute("fill");
			r.Title[name] = title;
		});
		svg.querySelectorAll("g.pmx-bpmn-logonly").forEach(function (g) {
			var c = g.querySelector("circle"), box = c.getBoundingClientRect();
			r.Badges.push({Count: g.querySelector("text").textContent, Title: g.querySelector("title").textContent,
				X: +c.getAttribute("cx"), Visible: box.width > 0 && box.height > 0});
		});
		svg.querySelectorAll("g.pmx-bpmn-flow").forEach(function (g) {
			var t = g.querySelector("title").textContent;
			if (t.indexOf("Check credit → join") >= 0) r.FlowTitle = t;
		});
		return r;
	})()`, &r)
	b.Screenshot("designed-section", "#designed-section")

	if r.Error != "" {
		t.Errorf("page script error: %s", r.Error)
	}
	if len(r.Fill) != 4 {
		t.Fatalf("tasks drawn: %v; want Receive order, Check credit, Notify customer, Ship", r.Fill)
	}
	if r.Fill["Check credit"] == r.Fill["Receive order"] || r.Fill["Receive order"] != r.Fill["Ship"] || r.Fill["Ship"] != r.Fill["Notify customer"] {
		t.Errorf("fills %v: want the skipped task's to differ from the three never skipped, which match", r.Fill)
	}
	for task, want := range map[string]string{
		"Check credit":  "Check credit\nin step with the log: 4 cases\nskipped (model-only moves): 2 cases\nskip rate: 33.3 %",
		"Receive order": "Receive order\nin step with the log: 6 cases\nskipped (model-only moves): 0 cases\nskip rate: 0.0 %",
	} {
		if r.Title[task] != want {
			t.Errorf("title of %s: %q; want %q", task, r.Title[task], want)
		}
	}
	if len(r.Badges) != 1 {
		t.Fatalf("log-only badges: %+v; want one", r.Badges)
	}
	bd := r.Badges[0]
	if bd.Count != "1" || !bd.Visible || bd.Title != "Log-only activity “Call customer”: 1 case after Receive order (not in the model there)" {
		t.Errorf("badge %+v", bd)
	}
	// On the flow from Receive order (right edge x=380) to the split (x=435).
	if bd.X < 380 || bd.X > 435 {
		t.Errorf("badge at x=%v, not on the flow after Receive order", bd.X)
	}
	if want := "Sequence flow f5: Check credit → join\npassed by 6 cases (6 passes)\nmean time on it: 1.2 h (over 6 timed passes)"; r.FlowTitle != want {
		t.Errorf("flow title %q; want %q", r.FlowTitle, want)
	}
	if len(r.CSP) > 0 {
		t.Errorf("CSP violations: %q", r.CSP)
	}
	if f := b.Failures(); len(f) > 0 {
		js, _ := json.Marshal(f)
		t.Errorf("browser reported: %s", js)
	}
}
