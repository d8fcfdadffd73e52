package conformance

// maxVisibleWalk bounds the walk of visibleAhead; a net whose silent
// transitions keep producing tokens would otherwise never stop.
const maxVisibleWalk = 1 << 20

// visibleAhead returns the visible transitions enabled in marking id or
// after silent transitions, as PM4Py's
// get_visible_transitions_eventually_enabled_by_marking finds them. That
// function walks a worklist of transitions, each paired with the marking
// it was last found enabled in (a later finding overwrites an earlier one,
// also for entries already queued), firing silent ones and queueing the
// transitions (in ID order) enabled after them; a (transition, marking)
// pair is handled once. The overwriting can hide markings a plain search
// would visit; it is kept so that precision matches PM4Py's.
func (g *mgraph) visibleAhead(id int32) []int32 {
	type item struct{ t, mark int32 }
	var list []int32
	markOf := map[int32]int32{}
	for _, e := range g.enabledSorted(id) {
		list = append(list, e.t)
		markOf[e.t] = id
	}
	seen := map[item]bool{}
	inSet := map[int32]bool{}
	var out []int32
	for i := 0; i < len(list) && i < maxVisibleWalk; i++ {
		t := list[i]
		mk := markOf[t]
		if seen[item{t, mk}] {
			continue
		}
		seen[item{t, mk}] = true
		if !g.m.silent[t] {
			if !inSet[t] {
				inSet[t] = true
				out = append(out, t)
			}
			continue
		}
		var to int32 = -1
		for _, e := range g.successors(mk) {
			if e.t == t {
				to = e.to
				break
			}
		}
		if to < 0 {
			continue // not enabled there (cannot happen: entries come from enabled lists)
		}
		for _, e := range g.enabledSorted(to) {
			list = append(list, e.t)
			markOf[e.t] = to
		}
	}
	return out
}
