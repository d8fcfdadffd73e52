package report

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"path"
	"sync"

	"github.com/pmx-dev/pmx/analysis/facts"
)

// The live pages (pmx serve) load their scripts and styles from the server
// (/assets/NAME), never inline, so the server can forbid inline code with
// its Content-Security-Policy; their data comes from its JSON API.

//go:embed assets/live.html.tmpl assets/index.html.tmpl assets/live.js assets/live.css
var liveAssets embed.FS

// Asset returns an asset the live pages load, with its content type: the
// report's stylesheet and echarts, and the live page's own script and
// stylesheet.
func Asset(name string) ([]byte, string, bool) {
	var b []byte
	var err error
	switch name {
	case "report.css", "echarts.min.js":
		b, err = assets.ReadFile("assets/" + name)
	case "live.js", "live.css":
		b, err = liveAssets.ReadFile("assets/" + name)
	default:
		return nil, "", false
	}
	if err != nil {
		return nil, "", false
	}
	types := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
	return b, types[path.Ext(name)], true
}

var liveTemplates = sync.OnceValues(func() (*template.Template, error) {
	return template.ParseFS(liveAssets, "assets/live.html.tmpl", "assets/index.html.tmpl")
})

// LivePage is what the live page of a log shows before its script fetches
// the rest.
type LivePage struct {
	Log string
	// Live says the log is being ingested (the page says so).
	Live bool
	// DFG and Stats draw the process map the live counts are put on.
	DFG   facts.DFG
	Stats facts.Stats
	// Base is the path the page's links start from ("" for the server's
	// root).
	Base string
}

type livePageView struct {
	Log, Base string
	Live      bool
	MapSVG    template.HTML
	HasMap    bool
	Nodes     string // JSON: the map's nodes (ids and activity names)
}

// WriteLivePage writes the live page of a log.
func WriteLivePage(ctx context.Context, w io.Writer, p LivePage) error {
	t, err := liveTemplates()
	if err != nil {
		return fmt.Errorf("report: live page template: %w", err)
	}
	v := livePageView{Log: p.Log, Base: p.Base, Live: p.Live, Nodes: "[]"}
	pm := buildProcessMap(p.DFG, p.Stats)
	if len(pm.Nodes) > 0 {
		svg, err := renderSVG(ctx, pm.dot(), svgOptions{idPrefix: "live-"})
		if err != nil {
			return err
		}
		v.MapSVG, v.HasMap = template.HTML(svg), true
		b, err := json.Marshal(pm.Nodes)
		if err != nil {
			return err
		}
		v.Nodes = string(b)
	}
	return t.ExecuteTemplate(w, "live.html.tmpl", v)
}

// IndexLog is one log on the server's index page.
type IndexLog struct {
	Name             string
	Cases, Instances int64
	Live             bool
}

// WriteIndex writes the server's index page: the logs it serves.
func WriteIndex(w io.Writer, logs []IndexLog) error {
	t, err := liveTemplates()
	if err != nil {
		return fmt.Errorf("report: index template: %w", err)
	}
	return t.ExecuteTemplate(w, "index.html.tmpl", logs)
}
