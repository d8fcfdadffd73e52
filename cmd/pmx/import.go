package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/ingest"
	"github.com/pmx-dev/pmx/ingest/ocel"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func runImport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "import", "[flags] FILE...")
	db := fs.String("db", defaultDB, "warehouse file (created if missing)")
	name := fs.String("name", "", "log name (default: the file name without extensions; only with one FILE)")
	replace := fs.Bool("replace", false, "replace a log of the same name")
	asJSON := fs.Bool("json", false, "print JSON (schema in README)")
	trace := fs.Bool("trace", false, "print each SQL step of the import and its duration to stderr")
	imp := addImportFlags(fs, "input-format")
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no FILE given: %w", errUsage)
	}
	if *name != "" && len(files) > 1 {
		return fmt.Errorf("--name needs exactly one FILE (got %d): %w", len(files), errUsage)
	}
	opt, err := imp.options()
	if err != nil {
		return err
	}
	opt.Name, opt.Replace = *name, *replace
	if *trace {
		opt.Trace = func(stmt string, d time.Duration) {
			stmt = strings.Join(strings.Fields(stmt), " ")
			if len(stmt) > 100 {
				stmt = stmt[:100] + "…"
			}
			fmt.Fprintf(e.stderr, "%8.3fs  %s\n", d.Seconds(), stmt)
		}
	}
	// Every file's format is checked before the warehouse is touched, so a
	// wrong second file does not leave the first imported and a wrong
	// only file does not leave an empty warehouse behind.
	if opt.Format == "" {
		for _, f := range files {
			if k, _ := ocel.Detect(f); k != "" {
				continue
			}
			if _, err := ingest.DetectFormat(f); err != nil {
				return fmt.Errorf("import %w", err)
			}
		}
	}
	_, statErr := os.Stat(*db)
	created := os.IsNotExist(statErr)
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	var infos []any // warehouse.LogInfo, or ocel.Info for an object-centric log
	for _, f := range files {
		start := time.Now()
		if k, _ := ocel.Detect(f); k != "" && opt.Format == "" {
			oi, err := importOCEL(ctx, e, w, f, k, opt.Name, opt.Replace, *asJSON)
			if err != nil {
				if created && len(infos) == 0 {
					w.Close()
					os.Remove(*db)
					os.Remove(*db + ".wal")
				}
				return err
			}
			infos = append(infos, oi)
			continue
		}
		info, err := importWithProgress(ctx, e, w, f, opt)
		if err != nil {
			if created && len(infos) == 0 {
				// Nothing was imported into the file this command made:
				// leave no empty warehouse behind.
				w.Close()
				os.Remove(*db)
				os.Remove(*db + ".wal")
			}
			return err
		}
		infos = append(infos, info)
		if !*asJSON {
			el := time.Since(start)
			fmt.Fprintf(e.stdout, "imported %s as %q: %s events (%s activity instances), %s cases, %s rejected, %.2fs (%s events/s)\n",
				f, info.Name, thousands(info.Events), thousands(info.Instances), thousands(info.Cases),
				thousands(info.Rejects), el.Seconds(), thousands(int64(float64(info.Events)/el.Seconds())))
		}
	}
	if *asJSON {
		return writeJSON(e.stdout, infos)
	}
	return nil
}
