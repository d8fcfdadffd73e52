package report

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestChromium opens reports in a real headless Chromium and checks that the
// page script ran without error and initialised every chart and the map.
// Needs PMX_CHROMIUM=1 (CI installs Chromium with .ci/install-chromium);
// PMX_CHROMIUM_BIN overrides the binary, PMX_SCREENSHOT_DIR keeps PNGs.
func TestChromium(t *testing.T) {
	if os.Getenv("PMX_CHROMIUM") != "1" {
		t.Skip("headless-browser test: set PMX_CHROMIUM=1 (and install chromium, see .ci/install-chromium)")
	}
	bin := os.Getenv("PMX_CHROMIUM_BIN")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("PMX_CHROMIUM=1 but no browser: %v", err)
	}
	shots := os.Getenv("PMX_SCREENSHOT_DIR")

	tests := []struct {
		name     string
		in       Input
		fragment string // URL fragment, e.g. "#time" for the mean-time view
		hasMap   bool
	}{
		{"running_example", runningExample(), "", true},
		{"synthetic", synthetic(30, 150), "", true},
		{"synthetic_time", synthetic(30, 150), "#time", true},
		{"hostile", hostileInput(), "#time", true},
		{"model", modelInput(), "", true},
		{"analysis", analysisInput(), "", true},
		{"zero_cases", Input{Title: "empty"}, "", false},
		{"interaction", synthetic(30, 150), "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			page := filepath.Join(dir, "report.html")
			var buf bytes.Buffer
			if err := Write(&buf, tc.in); err != nil {
				t.Fatal(err)
			}
			html := buf.Bytes()
			if tc.name == "interaction" {
				// Test-only: drive the map like a user would and record the
				// outcome on <body>; the shipped page has no such script.
				i := bytes.LastIndex(html, []byte("</body>")) // echarts itself contains "</body>"
				html = append(html[:i:i], []byte("<script>"+interactionDriver+"</script>"+string(html[i:]))...)
			}
			if err := os.WriteFile(page, html, 0o644); err != nil {
				t.Fatal(err)
			}
			url := "file://" + page + tc.fragment

			dom := chromium(t, bin, "--dump-dom", url)
			m := regexp.MustCompile(`<body[^>]*>`).FindString(dom)
			if m == "" {
				t.Fatalf("no <body> in dumped DOM (%d bytes)", len(dom))
			}
			attr := func(name string) (string, bool) {
				a := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(m)
				if a == nil {
					return "", false
				}
				return a[1], true
			}
			if msg, bad := attr("data-pmx-error"); bad {
				t.Errorf("page script error: %s", msg)
			}
			want, _ := attr("data-pmx-charts")
			if got, ok := attr("data-pmx-ready"); !ok || got != want || want != "3" {
				t.Errorf("charts initialised = %q (set: %v), want %q of 3; body: %s", got, ok, want, m)
			}
			if got, _ := attr("data-pmx-map"); (got == "ok") != tc.hasMap {
				t.Errorf("data-pmx-map = %q, want map initialised = %v", got, tc.hasMap)
			}
			if tc.name == "interaction" {
				if got, _ := attr("data-t-result"); got != "ok" {
					t.Errorf("interaction driver: %q; body: %s", got, m)
				}
			}
			// echarts draws into a <canvas> per chart once initialised.
			if n := strings.Count(dom, "<canvas"); n < 3 {
				t.Errorf("found %d <canvas> elements, want at least 3", n)
			}
			// Had any data string reached innerHTML unescaped, the live DOM
			// would now hold a real element for it.
			if strings.Contains(dom, "<script>alert") {
				t.Error("hostile activity name became markup in the live DOM")
			}
			if tc.in.Model != nil && (!strings.Contains(dom, `id="pmx-model"`) || strings.Count(dom, "<svg") < 2) {
				t.Error("model section's SVG missing from the live DOM")
			}

			png := filepath.Join(dir, tc.name+".png")
			if shots != "" {
				png = filepath.Join(shots, "pmx-report-"+tc.name+".png")
			}
			chromium(t, bin, "--window-size=1280,2400", "--screenshot="+png, url)
			if st, err := os.Stat(png); err != nil || st.Size() < 20_000 {
				t.Errorf("screenshot missing or suspiciously small: %v", err)
			}
		})
	}
}

// chromium runs one headless Chromium command with networking features off
// and returns its stdout. The profile directory is removed best-effort, not
// via t.TempDir: Chromium helpers can outlive the browser for a moment and
// a failed cleanup must not fail the test.
func chromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	profile, err := os.MkdirTemp("", "pmx-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + profile, "--virtual-time-budget=5000"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, tail(stderr.String(), 2000))
	}
	return stdout.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// interactionDriver zooms, pans, moves both sliders, hovers a node and
// switches to mean-time labels, checking the map's reaction each time.
const interactionDriver = `
(function () {
  var fails = [];
  function check(ok, what) { if (!ok) fails.push(what); }
  try {
    var host = document.getElementById("pmx-map"), svg = host.querySelector("svg");
    var vb = function () { return svg.getAttribute("viewBox").split(/[ ,]+/).map(Number); };
    var r = host.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    var before = vb();
    host.dispatchEvent(new WheelEvent("wheel", { deltaY: -300, clientX: cx, clientY: cy, bubbles: true, cancelable: true }));
    check(vb()[2] < before[2] * 0.9, "wheel zoom-in");
    before = vb();
    var pe = function (type, x) { return new PointerEvent(type, { pointerId: 7, button: 0, clientX: x, clientY: cy, bubbles: true }); };
    host.dispatchEvent(pe("pointerdown", cx));
    host.dispatchEvent(pe("pointermove", cx + 100));
    host.dispatchEvent(pe("pointerup", cx + 100));
    check(vb()[0] < before[0], "drag pan");
    var visible = function (sel) { return svg.querySelectorAll(sel + ":not(.pmx-hidden)").length; };
    var act = document.getElementById("pmx-act"), path = document.getElementById("pmx-path");
    var allNodes = visible("g.node"), defEdges = visible("g.edge"), allEdges = svg.querySelectorAll("g.edge").length;
    check(defEdges < allEdges, "default paths filtered (" + defEdges + "/" + allEdges + ")");
    path.value = 100; path.dispatchEvent(new Event("input"));
    check(visible("g.edge") === allEdges, "paths 100% shows all");
    act.value = 30; act.dispatchEvent(new Event("input")); act.dispatchEvent(new Event("change"));
    check(visible("g.node") < allNodes && visible("g.node") > 2, "activities slider hides nodes");
    path.value = 0; path.dispatchEvent(new Event("input"));
    var e0 = visible("g.edge");
    check(e0 > 0 && e0 < allEdges, "paths 0% keeps connecting edges only");
    act.value = 100; act.dispatchEvent(new Event("input"));
    var node = svg.querySelector("g.node#n0");
    node.querySelector("path, polygon").dispatchEvent(new MouseEvent("mouseover", { bubbles: true, clientX: cx, clientY: cy }));
    var tip = document.getElementById("pmx-tip");
    check(!tip.hidden && tip.textContent.indexOf("events") >= 0, "node tooltip");
    var edgeText = svg.querySelector("g.edge text"), freq = edgeText.textContent;
    var timeRadio = document.querySelector("input[name=pmx-mode][value=time]");
    timeRadio.checked = true; timeRadio.dispatchEvent(new Event("change"));
    check(edgeText.textContent !== freq && /(ms|s|min|h|d|y) $/.test(edgeText.textContent), "mean-time labels (" + edgeText.textContent + ")");
    document.getElementById("pmx-fit").click();
  } catch (e) { fails.push("exception: " + e); }
  document.body.setAttribute("data-t-result", fails.length ? fails.join("; ") : "ok");
})();
`
