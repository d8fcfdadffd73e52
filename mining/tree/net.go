package tree

import (
	"strconv"

	"github.com/pmx-dev/pmx/mining/petri"
)

// ToNet converts the tree into a sound workflow net with the same language:
// one source place (the initial marking, no incoming arcs) and one sink
// place (the final marking, no outgoing arcs). Each activity leaf becomes a
// visible transition, each tau a silent one; operators route tokens with
// places and silent transitions, block by block:
//
//	->( A, B )     A's output place is B's input place
//	X( A, B )      A and B share the input and the output place
//	+( A, B )      a silent split puts a token into each child, a silent join waits for all
//	*( A, B )      a silent entry into a place that A starts from, A ends in a place from which
//	               B leads back to A's start or a silent exit leaves (with more than two
//	               children, any of the redo children leads back)
//	O( A, B )      a silent split marks a start place and one place per child; the first child
//	               to start consumes the start place, so at least one child runs; each other
//	               child is started or skipped after that, and a silent join waits for all
//
// The entry and exit of a loop keep the redo path from feeding back into a
// place that a surrounding choice also reads, which would let a token leave
// the loop by another branch. IDs are stable for a given tree: places
// "source", "sink" and "p<k>", transitions "t_<label>_<k>" and "tau_<k>",
// numbered in a depth-first walk.
func (n *Node) ToNet() *petri.Net {
	b := &netBuilder{net: &petri.Net{}}
	src := b.net.AddPlace("source")
	sink := b.net.AddPlace("sink")
	b.net.Initial = petri.Marking{src: 1}
	b.net.Final = petri.Marking{sink: 1}
	b.add(n, src, sink)
	return b.net
}

type netBuilder struct {
	net    *petri.Net
	places int
	trans  int
}

func (b *netBuilder) place() int {
	b.places++
	return b.net.AddPlace("p" + strconv.Itoa(b.places))
}

func (b *netBuilder) transition(n *Node) int {
	b.trans++
	if n == nil || n.Tau {
		return b.net.AddTransition("tau_"+strconv.Itoa(b.trans), "", true)
	}
	return b.net.AddTransition("t_"+n.Label+"_"+strconv.Itoa(b.trans), n.Label, false)
}

// silent adds a silent transition from the places in to the places out.
func (b *netBuilder) silent(in, out []int) int {
	t := b.transition(nil)
	for _, p := range in {
		b.net.AddInput(p, t)
	}
	for _, p := range out {
		b.net.AddOutput(t, p)
	}
	return t
}

// add builds the block of n between the places in and out.
func (b *netBuilder) add(n *Node, in, out int) {
	switch n.Op {
	case Leaf:
		t := b.transition(n)
		b.net.AddInput(in, t)
		b.net.AddOutput(t, out)
	case Seq:
		cur := in
		for i, c := range n.Children {
			next := out
			if i < len(n.Children)-1 {
				next = b.place()
			}
			b.add(c, cur, next)
			cur = next
		}
	case Xor:
		for _, c := range n.Children {
			b.add(c, in, out)
		}
	case And:
		ins, outs := make([]int, len(n.Children)), make([]int, len(n.Children))
		for i := range n.Children {
			ins[i], outs[i] = b.place(), b.place()
		}
		b.silent([]int{in}, ins)
		for i, c := range n.Children {
			b.add(c, ins[i], outs[i])
		}
		b.silent(outs, []int{out})
	case Loop:
		start, mid := b.place(), b.place()
		b.silent([]int{in}, []int{start})
		b.add(n.Children[0], start, mid)
		if len(n.Children) == 1 {
			b.silent([]int{mid}, []int{start})
		}
		for _, c := range n.Children[1:] {
			b.add(c, mid, start)
		}
		b.silent([]int{mid}, []int{out})
	case Or:
		first, done := b.place(), b.place()
		ins := make([]int, len(n.Children))
		for i := range n.Children {
			ins[i] = b.place()
		}
		b.silent([]int{in}, append([]int{first}, ins...))
		ends := make([]int, len(n.Children))
		for i, c := range n.Children {
			start, end := b.place(), b.place()
			ends[i] = end
			b.silent([]int{first, ins[i]}, []int{start, done}) // the first child to start
			b.silent([]int{done, ins[i]}, []int{start, done})  // a later child starts
			b.silent([]int{done, ins[i]}, []int{end, done})    // a later child is skipped
			b.add(c, start, end)
		}
		b.silent(append([]int{done}, ends...), []int{out})
	}
}
