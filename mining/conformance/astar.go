package conformance

import (
	"context"
	"errors"
	"time"
)

// PM4Py's standard alignment costs. A deviation (log move, or model move on
// a visible transition) costs 10000, a silent model move 1 (so that among
// alignments with the fewest deviations the one with the fewest silent
// steps wins), a synchronous move 0.
const (
	CostDeviation = 10000
	CostSilent    = 1
)

var (
	errBudget      = errors.New("state budget exhausted")
	errTimeout     = errors.New("time budget exhausted")
	errUnreachable = errors.New("final marking unreachable")
)

// maxSuffixTable bounds the entries of a trace's suffix table; longer
// traces with many distinct activities count dead events by scanning the
// next deadWindow events only.
const (
	maxSuffixTable = 1 << 20
	deadWindow     = 1024
)

// searcher runs A* over the synchronous product of a trace and the
// reachability graph: a state is (marking, position in the trace).
//
// The heuristic, in units of CostDeviation, is dead + max(0, dist - (rest -
// dead)), where rest is the number of events still to align, dead those
// whose activity no path from the marking to the final marking can fire
// (they must be log moves), and dist the least number of visible
// transitions the model must still fire (each either a synchronous move
// with one of the rest-dead live events, or a model move). It is admissible
// and consistent (every move lowers it by at most the move's cost), so the
// first time a state is expanded its cost is optimal and it is closed.
// Where the graph knows less (see mgraph.fireable) dead counts fewer
// events — only those of activities without transitions, or only the next
// deadWindow events of a long trace with many activities — which keeps
// both properties.
type searcher struct {
	g     *mgraph
	nodes []snode
	heap  []hitem
	// The best node per state: a dense table (marking x position) when the
	// graph is complete and the table small, else a map.
	dense []int32
	best  map[uint64]int32

	// per trace
	trace  []int32
	uniq   []int32 // distinct activities of the trace
	suffix []int32 // suffix[pos*len(uniq)+j]: occurrences of uniq[j] in trace[pos:]; nil: scan
	absent []int32 // absent[pos]: events in trace[pos:] whose activity no transition carries

	// spent is the memory the last search accounted (see budget.go);
	// frontier, after a search that ran out of budget, is the least f of
	// its open states: a lower bound on the optimal cost.
	spent    int64
	frontier int64
}

type snode struct {
	mark   int32
	pos    int32
	parent int32
	move   int32 // transition fired, -1 for a log move, -2 for the root
	g      int64
	closed bool
}

type hitem struct {
	f    int64
	pos  int32
	node int32
}

// less orders the open set by f, then deeper in the trace first (which
// reaches the goal sooner among equally good states), then by node for
// determinism.
func (a hitem) less(b hitem) bool {
	if a.f != b.f {
		return a.f < b.f
	}
	if a.pos != b.pos {
		return a.pos > b.pos
	}
	return a.node < b.node
}

func (s *searcher) push(it hitem) {
	s.heap = append(s.heap, it)
	i := len(s.heap) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s.heap[i].less(s.heap[p]) {
			break
		}
		s.heap[i], s.heap[p] = s.heap[p], s.heap[i]
		i = p
	}
}

func (s *searcher) pop() hitem {
	top := s.heap[0]
	last := len(s.heap) - 1
	s.heap[0] = s.heap[last]
	s.heap = s.heap[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && s.heap[l].less(s.heap[m]) {
			m = l
		}
		if r < last && s.heap[r].less(s.heap[m]) {
			m = r
		}
		if m == i {
			break
		}
		s.heap[i], s.heap[m] = s.heap[m], s.heap[i]
		i = m
	}
	return top
}

func (s *searcher) setTrace(trace []int32) {
	s.trace = trace
	s.uniq = s.uniq[:0]
	pos := map[int32]int{}
	for _, a := range trace {
		if _, ok := pos[a]; !ok {
			pos[a] = len(s.uniq)
			s.uniq = append(s.uniq, a)
		}
	}
	u := len(s.uniq)
	n := len(trace)
	if cap(s.absent) < n+1 {
		s.absent = make([]int32, n+1)
	}
	s.absent = s.absent[:n+1]
	s.absent[n] = 0
	for i := n - 1; i >= 0; i-- {
		s.absent[i] = s.absent[i+1]
		if a := trace[i]; int(a) >= len(s.g.m.byAct) || len(s.g.m.byAct[a]) == 0 {
			s.absent[i]++
		}
	}
	s.spent = 4 * int64(n+1)
	if (n+1)*u > maxSuffixTable {
		s.suffix = nil
		return
	}
	if cap(s.suffix) < (n+1)*u {
		s.suffix = make([]int32, (n+1)*u)
	}
	s.suffix = s.suffix[:(n+1)*u]
	s.spent += 4 * int64(cap(s.suffix))
	clear(s.suffix[n*u:])
	for i := n - 1; i >= 0; i-- {
		copy(s.suffix[i*u:(i+1)*u], s.suffix[(i+1)*u:(i+2)*u])
		s.suffix[i*u+pos[trace[i]]]++
	}
}

// h is the heuristic (see searcher); -1 when the final marking cannot be
// reached from mark.
func (s *searcher) h(mark, pos int32) int64 {
	dist := s.g.distance(mark)
	if dist < 0 {
		return -1
	}
	bits := s.g.fireable(mark)
	var dead int64
	switch {
	case bits == nil: // only activities without transitions are known dead
		dead = int64(s.absent[pos])
	case s.suffix == nil:
		// Counting fewer dead events keeps h admissible, and consistent:
		// a move never shrinks the window's dead count by more than the
		// event it consumes (fire sets only shrink along a path).
		for _, a := range s.trace[pos:min(len(s.trace), int(pos)+deadWindow)] {
			if bits[a/64]&(1<<(a%64)) == 0 {
				dead++
			}
		}
	default:
		u := len(s.uniq)
		row := s.suffix[int(pos)*u : int(pos)*u+u]
		for j, a := range s.uniq {
			if row[j] > 0 && bits[a/64]&(1<<(a%64)) == 0 {
				dead += int64(row[j])
			}
		}
	}
	rest := int64(len(s.trace)) - int64(pos)
	return CostDeviation * (dead + max(0, int64(dist)-(rest-dead)))
}

// maxDenseTable bounds the dense state table (entries) of one search.
const maxDenseTable = 1 << 21

// budget bounds one search.
type budget struct {
	maxStates int
	maxBytes  int64     // accounted memory (see budget.go)
	deadline  time.Time // zero: none
}

// align finds an optimal alignment of trace; it returns the goal node.
func (s *searcher) align(ctx context.Context, trace []int32, b budget) (int32, error) {
	s.setTrace(trace)
	s.nodes = s.nodes[:0]
	s.heap = s.heap[:0]
	n := int32(len(trace))
	width := int(n) + 1
	s.frontier = 0
	useDense := s.g.complete && s.g.size()*width <= maxDenseTable
	if useDense {
		if cap(s.dense) < s.g.size()*width {
			s.dense = make([]int32, s.g.size()*width)
		}
		s.dense = s.dense[:s.g.size()*width]
		s.spent += 4 * int64(cap(s.dense))
		for i := range s.dense {
			s.dense[i] = -1
		}
	} else {
		if s.best == nil {
			s.best = map[uint64]int32{}
		}
		clear(s.best)
	}
	lookup := func(mark, pos int32) (int32, bool) {
		if useDense {
			v := s.dense[int(mark)*width+int(pos)]
			return v, v >= 0
		}
		v, ok := s.best[uint64(uint32(mark))<<32|uint64(uint32(pos))]
		return v, ok
	}
	store := func(mark, pos, id int32) {
		if useDense {
			s.dense[int(mark)*width+int(pos)] = id
			return
		}
		s.best[uint64(uint32(mark))<<32|uint64(uint32(pos))] = id
	}
	add := func(mark, pos, parent, move int32, g int64) {
		if old, ok := lookup(mark, pos); ok {
			if o := &s.nodes[old]; o.closed || o.g <= g {
				return
			}
		}
		h := s.h(mark, pos)
		if h < 0 {
			return
		}
		id := int32(len(s.nodes))
		s.nodes = append(s.nodes, snode{mark: mark, pos: pos, parent: parent, move: move, g: g})
		// A state may bring a marking a lazy graph must keep: count both.
		s.spent += stateBytes
		if !s.g.complete {
			s.spent += markingBytes(len(s.g.keys[mark])) + s.g.lazyFireBytes()
		}
		store(mark, pos, id)
		s.push(hitem{f: g + h, pos: pos, node: id})
	}
	add(0, 0, -1, -2, 0)
	expanded := 0
	for len(s.heap) > 0 {
		it := s.pop()
		cur := s.nodes[it.node]
		if b, _ := lookup(cur.mark, cur.pos); b != it.node || cur.closed {
			continue // superseded by a cheaper path to the same state
		}
		if cur.pos == n && cur.mark == s.g.final {
			return it.node, nil
		}
		s.nodes[it.node].closed = true
		expanded++
		if len(s.nodes) > b.maxStates {
			return -1, s.stop(it.f, errBudget)
		}
		if b.maxBytes > 0 && s.spent > b.maxBytes {
			return -1, s.stop(it.f, errMemory)
		}
		if expanded&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return -1, err
			}
			if !b.deadline.IsZero() && time.Now().After(b.deadline) {
				return -1, s.stop(it.f, errTimeout)
			}
		}
		if cur.pos < n {
			add(cur.mark, cur.pos+1, it.node, -1, cur.g+CostDeviation)
		}
		succ := s.g.successors(cur.mark)
		s.spent += edgesBytes(len(succ))
		for _, e := range succ {
			t := e.t
			if s.g.m.silent[t] {
				add(e.to, cur.pos, it.node, t, cur.g+CostSilent)
				continue
			}
			if cur.pos < n && s.g.m.labelAct[t] == trace[cur.pos] {
				add(e.to, cur.pos+1, it.node, t, cur.g)
			}
			add(e.to, cur.pos, it.node, t, cur.g+CostDeviation)
		}
	}
	return -1, errUnreachable
}

// stop records the frontier of a search that ran out of budget: the least
// f among the state just expanded (f) and the open states. With an
// admissible, consistent heuristic the optimal cost is at least that.
func (s *searcher) stop(f int64, err error) error {
	s.frontier = f
	for _, it := range s.heap {
		s.frontier = min(s.frontier, it.f)
	}
	return err
}

// moves rebuilds the alignment ending in node.
func (s *searcher) moves(node int32) []Move {
	var out []Move
	for v := node; v >= 0; v = s.nodes[v].parent {
		nd := s.nodes[v]
		if nd.move == -2 {
			break
		}
		p := s.nodes[nd.parent]
		switch {
		case nd.move == -1:
			out = append(out, Move{Kind: LogMove, Activity: s.trace[p.pos], Transition: -1})
		case nd.pos != p.pos:
			out = append(out, Move{Kind: SyncMove, Activity: s.trace[p.pos], Transition: nd.move})
		case s.g.m.silent[nd.move]:
			out = append(out, Move{Kind: SilentMove, Activity: -1, Transition: nd.move})
		default:
			out = append(out, Move{Kind: ModelMove, Activity: -1, Transition: nd.move})
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
