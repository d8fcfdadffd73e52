package serve

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/pmx-dev/pmx/analysis/live"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/kafka"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// A live log relearned while the ingester goes on (its batches committed
// during the load and the rebuild are kept aside and applied to the new
// state) ends in the state a server started afresh on the same warehouse
// rebuilds: every event counted once, none seen twice (no rework), the
// same open cases and the same load per activity. Its cases are short
// (Open, Work, Close in a row), so that every relearn learns that Close
// ends them and the relearns agree with the fresh server's profile on it.
func TestRelearnWhileIngesting(t *testing.T) {
	const n = 30_000 // 10,000 cases: relearns at 50, 100, …, 6,400 cases
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(4, "t"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	brokers := c.ListenAddrs()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic("t"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	produced := make(chan error, 1)
	go func() {
		t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
		for from := 0; from < n; from += 300 {
			var recs []*kgo.Record
			for i := from; i < from+300; i++ {
				id := fmt.Sprintf("case-%05d", i/3)
				v := fmt.Sprintf(`{"case":%q,"activity":%q,"timestamp":%q,"resource":"r%d"}`, id, [...]string{"Open", "Work", "Close"}[i%3],
					t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), i%7)
				recs = append(recs, &kgo.Record{Key: []byte(id), Value: []byte(v)})
			}
			if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
				produced <- err
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		produced <- nil
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cfg := kafka.Config{Brokers: brokers, Topics: []string{"t"}, Group: "g", Log: "bench", FlushRows: 500, FlushInterval: 20 * time.Millisecond}
	s, url, stop := attach(t, w, &cfg, func(o *Options) {
		o.Tick = 10 * time.Millisecond
		o.Logger = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	})
	runErr := make(chan error, 1)
	go func() {
		_, err := kafka.Run(ctx, w, cfg)
		runErr <- err
	}()
	if err := <-produced; err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for benchEvents(url) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the overview counts %d of %d events after 60 s", benchEvents(url), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}
	stop()
	m := s.monitorOf("bench")
	got := m.state().Overview(0)
	t.Logf("relearned from %d cases at the last relearn, %d batches committed during relearns; overview %d events, %d open of %d cases",
		m.learnedFrom, m.replayed, got.Events, got.Open, got.Cases)
	if m.replayed == 0 {
		t.Errorf("no batch was committed while a relearn loaded and rebuilt: the test proves nothing")
	}
	if m.learnedFrom < 1_000 {
		t.Fatalf("the profile was last learned from %d cases, want relearns up to 1,600 cases or more while the stream ran", m.learnedFrom)
	}
	for _, e := range m.state().Exceptions(0) {
		t.Errorf("exception %+v: want none (an event applied twice would be rework)", e)
	}

	// A server started afresh rebuilds the state from the warehouse.
	s2, err := New(context.Background(), w, Options{Rules: s.o.Rules})
	if err != nil {
		t.Fatal(err)
	}
	want := s2.monitorOf("bench").state().Overview(0)
	if got.Events != n || want.Events != n || got.Open != want.Open || got.Cases != want.Cases {
		t.Fatalf("live: %d events, %d open of %d cases; rebuilt: %d events, %d open of %d cases; produced %d",
			got.Events, got.Open, got.Cases, want.Events, want.Open, want.Cases, n)
	}
	load := func(o live.Overview) map[string][2]int {
		out := map[string][2]int{}
		for _, a := range o.Activities {
			out[a.Activity] = [2]int{a.After, a.Inside}
		}
		return out
	}
	if g, w := load(got), load(want); fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("open cases by last activity: live %v, rebuilt %v", g, w)
	}
}

// A relearn is due when the log has doubled since the profile was learned,
// and waits while the ingester catches up a backlog (its batches carry a
// watermark) — up to relearnPostpone, after which a long backlog gets a
// profile anyway.
func TestRelearnWaitsForTheBacklog(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	batch := func(from, to int, watermark int64) live.Batch {
		b := live.Batch{Watermark: watermark}
		for i := from; i < to; i++ {
			b.Events = append(b.Events, live.Event{Case: fmt.Sprintf("c%d", i), Activity: "Open", Time: t0.Add(time.Duration(i) * time.Second).UnixMicro()})
		}
		return b
	}
	for _, c := range []struct {
		name      string
		cases     int
		learned   int
		watermark int64
		postponed time.Duration // how long ago the first postponement was (0: none)
		want      bool
	}{
		{"too few cases", 49, 0, 0, 0, false},
		{"doubled", 100, 50, 0, 0, true},
		{"not doubled", 99, 50, 0, 0, false},
		{"profile kept from relearnBelow on", 2 * relearnBelow, relearnBelow, 0, 0, false},
		{"catching up", 100, 50, t0.UnixMicro(), 0, false},
		{"catching up for a while", 100, 50, t0.UnixMicro(), relearnPostpone / 2, false},
		{"catching up for too long", 100, 50, t0.UnixMicro(), relearnPostpone, true},
		{"caught up", 100, 50, 0, relearnPostpone / 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := &monitor{name: "l", learnedFrom: c.learned}
			st := live.New(live.Options{Log: "l"})
			if _, err := st.Apply(batch(0, c.cases, c.watermark)); err != nil {
				t.Fatal(err)
			}
			m.st.Store(st)
			now := t0.Add(time.Hour)
			if c.postponed > 0 {
				m.postponed = now.Add(-c.postponed)
			}
			if got := m.relearnDue(now); got != c.want {
				t.Errorf("relearnDue = %v, want %v", got, c.want)
			}
			if c.watermark != 0 && !c.want && m.postponed.IsZero() {
				t.Errorf("a postponed relearn did not note when it was first put off")
			}
			if c.want && !m.postponed.IsZero() {
				t.Errorf("a due relearn left the postponement set")
			}
		})
	}
}

// A relearn rebuilds the state from the stored log, whose open clocks
// raise again what the old state raised since the server started: that
// is not news, and the pages are not told it twice.
func TestRelearnPublishesNoAlertTwice(t *testing.T) {
	ctx := context.Background()
	var csv strings.Builder
	csv.WriteString("case_id,activity,timestamp,resource\nX,Open,2026-03-02T08:00:00Z,ann\n")
	for i := range 60 {
		at := time.Date(2026, 3, 2, 8, i*5, 0, 0, time.UTC)
		fmt.Fprintf(&csv, "C%d,Open,%s,ann\nC%d,Resolve,%s,bob\n", i, at.Format(time.RFC3339), i, at.Add(time.Minute).Format(time.RFC3339))
	}
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "w.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := ingest.ImportFile(ctx, w, path, ingest.FileOptions{Name: "big"}); err != nil {
		t.Fatal(err)
	}
	// X opened at 08:00 and the log runs to 13:00: its 4-hour clock
	// breached at noon, which the server raises when it starts.
	s, err := New(ctx, w, Options{Rules: mustRules(t), Live: []string{"big"}, WriteLock: &sync.Mutex{}})
	if err != nil {
		t.Fatal(err)
	}
	m := s.monitorOf("big")
	if a := m.state().Alerts(0); len(a) != 1 || a[0].Case != "X" || a[0].Kind != "breach" {
		t.Fatalf("alerts at start: %+v, want X's breach", a)
	}
	sub := s.hub.subscribe("big")
	m.learnedFrom = 0
	s.relearn(ctx, m)
	if m.learnedFrom != 61 {
		t.Fatalf("no relearn (learned from %d cases)", m.learnedFrom)
	}
	for {
		select {
		case msg := <-sub.ch:
			if strings.HasPrefix(string(msg), "event: alert\n") {
				t.Errorf("the relearn published %q", msg)
			}
			continue
		default:
		}
		break
	}
	if a := m.state().Alerts(0); len(a) != 1 {
		t.Errorf("alerts after the relearn: %+v, want X's breach once", a)
	}
}
