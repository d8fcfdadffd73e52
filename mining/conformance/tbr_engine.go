package conformance

import "slices"

// This file is the replay engine behind TokenReplay, token-based precision
// and generalization. It reproduces PM4Py's token-based replay step by step,
// because the figures depend on its heuristics, not only on the net:
//
//   - An event fires the enabled transition with its label, else the
//     transition with that label whose ID sorts last.
//   - When that transition is not enabled, invisible transitions are fired
//     along the shortest invisible paths (in transitions) from marked places
//     to its starved input places, each at most once per event, recursing at
//     most twice into the invisible transitions that are themselves not
//     enabled. What is still missing is then inserted (PM4Py adds the arc
//     weight to the starved place, not the shortfall; the count of missing
//     tokens is the shortfall).
//   - After the last event, invisible paths towards the final marking are
//     tried (five rounds), then, for a one-place final marking, paths from
//     each marked place to it.
//   - Markings keep PM4Py's insertion order (a place that empties is
//     removed, a place that gains its first token goes last), because the
//     last step visits marked places in that order.
//
// Where PM4Py iterates a Python set (a transition's arcs, the net's
// transitions), arc order and ID order stand in for it; this matters only
// when two invisible paths of equal length compete, or for duplicate labels.

// maxHiddenDepth is PM4Py's bound on the length of invisible paths
// (MAX_REC_DEPTH = 50, counted from zero).
const maxHiddenDepth = 50

// hiddenFrom returns, for every place p2 reachable from p0 that way, a
// shortest path of invisible transitions leading from p0 to p2: one
// transition consumes from p0, each next one consumes from a place the
// previous one produces into, and the last produces into p2. Paths are
// found by a depth-first search that re-expands a place whenever a strictly
// shorter path to it appears, so the kept path is the first shortest one in
// arc order. They are computed when p0 is first marked and cached; the
// cache is cleared when it outgrows its share of the memory budget (the
// paths do not change, only the work to find them again).
func (r *replayer) hiddenFrom(p0 int) map[int][]int {
	if sp, ok := r.sp[p0]; ok {
		return sp
	}
	m := r.m
	sp := map[int][]int{}
	var bytes int64 = 64
	var dfs func(cur int, list []int, depth int)
	dfs = func(cur int, list []int, depth int) {
		if depth > maxHiddenDepth {
			return
		}
		for _, t := range m.placeOut[cur] {
			if !m.silent[t] {
				continue
			}
			for _, w := range m.post[t] {
				p2 := w.Place
				if old, ok := sp[p2]; !ok || len(list)+1 < len(old) {
					nl := append(slices.Clip(list), t)
					sp[p2] = nl
					bytes += 64 + 8*int64(len(nl))
					dfs(p2, nl, depth+1)
				}
			}
		}
	}
	dfs(p0, nil, 0)
	if r.spBytes+bytes > r.spLimit {
		clear(r.sp)
		r.spBytes = 0
	}
	r.sp[p0] = sp
	r.spBytes += bytes
	return sp
}

// replayer holds what replay needs of a net; it is used by one goroutine.
type replayer struct {
	m *model
	// sp caches hiddenFrom by source place; spBytes is its accounted size,
	// spLimit its bound.
	sp      map[int]map[int][]int
	spBytes int64
	spLimit int64
	// finalPlaces are the places of the final marking, in ID order.
	finalPlaces []int
	finalTokens int
	initTokens  int
	init        omark
}

// newReplayer prepares replay on m, its path cache bounded by cacheBytes.
func newReplayer(m *model, cacheBytes int64) *replayer {
	r := &replayer{m: m, sp: map[int]map[int][]int{}, spLimit: cacheBytes, init: newOmark(m.initial)}
	for p, k := range m.final {
		if k > 0 {
			r.finalPlaces = append(r.finalPlaces, p)
			r.finalTokens += k
		}
	}
	slices.SortFunc(r.finalPlaces, func(a, b int) int { return m.placeRank[a] - m.placeRank[b] })
	for _, k := range m.initial {
		r.initTokens += k
	}
	return r
}

// trace is the replay state of one trace.
type trace struct {
	mk                          omark
	produced, consumed, missing int
	stopped                     bool    // stopped at the first unfit event (precision mode)
	fired                       []int32 // transitions fired, in order
	// record, when set, is told about every inserted token.
	record func(t, p, k int)
}

func (r *replayer) start() *trace {
	return &trace{mk: r.init.clone(), produced: r.initTokens}
}

func (r *replayer) enabled(t int, mk *omark) bool {
	for _, w := range r.m.pre[t] {
		if mk.get(w.Place) < int64(w.Weight) {
			return false
		}
	}
	return true
}

// fire fires t (which must be enabled) and counts its tokens.
func (r *replayer) fire(s *trace, t int) {
	for _, w := range r.m.pre[t] {
		s.mk.add(w.Place, -w.Weight)
		s.consumed += w.Weight
	}
	for _, w := range r.m.post[t] {
		s.mk.add(w.Place, w.Weight)
		s.produced += w.Weight
	}
	s.fired = append(s.fired, int32(t))
}

// step replays one event of activity a (an index into the log's
// activities; a < 0 or an activity without transitions is skipped, as PM4Py
// skips activities the net does not know). In stop mode an event that needs
// missing tokens stops the replay instead.
func (r *replayer) step(s *trace, a int32, stop bool) {
	if s.stopped || a < 0 || int(a) >= len(r.m.byAct) || len(r.m.byAct[a]) == 0 {
		return
	}
	cands := r.m.byAct[a]
	t := cands[len(cands)-1]
	for _, c := range cands {
		if r.enabled(c, &s.mk) {
			t = c
			break
		}
	}
	if !r.enabled(t, &s.mk) {
		visited := make(map[int]bool, 8)
		r.applyHidden(s, t, visited, 0)
	}
	if !r.enabled(t, &s.mk) {
		if stop {
			s.missing++
			s.stopped = true
			return
		}
		for _, w := range r.m.pre[t] {
			if k := s.mk.get(w.Place); k < int64(w.Weight) {
				short := w.Weight - int(k)
				s.missing += short
				if s.record != nil {
					s.record(t, w.Place, short)
				}
				s.mk.add(w.Place, w.Weight) // sic: PM4Py adds the weight
			}
		}
	}
	r.fire(s, t)
}

// hiddenTowards lists the invisible paths from the marked places to the
// targets (both in ID order), shortest first (stable).
func (r *replayer) hiddenTowards(mk *omark, targets []int) [][]int {
	from := slices.Clone(mk.place)
	slices.SortFunc(from, func(a, b int32) int { return r.m.placeRank[a] - r.m.placeRank[b] })
	var out [][]int
	for _, p1 := range from {
		sp := r.hiddenFrom(int(p1))
		for _, p2 := range targets {
			if path := sp[p2]; path != nil {
				out = append(out, path)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b []int) int { return len(a) - len(b) })
	return out
}

// applyHidden tries to enable t by invisible transitions (PM4Py's
// apply_hidden_trans).
func (r *replayer) applyHidden(s *trace, t int, visited map[int]bool, depth int) {
	if depth >= 2 || visited[t] {
		return
	}
	visited[t] = true
	var starved []int
	for _, w := range r.m.pre[t] {
		if s.mk.get(w.Place) < int64(w.Weight) {
			starved = append(starved, w.Place)
		}
	}
	slices.SortFunc(starved, func(a, b int) int { return r.m.placeRank[a] - r.m.placeRank[b] })
	groups := r.hiddenTowards(&s.mk, starved)
	if len(groups) == 0 {
		return
	}
	r.enableHidden(s, t, groups, visited)
	if r.enabled(t, &s.mk) {
		return
	}
	for _, g := range r.hiddenTowards(&s.mk, starved) {
		for _, t4 := range g {
			if t4 == t || visited[t4] {
				continue
			}
			if !r.enabled(t4, &s.mk) {
				r.applyHidden(s, t4, visited, depth+1)
			}
			if r.enabled(t4, &s.mk) {
				r.fire(s, t4)
				visited[t4] = true
			}
		}
	}
	// PM4Py then recurses on t itself when the marking changed, but t is
	// already visited, so that call returns at once.
}

// enableHidden walks the paths in order, firing every enabled, not yet
// visited invisible transition, until t is enabled or a whole path fires
// nothing (PM4Py's enable_hidden_transitions).
func (r *replayer) enableHidden(s *trace, t int, groups [][]int, visited map[int]bool) {
	for _, g := range groups {
		changed := false
		for _, t3 := range g {
			if t3 != t && r.enabled(t3, &s.mk) && !visited[t3] {
				r.fire(s, t3)
				visited[t3] = true
				changed = true
			}
			if r.enabled(t, &s.mk) {
				return
			}
		}
		if !changed {
			return
		}
	}
}

func (r *replayer) finalReached(mk *omark) bool {
	for _, p := range r.finalPlaces {
		if mk.get(p) == 0 {
			return false
		}
	}
	return true
}

// towardsFinal fires invisible transitions towards the final marking
// (PM4Py's try_to_reach_final_marking_through_hidden).
func (r *replayer) towardsFinal(s *trace) {
	for range 5 {
		if r.finalReached(&s.mk) {
			break
		}
		for _, g := range r.hiddenTowards(&s.mk, r.finalPlaces) {
			for _, t := range g {
				if r.enabled(t, &s.mk) {
					r.fire(s, t)
				}
			}
			if r.finalReached(&s.mk) {
				break
			}
		}
	}
	if r.finalReached(&s.mk) || len(r.finalPlaces) != 1 {
		return
	}
	sink := r.finalPlaces[0]
	var conns [][]int
	for _, p := range s.mk.place { // insertion order, as PM4Py
		if path := r.hiddenFrom(int(p))[sink]; path != nil {
			conns = append(conns, path)
		}
	}
	slices.SortStableFunc(conns, func(a, b []int) int { return len(a) - len(b) })
	for range 5 {
		for _, path := range conns {
			for _, t := range path {
				if !r.enabled(t, &s.mk) {
					break
				}
				r.fire(s, t)
			}
		}
	}
}

// outcome is the result of one replayed trace.
type outcome struct {
	produced, consumed, missing, remaining int
	fit                                    bool
	fitness                                float64
	// left are the tokens left over, per place (only when asked).
	left map[int]int
	// short are the final-marking tokens that never arrived, per place.
	short map[int]int
}

// finish ends a replay: optionally walks invisibles to the final marking,
// then counts remaining tokens (beyond the final marking) and final tokens
// never produced, as PM4Py does. Fitness is decided before the final
// marking's shortfall is added to the missing tokens, as in PM4Py.
func (r *replayer) finish(s *trace, reachFinal, considerRemaining, detail bool) outcome {
	if reachFinal {
		r.towardsFinal(s)
	}
	o := outcome{produced: s.produced, consumed: s.consumed + r.finalTokens, missing: s.missing}
	if detail {
		o.left, o.short = map[int]int{}, map[int]int{}
	}
	for i, p := range s.mk.place {
		k := int(s.mk.count[i] - int64(r.m.final[p]))
		if k > 0 {
			o.remaining += k
			if detail {
				o.left[int(p)] += k
			}
		}
	}
	for _, p := range r.finalPlaces {
		if d := int(int64(r.m.final[p]) - s.mk.get(p)); d > 0 {
			o.missing += d
			if detail {
				o.short[p] += d
			}
		}
	}
	o.fit = s.missing == 0 && (!considerRemaining || o.remaining == 0)
	o.fitness = 1
	if o.consumed > 0 && o.produced > 0 {
		o.fitness = 0.5*(1-float64(o.missing)/float64(o.consumed)) + 0.5*(1-float64(o.remaining)/float64(o.produced))
	}
	return o
}
