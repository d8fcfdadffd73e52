package serve

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/live"
)

// A webhook that takes a post and never answers delays only the alerts:
// with the sender stuck on it, 50 committed batches that each raise an
// alert are applied at once (Committed is on the ingester's goroutine),
// every alert is stored and listed, none sent, and the server stops at
// once.
func TestWebhookHangNeverBlocksIngestion(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	var posts atomic.Int32
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		select {
		case entered <- struct{}{}:
		default:
		}
		select { // hangs until the test ends
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hook.Close()
	defer close(release) // before hook.Close, which waits for the handler

	w := warehouseWith(t, filepath.Join(t.TempDir(), "w.duckdb"))
	defer w.Close()
	c := newClock(at(10, 0))
	s, err := New(ctx, w, Options{Rules: mustRules(t), Live: []string{"incidents"}, Now: c.now, Webhook: hook.URL, Tick: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan struct{})
	go func() { defer close(ran); s.Run(runCtx) }()

	// Batch i opens case W<i> at 13:00 + 5h·i: each is a stream clock 5
	// hours on, past the 4-hour deadline of the case before it (of I2,
	// open since 08:00, for the first): one breach alert per batch.
	batch := func(i int) live.Batch {
		return live.Batch{Events: []live.Event{{Case: fmt.Sprintf("W%02d", i), Activity: "Open",
			Time: ms(at(13, 0).Add(time.Duration(i) * 5 * time.Hour)), Resource: "ann"}}}
	}
	if err := s.Committed(ctx, "incidents", batch(0)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the webhook got no post within 10 s")
	}
	// The sender now waits on the hanging post (its client gives up after
	// webhookExpiry, 10 s: longer than all of this takes).
	start := time.Now()
	var slowest time.Duration
	for i := 1; i <= 50; i++ {
		t0 := time.Now()
		if err := s.Committed(ctx, "incidents", batch(i)); err != nil {
			t.Fatal(err)
		}
		slowest = max(slowest, time.Since(t0))
	}
	took := time.Since(start)
	t.Logf("50 batches, each raising an alert, with the webhook hanging: %v (slowest %v)", took, slowest)
	if took > 2*time.Second {
		t.Errorf("50 batches took %v with the webhook hanging, want well under 2 s", took)
	}
	stored := decode[[]StoredAlert](t, get(t, s.Handler(), "/api/logs/incidents/alerts?limit=1000"))
	if len(stored) != 51 {
		t.Fatalf("%d alerts listed, want 51 (one per batch)", len(stored))
	}
	for _, a := range stored {
		if a.Kind != "breach" || a.Silent || a.Sent != nil {
			t.Errorf("alert %+v: want a breach, not silent, not sent", a)
		}
	}
	if n := posts.Load(); n != 1 {
		t.Errorf("%d posts reached the webhook, want the one hanging", n)
	}
	stopped := time.Now()
	stop()
	select {
	case <-ran:
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return within 2 s of its context's end with the webhook hanging")
	}
	t.Logf("Run returned %v after its context ended", time.Since(stopped))
}
