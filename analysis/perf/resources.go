package perf

import (
	"cmp"
	"slices"

	"github.com/pmx-dev/pmx/analysis/stats"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// ResourceStats is one resource's workload and speed.
type ResourceStats struct {
	Resource   string  `json:"resource"`
	Instances  int64   `json:"instances"`
	Cases      int64   `json:"cases"`
	Activities int     `json:"activities"`
	BusySecs   float64 `json:"busy_seconds"` // total service time (instances with a start)
	// Utilisation is BusySecs over the working time between the resource's
	// first and last instance (in the analysis' clock): a rough estimate
	// that ignores shifts and leave; 0 without service times.
	Utilisation float64 `json:"utilisation"`
}

// Speed compares one resource's service time on one activity with the other
// resources doing it: Ratio is its median over the others' median;
// Mann–Whitney P and rank-biserial Effect (positive: slower).
type Speed struct {
	Resource      string  `json:"resource"`
	Activity      string  `json:"activity"`
	Instances     int64   `json:"instances"`
	MedianService float64 `json:"median_service"`
	OthersMedian  float64 `json:"others_median"`
	Ratio         float64 `json:"ratio"`
	P             float64 `json:"p"`
	Effect        float64 `json:"effect"`
	Significant   bool    `json:"significant"`
}

// Handover is work passed from one resource to the next instance's
// resource within a case.
type Handover struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int64  `json:"count"`
}

// Resources summarises workload, the handover-of-work network, and
// per-resource speed on the same activity (significant slow resources
// first). minInstances bounds the speed comparison to resources with
// enough instances of an activity.
func Resources(l *timeline.Log, tm *Times, clock Clock, alpha float64, minInstances int) ([]ResourceStats, []Speed, []Handover) {
	nr := len(l.Resources)
	rs := make([]ResourceStats, nr)
	first, last := make([]int64, nr), make([]int64, nr)
	lastCase := make([]int32, nr)
	acts := make([]map[int32]bool, nr)
	for r := range rs {
		rs[r].Resource, first[r], last[r], lastCase[r] = l.Resources[r], 1<<62, -(1 << 62), -1
		acts[r] = map[int32]bool{}
	}
	type ra struct{ r, a int32 }
	serv := map[ra][]float64{}
	hand := map[[2]int32]int64{}
	for i := range l.Act {
		r := l.Resource[i]
		if r < 0 {
			continue
		}
		rs[r].Instances++
		if lastCase[r] != l.Case[i] {
			rs[r].Cases++
			lastCase[r] = l.Case[i]
		}
		acts[r][l.Act[i]] = true
		t0 := l.Time[i]
		if sv := tm.ServiceAt(i); sv >= 0 {
			rs[r].BusySecs += sv
			serv[ra{r, l.Act[i]}] = append(serv[ra{r, l.Act[i]}], sv)
			t0 = l.Start[i]
		}
		first[r], last[r] = min(first[r], t0), max(last[r], l.Time[i])
		if i > 0 && l.Case[i-1] == l.Case[i] && l.Resource[i-1] >= 0 && l.Resource[i-1] != r {
			hand[[2]int32{l.Resource[i-1], r}]++
		}
	}
	for r := range rs {
		rs[r].Activities = len(acts[r])
		if rs[r].BusySecs > 0 && last[r] > first[r] {
			span := float64(last[r]-first[r]) / 1e6
			if clock != nil {
				span = clock.Seconds(first[r], last[r])
			}
			if span > 0 {
				rs[r].Utilisation = rs[r].BusySecs / span
			}
		}
	}
	slices.SortFunc(rs, func(a, b ResourceStats) int {
		return cmp.Or(cmp.Compare(b.Instances, a.Instances), cmp.Compare(a.Resource, b.Resource))
	})
	// Speed: per activity, each resource against the others.
	byAct := map[int32][]int32{}
	for k := range serv {
		byAct[k.a] = append(byAct[k.a], k.r)
	}
	var speeds []Speed
	for a, rsx := range byAct {
		if len(rsx) < 2 {
			continue
		}
		// Each resource against the others: the instances ranked once.
		gs := make([][]float64, len(rsx))
		total := 0
		for i, r := range rsx {
			gs[i] = serv[ra{r, a}]
			total += len(gs[i])
		}
		var rg *rankedGroups
		for i, r := range rsx {
			mine := gs[i]
			if len(mine) < minInstances || total-len(mine) < minInstances {
				continue
			}
			if rg == nil {
				rg = rankGroups(gs)
			}
			mw := stats.MannWhitneyRanks(rg.rankSum[i], len(mine), total-len(mine), rg.ties)
			med, others := rg.medians(i)
			sp := Speed{Resource: l.Resources[r], Activity: l.Activities[a], Instances: int64(len(mine)),
				MedianService: med, OthersMedian: others, P: mw.P, Effect: mw.RankBiserial}
			if sp.OthersMedian > 0 {
				sp.Ratio = sp.MedianService / sp.OthersMedian
			}
			sp.Significant = mw.P < alpha
			speeds = append(speeds, sp)
		}
	}
	slices.SortFunc(speeds, func(a, b Speed) int {
		return cmp.Or(cmp.Compare(b.Effect, a.Effect), cmp.Compare(a.Activity, b.Activity), cmp.Compare(a.Resource, b.Resource))
	})
	var hs []Handover
	for k, n := range hand {
		hs = append(hs, Handover{From: l.Resources[k[0]], To: l.Resources[k[1]], Count: n})
	}
	slices.SortFunc(hs, func(a, b Handover) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	return rs, speeds, hs
}
