package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func runLogs(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "logs", "[flags]")
	db := fs.String("db", defaultDB, "warehouse file")
	asJSON := fs.Bool("json", false, "print JSON (schema in README)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: %w", pos[0], errUsage)
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("no warehouse at %s (run pmx import first, or pass --db)", *db)
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	logs, err := w.Logs(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if logs == nil {
			logs = []warehouse.LogInfo{}
		}
		return writeJSON(e.stdout, logs)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFORMAT\tEVENTS\tINSTANCES\tCASES\tREJECTS\tLIFECYCLE\tIMPORTED\tSOURCE")
	for _, l := range logs {
		inst, cases := thousands(l.Instances), thousands(l.Cases)
		if l.Stale { // appended to since derived: the figures are from the last analysis
			inst, cases = inst+"*", cases+"*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", l.Name, l.Format, thousands(l.Events), inst,
			cases, thousands(l.Rejects), l.Lifecycle, l.ImportedAt, l.Source)
	}
	for _, l := range logs {
		if l.DerivedFrom != "" {
			fmt.Fprintf(tw, "%s is filtered from %s: %s\n", l.Name, l.DerivedFrom, l.Filter)
		}
	}
	for _, l := range logs {
		if l.Stale {
			fmt.Fprintln(tw, "* events were streamed in since; the next analysis of the log refreshes these figures")
			break
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// A file another DuckDB release created is worth a word: it opens, but
	// the user may want to know which pmx wrote it.
	if h, ok, _ := warehouse.ReadFileHeader(*db); ok && h.CreatedBy != "" {
		if v, err := warehouse.EngineVersion(ctx); err == nil && v != h.CreatedBy {
			fmt.Fprintf(e.stdout, "(the warehouse file was created by DuckDB %s; this pmx runs DuckDB %s and reads it)\n", h.CreatedBy, v)
		}
	}
	return nil
}
