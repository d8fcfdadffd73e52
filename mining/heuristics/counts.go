package heuristics

import "github.com/pmx-dev/pmx/mining/eventlog"

// directlyFollows is log.DFG(), counted with a pairCounter (a map update
// per event would dominate the miner's time).
func directlyFollows(log *eventlog.Log) *eventlog.DFG {
	n := len(log.Activities)
	d := &eventlog.DFG{N: n, Start: make([]int64, n), End: make([]int64, n), Counts: make([]int64, n)}
	pc := newPairCounter(n)
	for _, v := range log.Variants {
		if len(v.Acts) == 0 {
			d.Empty += v.Count
			continue
		}
		d.Start[v.Acts[0]] += v.Count
		d.End[v.Acts[len(v.Acts)-1]] += v.Count
		for i, a := range v.Acts {
			d.Counts[a] += v.Count
			if i > 0 {
				pc.add(v.Acts[i-1], a, v.Count)
			}
		}
	}
	d.Edges = pc.result()
	return d
}

// pairCounter counts activity pairs in a dense matrix when there are at
// most 1024 activities (8 MiB), else in a map.
type pairCounter struct {
	n     int
	dense []int64
	m     map[[2]int32]int64
}

func newPairCounter(n int) *pairCounter {
	if n <= 1024 {
		return &pairCounter{n: n, dense: make([]int64, n*n)}
	}
	return &pairCounter{n: n, m: map[[2]int32]int64{}}
}

func (p *pairCounter) add(a, b int32, c int64) {
	if p.dense != nil {
		p.dense[int(a)*p.n+int(b)] += c
		return
	}
	p.m[[2]int32{a, b}] += c
}

func (p *pairCounter) result() map[[2]int32]int64 {
	if p.dense == nil {
		return p.m
	}
	out := map[[2]int32]int64{}
	for i, c := range p.dense {
		if c != 0 {
			out[[2]int32{int32(i / p.n), int32(i % p.n)}] = c
		}
	}
	return out
}

// clean is the DFG after noise pre-cleaning (a copy; θ ≤ 0 keeps all).
func clean(d *eventlog.DFG, theta float64) map[[2]int32]int64 {
	out := make(map[[2]int32]int64, len(d.Edges))
	maxc := make([]int64, d.N)
	for e, c := range d.Edges {
		maxc[e[0]] = max(maxc[e[0]], c)
		maxc[e[1]] = max(maxc[e[1]], c)
	}
	for e, c := range d.Edges {
		if c <= 0 {
			continue
		}
		if theta > 0 && float64(c) < min(float64(maxc[e[0]])*theta, float64(maxc[e[1]])*theta) {
			continue
		}
		out[e] = c
	}
	return out
}

// triples counts "a b a" (a ≠ b) occurrences, keyed by (a, b).
func triples(log *eventlog.Log) map[[2]int32]int64 {
	pc := newPairCounter(len(log.Activities))
	for _, v := range log.Variants {
		for i := 2; i < len(v.Acts); i++ {
			if a, b := v.Acts[i-2], v.Acts[i-1]; a == v.Acts[i] && a != b {
				pc.add(a, b, v.Count)
			}
		}
	}
	return pc.result()
}
