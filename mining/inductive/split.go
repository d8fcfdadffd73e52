package inductive

import "github.com/pmx-dev/pmx/mining/tree"

// Log splitting: given a cut (found on the log's graph, or under IMf on a
// filtered graph), project the log onto one sub-log per group. Under IM the
// cut fits every trace and the projections are exact; under IMf a trace
// may disagree with the cut, and each split below says how it is repaired
// (this is where infrequent behaviour is filtered). Activities that are in
// no group (they left a filtered graph) are dropped.

// groupOf maps every global activity to its group, or -1.
func groupOf(numActs int, g *graph, groups [][]int) []int32 {
	of := make([]int32, numActs)
	for i := range of {
		of[i] = -1
	}
	for k, grp := range groups {
		for _, i := range grp {
			of[g.v[i]] = int32(k)
		}
	}
	return of
}

func builders(k int, l *ulog) []*builder {
	bs := make([]*builder, k)
	for i := range bs {
		bs[i] = newBuilder(min(l.len(), 64), l.events()/k+1)
	}
	return bs
}

func done(bs []*builder) []*ulog {
	out := make([]*ulog, len(bs))
	for i, b := range bs {
		out[i] = b.done()
	}
	return out
}

func split(op tree.Op, l *ulog, of []int32, k int) []*ulog {
	switch op {
	case tree.Xor:
		return splitXor(l, of, k)
	case tree.Seq:
		return splitSeq(l, of, k)
	case tree.And:
		return splitAnd(l, of, k)
	default:
		return splitLoop(l, of)
	}
}

// splitXor sends each trace to the group holding most of its events (ties:
// the later group, as PM4Py) and keeps only that group's events.
func splitXor(l *ulog, of []int32, k int) []*ulog {
	bs := builders(k, l)
	per := make([]int, k)
	for i := 0; i < l.len(); i++ {
		clear(per)
		t := l.trace(i)
		for _, a := range t {
			if g := of[a]; g >= 0 {
				per[g]++
			}
		}
		best := k - 1
		for g := k - 1; g >= 0; g-- {
			if per[g] > per[best] {
				best = g
			}
		}
		b := bs[best]
		for _, a := range t {
			if of[a] == int32(best) {
				b.push(a)
			}
		}
		b.end(l.cnt[i])
	}
	return done(bs)
}

// splitSeq cuts each trace into consecutive segments, one per group: the
// segment of group i ends where the cost "events of later groups minus
// events of group i" since the previous cut is lowest (first such point);
// events of earlier groups cost nothing. Each segment keeps only its
// group's events; a group without events gets an empty trace.
func splitSeq(l *ulog, of []int32, k int) []*ulog {
	bs := builders(k, l)
	for i := 0; i < l.len(); i++ {
		t := l.trace(i)
		from := 0
		for g := int32(0); g < int32(k); g++ {
			to, cost, least := from, 0, 0
			for j := from; j < len(t); j++ {
				switch x := of[t[j]]; {
				case x == g:
					cost--
				case x < 0 || x > g:
					cost++
				}
				if cost < least {
					least, to = cost, j+1
				}
			}
			b := bs[g]
			for _, a := range t[from:to] {
				if of[a] == g {
					b.push(a)
				}
			}
			b.end(l.cnt[i])
			from = to
		}
	}
	return done(bs)
}

// splitAnd projects every trace on every group.
func splitAnd(l *ulog, of []int32, k int) []*ulog {
	bs := builders(k, l)
	for i := 0; i < l.len(); i++ {
		t := l.trace(i)
		for g := int32(0); g < int32(k); g++ {
			b := bs[g]
			for _, a := range t {
				if of[a] == g {
					b.push(a)
				}
			}
			b.end(l.cnt[i])
		}
	}
	return done(bs)
}

// splitLoop cuts each trace into maximal do and redo segments. As in
// PM4Py, an activity of neither part closes the open segment and is
// dropped, and every trace contributes its last do segment to the do log
// even when that segment is empty (the trace ended in redo behaviour).
func splitLoop(l *ulog, of []int32) []*ulog {
	do, redo := newBuilder(l.len(), l.events()), newBuilder(l.len(), l.events()/2+1)
	for i := 0; i < l.len(); i++ {
		c := l.cnt[i]
		inDo, inRedo := false, false
		for _, a := range l.trace(i) {
			switch of[a] {
			case 0:
				if inRedo {
					redo.end(c)
					inRedo = false
				}
				do.push(a)
				inDo = true
			case 1:
				if inDo {
					do.end(c)
					inDo = false
				}
				redo.push(a)
				inRedo = true
			default:
				if inDo {
					do.end(c)
					inDo = false
				}
				if inRedo {
					redo.end(c)
					inRedo = false
				}
			}
		}
		if inRedo {
			redo.end(c)
		}
		do.end(c) // the open do segment, possibly empty
	}
	return []*ulog{do.done(), redo.done()}
}
