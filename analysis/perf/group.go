package perf

import "github.com/pmx-dev/pmx/analysis/timeline"

// groupSteps orders the steps by key (a stable counting sort): the steps
// of key k are order[off[k]:off[k+1]], in step order. Step i's key is
// keys[i]; steps with a negative key, and each case's first step unless
// first is set, are left out. It replaces a slice appended per key: two
// int32 arrays whatever the number of keys, and the values a group
// gathers from them come in the same order.
func groupSteps(l *timeline.Log, keys []int32, nkeys int, first bool) (order, off []int32) {
	skip := int32(1)
	if first {
		skip = 0
	}
	off = make([]int32, nkeys+1)
	for c := 0; c < l.Cases(); c++ {
		for _, k := range keys[l.CaseStart[c]+skip : l.CaseStart[c+1]] {
			if k >= 0 {
				off[k+1]++
			}
		}
	}
	for k := 0; k < nkeys; k++ {
		off[k+1] += off[k]
	}
	order = make([]int32, off[nkeys])
	next := make([]int32, nkeys)
	copy(next, off[:nkeys])
	for c := 0; c < l.Cases(); c++ {
		for i := l.CaseStart[c] + skip; i < l.CaseStart[c+1]; i++ {
			if k := keys[i]; k >= 0 {
				order[next[k]] = i
				next[k]++
			}
		}
	}
	return order, off
}

// handovers returns each step's handover (from its predecessor's activity)
// as numbered by e, -1 for a case's first step.
func (e *edgeIndex) handovers(l *timeline.Log) []int32 {
	out := make([]int32, l.Steps())
	for c := 0; c < l.Cases(); c++ {
		out[l.CaseStart[c]] = -1
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			out[i] = e.id(l.Act[i-1], l.Act[i])
		}
	}
	return out
}

// edgeIndex numbers the handovers (directly-follows pairs of activities)
// of a log densely, in order of first occurrence, with a table of
// activity pairs where that is small and a map otherwise.
type edgeIndex struct {
	na    int32
	table []int32 // from*na + to → id, -1 when absent; nil: use byKey
	byKey map[int64]int32
	pairs [][2]int32 // id → (from, to)
}

// maxEdgeTable bounds the dense pair table (16 MiB of int32).
const maxEdgeTable = 1 << 22

func newEdgeIndex(l *timeline.Log) *edgeIndex {
	na := len(l.Activities)
	e := &edgeIndex{na: int32(na)}
	if na*na <= maxEdgeTable {
		e.table = make([]int32, na*na)
		for i := range e.table {
			e.table[i] = -1
		}
	} else {
		e.byKey = map[int64]int32{}
	}
	for c := 0; c < l.Cases(); c++ {
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			e.add(l.Act[i-1], l.Act[i])
		}
	}
	return e
}

func (e *edgeIndex) add(from, to int32) {
	k := int64(from)*int64(e.na) + int64(to)
	if e.table != nil {
		if e.table[k] < 0 {
			e.table[k] = int32(len(e.pairs))
			e.pairs = append(e.pairs, [2]int32{from, to})
		}
		return
	}
	if _, ok := e.byKey[k]; !ok {
		e.byKey[k] = int32(len(e.pairs))
		e.pairs = append(e.pairs, [2]int32{from, to})
	}
}

// id is the number of handover from → to, -1 if the log has none.
func (e *edgeIndex) id(from, to int32) int32 {
	k := int64(from)*int64(e.na) + int64(to)
	if e.table != nil {
		return e.table[k]
	}
	if id, ok := e.byKey[k]; ok {
		return id
	}
	return -1
}

// n is the number of handovers.
func (e *edgeIndex) n() int { return len(e.pairs) }

// ends returns handover id's activities.
func (e *edgeIndex) ends(id int) (from, to int32) { return e.pairs[id][0], e.pairs[id][1] }
