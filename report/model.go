package report

import (
	"context"
	"fmt"
	"html/template"
	"math"
)

// Model is the report's process-model section: a discovered (or given)
// model drawn from its DOT text, and how well the log conforms to it. The
// caller renders the DOT (mining/export) and computes the figures
// (mining/conformance); the report lays it out and shows it.
type Model struct {
	Algorithm string // e.g. "Inductive Miner – infrequent (noise 0.20)"
	Notation  string // process tree in PM4Py notation, when the model is a tree
	DOT       string // Graphviz DOT of the Petri net (or tree)
	// Titles maps DOT node names to the full text of each node, shown as
	// its tooltip (export.PetriNetTitles): the DOT's labels are cut to a
	// readable length, the tooltip is not. Optional.
	Titles      map[string]string
	Places      int
	Transitions int
	Arcs        int
	Conformance *Conformance // nil when not checked
}

// Conformance is the model's quality against the log.
type Conformance struct {
	Method         string  // "alignments" or "token replay"
	Fitness        float64 // log fitness in [0,1]
	FittingShare   float64 // share of cases that fit perfectly, in [0,1]
	Precision      float64 // NaN when not computed
	Generalization float64 // NaN when not computed
	Simplicity     float64 // NaN when not computed
	Unaligned      int64   // cases whose variant exceeded the alignment budget
	Deviations     []Deviation
}

// Deviation is where log and model disagree on one activity: moves on the
// log only (the log has it where the model does not allow it) and moves on
// the model only (the model needs it where the log lacks it), in cases.
type Deviation struct {
	Activity   string
	LogMoves   int64
	ModelMoves int64
}

// modelPage is the template's view of the model section.
type modelPage struct {
	Algorithm, Notation         string
	SVG                         template.HTML
	Places, Transitions, Arcs   int
	HasConformance              bool
	Method                      string
	Figures                     []kpi
	Deviations                  []deviationRow
	DeviationsHidden, Unaligned int64
}

type deviationRow struct {
	Activity             shortName
	LogMoves, ModelMoves string
}

// maxDeviationRows keeps the table readable; the rest is counted.
const maxDeviationRows = 15

func modelSection(m *Model) (*modelPage, error) {
	if m == nil {
		return nil, nil
	}
	mp := &modelPage{Algorithm: m.Algorithm, Notation: m.Notation, Places: m.Places, Transitions: m.Transitions, Arcs: m.Arcs}
	if m.DOT != "" {
		// The model's ids get a prefix: the map's SVG is on the same page
		// and Graphviz numbers both from graph0, node1, edge1.
		svg, err := renderSVG(context.Background(), m.DOT, svgOptions{idPrefix: "model-", titles: m.Titles})
		if err != nil {
			return nil, fmt.Errorf("report: model: %w", err)
		}
		mp.SVG = template.HTML(svg)
	}
	if c := m.Conformance; c != nil {
		mp.HasConformance, mp.Method, mp.Unaligned = true, c.Method, c.Unaligned
		mp.Figures = []kpi{
			{Label: "Fitness", Value: ratio(c.Fitness)},
			{Label: "Fitting cases", Value: percent(c.FittingShare)},
			{Label: "Precision", Value: ratio(c.Precision)},
			{Label: "Generalization", Value: ratio(c.Generalization)},
			{Label: "Simplicity", Value: ratio(c.Simplicity)},
		}
		for i, d := range c.Deviations {
			if i == maxDeviationRows {
				mp.DeviationsHidden = int64(len(c.Deviations) - i)
				break
			}
			mp.Deviations = append(mp.Deviations, deviationRow{Activity: short(d.Activity),
				LogMoves: humanCount(d.LogMoves), ModelMoves: humanCount(d.ModelMoves)})
		}
	}
	return mp, nil
}

func ratio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.3f", v)
}
