package conformance

import (
	"fmt"

	"github.com/pmx-dev/pmx/mining/petri"
)

// Small nets for hand-computed tests. Each has one source place "i"
// (initial token) and one sink "o" (final token).

// seqNet is i -a-> p1 -b-> p2 -c-> o.
func seqNet() *petri.Net {
	n := &petri.Net{Name: "seq"}
	i, p1, p2, o := n.AddPlace("i"), n.AddPlace("p1"), n.AddPlace("p2"), n.AddPlace("o")
	chain(n, i, "a", p1)
	chain(n, p1, "b", p2)
	chain(n, p2, "c", o)
	n.Initial, n.Final = petri.Marking{i: 1}, petri.Marking{o: 1}
	return n
}

// skipNet is i -a-> p1 -(b | tau)-> p2 -c-> o: b is optional.
func skipNet() *petri.Net {
	n := &petri.Net{Name: "skip"}
	i, p1, p2, o := n.AddPlace("i"), n.AddPlace("p1"), n.AddPlace("p2"), n.AddPlace("o")
	chain(n, i, "a", p1)
	chain(n, p1, "b", p2)
	tau := n.AddTransition("tau_skip", "", true)
	n.AddInput(p1, tau)
	n.AddOutput(tau, p2)
	chain(n, p2, "c", o)
	n.Initial, n.Final = petri.Marking{i: 1}, petri.Marking{o: 1}
	return n
}

// parNet is a, then b and c concurrently, then d.
func parNet() *petri.Net {
	n := &petri.Net{Name: "par"}
	i, p1, p2, q1, q2, o := n.AddPlace("i"), n.AddPlace("p1"), n.AddPlace("p2"), n.AddPlace("q1"), n.AddPlace("q2"), n.AddPlace("o")
	a := n.AddTransition("t_a", "a", false)
	n.AddInput(i, a)
	n.AddOutput(a, p1)
	n.AddOutput(a, p2)
	chain(n, p1, "b", q1)
	chain(n, p2, "c", q2)
	d := n.AddTransition("t_d", "d", false)
	n.AddInput(q1, d)
	n.AddInput(q2, d)
	n.AddOutput(d, o)
	n.Initial, n.Final = petri.Marking{i: 1}, petri.Marking{o: 1}
	return n
}

// flowerNet lets a, b and c happen any number of times in any order.
func flowerNet() *petri.Net {
	n := &petri.Net{Name: "flower"}
	p := n.AddPlace("p")
	for _, l := range []string{"a", "b", "c"} {
		t := n.AddTransition("t_"+l, l, false)
		n.AddInput(p, t)
		n.AddOutput(t, p)
	}
	n.Initial, n.Final = petri.Marking{p: 1}, petri.Marking{p: 1}
	return n
}

// wideNet is x alone, or a silent split into k concurrent branches b1..bk
// and a silent join: 2^k markings inside the block (b01, b02, ...).
func wideNet(k int) *petri.Net {
	n := &petri.Net{Name: "wide"}
	i, o := n.AddPlace("i"), n.AddPlace("o")
	chain(n, i, "x", o)
	split := n.AddTransition("split", "", true)
	join := n.AddTransition("join", "", true)
	n.AddInput(i, split)
	n.AddOutput(join, o)
	for j := 1; j <= k; j++ {
		in, out := n.AddPlace(fmt.Sprintf("in%d", j)), n.AddPlace(fmt.Sprintf("out%d", j))
		n.AddOutput(split, in)
		chain(n, in, fmt.Sprintf("b%02d", j), out)
		n.AddInput(out, join)
	}
	n.Initial, n.Final = petri.Marking{i: 1}, petri.Marking{o: 1}
	return n
}

// dupNet is i -a-> p1 -a-> o: two transitions share the label a.
func dupNet() *petri.Net {
	n := &petri.Net{Name: "dup"}
	i, p1, o := n.AddPlace("i"), n.AddPlace("p1"), n.AddPlace("o")
	for _, x := range [][3]int{{i, p1, 1}, {p1, o, 2}} {
		t := n.AddTransition(fmt.Sprintf("t_a%d", x[2]), "a", false)
		n.AddInput(x[0], t)
		n.AddOutput(t, x[1])
	}
	n.Initial, n.Final = petri.Marking{i: 1}, petri.Marking{o: 1}
	return n
}

// chain adds a visible transition labelled l from place from to place to.
func chain(n *petri.Net, from int, l string, to int) {
	t := n.AddTransition("t_"+l, l, false)
	n.AddInput(from, t)
	n.AddOutput(t, to)
}
