package serve

import (
	"bytes"
	"net/http"

	"github.com/pmx-dev/pmx/analysis/analyze"
	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/report"
)

// pageRoutes maps the HTML pages and their assets.
func (s *Server) pageRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", s.indexPage)
	mux.HandleFunc("GET /assets/{name}", s.asset)
	// Browsers ask for it unprompted; an empty answer keeps their consoles
	// (and the browser test's error log) clean.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /logs/{log}", s.withLog(s.livePage))
	mux.HandleFunc("GET /logs/{log}/report", s.withLog(s.reportPage))
}

func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	b, ctype, ok := report.Asset(r.PathValue("name"))
	if !ok {
		writeError(w, http.StatusNotFound, "no such asset")
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(b)
}

func writeHTML(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

func (s *Server) indexPage(w http.ResponseWriter, r *http.Request) {
	logs, err := s.w.Logs(r.Context())
	if err != nil {
		s.fail(w, err)
		return
	}
	var list []report.IndexLog
	seen := map[string]bool{}
	for _, l := range logs {
		m := s.monitorOf(l.Name)
		list = append(list, report.IndexLog{Name: l.Name, Cases: l.Cases, Instances: l.Instances, Live: m != nil && m.live})
		seen[l.Name] = true
	}
	for _, n := range s.logNames() {
		if !seen[n] { // being ingested, nothing stored yet
			list = append(list, report.IndexLog{Name: n, Live: true})
		}
	}
	var b bytes.Buffer
	if err := report.WriteIndex(&b, list); err != nil {
		s.fail(w, err)
		return
	}
	writeHTML(w, b.Bytes())
}

// livePage draws the log's process map (from its stored log) and leaves
// the rest to the page's script.
func (s *Server) livePage(w http.ResponseWriter, r *http.Request, m *monitor) {
	p := report.LivePage{Log: m.name, Live: m.live}
	var failed error // not stored yet: the page without a map
	_ = s.readFacts(r.Context(), m, func(l facts.Log) error {
		if p.Stats, failed = facts.ComputeStats(r.Context(), l); failed == nil {
			p.DFG, failed = facts.ComputeDFG(r.Context(), l)
		}
		return nil
	})
	if failed != nil {
		s.fail(w, failed)
		return
	}
	var b bytes.Buffer
	if err := report.WriteLivePage(r.Context(), &b, p); err != nil {
		s.fail(w, err)
		return
	}
	writeHTML(w, b.Bytes())
}

// reportPage is the batch report of the log, with its findings and SLA
// sections (pmx report without a model section). The report is one
// self-contained file with inline scripts, so it is served in a sandbox
// (an opaque origin: it reaches neither the API nor the token cookie).
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, m *monitor) {
	var in report.Input
	var tl *timeline.Log
	err := s.readFacts(r.Context(), m, func(l facts.Log) error {
		var err error
		if in, err = report.Gather(r.Context(), l, 20); err != nil {
			return err
		}
		tl, err = timeline.LoadWith(r.Context(), s.w, m.name, timeline.Options{NoRefresh: true})
		return err
	})
	if err != nil {
		s.fail(w, err)
		return
	}
	o := s.analyzeOptions()
	o.Skip = analyze.PartWIP | analyze.PartDrift
	if in.Analysis, err = analyze.Run(tl, o); err != nil {
		s.fail(w, err)
		return
	}
	var b bytes.Buffer
	if err := report.Write(&b, in); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Security-Policy", "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:")
	writeHTML(w, b.Bytes())
}
