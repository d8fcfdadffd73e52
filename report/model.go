package report

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"strings"
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
	// UnalignedVariants is how many variants those cases make up (0:
	// unknown, the page then gives cases only).
	UnalignedVariants int
	// UnalignedReason says why they could not be aligned ("" = the
	// budget): e.g. the model's final marking cannot be reached.
	UnalignedReason string
	// FitnessIsLowerBound: the cheapest run of the model could not be
	// found within the budget, so Fitness is a lower bound of the exact
	// figure; FitnessBoundReason says why.
	FitnessIsLowerBound bool
	FitnessBoundReason  string
	// NotChecked, when set, says why conformance could not be checked at
	// all; the model is still drawn and no figures are shown.
	NotChecked string
	Deviations []Deviation
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
	Algorithm, Notation       string
	SVG                       template.HTML
	Places, Transitions, Arcs int
	HasConformance            bool
	Method                    string
	Figures                   []kpi
	Deviations                []deviationRow
	DeviationsHidden          int64
	Unaligned                 string // the alignment gap in words, "" when there is none
}

type deviationRow struct {
	Activity             shortName
	LogMoves, ModelMoves string
}

// maxDeviationRows keeps the table readable; the rest is counted.
const maxDeviationRows = 15

// modelSection builds the model section; cases is the log's case count,
// used to tell "none could be aligned" from "some could not".
func modelSection(m *Model, cases int64) (*modelPage, error) {
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
	if c := m.Conformance; c != nil && c.NotChecked != "" {
		mp.Unaligned = "Conformance was not checked: " + c.NotChecked
	} else if c != nil {
		mp.HasConformance, mp.Method, mp.Unaligned = true, c.Method, unalignedText(c, cases)
		fitness := ratio(c.Fitness)
		if c.FitnessIsLowerBound && fitness != "–" {
			fitness = "≥ " + fitness
			bound := "Fitness is a lower bound: the model's cheapest run was not found within the budget"
			if c.FitnessBoundReason != "" {
				bound += " (" + c.FitnessBoundReason + ")"
			}
			mp.Unaligned = strings.TrimSpace(mp.Unaligned + " " + bound + ".")
		}
		mp.Figures = []kpi{
			{Label: "Fitness", Value: fitness},
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

// unalignedText states the alignment gap in plain words: the figures
// above it are computed over the cases that could be aligned.
func unalignedText(c *Conformance, cases int64) string {
	if c.Unaligned <= 0 {
		return ""
	}
	why := " within the budget"
	if c.UnalignedReason != "" {
		why = ": " + c.UnalignedReason
	}
	if cases > 0 && c.Unaligned >= cases {
		return fmt.Sprintf("None of the %s could be aligned%s. Fitness is not available.",
			plural(c.Unaligned, "case", "cases"), why)
	}
	what := plural(c.Unaligned, "case", "cases")
	if c.UnalignedVariants > 0 {
		what += " (" + plural(int64(c.UnalignedVariants), "variant", "variants") + ")"
	}
	return what + " could not be aligned" + why + "; fitness and precision are computed over the rest."
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return humanCount(n) + " " + many
}

func ratio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return fmt.Sprintf("%.3f", v)
}
