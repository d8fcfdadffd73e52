package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/report/table"
)

func runSQL(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "sql", `[--db pmx.duckdb] [--format table|csv|json] "SELECT …"

Read-only. Views: v_events, v_steps, v_cases, v_variants; macros: throughput_time(log, case),
rework_count(log, case, activity), waiting_time(log, case). Columns and units: README, "pmx sql".`)
	db := fs.String("db", defaultDB, "warehouse file (opened read-only)")
	format := fs.String("format", "table", "output: "+strings.Join(table.Formats, ", "))
	asJSON := fs.Bool("json", false, "same as --format json")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return fmt.Errorf("give one query (quote it): %w", errUsage)
	}
	if *asJSON {
		*format = "json"
	}
	if !slices.Contains(table.Formats, *format) {
		return fmt.Errorf("--format %q: want one of %s: %w", *format, strings.Join(table.Formats, ", "), errUsage)
	}
	if _, err := os.Stat(*db); err != nil {
		return fmt.Errorf("no warehouse at %s (run pmx import first, or pass --db)", *db)
	}
	r, err := warehouse.OpenReadOnly(ctx, *db)
	if err != nil {
		return err
	}
	defer r.Close()
	res, err := r.Query(ctx, pos[0])
	if err != nil {
		return err
	}
	out := e.stdout
	if *format == "json" {
		// JSON escapes what a terminal would act on; keep exact values.
		return table.Write(jsonSafeWriter{out}, *format, res.Columns, res.Rows)
	}
	return table.Write(out, *format, res.Columns, res.Rows)
}

// jsonSafeWriter writes JSON with the runes a terminal may act on escaped
// (same JSON value), as writeJSON does.
type jsonSafeWriter struct {
	w interface{ Write([]byte) (int, error) }
}

func (j jsonSafeWriter) Write(p []byte) (int, error) {
	if _, err := j.w.Write(jsonSafe(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
