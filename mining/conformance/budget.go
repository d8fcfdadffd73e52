package conformance

import (
	"errors"
	"fmt"
)

// Memory. Every measure here works within a memory budget (the MaxMemory
// of its options), so that a large net or a hard log gives a partial answer
// or a clear refusal, never an out-of-memory kill. The budget bounds the
// working memory: the compiled net, the reachability graph, search states,
// replay tables and results, counted as they are allocated with the sizes
// below (Go's slices and maps included, at their worst-case growth). The
// log and the net the caller passes in are not counted.
//
//   - Up front, the compiled net (about netBytes: 140 bytes per place and
//     transition, 60 per arc) and the results (about 40 bytes per event)
//     must fit, with at least minWorkingMemory to spare; otherwise the call
//     fails with ErrMemory, naming the sizes.
//   - Alignments: the reachability graph built up front to guide the search
//     gets at most half of what is left, at markingBytes per marking plus
//     completeBytes for its tables (markings, edges, one bit per activity
//     per marking twice). Each variant's search may then use perVariant
//     bytes: stateBytes per search state plus the state's marking, which a
//     lazy graph may have to keep; a variant over it is reported unaligned
//     ("memory budget exhausted") like one over the state budget. Workers
//     run side by side only as far as two such shares (the search and the
//     worker's marking cache) fit; the per-variant share does not depend on
//     the number of workers, so the results do not either.
//   - Token replay keeps, per marked place it meets, the invisible paths
//     from it (a cache cleared when it outgrows a quarter of the budget).
//   - Precision keeps the markings its prefixes reach; past the budget it
//     gives up with ErrTooLarge.
//
// The sizes were checked against runtime.MemStats on chain nets of 20,000
// transitions (TestChainNetMemory, BenchmarkChainNetMemory).

// DefaultMaxMemory is the budget when an option leaves it zero: 2 GiB.
// Callers that know the machine (the CLI takes a fraction of its RAM)
// should pass their own.
const DefaultMaxMemory = 2 << 30

// ErrMemory is returned when a net is too large for the memory budget even
// before any search: the compiled net and the results alone exceed it.
var ErrMemory = errors.New("conformance: the net is too large for the memory budget")

// errMemory stops one search (a variant, or the empty trace).
var errMemory = errors.New("memory budget exhausted")

// Accounted sizes, in bytes.
const (
	// stateBytes is one A* state: the node (32 bytes) and its heap item
	// (16), three times over for the slices' doubling (the old array lives
	// on while the new one fills), and its map entry at the map's growth.
	stateBytes = 3*32 + 3*16 + 64
	// minWorkingMemory is the least budget left for searching.
	minWorkingMemory = 1 << 20
)

// markingBytes is one interned marking with an encoding of keyLen bytes:
// the key (in the map and the key slice), the map slot, and the per-marking
// slices' entries, with growth slack.
func markingBytes(keyLen int) int64 { return int64(keyLen) + 2*16 + 64 + 2*(24+1) }

// edgesBytes is a marking's list of n successors.
func edgesBytes(n int) int64 { return int64(n) * 8 * 2 }

// completeBytes is what a complete graph's tables take: dist, the fire
// sets and the SCC pass's temporaries (two bitsets per marking at worst),
// and the predecessor lists.
func completeBytes(markings, edges, words int) int64 {
	return int64(markings)*(4+2*8*int64(words)+16+24+24) + int64(edges)*8*2
}

// supportBytes is one cached structural fire set.
func supportBytes(keyLen, words int) int64 { return int64(keyLen) + 8*int64(words) + 64 + 24 }

// graphScratchBytes is a graph's per-place and per-transition scratch.
func graphScratchBytes(m *model) int64 { return int64(m.nP)*(8+4) + int64(m.nT)*(4+4) }

// netBytes estimates the compiled net: adjacency, ranks, labels, dense
// markings.
func netBytes(m *model) int64 {
	return int64(m.nP+m.nT)*140 + int64(m.nArcs)*60 + int64(len(m.byAct))*48
}

// checkFits refuses a net whose fixed part, need, leaves less than
// minWorkingMemory of budget.
func checkFits(m *model, need, budget int64) error {
	if need+minWorkingMemory <= budget {
		return nil
	}
	return fmt.Errorf("%w: %d places, %d transitions and %d arcs need about %s before any search, the budget is %s",
		ErrMemory, m.nP, m.nT, m.nArcs, mib(need+minWorkingMemory), mib(budget))
}

func mib(b int64) string {
	if b < 10<<20 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%d MiB", (b+(1<<19))>>20)
}

func orDefault(b int64) int64 {
	if b <= 0 {
		return DefaultMaxMemory
	}
	return b
}
