// Package cdp drives a headless Chromium over the DevTools protocol for
// pmx's browser tests (the report's and pmx serve's pages): a fresh profile,
// no port opened (the protocol runs on a pipe), nothing leaving the
// machine. It is test support: it takes a testing.TB and fails the test on
// any protocol error.
package cdp

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Browser drives one headless Chromium over the DevTools protocol on a pipe
// (--remote-debugging-pipe: commands on fd 3, replies on fd 4, each message
// JSON ended by a NUL byte). It is the few calls the browser tests need —
// navigate, evaluate, emulate print media, screenshot — without a
// dependency; no port is opened and nothing leaves the machine.
type Browser struct {
	t       testing.TB
	cmd     *exec.Cmd
	in      io.WriteCloser
	profile string
	session string

	mu      sync.Mutex
	next    int
	waiting map[int]chan cdpMessage
	events  []cdpMessage // every event received, for checks such as "no dialog opened"
	dead    chan struct{}
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// Binary returns the browser binary, skipping the test unless
// PMX_CHROMIUM=1.
func Binary(t testing.TB) string {
	t.Helper()
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
	return bin
}

// New starts Chromium with a fresh profile and opens one page of the
// given viewport size. It is closed when the test ends.
func New(t testing.TB, width, height int) *Browser {
	t.Helper()
	bin := Binary(t)
	profile, err := os.MkdirTemp("", "pmx-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	cmdR, cmdW, err := os.Pipe() // we write commands, Chromium reads fd 3
	if err != nil {
		t.Fatal(err)
	}
	repR, repW, err := os.Pipe() // Chromium writes replies to fd 4
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--font-render-hinting=none",
		"--user-data-dir="+profile, "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{cmdR, repW}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	cmdR.Close()
	repW.Close()
	b := &Browser{t: t, cmd: cmd, in: cmdW, profile: profile, waiting: map[int]chan cdpMessage{}, dead: make(chan struct{})}
	go b.read(repR)
	t.Cleanup(b.close)

	var target struct {
		TargetID string `json:"targetId"`
	}
	b.CallTo("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var att struct {
		SessionID string `json:"sessionId"`
	}
	b.CallTo("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att)
	b.session = att.SessionID
	b.Call("Page.enable", nil, nil)
	b.Call("Runtime.enable", nil, nil)
	b.Call("Log.enable", nil, nil)
	b.Viewport(width, height)
	return b
}

func (b *Browser) read(r io.ReadCloser) {
	defer close(b.dead)
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	for {
		raw, err := br.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw[:len(raw)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch := b.waiting[m.ID]; ch != nil {
				ch <- m
				delete(b.waiting, m.ID)
			}
		} else {
			b.events = append(b.events, m)
		}
		b.mu.Unlock()
	}
}

func (b *Browser) close() {
	b.in.Close() // Chromium exits when its command pipe closes
	done := make(chan struct{})
	go func() { b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
	os.RemoveAll(b.profile) // best effort: helpers may linger a moment
}

// Call sends one command to the page session and decodes its result into
// out (when not nil); any protocol error fails the test.
func (b *Browser) Call(method string, params, out any) {
	b.t.Helper()
	b.CallTo(b.session, method, params, out)
}

func (b *Browser) CallTo(session, method string, params, out any) {
	b.t.Helper()
	if params == nil {
		params = map[string]any{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		b.t.Fatal(err)
	}
	ch := make(chan cdpMessage, 1)
	b.mu.Lock()
	b.next++
	id := b.next
	b.waiting[id] = ch
	b.mu.Unlock()
	msg, _ := json.Marshal(cdpMessage{ID: id, SessionID: session, Method: method, Params: p})
	if _, err := b.in.Write(append(msg, 0)); err != nil {
		b.t.Fatalf("cdp %s: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			b.t.Fatalf("cdp %s: %s", method, m.Error.Message)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				b.t.Fatalf("cdp %s: %v", method, err)
			}
		}
	case <-b.dead:
		b.t.Fatalf("cdp %s: chromium exited", method)
	case <-time.After(time.Minute):
		b.t.Fatalf("cdp %s: no reply within a minute", method)
	}
}

func (b *Browser) Viewport(width, height int) {
	b.t.Helper()
	b.Call("Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height,
		"deviceScaleFactor": 1, "mobile": false}, nil)
}

// Eval runs a JS expression in the page (promises awaited) and decodes its
// JSON value into out; a thrown exception fails the test.
func (b *Browser) Eval(expr string, out any) {
	b.t.Helper()
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	b.Call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &r)
	if r.Exception != nil {
		b.t.Fatalf("evaluate %.80q: %s %s", expr, r.Exception.Text, r.Exception.Exception.Description)
	}
	if out != nil && len(r.Result.Value) > 0 {
		if err := json.Unmarshal(r.Result.Value, out); err != nil {
			b.t.Fatalf("evaluate %.80q: %v (%s)", expr, err, r.Result.Value)
		}
	}
}

// Media emulates a CSS media type ("print", or "" for the screen).
func (b *Browser) Media(m string) {
	b.t.Helper()
	b.Call("Emulation.setEmulatedMedia", map[string]any{"media": m}, nil)
}

// Screenshot writes a PNG of the whole page, or of the element matched by
// selector, into PMX_SCREENSHOT_DIR (when set) and returns its path.
func (b *Browser) Screenshot(name, selector string) string {
	b.t.Helper()
	dir := os.Getenv("PMX_SCREENSHOT_DIR")
	if dir == "" {
		return ""
	}
	var r struct{ X, Y, W, H float64 }
	sel, _ := json.Marshal(selector)
	b.Eval(fmt.Sprintf(`(function () {
		var e = %s ? document.querySelector(%s) : document.documentElement;
		var r = e.getBoundingClientRect();
		return {X: r.left + scrollX, Y: r.top + scrollY, W: Math.max(r.width, e.scrollWidth), H: Math.max(r.height, e.scrollHeight)};
	})()`, sel, sel), &r)
	var shot struct {
		Data string `json:"data"`
	}
	b.Call("Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": r.X, "y": r.Y, "width": r.W, "height": r.H, "scale": 1}}, &shot)
	png, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		b.t.Fatal(err)
	}
	path := dir + "/pmx-" + name + ".png"
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// Failures returns the events that mean something went wrong in the page:
// an uncaught exception, a dialog (alert, confirm) being opened, or an
// error the browser logged (a Content-Security-Policy violation).
func (b *Browser) Failures() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, e := range b.events {
		switch e.Method {
		case "Runtime.exceptionThrown", "Page.javascriptDialogOpening":
			out = append(out, e.Method+": "+strings.TrimSpace(string(e.Params)))
		case "Log.entryAdded":
			// Errors the browser logs itself: a Content-Security-Policy
			// violation, a resource that failed to load.
			var p struct {
				Entry struct {
					Level, Text string
				} `json:"entry"`
			}
			if json.Unmarshal(e.Params, &p) == nil && p.Entry.Level == "error" {
				out = append(out, "Log.entryAdded: "+p.Entry.Text)
			}
		}
	}
	return out
}

// Navigate loads url and waits until the page's document is complete and
// the JS expression ready is true (e.g. a page script's "I am done" mark).
func (b *Browser) Navigate(url, ready string) {
	b.t.Helper()
	b.Call("Page.navigate", map[string]any{"url": url}, nil)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ok bool
		b.Eval(`document.readyState === "complete" && document.body !== null && (`+ready+`)`, &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: not ready within 30 s (%s)", url, ready)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
