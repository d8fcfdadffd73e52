package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pmx-dev/pmx/analysis/facts"
	"github.com/pmx-dev/pmx/report"
)

func runReport(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "report", "[flags] (--log NAME | FILE)")
	src := addSourceFlags(fs)
	out := fs.String("o", "report.html", "output HTML file")
	top := fs.Int("top", 20, "variants shown")
	l, closeFn, err := src.parseAndOpen(ctx, e, fs, args)
	if err != nil {
		return err
	}
	defer closeFn()
	in, err := reportInput(ctx, l, *top)
	if err != nil {
		return err
	}
	if err := writeReport(*out, in); err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, map[string]string{"report": *out})
	}
	fmt.Fprintf(e.stdout, "wrote %s\n", *out)
	return nil
}

// reportInput gathers the facts the report shows.
func reportInput(ctx context.Context, l facts.Log, top int) (report.Input, error) {
	in := report.Input{Title: "pmx report — " + l.Name, Source: l.Name, Generated: time.Now().UTC()}
	var err error
	if in.Stats, err = facts.ComputeStats(ctx, l); err != nil {
		return in, err
	}
	if in.Variants, err = facts.ComputeVariants(ctx, l, top); err != nil {
		return in, err
	}
	if in.DFG, err = facts.ComputeDFG(ctx, l); err != nil {
		return in, err
	}
	in.Durations, err = facts.ComputeCaseDurations(ctx, l)
	return in, err
}

// writeReport writes atomically: a reader never sees half a report.
func writeReport(path string, in report.Input) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pmx-report-*.html")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := report.Write(tmp, in); err != nil {
		tmp.Close()
		return fmt.Errorf("report %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes 0600; a report is meant to be shared
		return err
	}
	return os.Rename(tmp.Name(), path)
}
