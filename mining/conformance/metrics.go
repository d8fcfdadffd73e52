package conformance

import (
	"context"
	"math"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// Generalization is token-based generalization (Buijs, van Dongen and van
// der Aalst, "Quality dimensions in process discovery", 2014, as PM4Py's
// generalization_tbr computes it): 1 - (sum over transitions of
// 1/sqrt(times fired during token replay of all cases)) / |transitions|,
// a never fired transition adding 1. Transitions fired often make the model
// general; rarely used ones suggest it overfits.
func Generalization(ctx context.Context, log *eventlog.Log, net *petri.Net, opt ReplayOptions) (float64, error) {
	rep, err := ReplayTokens(ctx, log, net, opt)
	if err != nil {
		return 0, err
	}
	return generalization(net, rep), nil
}

func generalization(net *petri.Net, rep *TokenReplay) float64 {
	if len(net.Transitions) == 0 {
		return 1
	}
	occ := make([]int64, len(net.Transitions))
	for _, v := range rep.Variants {
		for _, t := range v.Fired {
			occ[t] += v.Count
		}
	}
	sum := 0.0
	for _, k := range occ {
		if k == 0 {
			sum++
		} else {
			sum += 1 / math.Sqrt(float64(k))
		}
	}
	return 1 - sum/float64(len(net.Transitions))
}

// Simplicity is arc-degree simplicity (PM4Py's simplicity_petri_net): with
// d the mean number of arcs at a node (places and transitions alike),
// 1 / (1 + max(d - 2, 0)); 2 is the mean degree of a plain sequence.
func Simplicity(net *petri.Net) float64 {
	nodes := len(net.Places) + len(net.Transitions)
	if nodes == 0 {
		return 1
	}
	mean := 2 * float64(len(net.Arcs)) / float64(nodes)
	return 1 / (1 + max(mean-2, 0))
}
