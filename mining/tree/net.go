package tree

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/pmx-dev/pmx/mining/petri"
)

// ToNet converts the tree into a workflow net as PM4Py 2.7.23's
// convert_to_petri_net does, so that the net of a tree, and every figure
// computed on it, equals PM4Py's: the same places, transitions and arcs
// (by ID), one source place (the initial marking) and one sink place (the
// final marking).
//
// The conversion builds each operator's block between an entry and an exit
// place, then removes silent steps that only pass a token along:
//
//	leaf        a transition from entry to exit (a tau leaf: a silent "skip_k")
//	->( A, B )  A's exit place is B's entry place
//	X( A, B )   A and B share the entry and the exit place
//	+( A, B )   "tauSplit_k" puts a token into each child's entry place, "tauJoin_k" waits for all
//	*( A, B )   "init_loop_k" enters a place that A starts from; A ends in a place from which B
//	            (any redo child, with more) leads to a place from which "loop_k" returns to A's
//	            start, and a silent "skip_k" leaves
//	O( A, B )   "tauSplit_k" marks a first place and one place per child; per child, an
//	            "inclusiveStart_k" (taking the first place), "inclusiveLater_k" or
//	            "inclusiveSkip_k" starts or skips it; "tauJoin_k" waits for all
//
// A silent "tau_k" links the source to the first block when the tree starts
// with a choice, a parallel block or a loop (PM4Py's tests, including their
// quirks: a sequence whose first child ends with a loop also gets one), and
// likewise the last block to the sink. Then, until nothing changes: a silent
// transition whose only input place is fed by one transition and feeds only
// it is merged into that transition (it takes over the silent transition's
// outputs), and a silent transition whose only output place is fed only by
// it and feeds one transition is merged into that transition (it takes over
// the inputs). Places left without input (other than the source) or output
// (other than the sink) are removed.
//
// The children of X and + are taken in PM4Py's order (PM4PyOrder), the
// order PM4Py's inductive miner leaves them in: silent transitions are
// numbered in conversion order, and PM4Py's precision visits them in name
// order, so a discovered tree whose children came out in another order
// would otherwise give the same net shape with other figures. A tree in
// that order already (every tree PM4Py's miner returns) converts exactly as
// convert_to_petri_net converts it.
//
// IDs are PM4Py's: places "source", "sink" and "p_<k>", silent transitions
// named by their role with PM4Py's counter ("tau_1", "skip_4", "loop_7"), and
// visible transitions by their label (PM4Py draws random UUIDs; the
// reference nets under testdata/pm4py, like this, use the label, with "_2",
// "_3", … when it is taken). Places, transitions and arcs are listed in ID
// order (arcs by source then target ID), as in those reference files, so the
// net and its PNML are the same for a given tree on every run. Where PM4Py's
// reduction visits transitions in memory order, this visits them in creation
// order; the resulting net is the same up to which of two merged silent
// transitions keeps its name.
func (n *Node) ToNet() *petri.Net {
	b := &netBuilder{}
	src, sink := b.place(), b.place()
	src.id, sink.id = "source", "sink"
	src.initial, sink.final = true, true
	first, last := src, sink
	n = n.PM4PyOrder()
	if startsWithTau(n) {
		first = b.place()
		b.arc(src, b.silent("tau"), first)
	}
	if endsWithTau(n) {
		last = b.place()
		b.arc(last, b.silent("tau"), sink)
	}
	b.add(n, first, last)
	b.reduce()
	return b.build()
}

// startsWithTau and endsWithTau are PM4Py's tests for a silent transition
// after the source and before the sink (check_tau_mandatory_at_initial_marking
// and _final_marking). The first-child test follows the first child's last
// descendants, as PM4Py's does.
func startsWithTau(n *Node) bool {
	return initialLoop(n) || loopFirst(n) || n.Op == Xor || n.Op == And
}

func endsWithTau(n *Node) bool {
	return terminalLoop(n) || loopLast(n) || n.Op == Xor || n.Op == And
}

func initialLoop(n *Node) bool {
	if len(n.Children) == 0 || n.Children[0].Op == Leaf {
		return false
	}
	return n.Children[0].Op == Loop || terminalLoop(n.Children[0])
}

func terminalLoop(n *Node) bool {
	if len(n.Children) == 0 || n.Children[len(n.Children)-1].Op == Leaf {
		return false
	}
	c := n.Children[len(n.Children)-1]
	return c.Op == Loop || terminalLoop(c)
}

func loopFirst(n *Node) bool {
	for ; ; n = n.Children[0] {
		if n.Op == Loop {
			return true
		}
		if len(n.Children) == 0 {
			return false
		}
	}
}

func loopLast(n *Node) bool {
	for ; ; n = n.Children[len(n.Children)-1] {
		if n.Op == Loop {
			return true
		}
		if len(n.Children) == 0 {
			return false
		}
	}
}

// bPlace, bTrans and bArc are the net under construction; removed elements
// stay in the slices with gone set, so that creation order is kept.
type bPlace struct {
	id             string
	in, out        []*bArc
	initial, final bool
	gone           bool
	order          int
}

type bTrans struct {
	id, label string
	silent    bool
	in, out   []*bArc
	gone      bool
	order     int
}

type bArc struct {
	p       *bPlace
	t       *bTrans
	toTrans bool
}

type netBuilder struct {
	places []*bPlace
	trans  []*bTrans
	hidden int
}

func (b *netBuilder) place() *bPlace {
	p := &bPlace{id: "p_" + strconv.Itoa(len(b.places)+1), order: len(b.places)}
	b.places = append(b.places, p)
	return p
}

func (b *netBuilder) silent(role string) *bTrans {
	b.hidden++
	t := &bTrans{id: role + "_" + strconv.Itoa(b.hidden), silent: true, order: len(b.trans)}
	b.trans = append(b.trans, t)
	return t
}

func (b *netBuilder) visible(label string) *bTrans {
	t := &bTrans{label: label, order: len(b.trans)}
	b.trans = append(b.trans, t)
	return t
}

// in adds an arc from p to t, out one from t to p.
func (b *netBuilder) in(p *bPlace, t *bTrans) {
	a := &bArc{p: p, t: t, toTrans: true}
	p.out, t.in = append(p.out, a), append(t.in, a)
}

func (b *netBuilder) out(t *bTrans, p *bPlace) {
	a := &bArc{p: p, t: t}
	t.out, p.in = append(t.out, a), append(p.in, a)
}

// arc links from -> t -> to.
func (b *netBuilder) arc(from *bPlace, t *bTrans, to *bPlace) {
	b.in(from, t)
	b.out(t, to)
}

// add builds the block of n between the places entry and exit (PM4Py's
// recursively_add_tree, with every entity a place: a parallel block gives
// each child a fresh entry place fed by its split and a fresh exit place
// read by its join, and a child with no given exit gets a fresh one).
// It returns the block's exit place.
func (b *netBuilder) add(n *Node, entry, exit *bPlace) *bPlace {
	if exit == nil {
		exit = b.place()
	}
	switch n.Op {
	case Leaf:
		var t *bTrans
		if n.Tau {
			t = b.silent("skip")
		} else {
			t = b.visible(n.Label)
		}
		b.arc(entry, t, exit)
	case Xor:
		for _, c := range n.Children {
			b.add(c, entry, exit)
		}
	case Or:
		split := b.silent("tauSplit")
		b.in(entry, split)
		join := b.silent("tauJoin")
		b.out(join, exit)
		done := b.place()
		b.in(done, join)
		first := b.place()
		b.out(split, first)
		for _, c := range n.Children {
			ready := b.place()
			b.out(split, ready)
			start, end := b.place(), b.place()
			ts, tl, tk := b.silent("inclusiveStart"), b.silent("inclusiveLater"), b.silent("inclusiveSkip")
			b.in(first, ts) // the first child to start
			b.in(ready, ts)
			b.out(ts, start)
			b.out(ts, done)
			b.in(done, tl) // a later child starts
			b.in(ready, tl)
			b.out(tl, start)
			b.out(tl, done)
			b.in(done, tk) // a later child is skipped
			b.in(ready, tk)
			b.out(tk, done)
			b.out(tk, end)
			b.in(end, join)
			b.add(c, start, end)
		}
	case And:
		split := b.silent("tauSplit")
		b.in(entry, split)
		join := b.silent("tauJoin")
		b.out(join, exit)
		for _, c := range n.Children {
			in := b.place()
			b.out(split, in)
			out := b.place()
			b.in(out, join)
			b.add(c, in, out)
		}
	case Seq:
		cur := entry
		for i, c := range n.Children {
			var next *bPlace
			if i == len(n.Children)-1 {
				next = exit
			}
			cur = b.add(c, cur, next)
		}
	case Loop:
		start := b.place()
		b.arc(entry, b.silent("init_loop"), start)
		back := b.silent("loop")
		if len(n.Children) == 1 {
			b.add(n.Children[0], start, exit)
			b.arc(exit, back, start)
			break
		}
		mid := b.add(n.Children[0], start, nil)
		var redo *bPlace
		for _, c := range n.Children[1:] {
			redo = b.add(c, mid, redo)
		}
		b.add(Tau(), mid, exit)
		b.arc(redo, back, start)
	}
	return exit
}

// live returns the arcs of as whose ends are still in the net.
func live(as []*bArc) []*bArc {
	return slices.DeleteFunc(as, func(a *bArc) bool { return a.p.gone || a.t.gone })
}

func (b *netBuilder) removeTrans(t *bTrans) {
	t.gone = true
	for _, a := range t.in {
		a.p.out = live(a.p.out)
	}
	for _, a := range t.out {
		a.p.in = live(a.p.in)
	}
	t.in, t.out = nil, nil
}

func (b *netBuilder) removePlace(p *bPlace) {
	p.gone = true
	for _, a := range p.in {
		a.t.out = live(a.t.out)
	}
	for _, a := range p.out {
		a.t.in = live(a.t.in)
	}
	p.in, p.out = nil, nil
}

// reduce merges silent transitions into their neighbours (PM4Py's
// apply_simple_reduction): single-entry merges until none applies, then
// single-exit merges, repeated while the net shrinks.
func (b *netBuilder) reduce() {
	for {
		before := b.size()
		for b.mergeEntry() {
		}
		for b.mergeExit() {
		}
		if b.size() == before {
			break
		}
	}
	for _, p := range b.places {
		if p.gone {
			continue
		}
		if (len(p.out) == 0 && !p.final) || (len(p.in) == 0 && !p.initial) {
			b.removePlace(p)
		}
	}
}

func (b *netBuilder) size() int {
	n := 0
	for _, p := range b.places {
		if !p.gone {
			n++
		}
	}
	for _, t := range b.trans {
		if !t.gone {
			n++
		}
	}
	return n
}

// onlyTo reports whether every arc of as touches t (and there is one).
func onlyTo(as []*bArc, t *bTrans) bool {
	for _, a := range as {
		if a.t != t {
			return false
		}
	}
	return len(as) > 0
}

// mergeEntry merges one silent transition t with a single input place p
// into the one transition feeding p, when p feeds only t; it reports
// whether it found one.
func (b *netBuilder) mergeEntry() bool {
	for _, t := range b.trans {
		if t.gone || !t.silent || len(t.in) != 1 {
			continue
		}
		p := t.in[0].p
		if len(p.in) != 1 || !onlyTo(p.out, t) || p.in[0].t == t {
			continue
		}
		feeder := p.in[0].t
		var targets []*bPlace
		for _, a := range t.out {
			targets = append(targets, a.p)
		}
		b.removeTrans(t)
		b.removePlace(p)
		for _, q := range targets {
			b.out(feeder, q)
		}
		return true
	}
	return false
}

// mergeExit merges one silent transition t with a single output place p
// into the one transition p feeds, when only t feeds p; it reports whether
// it found one.
func (b *netBuilder) mergeExit() bool {
	for _, t := range b.trans {
		if t.gone || !t.silent || len(t.out) != 1 {
			continue
		}
		p := t.out[0].p
		if len(p.out) != 1 || !onlyTo(p.in, t) || p.out[0].t == t {
			continue
		}
		reader := p.out[0].t
		var sources []*bPlace
		for _, a := range t.in {
			sources = append(sources, a.p)
		}
		b.removeTrans(t)
		b.removePlace(p)
		for _, q := range sources {
			b.in(q, reader)
		}
		return true
	}
	return false
}

// build names the visible transitions and lists what is left in ID order.
func (b *netBuilder) build() *petri.Net {
	taken := map[string]bool{}
	var vis []*bTrans
	for _, p := range b.places {
		if !p.gone {
			taken[p.id] = true
		}
	}
	for _, t := range b.trans {
		switch {
		case t.gone:
		case t.silent:
			taken[t.id] = true
		default:
			vis = append(vis, t)
		}
	}
	slices.SortStableFunc(vis, func(x, y *bTrans) int { return cmp.Compare(x.label, y.label) })
	for _, t := range vis {
		base := t.label
		if base == "" {
			base = "t"
		}
		id := base
		for k := 2; taken[id]; k++ {
			id = base + "_" + strconv.Itoa(k)
		}
		taken[id] = true
		t.id = id
	}
	places := slices.DeleteFunc(slices.Clone(b.places), func(p *bPlace) bool { return p.gone })
	trans := slices.DeleteFunc(slices.Clone(b.trans), func(t *bTrans) bool { return t.gone })
	slices.SortFunc(places, func(x, y *bPlace) int { return cmp.Compare(x.id, y.id) })
	slices.SortFunc(trans, func(x, y *bTrans) int { return cmp.Compare(x.id, y.id) })
	net := &petri.Net{Initial: petri.Marking{}, Final: petri.Marking{}}
	pix := map[*bPlace]int{}
	tix := map[*bTrans]int{}
	for _, p := range places {
		pix[p] = net.AddPlace(p.id)
		if p.initial {
			net.Initial[pix[p]] = 1
		}
		if p.final {
			net.Final[pix[p]] = 1
		}
	}
	for _, t := range trans {
		label := t.label
		if t.silent {
			label = t.id // PM4Py's PNML names a silent transition by its ID
		}
		tix[t] = net.AddTransition(t.id, label, t.silent)
	}
	type arcKey struct {
		src, dst string
		arc      petri.Arc
	}
	var arcs []arcKey
	for _, t := range trans {
		for _, a := range t.in {
			arcs = append(arcs, arcKey{a.p.id, t.id, petri.Arc{Place: pix[a.p], Trans: tix[t], ToTrans: true, Weight: 1}})
		}
		for _, a := range t.out {
			arcs = append(arcs, arcKey{t.id, a.p.id, petri.Arc{Place: pix[a.p], Trans: tix[t], Weight: 1}})
		}
	}
	slices.SortStableFunc(arcs, func(x, y arcKey) int { return cmp.Or(cmp.Compare(x.src, y.src), cmp.Compare(x.dst, y.dst)) })
	for _, a := range arcs {
		net.Arcs = append(net.Arcs, a.arc)
	}
	return net
}
