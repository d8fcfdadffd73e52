package alpha_test

import (
	"fmt"

	"github.com/pmx-dev/pmx/mining/alpha"
	"github.com/pmx-dev/pmx/mining/eventlog"
)

// L1 of the Process Mining book: b and c in parallel, e instead of both.
func ExampleDiscover() {
	log := eventlog.FromTraces([][]string{
		{"a", "b", "c", "d"}, {"a", "c", "b", "d"}, {"a", "e", "d"},
	})
	net, err := alpha.Discover(log)
	if err != nil {
		panic(err)
	}
	for _, s := range net.Structure() {
		fmt.Println(s)
	}
	// Output:
	// p:{a}->{b,e}
	// p:{a}->{c,e}
	// p:{b,e}->{d}
	// p:{c,e}->{d}
	// p:{d}->{}
	// p:{}->{a}
	// t:a
	// t:b
	// t:c
	// t:d
	// t:e
}

// A length-one loop (b) and a length-two loop (c d c): Alpha+ puts b on the
// place between a and its successors and makes c and d causal both ways.
func ExampleDiscoverPlus() {
	log := eventlog.FromTraces([][]string{
		{"a", "c", "e"}, {"a", "b", "b", "c", "e"}, {"a", "c", "d", "c", "e"}, {"a", "b", "c", "d", "c", "d", "c", "e"},
	})
	net, err := alpha.DiscoverPlus(log)
	if err != nil {
		panic(err)
	}
	for _, s := range net.Structure() {
		fmt.Println(s)
	}
	// Output:
	// p:{a,b,d}->{b,c}
	// p:{c}->{d,e}
	// p:{e}->{}
	// p:{}->{a}
	// t:a
	// t:b
	// t:c
	// t:d
	// t:e
}
