package heuristics_test

import (
	"fmt"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/heuristics"
)

func ExampleDiscover() {
	var traces [][]string
	for range 30 {
		traces = append(traces, []string{"a", "b", "c", "d"}, []string{"a", "c", "b", "d"})
	}
	traces = append(traces, []string{"a", "e", "d"}, []string{"a", "e", "d"})
	h, err := heuristics.Discover(eventlog.FromTraces(traces), heuristics.Options{})
	if err != nil {
		panic(err)
	}
	name := func(b heuristics.Binding) (s []string) {
		for _, a := range b {
			s = append(s, h.Activities[a])
		}
		return s
	}
	for _, a := range h.Arcs {
		fmt.Printf("%s -> %s  dependency %.2f over %d\n", h.Activities[a.From], h.Activities[a.To], a.Dependency, a.Count)
	}
	for _, n := range h.Nodes {
		fmt.Print(h.Activities[n.Activity], " outputs:")
		for _, b := range n.Outputs {
			fmt.Print(" ", name(b))
		}
		fmt.Println()
	}
	net := h.Petri()
	fmt.Println(len(net.Places), "places,", len(net.Transitions), "transitions")
	// Output:
	// a -> b  dependency 0.97 over 30
	// a -> c  dependency 0.97 over 30
	// a -> e  dependency 0.67 over 2
	// b -> d  dependency 0.97 over 30
	// c -> d  dependency 0.97 over 30
	// e -> d  dependency 0.67 over 2
	// a outputs: [b c] [e]
	// b outputs: [d]
	// c outputs: [d]
	// d outputs:
	// e outputs: [d]
	// 8 places, 7 transitions
}
