package perf

import "math"

// The analyses sort tens of millions of durations and instants: every
// waiting time to rank it, each activity's arrivals and departures for its
// work-in-progress sweep. An in-place most-significant-digit radix sort
// (McIlroy, Bostic and McIlroy, "Engineering radix sort", 1993: the
// American flag sort) does that in a few linear passes, two to three times
// faster than a comparison sort at these sizes, and, unlike the usual
// least-significant-digit sort, without a buffer as large as the input:
// at ten million waits that buffer would be 100 MB. A byte that is the
// same in every key of a bucket costs only its counting pass, so instants
// of a few years, or durations of similar magnitude, sort quickly.

// flagSortMin is the bucket length below which insertion sort finishes.
const flagSortMin = 32

// sortKeyed sorts keys ascending and moves each payload with its key;
// payload may be nil.
func sortKeyed(keys []uint64, payload []uint32) { flagSort(keys, payload, 56) }

// sortInts sorts xs ascending.
func sortInts(xs []int64) { flagSort(xs, nil, 56) }

// sortIntsKeyed sorts keys ascending and moves each payload with its key.
func sortIntsKeyed(keys []int64, payload []uint32) { flagSort(keys, payload, 56) }

// flagSort sorts xs (and payload with it, when not nil) by the bytes of
// their keys at shift and below. Keys of int64s have the sign bit flipped,
// so that they order as unsigned numbers.
func flagSort[T uint64 | int64](xs []T, payload []uint32, shift uint) {
	var flip uint64
	if m := T(0) - 1; m < 0 {
		flip = 1 << 63
	}
	digit := func(x T) int { return int(byte((uint64(x) ^ flip) >> shift)) }
	for len(xs) > flagSortMin {
		var count [256]int
		for _, x := range xs {
			count[digit(x)]++
		}
		if count[digit(xs[0])] == len(xs) { // one bucket: the next byte
			if shift == 0 {
				return
			}
			shift -= 8
			continue
		}
		var head, tail [256]int
		sum := 0
		for b := range count {
			head[b] = sum
			sum += count[b]
			tail[b] = sum
		}
		// Cycle each misplaced element to the next free slot of its
		// bucket until the slot's own element belongs there.
		for b := range count {
			for head[b] < tail[b] {
				x := xs[head[b]]
				var p uint32
				if payload != nil {
					p = payload[head[b]]
				}
				for d := digit(x); d != b; d = digit(x) {
					j := head[d]
					head[d]++
					xs[j], x = x, xs[j]
					if payload != nil {
						payload[j], p = p, payload[j]
					}
				}
				xs[head[b]] = x
				if payload != nil {
					payload[head[b]] = p
				}
				head[b]++
			}
		}
		if shift == 0 {
			return
		}
		from := 0
		for _, n := range count {
			if n > 1 {
				var p []uint32
				if payload != nil {
					p = payload[from : from+n]
				}
				flagSort(xs[from:from+n], p, shift-8)
			}
			from += n
		}
		return
	}
	// Insertion sort on the whole keys: every byte above shift is equal
	// within a bucket.
	for i := 1; i < len(xs); i++ {
		x := xs[i]
		k := uint64(x) ^ flip
		var p uint32
		if payload != nil {
			p = payload[i]
		}
		j := i
		for ; j > 0 && uint64(xs[j-1])^flip > k; j-- {
			xs[j] = xs[j-1]
			if payload != nil {
				payload[j] = payload[j-1]
			}
		}
		xs[j] = x
		if payload != nil {
			payload[j] = p
		}
	}
}

// floatKey maps a float64 to a uint64 of the same order: positive numbers
// get the sign bit set, negative ones every bit flipped. -0 and +0 share
// a key, so that equal values are equal keys.
func floatKey(x float64) uint64 {
	if x == 0 {
		return 1 << 63
	}
	b := math.Float64bits(x)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// keyFloat is floatKey's inverse (-0 comes back as +0).
func keyFloat(k uint64) float64 {
	if k>>63 != 0 {
		return math.Float64frombits(k &^ (1 << 63))
	}
	return math.Float64frombits(^k)
}
