package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pmx-dev/pmx/ingest/ocel"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/mining/ocdfg"
)

// ocelName derives a log name from an OCEL file: "x/order.jsonocel" → "order".
func ocelName(path string) string {
	base := filepath.Base(path)
	for {
		switch strings.ToLower(filepath.Ext(base)) {
		case ".sqlite", ".sqlite3", ".db", ".jsonocel", ".xmlocel", ".json", ".xml", ".ocel":
			base = strings.TrimSuffix(base, filepath.Ext(base))
			continue
		}
		return base
	}
}

// importOCEL reads an object-centric log and stores it.
func importOCEL(ctx context.Context, e *env, w *warehouse.Warehouse, path, format, name string, replace, asJSON bool) (ocel.Info, error) {
	start := time.Now()
	l, err := ocel.Read(ctx, path, format)
	if err != nil {
		return ocel.Info{}, fmt.Errorf("import %w", err)
	}
	if name == "" {
		name = ocelName(path)
	}
	info, err := ocel.Save(ctx, w, l, ocel.Options{Name: name, Source: path, Replace: replace})
	if err != nil {
		return ocel.Info{}, err
	}
	if !asJSON {
		fmt.Fprintf(e.stdout, "imported %s as %q (object-centric, %s): %s events, %s objects, %d event types, %d object types, %s event-object and %s object-object relations, %.2fs\n",
			path, info.Name, info.Format, thousands(info.Events), thousands(info.Objects), info.EventTypes, info.ObjectTypes,
			thousands(info.E2O), thousands(info.O2O), time.Since(start).Seconds())
	}
	return info, nil
}

// ocelLog loads an object-centric log, named in the warehouse db or given
// as the one FILE (read into an in-memory warehouse, as classic files are);
// ok is false when the log is a classic one (the caller goes on as before).
func ocelLog(ctx context.Context, db, name string, pos []string) (w *warehouse.Warehouse, g *ocel.Graph, ok bool, err error) {
	if name == "" && len(pos) == 1 {
		format, _ := ocel.Detect(pos[0])
		if format == "" {
			return nil, nil, false, nil
		}
		l, err := ocel.Read(ctx, pos[0], format)
		if err != nil {
			return nil, nil, true, err
		}
		if w, err = warehouse.Open(ctx, warehouse.InMemory); err != nil {
			return nil, nil, true, err
		}
		name = ocelName(pos[0])
		if _, err := ocel.Save(ctx, w, l, ocel.Options{Name: name, Source: pos[0]}); err != nil {
			w.Close()
			return nil, nil, true, err
		}
		if g, err = ocel.Load(ctx, w, name); err != nil {
			w.Close()
			return nil, nil, true, err
		}
		return w, g, true, nil
	}
	if name == "" || len(pos) > 0 {
		return nil, nil, false, nil
	}
	if _, err := os.Stat(db); err != nil {
		return nil, nil, false, nil // the classic path says what is missing
	}
	w, err = warehouse.Open(ctx, db)
	if err != nil {
		return nil, nil, false, err
	}
	li, err := w.Log(ctx, name)
	if err != nil || !ocel.IsOCEL(li.Format) {
		w.Close()
		return nil, nil, false, nil
	}
	g, err = ocel.Load(ctx, w, name)
	if err != nil {
		w.Close()
		return nil, nil, true, err
	}
	return w, g, true, nil
}

// ocelStats prints pmx stats for an object-centric log.
func ocelStats(e *env, g *ocel.Graph, asJSON bool) error {
	s := ocel.ComputeStats(g)
	if asJSON {
		return writeJSON(e.stdout, s)
	}
	fmt.Fprintf(e.stdout, "log          %s (object-centric)\nevents       %s\nobjects      %s\nrelations    %s event-object\n\n",
		s.Log, thousands(s.Events), thousands(s.Objects), thousands(s.E2O))
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "OBJECT TYPE\tOBJECTS\tEVENTS\tEVENTS/OBJECT MIN\tMEAN\tMAX\t")
	for _, p := range s.PerObjectType {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.2f\t%d\t\n", p.Type, thousands(p.Objects), thousands(p.Events), p.Min, p.Mean, p.Max)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout)
	tw = tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "EVENT TYPE\tEVENTS\t")
	for _, c := range s.EventsPerType {
		fmt.Fprintf(tw, "%s\t%s\t\n", c.Type, thousands(c.Count))
	}
	return tw.Flush()
}

// ocelDFG prints the object-centric DFG.
func ocelDFG(e *env, g *ocel.Graph, asJSON bool) error {
	d := ocdfg.Discover(ocdfg.Input{Activities: g.EventTypes, ObjectType: g.ObjectTypes, Lifecycles: g.ObjectEvents})
	if asJSON {
		return writeJSON(e.stdout, d)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "OBJECT TYPE\tFROM\tTO\tEVENT COUPLES\tUNIQUE OBJECTS\tTOTAL OBJECTS")
	for _, t := range d.Types {
		for _, s := range t.Start {
			fmt.Fprintf(tw, "%s\t▶\t%s\t%s\t%s\t%s\n", t.Type, s.Activity, thousands(s.Events), thousands(s.UniqueObjects), thousands(s.TotalObjects))
		}
		for _, ed := range t.Edges {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Type, ed.From, ed.To, thousands(ed.EventCouples), thousands(ed.UniqueObjects), thousands(ed.TotalObjects))
		}
		for _, s := range t.End {
			fmt.Fprintf(tw, "%s\t%s\t■\t%s\t%s\t%s\n", t.Type, s.Activity, thousands(s.Events), thousands(s.UniqueObjects), thousands(s.TotalObjects))
		}
	}
	return tw.Flush()
}

var errNotOCEL = errors.New("not an object-centric log")
