// Package discover runs one discovery algorithm by name over a compact log
// and returns the model in every form the exports take: the process tree
// (Inductive Miner), the Petri net (all but dfg), the causal net
// (Heuristics) or the filtered directly-follows graph (dfg). It is the one
// entry point the CLI and the report use, so both describe a model the same
// way.
//
// It must not import database/sql, the DuckDB driver, ingest, report or
// cmd.
package discover

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/mining/alpha"
	"github.com/pmx-dev/pmx/mining/dfg"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/heuristics"
	"github.com/pmx-dev/pmx/mining/inductive"
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/tree"
)

// Algorithms are the names Discover accepts, in the order help lists them.
var Algorithms = []string{"alpha", "alpha+", "heuristics", "im", "imf", "imd", "dfg"}

// Options select and tune an algorithm.
type Options struct {
	Algorithm string
	// Noise is the IMf/IMd noise threshold in [0,1) (default 0.2; 0 keeps
	// every behaviour). Ignored by the other algorithms.
	Noise float64
	// NoiseSet distinguishes an explicit 0 from "use the default".
	NoiseSet bool
	// Heuristics tunes the Heuristics miner (zero value = PM4Py's defaults).
	Heuristics heuristics.Options
	// Activities and Paths are the dfg sliders: the fractions of activities
	// and paths kept, in [0,1]. 1 keeps everything; 0 keeps the most
	// frequent activity and the backbone of paths (see dfg.Filter).
	Activities, Paths float64
}

// DefaultNoise is IMf's and IMd's noise threshold unless set (PM4Py's
// customary 0.2).
const DefaultNoise = 0.2

// Model is a discovered model. Net is set for every algorithm but dfg; Tree
// for im, imf and imd; Causal for heuristics; DFG for dfg.
type Model struct {
	Algorithm   string
	Description string // e.g. "Inductive Miner – infrequent (noise 0.20)"
	Tree        *tree.Node
	Net         *petri.Net
	Causal      *heuristics.Net
	DFG         *dfg.Graph
}

// Discover runs o.Algorithm over l.
func Discover(l *eventlog.Log, o Options) (*Model, error) {
	noise := DefaultNoise
	if o.NoiseSet {
		noise = o.Noise
	}
	if noise < 0 || noise >= 1 {
		return nil, fmt.Errorf("discover: noise threshold %g outside [0, 1)", noise)
	}
	m := &Model{Algorithm: strings.ToLower(o.Algorithm)}
	var err error
	switch m.Algorithm {
	case "alpha":
		m.Description = "Alpha miner"
		m.Net, err = alpha.Discover(l)
	case "alpha+", "alphaplus", "alpha-plus":
		m.Algorithm, m.Description = "alpha+", "Alpha+ miner"
		m.Net, err = alpha.DiscoverPlus(l)
	case "heuristics":
		m.Description = "Heuristics miner"
		if m.Causal, err = heuristics.Discover(l, o.Heuristics); err == nil {
			m.Net = m.Causal.Petri()
		}
	case "im":
		m.Description = "Inductive Miner"
		m.Tree = inductive.IM(l)
	case "imf":
		m.Description = fmt.Sprintf("Inductive Miner – infrequent (noise %.2f)", noise)
		m.Tree = inductive.IMf(l, noise)
	case "imd":
		m.Description = fmt.Sprintf("Inductive Miner – directly-follows (noise %.2f)", noise)
		m.Tree = inductive.IMd(l.DFG(), l.Activities, noise)
	case "dfg":
		acts, paths := o.Activities, o.Paths
		m.Description = fmt.Sprintf("Directly-follows graph (%.0f %% of activities, %.0f %% of paths)", 100*acts, 100*paths)
		m.DFG, err = dfg.Filter(l, acts, paths)
	default:
		return nil, fmt.Errorf("discover: unknown algorithm %q (want one of %s)", o.Algorithm, strings.Join(Algorithms, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("discover %s: %w", m.Algorithm, err)
	}
	if m.Tree != nil {
		m.Net = m.Tree.ToNet()
	}
	if m.Net != nil {
		if err := m.Net.Validate(); err != nil {
			return nil, fmt.Errorf("discover %s: %w", m.Algorithm, err)
		}
	}
	return m, nil
}

// Known reports whether name is an algorithm Discover accepts.
func Known(name string) bool { return slices.Contains(Algorithms, strings.ToLower(name)) }
