package engine

import (
	"errors"
	"math"
	"slices"
	"time"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/mining/tree"
)

// Instance is one simulated activity instance. Times are Unix microseconds:
// Enabled when the case reached the activity, Start when a resource began
// it (after any extraneous delay and queueing), End when it completed.
type Instance struct {
	Case     int // index among the reported cases, in arrival order
	Activity int32
	Resource int32 // -1: no resource
	Enabled  int64
	Start    int64
	End      int64
}

// Options of one run.
type Options struct {
	// Cases is how many cases are reported; WarmUp cases arrive before them
	// and CoolDown after them, are simulated alike, and are left out of the
	// output and the KPIs: queues are not empty when the first reported
	// case arrives, nor drained early when the last one is served.
	Cases, WarmUp, CoolDown int
	// Start is when the arrival clock starts (Unix µs).
	Start int64
	// Seed and Replication select the random streams: the same pair gives
	// the same run, byte for byte, on any machine. Streams are keyed by
	// case, activity and occurrence, so two models that differ in one place
	// (a scenario) draw the same numbers everywhere else: common random
	// numbers.
	Seed        uint64
	Replication int
	// Emit, when set, receives every reported instance as it completes.
	Emit func(Instance)
	// CaseAttributes, when set, receives every reported case's attribute
	// values (in the order of Sim.Attributes) when it arrives.
	CaseAttributes func(c int, values []string)
}

// Result is what one run measured over its reported cases.
type Result struct {
	Cases     int
	Instances int
	// First is the first reported arrival, Last the last reported
	// completion (Unix µs): the measured horizon.
	First, Last int64
	// Arrival and CycleTime (arrival to last completion, seconds) per
	// reported case, in arrival order.
	Arrival   []int64
	CycleTime []float64
	Acts      []ActStats  // by Sim.Activities
	Pools     []PoolStats // by Sim.Pools
}

// ActStats sums one activity's reported instances (seconds).
type ActStats struct {
	Count   int     `json:"count"`
	Delay   float64 `json:"delay_seconds"`   // extraneous delay
	Waiting float64 `json:"waiting_seconds"` // queueing for a resource, and its off-hours before starting
	Service float64 `json:"service_seconds"` // start to end, calendar time
}

// PoolStats is one pool's work over the horizon (seconds): Busy is the
// working time of work started in it, Available the working time its
// resources' calendars offer in it.
type PoolStats struct {
	Busy      float64 `json:"busy_seconds"`
	Available float64 `json:"available_seconds"`
	Cost      float64 `json:"cost"` // available hours × cost per hour
	// Waiting is the queueing of the reported instances its members
	// served (Served of them): from ready to start.
	Waiting float64 `json:"waiting_seconds"`
	Served  int     `json:"served"`
}

// Utilisation is Busy / Available (NaN without available time).
func (p PoolStats) Utilisation() float64 {
	if p.Available <= 0 {
		return math.NaN()
	}
	return p.Busy / p.Available
}

// Event kinds.
const (
	evArrival uint8 = iota
	evDelayDone
	evWorkDone
)

type event struct {
	t    int64
	seq  uint64
	kind uint8
	res  int32
	c    int32
	n    int32
}

// Plan node kinds.
const (
	nAct uint8 = iota
	nSeq
	nPar
)

// pnode is one node of a case's sampled plan: an activity, or a sequence
// or parallel block of nodes.
type pnode struct {
	kind    uint8
	act     int32
	occ     int32 // occurrence of act in the case (0 = first)
	prev    int32 // the activity before it in a variant, -1 for the first, -2 unknown (trees, nets)
	trans   int32 // mode net: the transition whose activity it is
	parent  int32
	first   int32 // first child
	next    int32 // next sibling
	pending int32 // parallel: children not finished
	enabled int64
	ready   int64 // after the extraneous delay
	start   int64
}

type caseState struct {
	nodes   []pnode
	arrival int64
	rank    int32
	net     *netState // mode net
}

type waiting struct {
	rank int32
	seq  uint64
	c, n int32
}

type run struct {
	s      *Sim
	o      Options
	heap   []event
	seq    uint64
	cases  []caseState
	total  int
	queues [][]waiting // per pool, a min-heap on (rank, seq)
	idle   [][]int32   // per pool, idle resources, longest idle first
	busy   []float64   // per pool, working seconds started
	res    *Result
	attrs  []string
	// spanFrom/spanTo cache each resource's current stretch of working
	// time (calendar.WorkingSpan): work that fits in it needs no calendar
	// arithmetic.
	spanFrom, spanTo []int64
	occ              []int32 // per activity: occurrences in the case being planned
	// vals[c·len(byAttrs)+k] is case c's value id of Sim.byAttrs[k].
	vals    []int32
	streams streams
	free    [][]pnode // plan slices of finished cases, for reuse
	// Mode net: token games of finished cases for reuse, and scratch for
	// the candidates of a choice.
	freeNet []*netState
	cand    []int32
	// err stops the run: a case of mode net is stuck.
	err error
}

// ErrCases reports options without cases to simulate.
var ErrCases = errors.New("simulate: no cases (Options.Cases must be > 0)")

// Run simulates o.WarmUp + o.Cases + o.CoolDown cases and returns what the
// reported ones measured. It is deterministic in (model, o.Seed,
// o.Replication).
func (s *Sim) Run(o Options) (*Result, error) {
	if o.Cases <= 0 || o.WarmUp < 0 || o.CoolDown < 0 {
		return nil, ErrCases
	}
	r := &run{s: s, o: o, total: o.WarmUp + o.Cases + o.CoolDown}
	r.cases = make([]caseState, r.total)
	r.queues = make([][]waiting, len(s.pools))
	r.idle = make([][]int32, len(s.pools))
	r.busy = make([]float64, len(s.pools))
	for pi, p := range s.pools {
		r.idle[pi] = append([]int32(nil), p.resources...)
	}
	r.res = &Result{Cases: o.Cases, Acts: make([]ActStats, len(s.acts)), Pools: make([]PoolStats, len(s.pools)),
		Arrival: make([]int64, o.Cases), CycleTime: make([]float64, o.Cases), First: math.MaxInt64}
	r.attrs = make([]string, len(s.Attributes))
	r.spanFrom, r.spanTo = make([]int64, len(s.res)), make([]int64, len(s.res))
	r.occ = make([]int32, len(s.acts))
	if len(s.byAttrs) > 0 {
		r.vals = make([]int32, r.total*len(s.byAttrs))
	}
	r.streams = newStreams(o.Seed, uint64(o.Replication))
	gaps := r.streams.of(purposeArrivals, 0, 0, 0)
	t := s.advance(o.Start, s.gaps.Sample(&gaps))
	r.push(event{t: t, kind: evArrival, c: 0})
	for len(r.heap) > 0 && r.err == nil {
		e := r.pop()
		switch e.kind {
		case evArrival:
			r.arrive(e.c, e.t)
			if next := int(e.c) + 1; next < r.total {
				r.push(event{t: s.advance(e.t, s.gaps.Sample(&gaps)), kind: evArrival, c: int32(next)})
			}
		case evDelayDone:
			r.request(e.c, e.n, e.t)
		case evWorkDone:
			r.done(e.res, e.c, e.n, e.t)
		}
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.res.First == math.MaxInt64 {
		r.res.First = r.res.Last
	}
	for pi, p := range s.pools {
		ps := &r.res.Pools[pi]
		ps.Busy = r.busy[pi]
		for _, ri := range p.resources {
			if cal := s.res[ri].cal; cal != nil {
				ps.Available += cal.Seconds(r.res.First, r.res.Last)
			} else {
				ps.Available += float64(r.res.Last-r.res.First) / 1e6
			}
		}
		ps.Cost = ps.Available / 3600 * p.costPerHour
	}
	return r.res, nil
}

// reported reports whether case c is in the measured range, and its index
// there.
func (r *run) reported(c int32) (int, bool) {
	i := int(c) - r.o.WarmUp
	return i, i >= 0 && i < r.o.Cases
}

// arrive samples case c's plan and starts it.
func (r *run) arrive(c int32, t int64) {
	s := r.s
	cs := &r.cases[c]
	cs.arrival = t
	st := r.streams.of(purposeCase, uint64(c), 0, 0)
	var nodes []pnode
	if k := len(r.free); k > 0 {
		nodes, r.free = r.free[k-1][:0], r.free[:k-1]
	}
	if s.net == nil {
		nodes = append(nodes, pnode{kind: nSeq, parent: -1, first: -1, next: -1})
	}
	addAct := func(parent int32, a int32) {
		k := r.occ[a]
		r.occ[a]++
		nodes = append(nodes, pnode{kind: nAct, act: a, occ: k, parent: parent, first: -1, next: -1, prev: -2})
	}
	if s.tree == nil && s.net == nil {
		v := &s.variants[pick(s.cum, st.Float64())]
		cs.rank = v.rank
		copy(r.attrs, v.attrs)
		if nb := len(s.byAttrs); nb > 0 {
			copy(r.vals[int(c)*nb:], v.byVals)
		}
		prev := int32(-1)
		for j, a := range v.acts {
			addAct(0, a)
			me := int32(len(nodes) - 1)
			nodes[me].prev = -1
			if j > 0 {
				nodes[me].prev = v.acts[j-1]
			}
			if prev < 0 {
				nodes[0].first = me
			} else {
				nodes[prev].next = me
			}
			prev = me
		}
	} else {
		if s.tree != nil {
			r.playOut(s.tree, 0, &nodes, &st, addAct)
		}
		for i, ad := range s.attrDist {
			j := pick(ad.cum, st.Float64())
			r.attrs[i] = ad.values[j]
			if ad.ids != nil {
				r.vals[int(c)*len(s.byAttrs)+slices.Index(s.byAttrs, i)] = ad.ids[j]
			}
		}
		if s.priority != "" {
			for i, name := range s.Attributes {
				if name == s.priority {
					cs.rank = s.rankOf(r.attrs[i])
				}
			}
		}
	}
	for _, nd := range nodes {
		if nd.kind == nAct {
			r.occ[nd.act] = 0
		}
	}
	cs.nodes = nodes
	if i, ok := r.reported(c); ok {
		r.res.Arrival[i] = t
		r.res.First = min(r.res.First, t)
		if r.o.CaseAttributes != nil {
			r.o.CaseAttributes(i, r.attrs)
		}
	}
	if s.net != nil {
		cs.net = r.newNetState()
		r.play(c, t)
		return
	}
	r.start(c, 0, t)
}

// playOut samples tree node tn into the plan under parent.
func (r *run) playOut(tn *treeNode, parent int32, nodes *[]pnode, st *stream, addAct func(int32, int32)) {
	link := func(child int32) {
		p := &(*nodes)[parent]
		if p.first < 0 {
			p.first = child
			return
		}
		i := p.first
		for (*nodes)[i].next >= 0 {
			i = (*nodes)[i].next
		}
		(*nodes)[i].next = child
	}
	switch tn.op {
	case tree.Leaf:
		if tn.act >= 0 {
			addAct(parent, tn.act)
			link(int32(len(*nodes) - 1))
		}
	case tree.Xor:
		r.playOut(tn.children[pick(tn.cum, st.Float64())], parent, nodes, st, addAct)
	case tree.Seq:
		for _, c := range tn.children {
			r.playOut(c, parent, nodes, st, addAct)
		}
	case tree.Loop:
		r.playOut(tn.children[0], parent, nodes, st, addAct)
		for len(tn.children) > 1 && st.Float64() < tn.redo {
			for _, c := range tn.children[1:] {
				r.playOut(c, parent, nodes, st, addAct)
			}
			r.playOut(tn.children[0], parent, nodes, st, addAct)
		}
	case tree.And:
		*nodes = append(*nodes, pnode{kind: nPar, parent: parent, first: -1, next: -1})
		me := int32(len(*nodes) - 1)
		link(me)
		for _, c := range tn.children {
			// Each branch is a sequence of its own.
			*nodes = append(*nodes, pnode{kind: nSeq, parent: me, first: -1, next: -1})
			b := int32(len(*nodes) - 1)
			p := &(*nodes)[me]
			if p.first < 0 {
				p.first = b
			} else {
				i := p.first
				for (*nodes)[i].next >= 0 {
					i = (*nodes)[i].next
				}
				(*nodes)[i].next = b
			}
			r.playOut(c, b, nodes, st, addAct)
		}
	}
}

// start begins plan node n of case c at t.
func (r *run) start(c, n int32, t int64) {
	nd := &r.cases[c].nodes[n]
	switch nd.kind {
	case nAct:
		nd.enabled = t
		a := &r.s.acts[nd.act]
		delay := a.delay
		if a.after != nil && nd.prev >= -1 {
			if d := a.after[nd.prev+1]; d != nil {
				delay = d
			}
		}
		if a.byRank != nil {
			if d := a.byRank[r.cases[c].rank]; d != nil {
				delay = d
			}
		}
		if delay != nil {
			st := r.streams.of(purposeDelay, uint64(c), uint64(nd.act), uint64(nd.occ))
			if d := micros(delay.Sample(&st)); d > 0 {
				r.push(event{t: t + d, kind: evDelayDone, c: c, n: n})
				return
			}
		}
		r.request(c, n, t)
	case nSeq:
		if nd.first < 0 {
			r.complete(c, n, t)
			return
		}
		r.start(c, nd.first, t)
	case nPar:
		k := int32(0)
		for i := nd.first; i >= 0; i = r.cases[c].nodes[i].next {
			k++
		}
		nd.pending = k
		if k == 0 {
			r.complete(c, n, t)
			return
		}
		for i := nd.first; i >= 0; {
			next := r.cases[c].nodes[i].next
			r.start(c, i, t)
			i = next
		}
	}
}

// request asks the activity's pool for a resource at t.
func (r *run) request(c, n int32, t int64) {
	nd := &r.cases[c].nodes[n]
	nd.ready = t
	a := &r.s.acts[nd.act]
	if a.pool < 0 {
		st := r.streams.of(purposeWork, uint64(c), uint64(nd.act), uint64(nd.occ))
		nd.start = t
		r.push(event{t: t + micros(r.duration(a, c).Sample(&st)), kind: evWorkDone, res: -1, c: c, n: n})
		return
	}
	pool := a.pool
	if a.byK >= 0 {
		if id := r.vals[int(c)*len(r.s.byAttrs)+int(a.byK)]; id >= 0 && int(id) < len(a.byPool) && a.byPool[id] >= 0 {
			pool = a.byPool[id]
		}
	}
	idle := r.idle[pool]
	best, bestAt := -1, int64(math.MaxInt64)
	for i, ri := range idle {
		at := r.nextWork(ri, t)
		if at < bestAt {
			best, bestAt = i, at
			if at == t {
				break
			}
		}
	}
	if best < 0 {
		r.seq++
		q := append(r.queues[pool], waiting{rank: r.cases[c].rank, seq: r.seq, c: c, n: n})
		up(q, len(q)-1)
		r.queues[pool] = q
		return
	}
	ri := idle[best]
	r.idle[pool] = append(idle[:best], idle[best+1:]...)
	r.assign(ri, c, n, t)
}

// duration is the distribution case c's instance of a draws its working
// time from.
func (r *run) duration(a *act, c int32) *dist.Dist {
	if a.durRank != nil {
		if d := a.durRank[r.cases[c].rank]; d != nil {
			return d
		}
	}
	return &a.duration
}

// nextWork is the first instant at or after t resource ri works.
func (r *run) nextWork(ri int32, t int64) int64 {
	cal := r.s.res[ri].cal
	if cal == nil {
		return t
	}
	if t >= r.spanFrom[ri] && t < r.spanTo[ri] {
		return t
	}
	r.spanFrom[ri], r.spanTo[ri] = cal.WorkingSpan(t)
	return r.spanFrom[ri]
}

// assign starts plan node n of case c on resource ri at t.
func (r *run) assign(ri, c, n int32, t int64) {
	nd := &r.cases[c].nodes[n]
	a := &r.s.acts[nd.act]
	res := &r.s.res[ri]
	st := r.streams.of(purposeWork, uint64(c), uint64(nd.act), uint64(nd.occ))
	work := micros(r.duration(a, c).Sample(&st) * res.speed)
	nd.start = r.nextWork(ri, t)
	end := nd.start + work
	if res.cal != nil && end > r.spanTo[ri] {
		// The work runs past the shift: it pauses and resumes.
		end = res.cal.AddMicros(nd.start, work)
	}
	r.busy[res.pool] += float64(work) / 1e6
	r.push(event{t: end, kind: evWorkDone, res: ri, c: c, n: n})
}

// done completes plan node n of case c at t, freeing resource ri (≥ 0).
func (r *run) done(ri, c, n int32, t int64) {
	nd := &r.cases[c].nodes[n]
	if i, ok := r.reported(c); ok {
		as := &r.res.Acts[nd.act]
		as.Count++
		as.Delay += float64(nd.ready-nd.enabled) / 1e6
		as.Waiting += float64(nd.start-nd.ready) / 1e6
		as.Service += float64(t-nd.start) / 1e6
		if ri >= 0 {
			ps := &r.res.Pools[r.s.res[ri].pool]
			ps.Waiting += float64(nd.start-nd.ready) / 1e6
			ps.Served++
		}
		r.res.Instances++
		if r.o.Emit != nil {
			r.o.Emit(Instance{Case: i, Activity: nd.act, Resource: ri, Enabled: nd.enabled, Start: nd.start, End: t})
		}
	}
	if ri >= 0 {
		p := r.s.res[ri].pool
		if q := r.queues[p]; len(q) > 0 {
			w := q[0]
			last := len(q) - 1
			q[0] = q[last]
			q = q[:last]
			down(q, 0)
			r.queues[p] = q
			r.assign(ri, w.c, w.n, t)
		} else {
			r.idle[p] = append(r.idle[p], ri)
		}
	}
	r.complete(c, n, t)
}

// complete finishes plan node n of case c at t and moves the plan on.
func (r *run) complete(c, n int32, t int64) {
	if r.s.net != nil {
		r.netDone(c, n, t)
		return
	}
	nodes := r.cases[c].nodes
	p := nodes[n].parent
	if p < 0 {
		r.finish(c, t)
		return
	}
	switch nodes[p].kind {
	case nSeq:
		if next := nodes[n].next; next >= 0 {
			r.start(c, next, t)
		} else {
			r.complete(c, p, t)
		}
	case nPar:
		nodes[p].pending--
		if nodes[p].pending == 0 {
			r.complete(c, p, t)
		}
	}
}

// finish ends case c at t.
func (r *run) finish(c int32, t int64) {
	cs := &r.cases[c]
	if i, ok := r.reported(c); ok {
		r.res.CycleTime[i] = float64(t-cs.arrival) / 1e6
		r.res.Last = max(r.res.Last, t)
	}
	r.free = append(r.free, cs.nodes)
	cs.nodes = nil
	if cs.net != nil {
		r.freeNet = append(r.freeNet, cs.net)
		cs.net = nil
	}
}

// micros converts seconds to whole microseconds (rounded).
func micros(sec float64) int64 {
	if !(sec > 0) {
		return 0
	}
	if sec > 1e12 { // 30,000 years: a broken distribution, not a duration
		sec = 1e12
	}
	return int64(sec*1e6 + 0.5)
}

// advance returns the instant at which g expected arrivals have passed
// after t, walking the hour-of-week rate profile in the model's zone.
func (s *Sim) advance(t int64, g float64) int64 {
	const hour = int64(time.Hour / time.Microsecond)
	if g > s.perWeek {
		// Whole weeks of the profile pass at once (in wall-clock weeks, so a
		// DST change does not shift the profile).
		weeks := int(g / s.perWeek)
		t = time.UnixMicro(t).In(s.zone).AddDate(0, 0, 7*weeks).UnixMicro()
		g -= float64(weeks) * s.perWeek
	}
	for range 1_000_000 {
		lt := time.UnixMicro(t).In(s.zone)
		how := (int(lt.Weekday())+6)%7*24 + lt.Hour()
		into := int64(lt.Minute())*60_000_000 + int64(lt.Second())*1_000_000 + int64(lt.Nanosecond()/1000)
		slotEnd := t + hour - into
		rate := s.perHour[how] // expected arrivals per hour
		if rate > 0 {
			avail := rate * float64(slotEnd-t) / float64(hour)
			if avail >= g {
				return t + int64(g/rate*float64(hour))
			}
			g -= avail
		}
		t = slotEnd
	}
	return t
}

// The event heap, ordered by (t, seq): events at the same instant in the
// order they were scheduled, so a run is deterministic.
func (r *run) push(e event) {
	r.seq++
	e.seq = r.seq
	h := append(r.heap, e)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !less(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	r.heap = h
}

func (r *run) pop() event {
	h := r.heap
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if rr := l + 1; rr < len(h) && less(h[rr], h[l]) {
			m = rr
		}
		if !less(h[m], h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	r.heap = h
	return top
}

func less(a, b event) bool { return a.t < b.t || (a.t == b.t && a.seq < b.seq) }

// The resource queue heaps, ordered by (rank, seq).
func wless(a, b waiting) bool { return a.rank < b.rank || (a.rank == b.rank && a.seq < b.seq) }

func up(q []waiting, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !wless(q[i], q[p]) {
			return
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

func down(q []waiting, i int) {
	for {
		l := 2*i + 1
		if l >= len(q) {
			return
		}
		m := l
		if rr := l + 1; rr < len(q) && wless(q[rr], q[l]) {
			m = rr
		}
		if !wless(q[m], q[i]) {
			return
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
}
