package fit

import (
	"fmt"

	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/mining/tree"
)

// treeProbabilities estimates how a process tree is played out from how
// often its activities occur per case. freq(n) is a node's expected
// executions per case, known from its activities: a leaf's occurrences per
// case; a sequence's or parallel block's largest child frequency (each
// child runs once per execution; optional parts run less); a choice's sum
// of its children's; a loop's body frequency. A choice's children are then
// weighted by their frequencies (a silent child takes what the others
// leave of the choice's own executions), and a loop with body frequency b
// entered e times per case redoes with probability 1 − e/b, since its body
// runs 1/(1−p) times per entry.
func treeProbabilities(l *timeline.Log, notation string) (*model.Probabilities, error) {
	t, err := tree.Parse(notation)
	if err != nil {
		return nil, fmt.Errorf("fit: tree: %w", err)
	}
	occ := map[string]float64{}
	for _, a := range l.Act {
		occ[l.Activities[a]]++
	}
	cases := float64(l.Cases())
	freqs := map[*tree.Node]float64{}
	var freq func(n *tree.Node) float64
	freq = func(n *tree.Node) float64 {
		var f float64
		switch n.Op {
		case tree.Leaf:
			if !n.Tau {
				f = occ[n.Label] / cases
			}
		case tree.Xor:
			for _, c := range n.Children {
				f += freq(c)
			}
		case tree.Loop:
			f = freq(n.Children[0])
			for _, c := range n.Children[1:] {
				freq(c)
			}
		default:
			for _, c := range n.Children {
				f = max(f, freq(c))
			}
		}
		freqs[n] = f
		return f
	}
	freq(t)
	p := &model.Probabilities{Choice: map[string][]float64{}, Redo: map[string]float64{}}
	// entries: executions per case of n as its parent runs it.
	var walk func(n *tree.Node, at string, entries float64)
	walk = func(n *tree.Node, at string, entries float64) {
		switch n.Op {
		case tree.Xor:
			ws := make([]float64, len(n.Children))
			var known float64
			for i, c := range n.Children {
				ws[i] = freqs[c]
				known += ws[i]
			}
			for i, c := range n.Children {
				if isSilent(c) {
					ws[i] = max(0, entries-known)
				}
			}
			var sum float64
			for _, w := range ws {
				sum += w
			}
			if sum <= 0 {
				for i := range ws {
					ws[i] = 1
				}
			}
			p.Choice[at] = ws
			for i, c := range n.Children {
				share := entries / float64(len(n.Children))
				if sum > 0 {
					share = entries * ws[i] / sum
				}
				walk(c, fmt.Sprintf("%s.%d", at, i), share)
			}
			return
		case tree.Loop:
			body := freqs[n.Children[0]]
			redo := 0.0
			if body > 0 && entries > 0 && body > entries {
				redo = 1 - entries/body
			}
			p.Redo[at] = min(redo, 0.99)
			for i, c := range n.Children {
				walk(c, fmt.Sprintf("%s.%d", at, i), body)
			}
			return
		}
		for i, c := range n.Children {
			walk(c, fmt.Sprintf("%s.%d", at, i), entries)
		}
	}
	walk(t, "0", 1)
	return p, nil
}

// isSilent reports a node with no activity below it.
func isSilent(n *tree.Node) bool {
	if n.Op == tree.Leaf {
		return n.Tau
	}
	for _, c := range n.Children {
		if !isSilent(c) {
			return false
		}
	}
	return true
}
