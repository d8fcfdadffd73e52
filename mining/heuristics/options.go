package heuristics

// Options are the miner's thresholds. The zero value of every field selects
// PM4Py's default, given in brackets. The AND, loop and noise measures are
// never negative, so a negative threshold there means "no threshold" (0);
// for the dependency threshold, whose measure lies in (-1, 1), pass a tiny
// negative value such as -1e-12 to keep every arc with a dependency of 0 or
// more.
type Options struct {
	// DependencyThreshold keeps an arc a→b whose dependency a⇒b is at
	// least this [0.5].
	DependencyThreshold float64
	// AndThreshold makes two outputs (inputs) of an activity parallel when
	// their AND measure is at least this [0.65].
	AndThreshold float64
	// LoopTwoThreshold detects a length-two loop a b a when a⇒₂b is at
	// least this [0.5].
	LoopTwoThreshold float64
	// MinActivityCount drops arcs touching an activity seen fewer times
	// [1].
	MinActivityCount int64
	// MinDFGOccurrences drops arcs observed fewer times [1].
	MinDFGOccurrences int64
	// NoiseThreshold pre-cleans the directly-follows graph: an arc a>b is
	// dropped when |a>b| < NoiseThreshold·min(max(a), max(b)), max(x)
	// being the largest count on any arc into or out of x [0.05].
	NoiseThreshold float64
}

func (o Options) withDefaults() Options {
	if o.DependencyThreshold == 0 {
		o.DependencyThreshold = 0.5
	}
	o.AndThreshold = orDefault(o.AndThreshold, 0.65)
	o.LoopTwoThreshold = orDefault(o.LoopTwoThreshold, 0.5)
	o.NoiseThreshold = orDefault(o.NoiseThreshold, 0.05)
	if o.MinActivityCount == 0 {
		o.MinActivityCount = 1
	}
	if o.MinDFGOccurrences == 0 {
		o.MinDFGOccurrences = 1
	}
	return o
}

// orDefault is d for 0, 0 for a negative v, else v.
func orDefault(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return max(v, 0)
}
