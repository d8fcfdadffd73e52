package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/report/outfile"
)

// demoLog is the bundled synthetic IT-incident log, relative to the
// repository root.
const demoLog = "testdata/demo/incidents.xes.gz"

// demoSLA are the demo log's service-level rules (with its calendar).
const demoSLA = "testdata/sla/incidents.yaml"

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "[flags]")
	db := fs.String("db", defaultDB, "warehouse file the demo log is imported into")
	out := fs.String("o", "pmx-demo.html", "output HTML report")
	asJSON := fs.Bool("json", false, "print JSON: {log, stats, report} (schema in README)")
	file := fs.String("file", "", "demo log to use (default: "+demoLog+" found from the current directory upwards)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: %w", pos[0], errUsage)
	}
	path := *file
	if path == "" {
		var err error
		if path, err = findUp(demoLog); err != nil {
			return err
		}
	}
	guard := &outfile.Guard{}
	guard.ProtectWarehouse(*db)
	guard.Protect(path, "the demo log")
	if err := guard.Check(*out); err != nil {
		return err
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	info, err := importWithProgress(ctx, e, w, path, ingest.FileOptions{Name: "demo-incidents", Replace: true})
	if err != nil {
		return err
	}
	l := facts.Log{DB: w.DB(), ID: info.ID, Name: info.Name}
	in, err := reportInput(ctx, l, 20)
	if err != nil {
		return err
	}
	if in.Model, err = reportModel(ctx, w, info.Name, modelSpec{algo: "imf", noise: discover.DefaultNoise}); err != nil {
		return err
	}
	// The demo's service levels and business hours sit next to the log.
	af := &analyzeFlags{alpha: 0.01, seed: 1, top: 10}
	if rules, err := findUp(demoSLA); err == nil {
		af.sla = rules
	}
	ao, err := af.options()
	if err != nil {
		return err
	}
	if in.Analysis, err = reportAnalysis(ctx, w, info.Name, ao); err != nil {
		return err
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
	fmt.Fprintf(e.stdout, "%s cases, %s activity instances, %d activities, %s variants; median case duration %s\n",
		thousands(s.Cases), thousands(s.Events), s.Activities, thousands(s.Variants), human(s.CaseDuration.Median))
	dbFlag := ""
	if *db != defaultDB {
		dbFlag = " --db " + *db
	}
	fmt.Fprintf(e.stdout, "wrote %s — open it in a browser (works offline)\nnext: pmx stats%[2]s --log demo-incidents; pmx variants%[2]s --log demo-incidents; pmx dfg%[2]s --log demo-incidents\n", *out, dbFlag)
	return nil
}

// findUp looks for rel in the current directory and its parents, so the
// demo works from anywhere inside a checkout.
func findUp(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("bundled demo log " + rel + " not found from the current directory upwards; run pmx demo inside the pmx checkout or pass --file")
		}
		dir = parent
	}
}
