package report

import (
	"context"
	"time"

	"github.com/pmx-dev/pmx/analysis/facts"
)

// Gather reads the facts every report shows for a warehouse log — its
// statistics, top variants, directly-follows graph and case-duration
// histogram, computed by analysis/facts in DuckDB — into an Input. The
// optional sections (model, analysis, what-if, optimisation) are the
// caller's to add.
func Gather(ctx context.Context, l facts.Log, top int) (Input, error) {
	in := Input{Title: "pmx report — " + l.Name, Source: l.Name, Generated: time.Now().UTC()}
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
