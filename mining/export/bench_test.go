package export

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/pmx-dev/pmx/mining/tree"
)

// randomTree builds a tree with about leaves activities from a seeded
// source, so the benchmarks and size tests see the same model every run.
func randomTree(r *rand.Rand, leaves int) *tree.Node {
	next := 0
	var grow func(budget int) *tree.Node
	grow = func(budget int) *tree.Node {
		if budget <= 1 {
			if r.IntN(8) == 0 {
				return tree.Tau()
			}
			next++
			return tree.Activity(fmt.Sprintf("activity %d", next))
		}
		ops := []tree.Op{tree.Seq, tree.Seq, tree.Xor, tree.And, tree.Loop, tree.Or}
		op := ops[r.IntN(len(ops))]
		k := 2
		if op != tree.Loop {
			k += r.IntN(min(3, budget-1))
		}
		n := tree.New(op)
		for i := range k {
			share := budget / k
			if i < budget%k {
				share++
			}
			n.Children = append(n.Children, grow(share))
		}
		return n
	}
	return grow(leaves)
}

func BenchmarkTreeBPMN(b *testing.B) {
	for _, leaves := range []int{10, 50, 100, 200} {
		for _, routing := range []Routing{RoutingOrthogonal, RoutingPolyline} {
			n := randomTree(rand.New(rand.NewPCG(1, uint64(leaves))), leaves)
			b.Run(fmt.Sprintf("leaves=%d/routing=%d", leaves, routing), func(b *testing.B) {
				for b.Loop() {
					if _, err := TreeBPMN(context.Background(), n, BPMNOptions{Routing: routing}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
