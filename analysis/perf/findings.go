package perf

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"

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
	// never below 200: about a second of work on two cores).
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

// Bottlenecks ranks activities and handovers by their share of all waiting
// time. Per candidate: the share's bootstrap interval over cases, its share
// of the slow cases' cycle time, and a Mann–Whitney test of its waiting
// times against all other waiting times.
func Bottlenecks(l *timeline.Log, tm *Times, cycle []float64, o Options) []Finding {
	o = o.withDefaults()
	nc := l.Cases()
	na := int64(len(l.Activities))
	// Every waiting time (steps after the first of a case), ranked once.
	var waits []float64
	var stepOf []int32
	caseWait := make([]float64, nc)
	var total float64
	for c := 0; c < nc; c++ {
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			waits = append(waits, tm.Waiting[i])
			stepOf = append(stepOf, i)
			caseWait[c] += tm.Waiting[i]
		}
		total += caseWait[c]
	}
	if total <= 0 {
		return nil
	}
	rk := rankAll(waits)
	slowCut := stats.Quantile(sortedCopy(cycle), o.SlowQuantl)
	var slowTotal float64
	for c := 0; c < nc; c++ {
		if cycle[c] >= slowCut {
			slowTotal += cycle[c]
		}
	}
	type kindSpec struct {
		name string
		key  func(i int32) int64
		at   func(int64) string
	}
	kinds := []kindSpec{
		{"bottleneck-activity", func(i int32) int64 { return int64(l.Act[i]) }, func(k int64) string { return l.Activities[k] }},
		{"bottleneck-handover", func(i int32) int64 { return int64(l.Act[i-1])*na + int64(l.Act[i]) },
			func(k int64) string { return l.Activities[k/na] + " → " + l.Activities[k%na] }},
	}
	type cand struct {
		kind      int
		key       int64
		sum, slow float64
		n         int
		rankSum   float64
		cases     int64
	}
	var cands []*cand
	for ki, kd := range kinds {
		byKey := map[int64]*cand{}
		for j, i := range stepOf {
			k := kd.key(i)
			cd := byKey[k]
			if cd == nil {
				cd = &cand{kind: ki, key: k}
				byKey[k] = cd
			}
			cd.sum += waits[j]
			cd.n++
			cd.rankSum += rk.r[j]
			if cycle[l.Case[i]] >= slowCut {
				cd.slow += waits[j]
			}
		}
		var list []*cand
		for _, cd := range byKey {
			if cd.sum > 0 {
				list = append(list, cd)
			}
		}
		slices.SortFunc(list, func(a, b *cand) int { return cmp.Or(cmp.Compare(b.sum, a.sum), cmp.Compare(a.key, b.key)) })
		if len(list) > o.Top {
			list = list[:o.Top]
		}
		cands = append(cands, list...)
	}
	// Per case, its waiting at each candidate: the bootstrap's input.
	index := map[[2]int64]int32{}
	for ci, cd := range cands {
		index[[2]int64{int64(cd.kind), cd.key}] = int32(ci)
	}
	entries := make([][]entry, nc)
	for c := 0; c < nc; c++ {
		var last []int32
		for i := l.CaseStart[c] + 1; i < l.CaseStart[c+1]; i++ {
			for ki, kd := range kinds {
				ci, ok := index[[2]int64{int64(ki), kd.key(i)}]
				if !ok {
					continue
				}
				if !slices.Contains(last, ci) {
					cands[ci].cases++
					last = append(last, ci)
				}
				if w := tm.Waiting[i]; w > 0 {
					entries[c] = addEntry(entries[c], ci, w)
				}
			}
		}
	}
	resamples := o.Resamples
	if resamples == 0 {
		work := nc
		for _, es := range entries {
			work += len(es)
		}
		resamples = min(1000, max(200, 200_000_000/max(work, 1)))
	}
	cis := shareCIs(entries, caseWait, len(cands), o.Level, resamples, o.Seed, o.Workers)
	var out []Finding
	for ci, cd := range cands {
		where := kinds[cd.kind].at(cd.key)
		f := Finding{Kind: kinds[cd.kind].name, Where: where, Seconds: cd.sum, Share: cd.sum / total, ShareCI: [2]stats.Float{stats.Float(cis[ci][0]), stats.Float(cis[ci][1])}, Cases: cd.cases}
		if slowTotal > 0 {
			f.SlowShare = cd.slow / slowTotal
		}
		p, effect := mannWhitneySubset(cd.rankSum, cd.n, len(waits), rk.tieTerm)
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

func addEntry(es []entry, cand int32, v float64) []entry {
	for i := range es {
		if es[i].cand == cand {
			es[i].val += v
			return es
		}
	}
	return append(es, entry{cand, v})
}

func sortedCopy(xs []float64) []float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s
}
