package main

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/analysis/sim/scenario"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/demo"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/report"
	"github.com/pmx-dev/pmx/report/outfile"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	flags := newFlags(e, "demo", "[flags]")
	db := flags.String("db", defaultDB, "warehouse file the demo log is imported into")
	out := flags.String("o", "pmx-demo.html", "output HTML report")
	asJSON := flags.Bool("json", false, "print JSON: {log, stats, report} (schema in README)")
	file := flags.String("file", "", "import this XES file instead of the bundled demo log (the report then has no service-level section)")
	if pos, err := parse(flags, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: %w", pos[0], errUsage)
	}
	guard := &outfile.Guard{}
	guard.ProtectWarehouse(*db)
	guard.Protect(*file, "the demo log")
	if err := guard.Check(*out); err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	path := *file
	var info warehouse.LogInfo
	if path != "" {
		info, err = importWithProgress(ctx, e, w, path, ingest.FileOptions{Name: demo.LogName, Replace: true})
	} else {
		// The log is in the binary, so the demo runs from any directory.
		path = "the bundled demo log"
		var f fs.File
		if f, err = demo.FS.Open(demo.Log); err == nil {
			info, err = ingest.ImportXES(ctx, w, f, "pmx demo (bundled "+demo.Log+")", ingest.FileOptions{Name: demo.LogName, Replace: true})
			f.Close()
		}
	}
	if err != nil {
		return err
	}
	l := facts.Log{DB: w.DB(), ID: info.ID, Name: info.Name}
	in, err := report.Gather(ctx, l, 20)
	if err != nil {
		return err
	}
	if in.Model, _, err = reportModel(ctx, w, info.Name, modelSpec{algo: "imf", noise: discover.DefaultNoise}, nil); err != nil {
		return err
	}
	// The demo's service levels and business hours are bundled with it.
	af := &analyzeFlags{alpha: 0.01, seed: 1, top: 10}
	ao, err := af.options()
	if err != nil {
		return err
	}
	if *file == "" {
		if ao.SLA, err = demoRules(); err != nil {
			return err
		}
		ao.Calendar = ao.SLA.Calendar
	}
	if in.Analysis, err = reportAnalysis(ctx, w, info.Name, ao); err != nil {
		return err
	}
	if *file == "" {
		// The bundled what-if scenarios, simulated on a model fitted to
		// the demo log in its desk's time zone.
		var scs []*scenario.Scenario
		for _, name := range demo.Scenarios {
			f, err := demo.FS.Open(name)
			if err != nil {
				return err
			}
			sc, err := scenario.Parse(f, name)
			f.Close()
			if err != nil {
				return err
			}
			scs = append(scs, sc)
		}
		if in.WhatIf, err = whatIf(ctx, w, info.Name, scs, ao.SLA, ao.Calendar.Location(), 1, 10); err != nil {
			return fmt.Errorf("what-if section: %w", err)
		}
	}
	if err := writeReport(*out, guard, in); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, struct {
			Log    warehouse.LogInfo `json:"log"`
			Stats  facts.Stats       `json:"stats"`
			Report string            `json:"report"`
		}{info, in.Stats, *out})
	}
	fmt.Fprintf(e.stdout, "imported %s into %s as log %q: %s events, %s cases\n", path, *db, info.Name,
		thousands(info.Events), thousands(info.Cases))
	s := in.Stats
	fmt.Fprintf(e.stdout, "%s cases, %s activity instances, %s activities, %s variants; median case duration %s\n",
		thousands(s.Cases), thousands(s.Events), thousands(s.Activities), thousands(s.Variants), human(s.CaseDuration.Median))
	dbFlag := ""
	if *db != defaultDB {
		dbFlag = " --db " + *db
	}
	fmt.Fprintf(e.stdout, "wrote %s — open it in a browser (works offline)\nnext: pmx stats%[2]s --log demo-incidents; pmx variants%[2]s --log demo-incidents; pmx dfg%[2]s --log demo-incidents\n", *out, dbFlag)
	return nil
}

// demoRules reads the bundled SLA rules and their calendar.
func demoRules() (*sla.Rules, error) {
	f, err := demo.FS.Open(demo.SLA)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return sla.Parse(f, demo.SLA, sla.FSCalendars(demo.FS, "."))
}
