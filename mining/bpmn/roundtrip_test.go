package bpmn_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
	"github.com/pmx-dev/pmx/mining/petri"
)

// pmx's own BPMN export reads back to a net with the same language: on
// every shared log, the IMf model written as BPMN (from its process tree,
// and from its Petri net) and read again accepts the same traces of up to
// five steps, and every variant of the log is as far from it (its optimal
// alignment has as many deviations) as from the model it was written from.
// Alignment fitness and precision are not compared: PM4Py's figures count
// silent steps (fitness) and look at the marking an alignment reaches
// (precision), both of which depend on how a net is drawn, not only on
// its language; the PM4Py comparison (pm4py_test.go) checks them on the
// nets PM4Py itself converts.
func TestExportReadsBackToTheSameLanguage(t *testing.T) {
	ctx := context.Background()
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			l := testlogs.Load(t, stem)
			m, err := discover.Discover(l, discover.Options{Algorithm: "imf"})
			if err != nil {
				t.Fatal(err)
			}
			want := align(t, l, m.Net)
			fromTree, err := export.TreeBPMN(ctx, m.Tree, export.BPMNOptions{Name: stem})
			if err != nil {
				t.Fatal(err)
			}
			fromNet, err := export.PetriNetBPMN(ctx, m.Net, export.BPMNOptions{Name: stem})
			if err != nil {
				t.Fatal(err)
			}
			for what, doc := range map[string][]byte{"tree": fromTree, "net": fromNet} {
				model, err := bpmn.Read(bytes.NewReader(doc))
				if err != nil {
					t.Fatalf("%s: read back: %v", what, err)
				}
				if len(model.Warnings) > 0 {
					t.Errorf("%s: warnings reading pmx's own BPMN: %q", what, model.Warnings)
				}
				if !model.HasDI {
					t.Errorf("%s: the diagram interchange pmx wrote was not read", what)
				}
				conv, err := model.Net("")
				if err != nil {
					t.Fatalf("%s: convert: %v", what, err)
				}
				if m := bpmn.MatchLabels(conv.Net, l.Activities); len(m.Folded)+len(m.ModelOnly)+len(m.Ambiguous) > 0 {
					t.Errorf("%s: labels changed on the way: %+v", what, m)
				}
				// Each variant is as far from both models (its optimal
				// alignment's deviations: the edit distance to the
				// language, whatever silent steps the nets take).
				got := align(t, l, conv.Net)
				for i, v := range want.Variants {
					if g := got.Variants[i]; g.Deviations != v.Deviations {
						t.Errorf("%s: variant %d (%d cases) deviates %d times from the model read back, %d from the one written",
							what, i, v.Count, g.Deviations, v.Deviations)
					}
				}
				// And the models accept the same traces up to a length
				// (the shortest that holds some: a log's cases may all be
				// long).
				for k := 5; k <= 12; k++ {
					lw, okw := language(m.Net, k, 200_000)
					lg, okg := language(conv.Net, k, 200_000)
					if !okw || !okg {
						t.Logf("%s: more than 200,000 states to the traces of %d steps: compared on the log's variants only", what, k)
						break
					}
					if !reflect.DeepEqual(lw, lg) {
						t.Errorf("%s: the model read back accepts %d traces of up to %d steps, the one written %d", what, len(lg), k, len(lw))
					}
					if len(lw) > 1 {
						t.Logf("%s: the same %d traces of up to %d steps", what, len(lw), k)
						break
					}
				}
			}
		})
	}
}

func align(t *testing.T, l *eventlog.Log, net *petri.Net) *conformance.Alignments {
	t.Helper()
	al, err := conformance.Align(context.Background(), l, net, conformance.AlignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if al.UnalignedCases > 0 {
		t.Fatalf("%d cases not aligned", al.UnalignedCases)
	}
	return al
}

// language is the set of visible traces of at most k steps that take the
// net from its initial to its final marking (labels joined by a NUL), or
// false when that takes more than limit (marking, trace) states.
func language(n *petri.Net, k, limit int) (map[string]bool, bool) {
	ix := n.Index()
	vec := func(m petri.Marking) []int {
		v := make([]int, len(n.Places))
		for p, c := range m {
			v[p] = c
		}
		return v
	}
	key := func(v []int) string { return fmt.Sprint(v) }
	final := key(vec(n.Final))
	type item struct {
		m     []int
		trace []string
	}
	seen := map[string]bool{}
	out := map[string]bool{}
	stack := []item{{vec(n.Initial), nil}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		tr := strings.Join(it.trace, "\x00")
		mk := key(it.m)
		if seen[mk+"|"+tr] {
			continue
		}
		if seen[mk+"|"+tr] = true; len(seen) > limit {
			return nil, false
		}
		if mk == final {
			out[tr] = true
		}
	next:
		for t, pre := range ix.Pre {
			for _, w := range pre {
				if it.m[w.Place] < w.Weight {
					continue next
				}
			}
			silent := n.Transitions[t].Silent
			if !silent && len(it.trace) == k {
				continue
			}
			m := slices.Clone(it.m)
			for _, w := range pre {
				m[w.Place] -= w.Weight
			}
			for _, w := range ix.Post[t] {
				if m[w.Place] += w.Weight; m[w.Place] > 3 {
					continue next // unbounded: not a workflow net pmx writes
				}
			}
			trace := it.trace
			if !silent {
				trace = append(slices.Clip(trace), n.Transitions[t].Label)
			}
			stack = append(stack, item{m, trace})
		}
	}
	return out, true
}
