package perf

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The radix sorts agree with slices.Sort on negative, zero, tied, huge and
// tiny values, below and above the length where they take over.
func TestRadixSorts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 7, flagSortMin, flagSortMin + 1, 5000, 100_000} {
		fs, is := make([]float64, n), make([]int64, n)
		for i := range fs {
			switch i % 5 {
			case 0:
				fs[i] = float64(r.IntN(50)) // ties
			case 1:
				fs[i] = -r.ExpFloat64() * 1e6
			case 2:
				fs[i] = math.Copysign(0, -1)
			default:
				fs[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
			}
			is[i] = r.Int64() >> uint(r.IntN(63))
			if i%3 == 0 {
				is[i] = -is[i]
			}
		}
		wantF, wantI := slices.Clone(fs), slices.Clone(is)
		slices.Sort(wantF)
		slices.Sort(wantI)
		keys := make([]uint64, n)
		for i, f := range fs {
			keys[i] = floatKey(f)
		}
		sortKeyed(keys, nil)
		sortInts(is)
		for i := range keys {
			if keys[i] != floatKey(wantF[i]) { // -0 and +0 share a key
				t.Fatalf("n %d: float key %d is %v's, want %v's", n, i, keys[i], wantF[i])
			}
		}
		if !slices.Equal(is, wantI) {
			t.Fatalf("n %d: ints differ", n)
		}
	}
	// Instants of a few years differ in their low bytes only: the sort
	// skips the others and still orders them.
	base := int64(1_300_000_000_000_000)
	xs := make([]int64, 10_000)
	for i := range xs {
		xs[i] = base + r.Int64N(1e14)
	}
	want := slices.Sorted(slices.Values(xs))
	sortInts(xs)
	if !slices.Equal(xs, want) {
		t.Fatal("instants differ")
	}
}

// sortKeyed carries each payload with its key.
func TestSortKeyed(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 33, 1000, 70_000} {
		keys, pay := make([]uint64, n), make([]uint32, n)
		for i := range keys {
			keys[i] = r.Uint64() >> uint(r.IntN(64))
			pay[i] = uint32(i)
		}
		orig := slices.Clone(keys)
		sortKeyed(keys, pay)
		if !slices.IsSorted(keys) {
			t.Fatalf("n %d: not sorted", n)
		}
		for i := range keys {
			if orig[pay[i]] != keys[i] {
				t.Fatalf("n %d: payload %d moved without its key", n, pay[i])
			}
		}
	}
}
