package serve

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
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

// factsLog readies a log for the batch endpoints: its derived tables are
// rebuilt if events were appended since (see refresh).
func (s *Server) factsLog(ctx context.Context, m *monitor) (facts.Log, error) {
	if err := s.refresh(ctx, m); err != nil {
		return facts.Log{}, err
	}
	id, err := s.w.LogID(ctx, m.name)
	if err != nil {
		return facts.Log{}, err
	}
	return facts.Log{DB: s.w.DB(), ID: id, Name: m.name}, nil
}

func (s *Server) apiStats(w http.ResponseWriter, r *http.Request, m *monitor) {
	l, err := s.factsLog(r.Context(), m)
	if err != nil {
		s.fail(w, err)
		return
	}
	st, err := facts.ComputeStats(r.Context(), l)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, st)
}

func (s *Server) apiDFG(w http.ResponseWriter, r *http.Request, m *monitor) {
	l, err := s.factsLog(r.Context(), m)
	if err != nil {
		s.fail(w, err)
		return
	}
	g, err := facts.ComputeDFG(r.Context(), l)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, g)
}

func (s *Server) apiVariants(w http.ResponseWriter, r *http.Request, m *monitor) {
	top, ok := intParam(w, r, "top", 10, 1, 100000)
	if !ok {
		return
	}
	l, err := s.factsLog(r.Context(), m)
	if err != nil {
		s.fail(w, err)
		return
	}
	vs, err := facts.ComputeVariants(r.Context(), l, top)
	if err != nil {
		s.fail(w, err)
		return
	}
	if vs == nil {
		vs = []facts.Variant{}
	}
	writeJSON(w, vs)
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
		if _, err := s.factsLog(r.Context(), m); err != nil {
			s.fail(w, err)
			return
		}
		l, err := timeline.LoadWith(r.Context(), s.w, m.name, timeline.Options{NoRefresh: true})
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
	writeJSON(w, m.state().Overview(hours))
}

func (s *Server) apiWorklist(w http.ResponseWriter, r *http.Request, m *monitor) {
	limit, ok := intParam(w, r, "limit", 100, 1, 100000)
	if !ok {
		return
	}
	items := m.state().Worklist(r.URL.Query().Get("all") == "1", limit)
	writeJSON(w, nonNil(items))
}

func (s *Server) apiStuck(w http.ResponseWriter, r *http.Request, m *monitor) {
	limit, ok := intParam(w, r, "limit", 100, 1, 100000)
	if !ok {
		return
	}
	writeJSON(w, nonNil(m.state().Stuck(limit)))
}

func (s *Server) apiExceptions(w http.ResponseWriter, r *http.Request, m *monitor) {
	limit, ok := intParam(w, r, "limit", 100, 1, 100000)
	if !ok {
		return
	}
	writeJSON(w, nonNil(m.state().Exceptions(limit)))
}

func (s *Server) apiAlerts(w http.ResponseWriter, r *http.Request, m *monitor) {
	limit, ok := intParam(w, r, "limit", 100, 1, 100000)
	if !ok {
		return
	}
	as, err := s.al.list(r.Context(), m.name, limit)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, as)
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
// always current). The rebuild takes WriteLock: it must not run beside the
// ingester's commit, which updates the same log.
func (s *Server) refresh(ctx context.Context, m *monitor) error {
	m.refreshMu.Lock()
	defer m.refreshMu.Unlock()
	if m.live && !m.refreshed.IsZero() && s.o.Now().Sub(m.refreshed) < m.refreshGap {
		return nil
	}
	if l := s.o.WriteLock; l != nil {
		l.Lock()
		defer l.Unlock()
	}
	t0 := time.Now()
	err := s.w.Refresh(ctx, m.name)
	if errors.Is(err, warehouse.ErrNoLog) && m.live {
		err = nil // nothing stored yet
	}
	m.refreshed = s.o.Now()
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
