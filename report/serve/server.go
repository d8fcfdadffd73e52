package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/live"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Options of a Server.
type Options struct {
	// Token, when set, is the bearer token every request must carry (an
	// Authorization header, or the cookie the page sets after ?token=).
	Token string
	// Rules are the SLA rules of the live clocks and of /analyze.
	Rules *sla.Rules
	// Calendar is the business calendar of /analyze and the report's
	// business-time figures (default: the rules' calendar).
	Calendar *calendar.Calendar
	// Live names the logs being ingested: their stream clock runs with the
	// wall clock between events. The other logs are shown as stored, their
	// clock at their last event.
	Live []string
	// Webhook receives every alert as a JSON POST ("" none).
	Webhook string
	// RatePerClient and Burst bound each client's requests (default 50/s,
	// burst 100).
	RatePerClient float64
	Burst         int
	// RefreshEvery is how often at most a log being ingested gets its
	// derived tables rebuilt for the batch endpoints (default 2 s).
	RefreshEvery time.Duration
	// WriteLock is the in-process ingester's (ingest/kafka Config.WriteLock):
	// the server holds it while it rebuilds a log's derived tables. Nil
	// when nothing else writes the warehouse.
	WriteLock sync.Locker
	// Tick is how often clocks are checked and pages updated (default 1 s).
	Tick time.Duration
	// Logger gets operational messages (default: discarded).
	Logger *slog.Logger
	// Now is the wall clock (tests).
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.RatePerClient <= 0 {
		o.RatePerClient = 50
	}
	if o.Burst <= 0 {
		o.Burst = 100
	}
	if o.RefreshEvery <= 0 {
		o.RefreshEvery = 2 * time.Second
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Server serves a warehouse's logs.
type Server struct {
	w   *warehouse.Warehouse
	o   Options
	hub *hub
	lim *limiter
	al  *alertStore
	an  *analyses

	mu       sync.RWMutex
	monitors map[string]*monitor
	started  time.Time
	// stopped is set when Run returns: batches committed later are
	// applied before CommittedRecords returns (the caller closes the
	// warehouse once its ingester has returned).
	stopped atomic.Bool
	// background counts the relearns running (see tick)
	background sync.WaitGroup
}

// monitor is one log's live state.
type monitor struct {
	name string
	// st is the live state; relearn replaces it (under WriteLock, so no
	// batch is applied to the old one meanwhile).
	st   atomic.Pointer[live.State]
	live bool
	// learnedFrom is how many cases the state's profile was learned from;
	// postponed when a relearn was first put off because the ingester was
	// catching up (zero: none is).
	learnedFrom int
	postponed   time.Time
	relearning  atomic.Bool // a relearn runs (it owns learnedFrom and postponed)
	// The stream clock: the latest event time, and the wall time it was
	// seen, so that between events it runs on with the wall clock.
	clockMu   sync.Mutex
	lastEvent int64
	seenAt    time.Time
	// refresh bookkeeping for the batch endpoints (see Server.refresh)
	refreshMu  sync.Mutex
	refreshed  time.Time
	refreshGap time.Duration
	changed    bool // applied since the last page update
	// derived guards the log's derived tables: a rebuild (refresh,
	// relearn) holds it for writing, the batch endpoints for reading (see
	// readFacts); gen counts the rebuilds.
	derived sync.RWMutex
	gen     atomic.Uint64
	// the batch endpoints' latest answers (see batchAnswer)
	answersMu sync.Mutex
	answers   map[string]*answerSlot
	// version counts the live state's changes (see liveAnswer)
	version atomic.Uint64
	// the batches committed while a relearn rebuilds the state
	keptMu   sync.Mutex
	keeping  bool
	kept     []live.Batch
	replayed int // batches applied to relearned states so far (tests)
	// q applies the committed batches to st
	q applyQueue
}

// New opens the server on a warehouse: every log's live state is rebuilt
// from what is stored, and the stored alerts are loaded so that none is
// raised twice.
func New(ctx context.Context, w *warehouse.Warehouse, o Options) (*Server, error) {
	o = o.withDefaults()
	s := &Server{w: w, o: o, hub: newHub(), lim: newLimiter(o.RatePerClient, o.Burst, o.Now), monitors: map[string]*monitor{}, started: o.Now(),
		an: &analyses{byLog: map[string]*cachedAnalysis{}, maxAge: 10 * time.Second}}
	var err error
	if s.al, err = openAlerts(ctx, w, o); err != nil {
		return nil, err
	}
	logs, err := w.Logs(ctx)
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	for _, name := range o.Live {
		live[name] = true
	}
	for _, l := range logs {
		if _, err := s.monitor(ctx, l.Name, live[l.Name]); err != nil {
			return nil, err
		}
	}
	for name := range live {
		if _, err := s.monitor(ctx, name, true); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// monitor returns a log's monitor, rebuilding its state from the warehouse
// the first time (an empty state for a live log not stored yet).
func (s *Server) monitor(ctx context.Context, name string, isLive bool) (*monitor, error) {
	s.mu.RLock()
	m := s.monitors[name]
	s.mu.RUnlock()
	if m != nil {
		return m, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.monitors[name]; m != nil {
		return m, nil
	}
	m = &monitor{name: name, live: isLive, seenAt: s.o.Now()}
	m.q.init()
	var hist *timeline.Log
	var err error
	if _, err = s.w.LogID(ctx, name); err == nil {
		if hist, err = timeline.Load(ctx, s.w, name); err != nil {
			return nil, fmt.Errorf("serve: log %q: %w", name, err)
		}
	} else if !errors.Is(err, warehouse.ErrNoLog) {
		return nil, err
	}
	var profile live.Profile
	if hist != nil {
		profile = live.Learn(hist)
	}
	st := live.New(live.Options{Log: name, Profile: profile, Rules: s.o.Rules})
	st.Seed(s.al.keys(name))
	m.st.Store(st)
	var alerts []live.Alert
	if hist != nil {
		if alerts, err = st.Rebuild(hist, 0); err != nil {
			return nil, fmt.Errorf("serve: rebuild %q: %w", name, err)
		}
		m.lastEvent = st.Now()
		m.learnedFrom = hist.Cases()
	}
	// The feed's dead letters are not in the history: the latest stored.
	if dead, at, err := s.w.RecentDeadLetters(ctx, name, 100); err != nil {
		return nil, err
	} else if len(dead) > 0 {
		b := live.Batch{}
		for i, d := range dead {
			b.DeadLetters = append(b.DeadLetters, deadLetter(d, at[i]))
		}
		if _, err := st.Apply(b); err != nil {
			return nil, err
		}
	}
	// Alerts are sent from the stream instant the log was first watched:
	// what became due in the stored history is listed, not sent.
	if err := s.al.watch(ctx, name, time.UnixMicro(m.lastEvent)); err != nil {
		return nil, err
	}
	s.raise(ctx, alerts)
	s.monitors[name] = m
	return m, nil
}

func (m *monitor) state() *live.State { return m.st.Load() }

func (s *Server) monitorOf(name string) *monitor {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.monitors[name]
}

func (s *Server) logNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.monitors))
	for n := range s.monitors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Committed applies a batch the ingester committed for a log, and
// returns once it is applied (CommittedRecords, the ingester's hook, does
// not wait). Batches are applied in the order they are given.
func (s *Server) Committed(ctx context.Context, log string, b live.Batch) error {
	return s.committed(ctx, log, b, true)
}

func (s *Server) committed(ctx context.Context, log string, b live.Batch, wait bool) error {
	m, err := s.monitor(ctx, log, true)
	if err != nil {
		return err
	}
	// Kept when handed over, under WriteLock: a relearn's cut splits the
	// batches by commit, whenever they are applied.
	m.keptMu.Lock()
	if m.keeping { // a relearn replays it on the state it rebuilds
		m.kept = append(m.kept, b)
	}
	m.keptMu.Unlock()
	return s.hand(ctx, m, b, wait || s.stopped.Load())
}

// streamNow is a monitor's stream clock: for a live log the last event's
// time plus the wall time since it was seen, else the last event's time.
func (s *Server) streamNow(m *monitor) int64 {
	m.clockMu.Lock()
	defer m.clockMu.Unlock()
	if !m.live || m.lastEvent == 0 {
		return m.lastEvent
	}
	return m.lastEvent + s.o.Now().Sub(m.seenAt).Microseconds()
}

// raise stores alerts (sending them is the alert store's business) and
// tells the pages.
func (s *Server) raise(ctx context.Context, alerts []live.Alert) {
	if err := s.al.add(ctx, alerts); err != nil {
		s.o.Logger.Error("storing alerts", "alerts", len(alerts), "first", alerts[0].Key, "err", err)
	}
	for _, a := range alerts {
		s.hub.publish(a.Log, "alert", a)
	}
}

// Run ticks the clocks and pushes page updates until ctx ends; it also
// runs the webhook sender. When it returns, every event stream has ended
// and nothing of the server's own uses the warehouse.
func (s *Server) Run(ctx context.Context) {
	// Run returns only once the sender is done with the warehouse: the
	// caller closes it next.
	sent := make(chan struct{})
	go func() { defer close(sent); s.al.send(ctx) }()
	defer func() { <-sent }()
	defer s.hub.closeAll()
	// Every batch handed over is applied (and its alerts stored) before
	// Run returns; the ones after wait for themselves (see stopped).
	defer func() {
		s.background.Wait()
		s.stopped.Store(true)
		for _, name := range s.logNames() {
			s.monitorOf(name).q.idle()
		}
	}()
	t := time.NewTicker(s.o.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.tick(ctx)
		}
	}
}

// tick advances every live log's clock and publishes what changed.
func (s *Server) tick(ctx context.Context) {
	for _, name := range s.logNames() {
		m := s.monitorOf(name)
		if m.live {
			// Relearning loads the whole log: on a goroutine of its
			// own, so that clocks tick and pages update meanwhile.
			if m.relearning.CompareAndSwap(false, true) {
				s.background.Add(1)
				go func() {
					defer s.background.Done()
					defer m.relearning.Store(false)
					s.relearn(ctx, m)
				}()
			}
			s.raise(ctx, m.state().Tick(s.streamNow(m)))
			m.version.Add(1)
		}
		m.clockMu.Lock()
		changed := m.changed || m.live
		m.changed = false
		m.clockMu.Unlock()
		if changed && s.hub.listening(name) {
			s.hub.publish(name, "overview", m.state().Overview(48))
		}
	}
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.routes() }

// relearnBelow is the history size after which a log's profile is kept:
// its end activities and usual waits no longer change with more cases (the
// p95 of a step's wait from ten thousand cases is within a few per cent),
// and each relearn reads the whole log again: at 100,000 cases relearning
// took a third of the ingester's throughput while a backlog was caught up.
const relearnBelow = 10_000

// relearnPostpone is how long a relearn waits while the ingester catches
// up a backlog (its batches carry a watermark): the profile learned from
// part of the backlog would be replaced seconds later, and the rebuild
// takes the CPU the ingester needs most then. A backlog that takes longer
// than this gets a profile anyway.
const relearnPostpone = 30 * time.Second

// relearn rebuilds a live log's state with a profile learned from what is
// stored now, once the log has twice the cases its profile was learned
// from (and at least 50). A log first seen on the stream has no history to
// tell which activities end cases or how long steps usually wait; without
// this its cases would stay open and none would ever be stuck until a
// restart. The doubling keeps the rebuilds' cost in proportion to the
// stream's. It needs WriteLock (an in-process ingester), under which no
// batch is applied while the state is replaced.
//
// The ingester waits only for the cut and the switch, not for the load
// and the rebuild, which take seconds on a large log: under WriteLock the
// derived tables are brought up to every batch committed so far and the
// batches committed from then on are kept aside; the history is loaded
// from the derived tables (which no other rebuild touches meanwhile), the
// new state rebuilt from it and the batches kept aside so far applied to
// it while the ingester goes on; then, under WriteLock again, the last few
// are, and it replaces the old one.
func (s *Server) relearn(ctx context.Context, m *monitor) {
	if s.o.WriteLock == nil || !m.relearnDue(s.o.Now()) {
		return
	}
	failed := func(err error) {
		s.o.Logger.Warn("relearning a live log's profile", "log", m.name, "err", err)
		m.learnedFrom = max(2*m.learnedFrom, 50) // not before it has grown again
	}
	// The cut is a rebuild of the derived tables (see refresh).
	m.refreshMu.Lock()
	m.derived.Lock()
	defer m.derived.Unlock()
	m.gen.Add(1)
	s.o.WriteLock.Lock()
	err := s.w.Refresh(ctx, m.name)
	if err == nil {
		m.keepBatches(true)
		m.refreshed = s.o.Now()
	}
	s.o.WriteLock.Unlock()
	m.refreshMu.Unlock()
	if err != nil {
		failed(err)
		return
	}
	hist, err := timeline.LoadWith(ctx, s.w, m.name, timeline.Options{NoRefresh: true})
	var st *live.State
	var alerts []live.Alert
	if err == nil {
		st = live.New(live.Options{Log: m.name, Profile: live.Learn(hist), Rules: s.o.Rules})
		st.Seed(s.al.keys(m.name))
		alerts, err = st.Rebuild(hist, m.state().Watermark())
	}
	replay := func(kept []live.Batch) {
		for _, b := range kept {
			if err != nil {
				return
			}
			var more []live.Alert
			more, err = st.Apply(b)
			alerts = append(alerts, more...)
			m.replayed++
		}
	}
	// What was committed meanwhile is applied outside the lock too, twice
	// (each round shorter than the one before); the rest under it.
	for range 2 {
		replay(m.takeKept())
	}
	s.o.WriteLock.Lock()
	// No batch is handed over under WriteLock: once the queue is idle the
	// old state has every batch, and the new one gets the rest from kept.
	m.q.idle()
	replay(m.keepBatches(false))
	if err == nil {
		// What the old state raised since the server started was stored
		// and published: the new one raises it again (its seed is the
		// alerts stored at start), which is not news.
		alerts = slices.DeleteFunc(alerts, func(a live.Alert) bool { return m.state().Raised(a.Key) })
		st.CarryFeed(m.state())
		m.st.Store(st)
		m.version.Add(1)
	}
	s.o.WriteLock.Unlock()
	if err != nil {
		failed(err)
		return
	}
	m.learnedFrom = hist.Cases()
	m.clockMu.Lock()
	m.changed = true
	m.clockMu.Unlock()
	s.raise(ctx, alerts)
}

// relearnDue says whether the state's profile is relearned now (see
// relearn and relearnPostpone).
func (m *monitor) relearnDue(now time.Time) bool {
	if m.learnedFrom >= relearnBelow {
		return false
	}
	if n := m.state().Followed(); n < 50 || n < 2*m.learnedFrom {
		return false
	}
	if m.state().Watermark() != 0 {
		if m.postponed.IsZero() {
			m.postponed = now
		}
		if now.Sub(m.postponed) < relearnPostpone {
			return false
		}
	}
	m.postponed = time.Time{}
	return true
}

// keepBatches starts (on) or stops keeping aside the batches Committed
// applies; stopping returns those kept.
func (m *monitor) keepBatches(on bool) []live.Batch {
	m.keptMu.Lock()
	defer m.keptMu.Unlock()
	kept := m.kept
	m.keeping, m.kept = on, nil
	return kept
}

// takeKept returns the batches kept aside so far and keeps on keeping.
func (m *monitor) takeKept() []live.Batch {
	m.keptMu.Lock()
	defer m.keptMu.Unlock()
	kept := m.kept
	m.kept = nil
	return kept
}
