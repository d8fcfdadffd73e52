package bpmnview

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/report"
)

// Section builds the report's "Designed model vs reality" section (set it
// as report.Input.Designed): the overlay, its drawing and its tables.
// name is how the page names the model (the BPMN file's base name);
// warnings are the reader's and converter's (bpmn.Model.Warnings, then
// bpmn.Conversion.Warnings). conf carries the conformance figures; pass
// the ones pmx computes for the model section (quality.Evaluate, which
// adds precision), or nil to take fitness and the deviations from
// in.Align alone (precision then shows as not computed).
func Section(ctx context.Context, in Input, name string, warnings []string, conf *report.Conformance) (*report.Designed, *Overlay, error) {
	ov, err := Compute(in)
	if err != nil {
		return nil, nil, err
	}
	svg, err := SVG(ctx, in.Model, ov)
	if err != nil {
		return nil, nil, err
	}
	p, _ := pickProcess(in.Model, ov.Process) // Compute found it
	d := &report.Designed{Name: name, Process: processName(p), SVG: svg, Conformance: conf, Warnings: warnings}
	if d.Conformance == nil {
		d.Conformance = Conformance(in)
	}
	names := map[string]string{}
	for _, n := range p.Nodes {
		names[n.ID] = orID(n.Name, n.ID)
	}
	for _, t := range ov.Tasks {
		if t.Ran {
			d.Tasks = append(d.Tasks, report.DesignedTask{Name: orID(t.Name, t.Node), Sync: t.Sync, Skipped: t.Skipped, SkipRate: t.SkipRate})
		}
	}
	for _, l := range ov.LogOnly {
		d.LogOnly = append(d.LogOnly, report.DesignedLogOnly{Activity: l.Activity, After: names[l.After], Count: l.Count})
	}
	return d, ov, nil
}

// Conformance is the figures the alignments give on their own: fitness,
// the share of fitting cases, the unaligned cases and the deviations per
// activity (moves weighted by their variant's cases); precision,
// generalization and simplicity are NaN (not computed).
func Conformance(in Input) *report.Conformance {
	al := in.Align
	c := &report.Conformance{Method: "alignments", Fitness: al.LogFitness, FittingShare: al.PercentageFitting / 100,
		Precision: math.NaN(), Generalization: math.NaN(), Simplicity: math.NaN(),
		Unaligned: al.UnalignedCases, UnalignedVariants: al.UnalignedVariants,
		FitnessIsLowerBound: al.ModelCostIsBound && al.AlignedCases > 0, FitnessBoundReason: al.ModelCostReason}
	if al.AlignedCases == 0 {
		c.Fitness, c.FittingShare = math.NaN(), math.NaN()
	}
	dev := map[string]*report.Deviation{}
	get := func(a string) *report.Deviation {
		if dev[a] == nil {
			dev[a] = &report.Deviation{Activity: a}
		}
		return dev[a]
	}
	for _, va := range al.Variants {
		if !va.Aligned {
			continue
		}
		for _, m := range va.Moves {
			switch {
			case m.Kind == conformance.LogMove && m.Activity >= 0 && int(m.Activity) < len(in.Log.Activities):
				get(in.Log.Activities[m.Activity]).LogMoves += va.Count
			case m.Kind == conformance.ModelMove && m.Transition >= 0 && int(m.Transition) < len(in.Net.Transitions):
				get(in.Net.Transitions[m.Transition].Label).ModelMoves += va.Count
			}
		}
	}
	for _, d := range dev {
		c.Deviations = append(c.Deviations, *d)
	}
	slices.SortFunc(c.Deviations, func(a, b report.Deviation) int {
		if x := cmp.Compare(b.LogMoves+b.ModelMoves, a.LogMoves+a.ModelMoves); x != 0 {
			return x
		}
		return cmp.Compare(a.Activity, b.Activity)
	})
	return c
}
