package serve

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pmx-dev/pmx/analysis/analyze"
	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// routes maps the API and the pages; every route goes through guard.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /api/logs", s.apiLogs)
	mux.HandleFunc("GET /api/events", s.apiEvents)
	for path, h := range map[string]func(http.ResponseWriter, *http.Request, *monitor){
		"stats": s.apiStats, "dfg": s.apiDFG, "variants": s.apiVariants, "analyze": s.apiAnalyze,
		"overview": s.apiOverview, "worklist": s.apiWorklist, "stuck": s.apiStuck, "alerts": s.apiAlerts,
		"exceptions": s.apiExceptions, "events": s.serveEvents,
	} {
		mux.HandleFunc("GET /api/logs/{log}/"+path, s.withLog(h))
	}
	mux.HandleFunc("GET /api/logs/{log}/cases/{case}", s.withLog(s.apiCase))
	mux.HandleFunc("GET /api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such endpoint (see the README's pmx serve API)")
	})
	s.pageRoutes(mux)
	return s.guard(mux)
}

// withLog resolves {log} to its monitor, or answers 404.
func (s *Server) withLog(h func(http.ResponseWriter, *http.Request, *monitor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m := s.monitorOf(r.PathValue("log"))
		if m == nil {
			writeError(w, http.StatusNotFound, "no log "+strconv.Quote(r.PathValue("log"))+" (GET /api/logs lists them)")
			return
		}
		h(w, r, m)
	}
}

// Health is what /healthz answers.
type Health struct {
	Status    string   `json:"status"`
	Logs      int      `json:"logs"`
	Ingesting []string `json:"ingesting"`
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h := Health{Status: "ok", Ingesting: []string{}}
	for _, n := range s.logNames() {
		h.Logs++
		if s.monitorOf(n).live {
			h.Ingesting = append(h.Ingesting, n)
		}
	}
	writeJSON(w, h)
}

func (s *Server) apiLogs(w http.ResponseWriter, r *http.Request) {
	logs, err := s.w.Logs(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	if logs == nil {
		logs = []warehouse.LogInfo{}
	}
	writeJSON(w, logs)
}

// apiEvents is /api/events?log=NAME, the same stream as
// /api/logs/{log}/events.
func (s *Server) apiEvents(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("log")
	m := s.monitorOf(name)
	if m == nil {
		writeError(w, http.StatusNotFound, "give ?log=NAME of a served log (GET /api/logs lists them)")
		return
	}
	s.serveEvents(w, r, m)
}

// readFacts readies a log for the batch endpoints (its derived tables are
// rebuilt if events were appended since; see refresh) and runs fn on it
// under the tables' read lock: fn's queries, however many, see one version
// of them. (DuckDB's snapshot is per statement; a rebuild between two would
// mix versions, as a DFG whose edges predate its activity counts.)
func (s *Server) readFacts(ctx context.Context, m *monitor, fn func(facts.Log) error) error {
	if err := s.refresh(ctx, m); err != nil {
		return err
	}
	m.derived.RLock()
	defer m.derived.RUnlock()
	id, err := s.w.LogID(ctx, m.name)
	if err != nil {
		return err
	}
	return fn(facts.Log{DB: s.w.DB(), ID: id, Name: m.name})
}

// maxAnswers bounds the answers kept per log (a parameter makes a key
// per value).
const maxAnswers = 32

// answerSlot holds an endpoint's latest answer for one log and request;
// mu is held while it is brought up to date.
type answerSlot struct {
	mu   sync.Mutex
	last atomic.Pointer[answer]
}

// answer is an endpoint's JSON body as of version gen of what it shows
// (the live state's version, or the derived tables').
type answer struct {
	gen  uint64
	body []byte
}

func (m *monitor) slot(key string) *answerSlot {
	m.answersMu.Lock()
	defer m.answersMu.Unlock()
	if sl := m.answers[key]; sl != nil {
		return sl
	}
	sl := &answerSlot{}
	if m.answers == nil {
		m.answers = map[string]*answerSlot{}
	}
	if len(m.answers) < maxAnswers {
		m.answers[key] = sl
	}
	return sl
}

// answerFrom answers from a slot: update (called with the slot's lock
// held, given the latest answer or nil) returns the answer as of now, the
// same one when it is still current. While one client brings the slot up
// to date, the clients asking meanwhile get the previous answer instead of
// waiting for it: however many ask, an answer is computed once per version
// of what it shows.
func (s *Server) answerFrom(w http.ResponseWriter, sl *answerSlot, update func(last *answer) (*answer, error)) {
	if !sl.mu.TryLock() {
		if a := sl.last.Load(); a != nil {
			writeBody(w, a.body)
			return
		}
		sl.mu.Lock()
	}
	defer sl.mu.Unlock()
	a, err := update(sl.last.Load())
	if err != nil {
		s.fail(w, err)
		return
	}
	sl.last.Store(a)
	writeBody(w, a.body)
}

// marshal is v's JSON body, as writeJSON writes it.
func marshal(gen uint64, v any) (*answer, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &answer{gen: gen, body: append(b, '\n')}, nil
}

// batchAnswer answers a batch endpoint with compute's result, computed
// once per version of the log's derived tables (see answerFrom): the
// tables being the same, so is the answer. Between rebuilds the batch
// endpoints answer from the last one anyway; the clients asking during a
// rebuild get the answer of the one before.
func (s *Server) batchAnswer(w http.ResponseWriter, r *http.Request, m *monitor, key string, compute func(context.Context, facts.Log) (any, error)) {
	s.answerFrom(w, m.slot(key), func(last *answer) (a *answer, err error) {
		err = s.readFacts(r.Context(), m, func(l facts.Log) error {
			gen := m.gen.Load() // stable: rebuilds wait for the read lock
			if last != nil && last.gen == gen {
				a = last
				return nil
			}
			v, err := compute(r.Context(), l)
			if err == nil {
				a, err = marshal(gen, v)
			}
			return err
		})
		return a, err
	})
}

// liveAnswer answers a live view with compute's result, computed once per
// version of the live state (see answerFrom). A batch being applied holds
// the state for a while: meanwhile the views answer as of the batch before.
func (s *Server) liveAnswer(w http.ResponseWriter, m *monitor, key string, version *atomic.Uint64, compute func() (any, error)) {
	sl := m.slot(key)
	if a := sl.last.Load(); a != nil && a.gen == version.Load() {
		writeBody(w, a.body)
		return
	}
	s.answerFrom(w, sl, func(last *answer) (*answer, error) {
		v := version.Load() // read first: a change meanwhile makes the next request compute again
		if last != nil && last.gen == v {
			return last, nil
		}
		x, err := compute()
		if err != nil {
			return nil, err
		}
		return marshal(v, x)
	})
}

// writeBody writes an answer's JSON body.
func writeBody(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request, m *monitor) {
	s.batchAnswer(w, r, m, "stats", func(ctx context.Context, l facts.Log) (any, error) {
		return facts.ComputeStats(ctx, l)
	})
}

func (s *Server) apiDFG(w http.ResponseWriter, r *http.Request, m *monitor) {
	s.batchAnswer(w, r, m, "dfg", func(ctx context.Context, l facts.Log) (any, error) {
		return facts.ComputeDFG(ctx, l)
	})
}

func (s *Server) apiVariants(w http.ResponseWriter, r *http.Request, m *monitor) {
	top, ok := intParam(w, r, "top", 10, 1, 100000)
	if !ok {
		return
	}
	s.batchAnswer(w, r, m, "variants?top="+strconv.Itoa(top), func(ctx context.Context, l facts.Log) (any, error) {
		vs, err := facts.ComputeVariants(ctx, l, top)
		if vs == nil {
			vs = []facts.Variant{}
		}
		return vs, err
	})
}

// analyses caches pmx analyze's report per log for a few seconds: it costs
// seconds on a large log, and twenty clients asking at once need it once.
type analyses struct {
	mu     sync.Mutex
	byLog  map[string]*cachedAnalysis
	maxAge time.Duration
}

type cachedAnalysis struct {
	mu  sync.Mutex
	at  time.Time
	rep *analyze.Report
}

func (s *Server) apiAnalyze(w http.ResponseWriter, r *http.Request, m *monitor) {
	s.an.mu.Lock()
	c := s.an.byLog[m.name]
	if c == nil {
		c = &cachedAnalysis{}
		s.an.byLog[m.name] = c
	}
	s.an.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rep == nil || s.o.Now().Sub(c.at) > s.an.maxAge {
		var l *timeline.Log
		err := s.readFacts(r.Context(), m, func(facts.Log) error {
			var err error
			l, err = timeline.LoadWith(r.Context(), s.w, m.name, timeline.Options{NoRefresh: true})
			return err
		})
		if err != nil {
			s.fail(w, err)
			return
		}
		rep, err := analyze.Run(l, s.analyzeOptions())
		if err != nil {
			s.fail(w, err)
			return
		}
		c.rep, c.at = rep, s.o.Now()
	}
	writeJSON(w, c.rep)
}

func (s *Server) apiOverview(w http.ResponseWriter, r *http.Request, m *monitor) {
	hours, ok := intParam(w, r, "hours", 48, 1, 24*365)
	if !ok {
		return
	}
	s.liveAnswer(w, m, "overview?hours="+strconv.Itoa(hours), &m.version, func() (any, error) {
		return m.state().Overview(hours), nil
	})
}

func (s *Server) apiWorklist(w http.ResponseWriter, r *http.Request, m *monitor) {
	limit, ok := intParam(w, r, "limit", 100, 1, 100000)
	if !ok {
		return
	}
	all := r.URL.Query().Get("all") == "1"
	s.liveAnswer(w, m, "worklist?all="+strconv.FormatBool(all)+"&limit="+strconv.Itoa(limit), &m.version, func() (any, error) {
		return nonNil(m.state().Worklist(all, limit)), nil
	})
}

func (s *Server) apiStuck(w http.ResponseWriter, r *http.Request, m *monitor) {
	limit, ok := intParam(w, r, "limit", 100, 1, 100000)
	if !ok {
		return
	}
	s.liveAnswer(w, m, "stuck?limit="+strconv.Itoa(limit), &m.version, func() (any, error) {
		return nonNil(m.state().Stuck(limit)), nil
	})
}

func (s *Server) apiExceptions(w http.ResponseWriter, r *http.Request, m *monitor) {
	limit, ok := intParam(w, r, "limit", 100, 1, 100000)
	if !ok {
		return
	}
	s.liveAnswer(w, m, "exceptions?limit="+strconv.Itoa(limit), &m.version, func() (any, error) {
		return nonNil(m.state().Exceptions(limit)), nil
	})
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request, m *monitor) {
	limit, ok := intParam(w, r, "limit", 100, 1, 100000)
	if !ok {
		return
	}
	s.liveAnswer(w, m, "alerts?limit="+strconv.Itoa(limit), &s.al.version, func() (any, error) {
		return s.al.list(r.Context(), m.name, limit)
	})
}

// CaseView is what /api/logs/{log}/cases/{case} answers.
type CaseView struct {
	Log    string                `json:"log"`
	Case   string                `json:"case"`
	Attrs  json.RawMessage       `json:"attrs,omitempty"`
	Events []warehouse.CaseEvent `json:"events"`
}

func (s *Server) apiCase(w http.ResponseWriter, r *http.Request, m *monitor) {
	id := r.PathValue("case")
	events, attrs, found, err := s.w.CaseEvents(r.Context(), m.name, id)
	if err != nil {
		s.fail(w, err)
		return
	}
	if !found {
		writeError(w, http.StatusNotFound, "log "+strconv.Quote(m.name)+" has no case "+strconv.Quote(id))
		return
	}
	writeJSON(w, CaseView{Log: m.name, Case: id, Attrs: attrs, Events: events})
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// intParam reads an integer query parameter in [lo, hi].
func intParam(w http.ResponseWriter, r *http.Request, name string, def, lo, hi int) (int, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		writeError(w, http.StatusBadRequest, name+"="+strconv.Quote(v)+": want a whole number from "+strconv.Itoa(lo)+" to "+strconv.Itoa(hi))
		return 0, false
	}
	return n, true
}

// fail answers an error: 404 for a log that is gone, 503 when the request
// was cancelled, else 500 with the cause.
func (s *Server) fail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, warehouse.ErrNoLog):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "request cancelled: "+err.Error())
	default:
		s.o.Logger.Error("api", "err", err)
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

// refresh rebuilds a log's derived tables if events were appended since
// they were built. For a log being ingested that happens at most every
// RefreshEvery, and never more often than five times the last rebuild
// took, so queries cost the ingester at most a sixth of its time; between
// rebuilds the batch endpoints answer from the last one (the live views are
// always current). A log nothing was committed to since the server
// started changes in no other way, so it is rebuilt once, if at all. The
// rebuild holds the tables' write lock (readers see one version, see
// readFacts), taken first so that the ingester never waits for readers,
// then WriteLock: it must not run beside the ingester's commit, which
// updates the same log.
func (s *Server) refresh(ctx context.Context, m *monitor) error {
	m.refreshMu.Lock()
	defer m.refreshMu.Unlock()
	ingested := m.live || m.version.Load() > 0
	if !m.refreshed.IsZero() && (!ingested || s.o.Now().Sub(m.refreshed) < m.refreshGap) {
		return nil
	}
	m.derived.Lock()
	defer m.derived.Unlock()
	if l := s.o.WriteLock; l != nil {
		l.Lock()
		defer l.Unlock()
	}
	t0 := time.Now()
	err := s.w.Refresh(ctx, m.name)
	m.gen.Add(1)
	if errors.Is(err, warehouse.ErrNoLog) && m.live {
		err = nil // nothing stored yet
	}
	if err == nil || ingested { // a failure is retried: at once for a log not being ingested
		m.refreshed = s.o.Now()
	}
	m.refreshGap = max(s.o.RefreshEvery, 5*time.Since(t0))
	return err
}

// analyzeOptions are the options of the server's batch analyses: its SLA
// rules, and business time in Options.Calendar, else the rules' calendar.
func (s *Server) analyzeOptions() analyze.Options {
	o := analyze.Options{SLA: s.o.Rules, Calendar: s.o.Calendar}
	if o.Calendar == nil && s.o.Rules != nil && s.o.Rules.Calendar != nil && s.o.Rules.Calendar.Name() != calendar.Always().Name() {
		o.Calendar = s.o.Rules.Calendar
	}
	return o
}
