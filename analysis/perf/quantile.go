package perf

// quantiles returns the linear-interpolation ("type 7") quantiles of xs at
// the increasing probabilities ps, reordering xs in place. It selects the
// needed order statistics (quickselect, expected O(n) each) instead of
// sorting: the decomposition summarises millions of durations per clock.
func quantiles(xs []float64, ps ...float64) []float64 {
	out := make([]float64, len(ps))
	n := len(xs)
	if n == 0 {
		return out
	}
	from := 0 // xs[:from] holds order statistics below the last one selected
	for i, p := range ps {
		h := p * float64(n-1)
		lo := int(h)
		if lo >= n-1 {
			lo = n - 1
		}
		if lo < from {
			lo = from // ps increase, so this only guards rounding
		}
		selectK(xs[from:], lo-from)
		v := xs[lo]
		if frac := h - float64(lo); frac > 0 && lo+1 < n {
			next := xs[lo+1]
			for _, x := range xs[lo+2:] {
				if x < next {
					next = x
				}
			}
			v += frac * (next - v)
		}
		out[i] = v
		from = lo
	}
	return out
}

// selectK reorders xs so that xs[k] is its k-th smallest value, everything
// before it no larger and everything after it no smaller (Hoare's
// quickselect with a median-of-three pivot).
func selectK(xs []float64, k int) {
	lo, hi := 0, len(xs)-1
	for hi > lo {
		mid := lo + (hi-lo)/2
		// Median of three to xs[mid].
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[hi] < xs[mid] {
			xs[hi], xs[mid] = xs[mid], xs[hi]
		}
		pivot := xs[mid]
		i, j := lo, hi
		for i <= j {
			for xs[i] < pivot {
				i++
			}
			for xs[j] > pivot {
				j--
			}
			if i <= j {
				xs[i], xs[j] = xs[j], xs[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
}
