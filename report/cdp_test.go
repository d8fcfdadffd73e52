package report

import (
	"os"
	"testing"

	"github.com/pmx-dev/pmx/report/internal/cdp"
)

// browser is the report tests' headless Chromium (report/internal/cdp).
type browser struct{ *cdp.Browser }

func newBrowser(t testing.TB, width, height int) *browser { return &browser{cdp.New(t, width, height)} }

func (b *browser) eval(expr string, out any)      { b.Eval(expr, out) }
func (b *browser) call(method string, p, out any) { b.Call(method, p, out) }
func (b *browser) viewport(width, height int)     { b.Viewport(width, height) }
func (b *browser) media(m string)                 { b.Media(m) }
func (b *browser) failures() []string             { return b.Failures() }
func (b *browser) screenshot(name, selector string) string {
	return b.Screenshot(name, selector)
}

// open loads a report file and waits until its script has run (the page
// sets data-pmx-ready on <body> as its last step).
func (b *browser) open(path string) {
	b.Navigate("file://"+path, `document.body.hasAttribute("data-pmx-ready")`)
}

// writePage renders in into a temporary file and returns its path.
func writePage(t testing.TB, in Input) string {
	t.Helper()
	path := t.TempDir() + "/report.html"
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := Write(f, in); err != nil {
		t.Fatal(err)
	}
	return path
}
