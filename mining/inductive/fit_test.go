package inductive

import (
	"fmt"
	"strconv"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/tree"
)

// unfit returns the first variant of l that the tree cannot replay (ok is
// false then). A trace fits exactly when its alignment costs nothing, so
// "every variant fits" is alignment fitness 1.
func unfit(n *tree.Node, l *eventlog.Log) ([]string, bool) {
	net := n.ToNet()
	r := newReplayer(net)
	for _, v := range l.Variants {
		if !r.fits(l.Trace(v)) {
			return l.Trace(v), false
		}
	}
	return nil, true
}

// replayer decides trace membership on a workflow net by a search over
// (marking, position) pairs, silent transitions included.
type replayer struct {
	net   *petri.Net
	ix    *petri.Index
	start []int8
	final string
}

func newReplayer(net *petri.Net) *replayer {
	r := &replayer{net: net, ix: net.Index(), start: make([]int8, len(net.Places))}
	for p, k := range net.Initial {
		r.start[p] = int8(k)
	}
	f := make([]int8, len(net.Places))
	for p, k := range net.Final {
		f[p] = int8(k)
	}
	r.final = mkey(f)
	return r
}

func mkey(m []int8) string {
	b := make([]byte, len(m))
	for i, k := range m {
		b[i] = byte(k)
	}
	return string(b)
}

func (r *replayer) fits(trace []string) bool {
	type state struct {
		m []int8
		i int
	}
	seen := map[string]bool{}
	stack := []state{{r.start, 0}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k := mkey(s.m) + "|" + strconv.Itoa(s.i)
		if seen[k] {
			continue
		}
		seen[k] = true
		if s.i == len(trace) && mkey(s.m) == r.final {
			return true
		}
	next:
		for t, tr := range r.net.Transitions {
			if !tr.Silent && (s.i == len(trace) || tr.Label != trace[s.i]) {
				continue
			}
			for _, w := range r.ix.Pre[t] {
				if int(s.m[w.Place]) < w.Weight {
					continue next
				}
			}
			m := append([]int8(nil), s.m...)
			for _, w := range r.ix.Pre[t] {
				m[w.Place] -= int8(w.Weight)
			}
			for _, w := range r.ix.Post[t] {
				m[w.Place] += int8(w.Weight)
			}
			i := s.i
			if !tr.Silent {
				i++
			}
			stack = append(stack, state{m, i})
		}
	}
	return false
}

// accepts reports whether a tree whose activities are all distinct (as the
// Inductive Miner's are) accepts a trace. Distinct labels make it
// polynomial: every event belongs to one child, so choices, sequences,
// parallel and inclusive blocks split the trace by alphabet, and a loop is
// parsed by dynamic programming over its do and redo segments.
func accepts(n *tree.Node, trace []string) bool {
	return (&matcher{alph: map[*tree.Node]map[string]bool{}, memo: map[string]bool{}}).match(n, trace)
}

type matcher struct {
	alph map[*tree.Node]map[string]bool
	memo map[string]bool
}

func (m *matcher) alphabet(n *tree.Node) map[string]bool {
	if a, ok := m.alph[n]; ok {
		return a
	}
	a := map[string]bool{}
	for _, l := range n.Leaves() {
		a[l] = true
	}
	m.alph[n] = a
	return a
}

func (m *matcher) child(n *tree.Node, act string) int {
	for i, c := range n.Children {
		if m.alphabet(c)[act] {
			return i
		}
	}
	return -1
}

func (m *matcher) project(n *tree.Node, trace []string) ([][]string, bool) {
	parts := make([][]string, len(n.Children))
	for _, a := range trace {
		k := m.child(n, a)
		if k < 0 {
			return nil, false
		}
		parts[k] = append(parts[k], a)
	}
	return parts, true
}

func (m *matcher) match(n *tree.Node, t []string) bool {
	key := fmt.Sprintf("%p|%q", n, t)
	if v, ok := m.memo[key]; ok {
		return v
	}
	v := m.match1(n, t)
	m.memo[key] = v
	return v
}

func (m *matcher) match1(n *tree.Node, t []string) bool {
	switch n.Op {
	case tree.Leaf:
		if n.Tau {
			return len(t) == 0
		}
		return len(t) == 1 && t[0] == n.Label
	case tree.Xor:
		for _, c := range n.Children {
			if m.match(c, t) {
				return true
			}
		}
		return false
	case tree.Seq:
		parts := make([][]string, len(n.Children))
		last := 0
		for _, a := range t {
			k := m.child(n, a)
			if k < last {
				return false
			}
			parts[k] = append(parts[k], a)
			last = k
		}
		for i, c := range n.Children {
			if !m.match(c, parts[i]) {
				return false
			}
		}
		return true
	case tree.And, tree.Or:
		parts, ok := m.project(n, t)
		if !ok {
			return false
		}
		some := false
		for i, c := range n.Children {
			switch {
			case len(parts[i]) > 0 || n.Op == tree.And:
				if !m.match(c, parts[i]) {
					return false
				}
				some = true
			case m.match(c, nil):
				some = true
			}
		}
		return some
	case tree.Loop:
		redo := &tree.Node{Op: tree.Xor, Children: n.Children[1:]}
		if len(n.Children) == 1 {
			redo = tree.Tau()
		}
		// ok[j]: t[:j] is do (redo do)*.
		ok := make([]bool, len(t)+1)
		for j := 0; j <= len(t); j++ {
			if m.match(n.Children[0], t[:j]) {
				ok[j] = true
				continue
			}
			for i := 0; i <= j && !ok[j]; i++ {
				if !ok[i] {
					continue
				}
				for k := i; k <= j; k++ {
					if m.match(redo, t[i:k]) && m.match(n.Children[0], t[k:j]) {
						ok[j] = true
						break
					}
				}
			}
		}
		return ok[len(t)]
	}
	return false
}
