package perf

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/pmx-dev/pmx/analysis/stats"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Finding is one ranked, quantified statement about where time is lost.
type Finding struct {
	Kind  string `json:"kind"`  // bottleneck-activity, bottleneck-handover, rework, ping-pong
	Where string `json:"where"` // the activity, "A → B", or a resource pair
	What  string `json:"what"`  // one sentence for people
	// Seconds is the time involved (total over all cases, in the
	// decomposition's clock); Share its share of the reference total
	// (all waiting time for bottlenecks, all cycle time for rework), with a
	// bootstrap confidence interval (resampling cases).
	Seconds float64        `json:"seconds"`
	Share   float64        `json:"share"`
	ShareCI [2]stats.Float `json:"share_ci"` // null bounds: no resample drew any waiting
	// SlowShare is the share of the p90-and-slower cases' cycle time spent
	// here: what the bottleneck costs the cases that breach first.
	SlowShare float64 `json:"slow_share"`
	Cases     int64   `json:"cases"` // cases affected
	// Test: Mann–Whitney U of the waiting here against the waiting
	// everywhere else (bottlenecks); P two-sided, Effect the rank-biserial
	// correlation (positive: longer here). Significant: P < Alpha and
	// Effect > 0. P and Effect are null when there is nothing to compare
	// with (every wait of the log is here).
	P           stats.Float `json:"p"`
	Effect      stats.Float `json:"effect"`
	Significant bool        `json:"significant"`
}

// Options tune the findings.
type Options struct {
	Top   int     // findings per kind (default 10)
	Level float64 // confidence level of intervals (default 0.95)
	// Resamples of the bootstrap (0 = 1000, lowered for large logs so that
	// resamples × (cases + case-candidate pairs) stays under 2·10⁸, but
	// never below 200; at ten million instances the floor makes it about
	// 2·10⁹ multiply-adds, a second on two cores).
	Resamples  int
	Seed       uint64  // bootstrap seed (default 1)
	Alpha      float64 // significance level (default 0.01)
	SlowQuantl float64 // the "slow cases" quantile (default 0.9)
	Workers    int     // bootstrap goroutines (default GOMAXPROCS)
}

func (o Options) withDefaults() Options {
	if o.Top <= 0 {
		o.Top = 10
	}
	if o.Level <= 0 || o.Level >= 1 {
		o.Level = 0.95
	}
	if o.Resamples < 0 {
		o.Resamples = 0
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Alpha <= 0 {
		o.Alpha = 0.01
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.SlowQuantl <= 0 || o.SlowQuantl >= 1 {
		o.SlowQuantl = 0.9
	}
	return o
}

// maxPacked bounds the candidates whose numbers (plus one) a rank sort
// carries in 16 bits each; tests lower it to exercise the other path.
var maxPacked = 0xFFFF

// Bottlenecks ranks activities and handovers by their share of all waiting
// time. Per candidate: the share's bootstrap interval over cases, its share
// of the slow cases' cycle time, and a Mann–Whitney test of its waiting
// times against all other waiting times.
//
// Per-step figures are summed into arrays indexed by activity and by
// handover, in step order, so each sum is the one a slice appended per key
// would give; only the top candidates are resampled, and every wait is
// ranked in one sort.
func Bottlenecks(l *timeline.Log, tm *Times, cycle []float64, o Options) []Finding {
	o = o.withDefaults()
	nc := l.Cases()
	na := int64(len(l.Activities))
	caseWait := make([]float64, nc)
	var total float64
	waits := 0
	for c := 0; c < nc; c++ {
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			caseWait[c] += tm.Waiting[i]
		}
		waits += int(l.CaseStart[c+1]-l.CaseStart[c]) - 1
		total += caseWait[c]
	}
	if total <= 0 {
		return nil
	}
	slowCut := stats.Quantile(sortedCopy(cycle), o.SlowQuantl)
	var slowTotal float64
	for c := 0; c < nc; c++ {
		if cycle[c] >= slowCut {
			slowTotal += cycle[c]
		}
	}
	edges := newEdgeIndex(l)
	edgeOf := edges.handovers(l)
	type kindSpec struct {
		name  string
		group []int32            // each step's activity or handover
		key   func(g int) int64  // orders ties: the activity, or from·na + to
		at    func(g int) string // names the group
	}
	kinds := []kindSpec{
		{"bottleneck-activity", l.Act, func(g int) int64 { return int64(g) }, func(g int) string { return l.Activities[g] }},
		{"bottleneck-handover", edgeOf, func(g int) int64 { f, t := edges.ends(g); return int64(f)*na + int64(t) },
			func(g int) string { f, t := edges.ends(g); return l.Activities[f] + " → " + l.Activities[t] }},
	}
	keys := []int{len(l.Activities), edges.n()}
	type cand struct {
		kind, group int
		sum, slow   float64
		n           int
		cases       int64
	}
	var cands []*cand
	candOf := make([][]int32, len(kinds)) // per kind, group → candidate index or -1
	for ki, kd := range kinds {
		acc := make([]cand, keys[ki])
		for c := 0; c < nc; c++ {
			slow := cycle[c] >= slowCut
			for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
				cd := &acc[kd.group[i]]
				cd.sum += tm.Waiting[i]
				cd.n++
				if slow {
					cd.slow += tm.Waiting[i]
				}
			}
		}
		var list []*cand
		for g := range acc {
			if acc[g].sum > 0 {
				acc[g].kind, acc[g].group = ki, g
				list = append(list, &acc[g])
			}
		}
		slices.SortFunc(list, func(a, b *cand) int {
			return cmp.Or(cmp.Compare(b.sum, a.sum), cmp.Compare(kd.key(a.group), kd.key(b.group)))
		})
		if len(list) > o.Top {
			list = list[:o.Top]
		}
		candOf[ki] = make([]int32, keys[ki])
		for g := range candOf[ki] {
			candOf[ki][g] = -1
		}
		for _, cd := range list {
			candOf[ki][cd.group] = int32(len(cands))
			cands = append(cands, cd)
		}
	}
	// The cases each candidate touches, and per candidate its waiting in
	// each case that has some: the bootstrap's input, counted first so
	// that every column is allocated once, at its size.
	lastCase, lastPos := make([]int32, len(cands)), make([]int32, len(cands))
	sizes := make([]int, len(cands))
	for k := range lastCase {
		lastCase[k], lastPos[k] = -1, -1
	}
	for c := 0; c < nc; c++ {
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			for ki, kd := range kinds {
				ci := candOf[ki][kd.group[i]]
				if ci < 0 {
					continue
				}
				if lastCase[ci] != int32(c) {
					lastCase[ci] = int32(c)
					cands[ci].cases++
				}
				if tm.Waiting[i] > 0 && lastPos[ci] != int32(c) {
					lastPos[ci] = int32(c)
					sizes[ci]++
				}
			}
		}
	}
	cols := make([]column, len(cands))
	work := nc
	for k := range cols {
		cols[k] = column{cases: make([]int32, 0, sizes[k]), vals: make([]float64, 0, sizes[k])}
		work += sizes[k]
	}
	for c := 0; c < nc; c++ {
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			w := tm.Waiting[i]
			if w <= 0 {
				continue
			}
			for ki, kd := range kinds {
				ci := candOf[ki][kd.group[i]]
				if ci < 0 {
					continue
				}
				col := &cols[ci]
				if n := len(col.cases); n > 0 && col.cases[n-1] == int32(c) {
					col.vals[n-1] += w
				} else {
					col.cases, col.vals = append(col.cases, int32(c)), append(col.vals, w)
				}
			}
		}
	}
	resamples := o.Resamples
	if resamples == 0 {
		resamples = min(1000, max(200, 200_000_000/max(work, 1)))
	}
	// The ranks need none of the bootstrap's results: they are computed
	// meanwhile, so that the sort fills a core the resampling leaves idle.
	var rankSums []float64
	var tieTerm float64
	var ranked sync.WaitGroup
	ranked.Go(func() {
		rankSums, tieTerm = candidateRanks(l, tm.Waiting, waits, len(cands), [2][]int32{l.Act, edgeOf}, candOf)
	})
	cis := shareCIs(cols, caseWait, o.Level, resamples, o.Seed, o.Workers)
	cols = nil
	ranked.Wait()
	var out []Finding
	for ci, cd := range cands {
		kd := kinds[cd.kind]
		where := kd.at(cd.group)
		f := Finding{Kind: kd.name, Where: where, Seconds: cd.sum, Share: cd.sum / total, ShareCI: [2]stats.Float{stats.Float(cis[ci][0]), stats.Float(cis[ci][1])}, Cases: cd.cases}
		if slowTotal > 0 {
			f.SlowShare = cd.slow / slowTotal
		}
		p, effect := mannWhitneySubset(rankSums[ci], cd.n, waits, tieTerm)
		f.P, f.Effect = stats.Float(p), stats.Float(effect)
		f.Significant = f.P.Defined() && float64(f.P) < o.Alpha && f.Effect > 0
		f.What = fmt.Sprintf("%s holds %.1f %% of all waiting time (%.0f %% CI %.1f–%.1f %%) and %.1f %% of the cycle time of the slowest %.0f %% of cases",
			where, 100*f.Share, 100*o.Level, 100*f.ShareCI[0], 100*f.ShareCI[1], 100*f.SlowShare, 100*(1-o.SlowQuantl))
		if f.Significant {
			f.What += "; waits here are significantly longer than elsewhere"
		}
		out = append(out, f)
	}
	return out
}

func sortedCopy(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s
}

// candidateRanks sorts every wait once with its candidates (or, with more
// than maxPacked of them, its step); walking the runs of equal waits gives
// each its mid-rank, added to its candidates' sums. Mid-ranks are halves
// of integers, so the sums are exact whatever the order of addition. It
// returns the rank sums and the tie term Σ(t³ − t) of all waits. groups
// are the steps' activities and handovers, candOf their candidate numbers
// (-1: none).
func candidateRanks(l *timeline.Log, waiting []float64, waits, cands int, groups [2][]int32, candOf [][]int32) ([]float64, float64) {
	packed := cands < maxPacked
	keys, tags := make([]uint64, 0, waits), make([]uint32, 0, waits)
	for c := 0; c < l.Cases(); c++ {
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			tag := uint32(i)
			if packed {
				tag = uint32(candOf[0][groups[0][i]]+1) | uint32(candOf[1][groups[1][i]]+1)<<16
			}
			keys, tags = append(keys, floatKey(waiting[i])), append(tags, tag)
		}
	}
	sortKeyed(keys, tags)
	sums := make([]float64, cands)
	var tieTerm float64
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		if t := float64(j - i); t > 1 {
			tieTerm += t*t*t - t
		}
		mid := float64(i+1+j) / 2 // ranks i+1 .. j averaged
		for _, tag := range tags[i:j] {
			if packed {
				if a := tag & 0xFFFF; a > 0 {
					sums[a-1] += mid
				}
				if e := tag >> 16; e > 0 {
					sums[e-1] += mid
				}
				continue
			}
			for k, g := range groups {
				if ci := candOf[k][g[tag]]; ci >= 0 {
					sums[ci] += mid
				}
			}
		}
		i = j
	}
	return sums, tieTerm
}
