package conformance

import (
	"container/heap"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// modelCostBound is a lower bound on the cost of the cheapest run of the
// net from the initial to the final marking (in alignment costs:
// CostDeviation per visible, CostSilent per silent transition), found
// without exploring markings: a relaxation that treats places as
// independent (h_max). A place's cost is 0 when initially marked, else the
// least cost of a transition producing into it; a transition's cost is its
// own plus the largest cost of its input places. Every token in the final
// marking that was not there initially was produced by a chain of firings
// at least that expensive, and every initial token that must leave needs a
// consumer fired; the bound is the largest of these needs. ok is false when
// some need can never be met: then no run reaches the final marking. The
// work is one Dijkstra pass over the net (places + transitions + arcs).
func (m *model) modelCostBound() (bound int64, ok bool) {
	const inf = math.MaxInt64
	cost := make([]int64, m.nP)
	for p := range cost {
		cost[p] = inf
	}
	tcost := make([]int64, m.nT)
	missing := make([]int, m.nT) // input places not yet settled
	own := func(t int) int64 {
		if m.silent[t] {
			return CostSilent
		}
		return CostDeviation
	}
	q := &placeQueue{}
	for p, k := range m.initial {
		if k > 0 {
			cost[p] = 0
			heap.Push(q, placeItem{p, 0})
		}
	}
	settle := func(t int, c int64) {
		tcost[t] = c
		for _, w := range m.post[t] {
			if c < cost[w.Place] {
				cost[w.Place] = c
				heap.Push(q, placeItem{w.Place, c})
			}
		}
	}
	for t := range m.nT {
		tcost[t] = inf
		missing[t] = len(m.pre[t])
		if missing[t] == 0 {
			settle(t, own(t))
		}
	}
	done := make([]bool, m.nP)
	for q.Len() > 0 {
		it := heap.Pop(q).(placeItem)
		if done[it.p] || it.c != cost[it.p] {
			continue
		}
		done[it.p] = true
		for _, t := range m.placeOut[it.p] {
			// Places settle in increasing cost: the last input settled
			// is the most expensive.
			if missing[t]--; missing[t] == 0 {
				settle(t, own(t)+it.c)
			}
		}
	}
	for p := range m.nP {
		switch {
		case m.final[p] > m.initial[p]:
			if cost[p] == inf {
				return 0, false
			}
			bound = max(bound, cost[p])
		case m.initial[p] > m.final[p]:
			least := int64(inf)
			for _, t := range m.placeOut[p] {
				least = min(least, tcost[t])
			}
			if least == inf {
				return 0, false
			}
			bound = max(bound, least)
		}
	}
	return bound, true
}

type placeItem struct {
	p int
	c int64
}

type placeQueue []placeItem

func (q placeQueue) Len() int { return len(q) }
func (q placeQueue) Less(i, j int) bool {
	if q[i].c != q[j].c {
		return q[i].c < q[j].c
	}
	return q[i].p < q[j].p
}
func (q placeQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *placeQueue) Push(x any)   { *q = append(*q, x.(placeItem)) }
func (q *placeQueue) Pop() (x any) { x, *q = (*q)[len(*q)-1], (*q)[:len(*q)-1]; return }

// maxStateEquation bounds the dense matrix (entries) of the state-equation
// test; larger nets skip it.
const maxStateEquation = 1 << 22

// stateEquationFeasible tests the marking equation: is there a real x >= 0
// (how often each transition fires) with initial + C·x = final, C the
// incidence matrix? Every run reaching the final marking gives one, so
// when there is none (feasible false, known true) the final marking is
// unreachable — the test PM4Py's alignments make with their heuristic, and
// often the only quick way to tell on unsound nets whose reachability
// graph is large. It is a phase-one simplex (gonum): minimise the
// artificial slack of each place's equation. known is false when the net
// is too large for a dense matrix or the solver fails.
func (m *model) stateEquationFeasible() (feasible, known bool) {
	b := make([]float64, m.nP)
	for p := range m.nP {
		b[p] = float64(m.final[p] - m.initial[p])
	}
	col := make([]map[int]float64, 0, m.nT) // effects of the transitions that change a marking
	for t := range m.nT {
		eff := map[int]float64{}
		for _, w := range m.pre[t] {
			eff[w.Place] -= float64(w.Weight)
		}
		for _, w := range m.post[t] {
			eff[w.Place] += float64(w.Weight)
		}
		for p, v := range eff {
			if v == 0 {
				delete(eff, p)
			}
		}
		if len(eff) > 0 {
			col = append(col, eff)
		}
	}
	touched := make([]bool, m.nP)
	for _, eff := range col {
		for p := range eff {
			touched[p] = true
		}
	}
	var rows []int
	for p := range m.nP {
		switch {
		case touched[p]:
			rows = append(rows, p)
		case b[p] != 0:
			return false, true // no transition changes p, yet it must change
		}
	}
	if len(rows) == 0 {
		return true, true
	}
	nr, nx := len(rows), len(col)
	if nr*(nx+nr) > maxStateEquation {
		return false, false
	}
	rowOf := make([]int, m.nP)
	for i, p := range rows {
		rowOf[p] = i
	}
	A := mat.NewDense(nr, nx+nr, nil)
	rhs := make([]float64, nr)
	sign := make([]float64, nr)
	for i, p := range rows {
		sign[i] = 1
		if b[p] < 0 {
			sign[i] = -1
		}
		rhs[i] = sign[i] * b[p]
		A.Set(i, nx+i, 1) // the artificial slack of row i
	}
	for j, eff := range col {
		for p, v := range eff {
			A.Set(rowOf[p], j, sign[rowOf[p]]*v)
		}
	}
	c := make([]float64, nx+nr)
	basic := make([]int, nr)
	for i := range nr {
		c[nx+i] = 1
		basic[i] = nx + i
	}
	defer func() {
		if recover() != nil { // a numerical failure inside the solver: no verdict
			feasible, known = false, false
		}
	}()
	opt, _, err := lp.Simplex(c, A, rhs, 1e-10, basic)
	if err != nil {
		return false, false
	}
	return opt < 1e-6, true
}
