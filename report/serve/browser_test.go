package serve

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/live"
	"github.com/pmx-dev/pmx/report/internal/cdp"
)

// The live page in a real browser (fresh profile, no network beyond the
// test server): it draws the open cases, the worklist and the map badges,
// then — without a reload — shows what the next committed batch changed
// within two seconds; the strict Content-Security-Policy is never violated.
func TestChromiumLivePage(t *testing.T) {
	b := cdp.New(t, 1280, 1000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := warehouseWith(t, filepath.Join(t.TempDir(), "w.duckdb"))
	defer w.Close()
	c := newClock(at(10, 0))
	s, err := New(ctx, w, Options{Rules: mustRules(t), Live: []string{"incidents"}, Now: c.now, Tick: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.add(90 * time.Minute) // I2 (opened 08:00, 4 hours) is at risk
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	defer cancel() // before srv.Close: Run's end closes the page's stream
	go s.Run(ctx)
	b.Navigate(srv.URL+"/logs/incidents", `document.body.getAttribute("data-updates") >= 1 && document.getElementById("k-risk").textContent === "1"`)
	type view struct {
		Open, Risk string
		Rows       []string
		Badges     map[string]string
		Feed       int
	}
	read := func() view {
		var v view
		b.Eval(`(function () {
			var rows = [].map.call(document.querySelectorAll("#worklist tbody tr"), function (tr) { return tr.textContent; });
			var badges = {};
			[].forEach.call(document.querySelectorAll("g.live-badge"), function (g) { badges[g.getAttribute("data-activity")] = g.getAttribute("data-count"); });
			return {Open: document.getElementById("k-open").textContent, Risk: document.getElementById("k-risk").textContent,
				Rows: rows, Badges: badges, Feed: document.querySelectorAll("#feed li").length};
		})()`, &v)
		return v
	}
	v := read()
	if v.Open != "1" || len(v.Rows) != 1 || !strings.Contains(v.Rows[0], "I2") || !strings.Contains(v.Rows[0], "at-risk") || v.Badges["Open"] != "1" || v.Feed == 0 {
		t.Fatalf("first view %+v", v)
	}
	b.Screenshot("live-before", "")
	if err := s.Committed(ctx, "incidents", live.Batch{Events: []live.Event{
		{Case: "I4", Activity: "Open", Time: ms(at(11, 31))}, {Case: "I5", Activity: "Open", Time: ms(at(11, 32))},
		{Case: "I2", Activity: "Resolve", Time: ms(at(11, 33)), Resource: "bob"}}}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	for {
		v = read()
		if v.Open == "3" && len(v.Rows) == 0 && v.Badges["Open"] == "2" && v.Badges["Resolve"] == "1" {
			break
		}
		if time.Since(start) > 2*time.Second {
			t.Fatalf("the page did not follow the batch within 2 s: %+v", v)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("the page showed the batch after %v", time.Since(start).Round(time.Millisecond))
	b.Screenshot("live-after", "")
	var errs string
	b.Eval(`(document.body.getAttribute("data-pmx-error") || "") + (document.body.getAttribute("data-pmx-fetch-error") || "")`, &errs)
	if f := b.Failures(); len(f) > 0 || errs != "" {
		t.Errorf("page errors: %v %s", f, errs)
	}
}
