package eventlog

// DFG is the directly-follows graph of a log, weighted by case counts.
// Start and End count how many cases start and end with each activity.
type DFG struct {
	N      int // number of activities (indices 0..N-1)
	Edges  map[[2]int32]int64
	Start  []int64
	End    []int64
	Counts []int64 // occurrences of each activity
	Empty  int64   // cases with an empty trace
}

// DFG computes the directly-follows graph over all variants.
func (l *Log) DFG() *DFG {
	n := len(l.Activities)
	d := &DFG{N: n, Edges: map[[2]int32]int64{}, Start: make([]int64, n), End: make([]int64, n), Counts: make([]int64, n)}
	for _, v := range l.Variants {
		if len(v.Acts) == 0 {
			d.Empty += v.Count
			continue
		}
		d.Start[v.Acts[0]] += v.Count
		d.End[v.Acts[len(v.Acts)-1]] += v.Count
		for i, a := range v.Acts {
			d.Counts[a] += v.Count
			if i > 0 {
				d.Edges[[2]int32{v.Acts[i-1], a}] += v.Count
			}
		}
	}
	return d
}
