package main

import (
	"context"
	"fmt"

	"github.com/pmx-dev/pmx/report/export"
)

func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "export", "(-o FILE.xes|.xes.gz|.csv|.csv.gz|.parquet | --parquet-dir DIR) [flags] (--log NAME | FILE)")
	src := addSourceFlags(fs)
	out := fs.String("o", "", "output file; its name says the format: .xes, .xes.gz, .csv, .csv.gz or .parquet")
	dir := fs.String("parquet-dir", "", "write hive-partitioned Parquet under this directory: DIR/log=NAME/month=YYYY-MM/*.parquet (other logs' partitions are kept)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if (*out == "") == (*dir == "") {
		return fmt.Errorf("give exactly one of -o FILE and --parquet-dir DIR: %w", errUsage)
	}
	if *out != "" {
		if _, _, err := export.FormatOf(*out); err != nil {
			return fmt.Errorf("%w: %w", err, errUsage)
		}
	}
	guard := src.guard(pos)
	w, name, err := src.openWarehouse(ctx, e, pos)
	if err != nil {
		return err
	}
	defer w.Close()
	res, err := export.Export(ctx, w, name, export.Options{Out: *out, ParquetDir: *dir}, guard)
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, res)
	}
	fmt.Fprintf(e.stdout, "exported %q to %s (%s): %s events, %s cases\n", res.Log, res.Output, res.Format, thousands(res.Events), thousands(res.Cases))
	return nil
}
