package inductive

import "github.com/pmx-dev/pmx/mining/tree"

// Fall-throughs, tried in this order when no cut exists (after the empty
// traces, which every recursion step handles first): activity once per
// trace, activity concurrent, strict tau loop, tau loop, flower model.

// onceOrConcurrent isolates one activity in parallel with the rest: the
// first activity (by name) that occurs exactly once in every trace, else
// the first activity whose removal leaves a log with a cut.
func (m *miner) onceOrConcurrent(l *ulog, v []int32) (int32, bool) {
	pos := m.ac.local // scratch: activity -> position in v
	once := make([]bool, len(v))
	for i := range once {
		once[i] = true
	}
	for i, a := range v {
		pos[a] = int32(i)
	}
	cnt := make([]int, len(v)) // occurrences in the current trace
	left := true
	for i := 0; i < l.len() && left; i++ {
		clear(cnt)
		for _, a := range l.trace(i) {
			cnt[pos[a]]++
		}
		left = false
		for k := range once {
			once[k] = once[k] && cnt[k] == 1
			left = left || once[k]
		}
	}
	for _, a := range v {
		pos[a] = -1
	}
	for k, ok := range once {
		if ok {
			return v[k], true
		}
	}
	for _, a := range v {
		if _, ok := findCut(m.ac.graphOf(l, a)); ok {
			return a, true
		}
	}
	return 0, false
}

// isolate splits a log into the occurrences of a and everything else.
func isolate(l *ulog, a int32) []*ulog {
	only, rest := newBuilder(4, l.len()), newBuilder(l.len(), l.events())
	for i := 0; i < l.len(); i++ {
		for _, x := range l.trace(i) {
			if x == a {
				only.push(x)
			} else {
				rest.push(x)
			}
		}
		only.end(l.cnt[i])
		rest.end(l.cnt[i])
	}
	return []*ulog{only.done(), rest.done()}
}

// tauLoop splits traces before every start activity that follows an end
// activity (strict) or before every start activity (not strict); it
// applies when that yields more traces than cases.
func tauLoop(l *ulog, g *graph, numActs int, strict bool) (*ulog, bool) {
	isStart := make([]bool, numActs)
	isEnd := make([]bool, numActs)
	for i, a := range g.v {
		isStart[a] = g.isStart(i)
		isEnd[a] = g.isEnd(i)
	}
	b := newBuilder(l.len(), l.events())
	var pieces, cases int64
	for i := 0; i < l.len(); i++ {
		t, c := l.trace(i), l.cnt[i]
		cases += c
		for j, a := range t {
			if j > 0 && isStart[a] && (!strict || isEnd[t[j-1]]) {
				b.end(c)
				pieces += c
			}
			b.push(a)
		}
		b.end(c)
		pieces += c
	}
	return b.done(), pieces > cases
}

// flower is the model of last resort: *( tau, X( every activity ) ).
// The graph's vertices are in name order already.
func flower(names []string, v []int32) *tree.Node {
	redo := make([]*tree.Node, len(v))
	for i, a := range v {
		redo[i] = tree.Activity(names[a])
	}
	var r *tree.Node
	if len(redo) == 1 {
		r = redo[0]
	} else {
		r = tree.New(tree.Xor, redo...)
	}
	return tree.New(tree.Loop, tree.Tau(), r)
}
