package conformance

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// ErrNoFinalMarking is returned when the net has no final marking, which
// every measure here needs.
var ErrNoFinalMarking = errors.New("conformance: the net has no final marking")

// model is a net compiled for replay: adjacency with summed weights, and the
// log's activities mapped onto transition labels.
type model struct {
	net    *petri.Net
	nP, nT int
	pre    [][]petri.Weighted
	post   [][]petri.Weighted
	silent []bool

	// placeOut[p] are the transitions consuming from p (in arc order);
	// noInput the transitions without input places (always enabled).
	placeOut [][]int
	noInput  []int
	nArcs    int
	// placeRank and transRank order places and transitions by ID, the
	// order PM4Py uses wherever it sorts by name.
	placeRank []int
	transRank []int

	// byAct[a] are the visible transitions labelled with log activity a,
	// in ID order; labelAct[t] is t's activity (-1 for silent transitions
	// and labels absent from the log).
	byAct    [][]int
	labelAct []int32
	// labelID[t] numbers the distinct labels of visible transitions (-1
	// for silent ones); actLabel[a] is log activity a's label id or -1.
	labelID  []int32
	labels   []string
	actLabel []int32

	initial, final []int // dense markings
}

func compile(net *petri.Net, log *eventlog.Log) (*model, error) {
	if err := net.Validate(); err != nil {
		return nil, fmt.Errorf("conformance: %w", err)
	}
	if len(net.Final) == 0 {
		return nil, ErrNoFinalMarking
	}
	ix := net.Index()
	m := &model{net: net, nP: len(net.Places), nT: len(net.Transitions), pre: ix.Pre, post: ix.Post,
		placeOut: ix.PlaceOut}
	m.nArcs = len(net.Arcs)
	m.silent = make([]bool, m.nT)
	for t, tr := range net.Transitions {
		m.silent[t] = tr.Silent
		if len(m.pre[t]) == 0 {
			m.noInput = append(m.noInput, t)
		}
	}
	m.placeRank = rank(m.nP, func(a, b int) int { return cmpString(net.Places[a].ID, net.Places[b].ID) })
	m.transRank = rank(m.nT, func(a, b int) int { return cmpString(net.Transitions[a].ID, net.Transitions[b].ID) })
	acts := map[string]int32{}
	if log != nil {
		for i, a := range log.Activities {
			acts[a] = int32(i)
		}
		m.byAct = make([][]int, len(log.Activities))
	}
	m.labelAct = make([]int32, m.nT)
	for t := range m.labelAct {
		m.labelAct[t] = -1
		if m.silent[t] {
			continue
		}
		if a, ok := acts[net.Transitions[t].Label]; ok {
			m.labelAct[t] = a
			m.byAct[a] = append(m.byAct[a], t)
		}
	}
	lid := map[string]int32{}
	m.labelID = make([]int32, m.nT)
	for t, tr := range net.Transitions {
		m.labelID[t] = -1
		if m.silent[t] {
			continue
		}
		id, ok := lid[tr.Label]
		if !ok {
			id = int32(len(m.labels))
			lid[tr.Label] = id
			m.labels = append(m.labels, tr.Label)
		}
		m.labelID[t] = id
	}
	if log != nil {
		m.actLabel = make([]int32, len(log.Activities))
		for a, name := range log.Activities {
			m.actLabel[a] = -1
			if id, ok := lid[name]; ok {
				m.actLabel[a] = id
			}
		}
	}
	for _, ts := range m.byAct {
		slices.SortFunc(ts, func(a, b int) int { return m.transRank[a] - m.transRank[b] })
	}
	m.initial = dense(net.Initial, m.nP)
	m.final = dense(net.Final, m.nP)
	return m, nil
}

func dense(mk petri.Marking, n int) []int {
	out := make([]int, n)
	for p, k := range mk {
		out[p] = k
	}
	return out
}

// rank returns r with r[i] the position of i when 0..n-1 are sorted by cmp.
func rank(n int, cmp func(a, b int) int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, cmp)
	r := make([]int, n)
	for pos, i := range order {
		r[i] = pos
	}
	return r
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// enabledIn reports whether t is enabled in the dense marking mk.
func (m *model) enabledIn(t int, mk []int) bool {
	for _, w := range m.pre[t] {
		if mk[w.Place] < w.Weight {
			return false
		}
	}
	return true
}

// consumes and produces are the token totals of firing t once.
func (m *model) consumes(t int) int {
	n := 0
	for _, w := range m.pre[t] {
		n += w.Weight
	}
	return n
}

func (m *model) produces(t int) int {
	n := 0
	for _, w := range m.post[t] {
		n += w.Weight
	}
	return n
}
