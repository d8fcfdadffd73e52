package tree

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/petri"
)

// netCases are trees whose nets must be sound and speak the tree's
// language: every operator, taus in every position, nested and
// multi-child loops, and inclusive choice.
var netCases = []string{
	"a",
	"tau",
	"->( 'a', X( 'b', tau ), +( 'c', *( 'd', tau ) ) )",
	"X( 'a', *( 'b', 'c' ) )",
	"*( X( 'a', 'b' ), tau )",
	"*( tau, X( 'a', 'b' ) )",
	"*( 'a', 'b', 'c' )",
	"*( *( 'a', 'b' ), 'c' )",
	"X( *( 'a', tau ), *( 'b', tau ), tau )",
	"+( *( 'a', 'b' ), X( tau, 'c' ), 'd' )",
	"+( tau, 'a' )",
	"O( 'a', ->( 'b', 'c' ) )",
	"->( *( +( 'a', 'b' ), 'c' ), O( 'd', X( 'e', tau ), 'f' ) )",
	"X( ->( 'a', *( 'b', tau ) ), +( 'c', O( 'd', 'e' ) ) )",
}

func TestToNetSoundAndSameLanguage(t *testing.T) {
	const maxLen = 5
	for _, s := range netCases {
		t.Run(s, func(t *testing.T) {
			tr, err := Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			net := tr.ToNet()
			if err := net.Validate(); err != nil {
				t.Fatal(err)
			}
			if err := checkSound(net); err != nil {
				t.Fatal(err)
			}
			want := sortedKeys(treeLanguage(tr, maxLen))
			got := sortedKeys(netLanguage(t, net, maxLen))
			if !slices.Equal(got, want) {
				t.Fatalf("language up to length %d:\n net  %q\n tree %q", maxLen, got, want)
			}
		})
	}
}

func TestToNetIDsStable(t *testing.T) {
	tr, _ := Parse("->( 'a', X( 'b', tau ), +( 'a', *( 'd', tau ) ) )")
	a, b := tr.ToNet(), tr.ToNet()
	if !slices.Equal(a.Structure(), b.Structure()) {
		t.Fatal("structure differs between two conversions")
	}
	for i := range a.Transitions {
		if a.Transitions[i] != b.Transitions[i] {
			t.Fatalf("transition %d: %+v vs %+v", i, a.Transitions[i], b.Transitions[i])
		}
	}
	// The source holds the initial and the sink the final token; places
	// are listed in ID order, as PM4Py's reference nets are.
	var ids []string
	for _, p := range a.Places {
		ids = append(ids, p.ID)
	}
	src, sink := slices.Index(ids, "source"), slices.Index(ids, "sink")
	if src < 0 || sink < 0 || !a.Initial.Equal(petri.Marking{src: 1}) || !a.Final.Equal(petri.Marking{sink: 1}) || !slices.IsSorted(ids) {
		t.Fatalf("places %q, initial %v, final %v", ids, a.Initial, a.Final)
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A trace is its activities joined by spaces (test labels have none).

// treeLanguage lists the traces of length <= max that the tree accepts.
func treeLanguage(n *Node, max int) map[string]bool {
	switch n.Op {
	case Leaf:
		if n.Tau {
			return map[string]bool{"": true}
		}
		return map[string]bool{n.Label: true}
	case Xor:
		out := map[string]bool{}
		for _, c := range n.Children {
			for k := range treeLanguage(c, max) {
				out[k] = true
			}
		}
		return out
	case Seq:
		out := map[string]bool{"": true}
		for _, c := range n.Children {
			out = concat(out, treeLanguage(c, max), max)
		}
		return out
	case And:
		out := map[string]bool{"": true}
		for _, c := range n.Children {
			out = shuffle(out, treeLanguage(c, max), max)
		}
		return out
	case Or:
		out := map[string]bool{}
		kids := make([]map[string]bool, len(n.Children))
		for i, c := range n.Children {
			kids[i] = treeLanguage(c, max)
		}
		for set := 1; set < 1<<len(kids); set++ {
			acc := map[string]bool{"": true}
			for i := range kids {
				if set&(1<<i) != 0 {
					acc = shuffle(acc, kids[i], max)
				}
			}
			for k := range acc {
				out[k] = true
			}
		}
		return out
	case Loop:
		do := treeLanguage(n.Children[0], max)
		redo := map[string]bool{}
		if len(n.Children) == 1 {
			redo[""] = true // *( A ) repeats A
		}
		for _, c := range n.Children[1:] {
			for k := range treeLanguage(c, max) {
				redo[k] = true
			}
		}
		out := map[string]bool{}
		for k := range do {
			out[k] = true
		}
		for {
			next := concat(concat(out, redo, max), do, max)
			grew := false
			for k := range next {
				if !out[k] {
					out[k], grew = true, true
				}
			}
			if !grew {
				return out
			}
		}
	}
	return nil
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

func join(a []string) string { return strings.Join(a, " ") }

func concat(x, y map[string]bool, max int) map[string]bool {
	out := map[string]bool{}
	for a := range x {
		for b := range y {
			if t := append(split(a), split(b)...); len(t) <= max {
				out[join(t)] = true
			}
		}
	}
	return out
}

func shuffle(x, y map[string]bool, max int) map[string]bool {
	out := map[string]bool{}
	var rec func(a, b, acc []string)
	rec = func(a, b, acc []string) {
		if len(a) == 0 && len(b) == 0 {
			out[join(acc)] = true
			return
		}
		if len(a) > 0 {
			rec(a[1:], b, append(slices.Clone(acc), a[0]))
		}
		if len(b) > 0 {
			rec(a, b[1:], append(slices.Clone(acc), b[0]))
		}
	}
	for a := range x {
		for b := range y {
			if len(split(a))+len(split(b)) <= max {
				rec(split(a), split(b), nil)
			}
		}
	}
	return out
}

func key(m []int) string {
	var b strings.Builder
	for _, k := range m {
		b.WriteByte(byte('0' + k))
	}
	return b.String()
}

func fire(ix *petri.Index, m []int, t int) ([]int, bool) {
	for _, w := range ix.Pre[t] {
		if m[w.Place] < w.Weight {
			return nil, false
		}
	}
	next := slices.Clone(m)
	for _, w := range ix.Pre[t] {
		next[w.Place] -= w.Weight
	}
	for _, w := range ix.Post[t] {
		next[w.Place] += w.Weight
	}
	return next, true
}

func marking(net *petri.Net, mk petri.Marking) []int {
	m := make([]int, len(net.Places))
	for p, k := range mk {
		m[p] = k
	}
	return m
}

// netLanguage lists the visible traces of length <= max that lead from the
// initial to the final marking.
func netLanguage(t *testing.T, net *petri.Net, max int) map[string]bool {
	ix := net.Index()
	final := key(marking(net, net.Final))
	type state struct {
		m     []int
		trace []string
	}
	out := map[string]bool{}
	seen := map[string]bool{}
	queue := []state{{marking(net, net.Initial), nil}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		k := key(s.m) + "|" + join(s.trace)
		if seen[k] {
			continue
		}
		seen[k] = true
		if len(seen) > 1_000_000 {
			t.Fatal("state space too large")
		}
		if key(s.m) == final {
			out[join(s.trace)] = true
		}
		for tr := range net.Transitions {
			next, ok := fire(ix, s.m, tr)
			if !ok {
				continue
			}
			trace := s.trace
			if !net.Transitions[tr].Silent {
				if len(trace) == max {
					continue
				}
				trace = append(slices.Clone(trace), net.Transitions[tr].Label)
			}
			queue = append(queue, state{next, trace})
		}
	}
	return out
}

// checkSound explores the (finite, for these nets safe) state space: the
// source has no input and the sink no output arcs, every reachable marking
// is safe and can reach the final marking, a marked sink means the final
// marking, and every transition can fire.
func checkSound(net *petri.Net) error {
	ix := net.Index()
	for p := range net.Initial {
		if len(ix.PlaceIn[p]) > 0 {
			return fmt.Errorf("source %s has input arcs", net.Places[p].ID)
		}
	}
	for p := range net.Final {
		if len(ix.PlaceOut[p]) > 0 {
			return fmt.Errorf("sink %s has output arcs", net.Places[p].ID)
		}
	}
	start := marking(net, net.Initial)
	final := key(marking(net, net.Final))
	ids := map[string]int{key(start): 0}
	ms := [][]int{start}
	var succ [][]int
	fired := make([]bool, len(net.Transitions))
	for i := 0; i < len(ms); i++ {
		succ = append(succ, nil)
		for p, k := range ms[i] {
			if k > 1 {
				return fmt.Errorf("place %s holds %d tokens", net.Places[p].ID, k)
			}
		}
		for tr := range net.Transitions {
			next, ok := fire(ix, ms[i], tr)
			if !ok {
				continue
			}
			fired[tr] = true
			k := key(next)
			j, seen := ids[k]
			if !seen {
				j = len(ms)
				ids[k] = j
				ms = append(ms, next)
			}
			succ[i] = append(succ[i], j)
		}
	}
	for tr, ok := range fired {
		if !ok {
			return fmt.Errorf("transition %s is dead", net.Transitions[tr].ID)
		}
	}
	// Backwards from the final marking.
	fin, ok := ids[final]
	if !ok {
		return fmt.Errorf("final marking unreachable")
	}
	pred := make([][]int, len(ms))
	for i, ss := range succ {
		for _, j := range ss {
			pred[j] = append(pred[j], i)
		}
	}
	can := make([]bool, len(ms))
	can[fin] = true
	stack := []int{fin}
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, i := range pred[j] {
			if !can[i] {
				can[i] = true
				stack = append(stack, i)
			}
		}
	}
	for i, m := range ms {
		if !can[i] {
			return fmt.Errorf("marking %v cannot complete", m)
		}
		for p := range net.Final {
			if m[p] > 0 && key(m) != final {
				return fmt.Errorf("marking %v marks the sink with tokens left", m)
			}
		}
	}
	return nil
}
