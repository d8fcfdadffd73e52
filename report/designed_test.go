package report

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// designedInput is the running example with a designed-model section as
// report/bpmnview builds it, names that look like markup included.
func designedInput() Input {
	in := runningExample()
	in.Designed = &Designed{
		Name:    "order <to> cash.bpmn",
		Process: "Order & cash",
		SVG: `<svg xmlns="http://www.w3.org/2000/svg" class="pmx-bpmn" viewBox="0 0 200 100" width="200" height="100">` +
			`<g class="pmx-bpmn-task"><title>` + "Check &lt;credit&gt;\nskip rate: 33.3 %" + `</title>` +
			`<rect x="10" y="10" width="100" height="80" rx="10" fill="#f0c080"/><text x="60" y="50">Check &lt;credit&gt;</text></g></svg>`,
		Conformance: &Conformance{Method: "alignments", Fitness: 0.9, FittingShare: 0.5, Precision: math.NaN(),
			Generalization: math.NaN(), Simplicity: math.NaN(),
			Deviations: []Deviation{{Activity: "Call <customer>", LogMoves: 1}, {Activity: "Check <credit>", ModelMoves: 2}}},
		Tasks: []DesignedTask{{Name: "Ship", Sync: 6}, {Name: "Check <credit>", Sync: 4, Skipped: 2, SkipRate: 2.0 / 6}},
		LogOnly: []DesignedLogOnly{{Activity: "Call <customer>", After: "Receive order", Count: 1},
			{Activity: "Fax", Count: 3}},
		Warnings: []string{`line 41: <bpmn:complexGateway id="g3">: not supported`},
	}
	return in
}

func TestDesignedSection(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, designedInput()); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	i := strings.Index(page, `id="designed-section"`)
	if i < 0 {
		t.Fatal("no designed-model section")
	}
	sec := page[i:]
	sec = sec[:strings.Index(sec, "</section>")]
	for _, want := range []string{
		"Designed model vs reality",
		"order &lt;to&gt; cash.bpmn, process Order &amp; cash",
		`<div class="kpi-label">Fitness</div><div class="kpi-value">0.900</div>`,
		`<div class="kpi-label">Precision</div><div class="kpi-value">–</div>`,
		"<title>Check &lt;credit&gt;\nskip rate: 33.3 %</title>", // the SVG, rewritten
		"<td>Check &lt;credit&gt;</td><td class=\"num\">4</td><td class=\"num\">2</td><td class=\"num\">33.3 %</td>",
		"<td>Call &lt;customer&gt;</td><td>Receive order</td><td class=\"num\">1</td>",
		"<td>Fax</td><td>the start</td><td class=\"num\">3</td>",
		"Notes on reading the model (1)",
		"line 41: &lt;bpmn:complexGateway id=&#34;g3&#34;&gt;: not supported",
	} {
		if !strings.Contains(sec, want) {
			t.Errorf("section lacks %q", want)
		}
	}
	// Only skipped tasks make the table.
	if strings.Contains(sec, "<td>Ship</td>") {
		t.Error("a task never skipped is listed as skipped")
	}
}

// TestDesignedSectionRefusesMarkup: the drawing passes the report's SVG
// allowlist like Graphviz's do; a script in it is refused, never inlined.
func TestDesignedSectionRefusesMarkup(t *testing.T) {
	in := designedInput()
	in.Designed.SVG = `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`
	var buf bytes.Buffer
	if err := Write(&buf, in); err == nil || !strings.Contains(err.Error(), "designed model") {
		t.Fatalf("err %v; want the drawing refused", err)
	}
	if buf.Len() != 0 {
		t.Error("wrote a page despite the error")
	}
}

// TestChromiumDesignedSection: in a real browser the section's drawing
// keeps its hover titles and stays as wide as drawn (scrolled, not
// squeezed), the page script runs, and names that look like markup stay
// text. Needs PMX_CHROMIUM=1 (see cdp_test.go).
func TestChromiumDesignedSection(t *testing.T) {
	b := newBrowser(t, 1280, 900)
	b.open(writePage(t, designedInput()))
	var r struct {
		Titles     []string
		Width      float64
		Scripts    int
		Error      string
		TableCells []string
	}
	b.eval(`(function () {
		var r = {Titles: [], TableCells: [], Scripts: document.scripts.length, Error: document.body.getAttribute("data-pmx-error") || ""};
		var sec = document.getElementById("designed-section");
		if (!sec) return r;
		sec.querySelectorAll("svg title").forEach(function (t) { r.Titles.push(t.textContent); });
		r.Width = sec.querySelector("svg").getBoundingClientRect().width;
		sec.querySelectorAll("table.designed-logonly td").forEach(function (td) { r.TableCells.push(td.textContent); });
		return r;
	})()`, &r)
	b.screenshot("report-designed", "#designed-section")
	if r.Error != "" {
		t.Errorf("page script error: %s", r.Error)
	}
	if len(r.Titles) != 1 || r.Titles[0] != "Check <credit>\nskip rate: 33.3 %" {
		t.Errorf("titles %q", r.Titles)
	}
	if r.Width != 200 {
		t.Errorf("drawing %v px wide; want its own 200", r.Width)
	}
	if want := []string{"Call <customer>", "Receive order", "1", "Fax", "the start", "3"}; strings.Join(r.TableCells, "|") != strings.Join(want, "|") {
		t.Errorf("log-only table %q; want %q", r.TableCells, want)
	}
	if f := b.failures(); len(f) > 0 {
		t.Errorf("browser reported: %q", f)
	}
}
