package dfg_test

import (
	"fmt"

	"github.com/pmx-dev/pmx/mining/dfg"
	"github.com/pmx-dev/pmx/mining/eventlog"
)

// Keep every activity but only the backbone of paths (the Paths slider at
// 0%): the rare detour a→c survives because c needs some way in.
func ExampleFilter() {
	var traces [][]string
	for range 8 {
		traces = append(traces, []string{"a", "b", "d"})
	}
	traces = append(traces, []string{"a", "c", "d"}, []string{"a", "b", "c", "d"})
	g, err := dfg.Filter(eventlog.FromTraces(traces), 1, 0)
	if err != nil {
		panic(err)
	}
	for i, a := range g.Activities {
		fmt.Printf("%s: %d cases start, %d end\n", a, g.Start[i], g.End[i])
	}
	for _, e := range g.Edges {
		fmt.Printf("%s -> %s (%d)\n", g.Activities[e.From], g.Activities[e.To], e.Count)
	}
	// Output:
	// a: 10 cases start, 0 end
	// b: 0 cases start, 0 end
	// c: 0 cases start, 0 end
	// d: 0 cases start, 10 end
	// a -> b (9)
	// a -> c (1)
	// b -> d (8)
	// c -> d (2)
}
