package conformance_test

import (
	"context"
	"fmt"

	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// sequence builds register -> decide -> (pay | tau) as a workflow net.
func sequence() *petri.Net {
	n := &petri.Net{Name: "example"}
	i, p1, p2, o := n.AddPlace("source"), n.AddPlace("p1"), n.AddPlace("p2"), n.AddPlace("sink")
	step := func(from int, id, label string, silent bool, to int) {
		t := n.AddTransition(id, label, silent)
		n.AddInput(from, t)
		n.AddOutput(t, to)
	}
	step(i, "t1", "register", false, p1)
	step(p1, "t2", "decide", false, p2)
	step(p2, "t3", "pay", false, o)
	step(p2, "skip", "", true, o)
	n.Initial, n.Final = petri.Marking{i: 1}, petri.Marking{o: 1}
	return n
}

func ExampleReplayTokens() {
	log := eventlog.FromTraces([][]string{{"register", "decide"}, {"register", "pay"}})
	res, err := conformance.ReplayTokens(context.Background(), log, sequence(), conformance.ReplayOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("log fitness %.3f, fitting %.0f%%\n", res.LogFitness, res.PercentageFitting)
	for _, a := range res.Activities {
		fmt.Printf("%s: %d missing tokens\n", a.Activity, a.Missing)
	}
	// Output:
	// log fitness 0.857, fitting 50%
	// pay: 1 missing tokens
}

func ExampleAlign() {
	log := eventlog.FromTraces([][]string{{"register", "pay"}})
	net := sequence()
	res, err := conformance.Align(context.Background(), log, net, conformance.AlignOptions{})
	if err != nil {
		panic(err)
	}
	v := res.Variants[0]
	fmt.Printf("deviations %d, fitness %.3f\n", v.Deviations, v.Fitness)
	for _, m := range v.Moves {
		switch m.Kind {
		case conformance.LogMove:
			fmt.Println(m.Kind, log.Activities[m.Activity])
		default:
			fmt.Println(m.Kind, net.Transitions[m.Transition].ID)
		}
	}
	// Output:
	// deviations 1, fitness 0.750
	// sync t1
	// model t2
	// sync t3
}

func ExamplePrecisionAlignments() {
	log := eventlog.FromTraces([][]string{{"register", "decide", "pay"}})
	p, err := conformance.PrecisionAlignments(context.Background(), log, sequence(), conformance.PrecisionOptions{})
	if err != nil {
		panic(err)
	}
	// After "register decide" the model also allows ending; only visible
	// activities count, so nothing escapes.
	fmt.Printf("precision %.2f (%d of %d allowed activities never observed)\n", p.Value, p.Escaping, p.Allowed)
	// Output:
	// precision 1.00 (0 of 3 allowed activities never observed)
}
