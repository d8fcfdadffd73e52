package inductive_test

import (
	"fmt"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/inductive"
)

func ExampleIM() {
	l := eventlog.FromTraces([][]string{
		{"register", "check", "pay", "archive"},
		{"register", "pay", "check", "archive"},
		{"register", "reject"},
	})
	fmt.Println(inductive.IM(l))
	// Output: ->( 'register', X( ->( +( 'check', 'pay' ), 'archive' ), 'reject' ) )
}

// IMf leaves out behaviour below the noise threshold: here the one case
// that skips the check.
func ExampleIMf() {
	var traces [][]string
	for range 20 {
		traces = append(traces, []string{"register", "check", "decide"})
	}
	traces = append(traces, []string{"register", "decide"})
	l := eventlog.FromTraces(traces)
	fmt.Println(inductive.IM(l))
	fmt.Println(inductive.IMf(l, inductive.DefaultNoise))
	// Output:
	// ->( 'register', X( tau, 'check' ), 'decide' )
	// ->( 'register', 'check', 'decide' )
}

// IMd needs only the directly-follows graph.
func ExampleIMd() {
	l := eventlog.FromTraces([][]string{{"a", "b", "c"}, {"a", "c", "b"}, {"a", "d"}})
	fmt.Println(inductive.IMd(l.DFG(), l.Activities, 0))
	// Output: ->( 'a', X( +( 'b', 'c' ), 'd' ) )
}
