package report

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/pmx-dev/pmx/analysis/facts"
)

// Hand-built inputs: the report renders results, so tests feed it facts
// values directly instead of running the analysis.

const (
	hour = 3600.0
	day  = 86400.0
)

var generated = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// runningExample mimics the classic 6-case, 42-event "request for
// compensation" log: 8 activities, a loop through "reinitiate request".
func runningExample() Input {
	counts := map[string]int64{
		"register request": 6, "examine casually": 6, "examine thoroughly": 3,
		"check ticket": 9, "decide": 9, "reinitiate request": 3,
		"pay compensation": 3, "reject request": 3,
	}
	starts := map[string]int64{"register request": 6}
	ends := map[string]int64{"pay compensation": 3, "reject request": 3}
	edges := []facts.Edge{
		{From: "check ticket", To: "decide", Count: 6, MeanSeconds: 2 * day, MedianSeconds: 1.5 * day, P90Seconds: 4 * day},
		{From: "check ticket", To: "examine casually", Count: 2, MeanSeconds: 5 * hour, MedianSeconds: 5 * hour, P90Seconds: 7 * hour},
		{From: "check ticket", To: "examine thoroughly", Count: 1, MeanSeconds: 3 * hour, MedianSeconds: 3 * hour, P90Seconds: 3 * hour},
		{From: "decide", To: "pay compensation", Count: 3, MeanSeconds: 1.2 * day, MedianSeconds: 1 * day, P90Seconds: 2 * day},
		{From: "decide", To: "reinitiate request", Count: 3, MeanSeconds: 4 * hour, MedianSeconds: 3 * hour, P90Seconds: 8 * hour},
		{From: "decide", To: "reject request", Count: 3, MeanSeconds: 9 * hour, MedianSeconds: 8 * hour, P90Seconds: 14 * hour},
		{From: "examine casually", To: "check ticket", Count: 2, MeanSeconds: 1 * hour, MedianSeconds: 1 * hour, P90Seconds: 1.5 * hour},
		{From: "examine casually", To: "decide", Count: 4, MeanSeconds: 1.5 * day, MedianSeconds: 1.2 * day, P90Seconds: 3 * day},
		{From: "examine thoroughly", To: "check ticket", Count: 1, MeanSeconds: 2 * hour, MedianSeconds: 2 * hour, P90Seconds: 2 * hour},
		{From: "examine thoroughly", To: "decide", Count: 2, MeanSeconds: 20 * hour, MedianSeconds: 20 * hour, P90Seconds: 30 * hour},
		{From: "register request", To: "check ticket", Count: 2, MeanSeconds: 30 * 60, MedianSeconds: 30 * 60, P90Seconds: 45 * 60},
		{From: "register request", To: "examine casually", Count: 3, MeanSeconds: 1 * day, MedianSeconds: 22 * hour, P90Seconds: 2 * day},
		{From: "register request", To: "examine thoroughly", Count: 1, MeanSeconds: 2 * day, MedianSeconds: 2 * day, P90Seconds: 2 * day},
		{From: "reinitiate request", To: "check ticket", Count: 2, MeanSeconds: 6 * hour, MedianSeconds: 6 * hour, P90Seconds: 9 * hour},
		{From: "reinitiate request", To: "examine casually", Count: 1, MeanSeconds: 2 * hour, MedianSeconds: 2 * hour, P90Seconds: 2 * hour},
	}
	return Input{
		Title:     "pmx report — running example",
		Source:    "running-example.xes",
		Generated: generated,
		Stats: facts.Stats{
			Log: "running-example", Cases: 6, Events: 42, Activities: 8, Variants: 5, Resources: 6,
			ActivityCounts: counts, StartActivities: starts, EndActivities: ends,
			CaseDuration: facts.Summary{Median: 7.1 * day, Mean: 8.3 * day, Min: 1.9 * day, Max: 14.2 * day},
			FirstEvent:   "2010-12-30T11:02:00Z", LastEvent: "2011-01-23T11:43:00Z",
		},
		Variants: []facts.Variant{
			{Activities: []string{"register request", "examine casually", "check ticket", "decide", "reject request"}, Count: 2, Share: 2.0 / 6, MeanDurationSeconds: 5.5 * day},
			{Activities: []string{"register request", "check ticket", "examine casually", "decide", "pay compensation"}, Count: 1, Share: 1.0 / 6, MeanDurationSeconds: 6 * day},
			{Activities: []string{"register request", "examine thoroughly", "check ticket", "decide", "reject request"}, Count: 1, Share: 1.0 / 6, MeanDurationSeconds: 8.1 * day},
			{Activities: []string{"register request", "examine casually", "check ticket", "decide", "reinitiate request", "check ticket", "examine casually", "decide", "pay compensation"}, Count: 1, Share: 1.0 / 6, MeanDurationSeconds: 13.3 * day},
			{Activities: []string{"register request", "check ticket", "examine thoroughly", "decide", "reinitiate request", "examine casually", "check ticket", "decide", "reinitiate request", "check ticket", "examine thoroughly", "decide", "pay compensation"}, Count: 1, Share: 1.0 / 6, MeanDurationSeconds: 14.2 * day},
		},
		DFG: facts.DFG{Log: "running-example", Edges: edges, ActivityCounts: counts, StartActivities: starts, EndActivities: ends},
		Durations: facts.Histogram{Buckets: []facts.Bucket{
			{Low: 1 * day, High: 3 * day, Count: 1},
			{Low: 3 * day, High: 10 * day, Count: 3},
			{Low: 10 * day, High: 30 * day, Count: 2},
		}},
	}
}

// lcg is a tiny deterministic generator so the synthetic log is the same on
// every run without seeding math/rand.
type lcg uint64

func (l *lcg) next(n int) int {
	*l = *l*6364136223846793005 + 1442695040888963407
	return int((uint64(*l) >> 33) % uint64(n))
}

// synthetic builds a log with n activities and about e directly-follows
// edges with Zipf-like counts: the size the map must stay readable at.
func synthetic(n, e int) Input {
	verbs := []string{"Create", "Review", "Approve", "Check", "Send", "Update", "Escalate", "Close", "Assign", "Notify"}
	objects := []string{"purchase order", "invoice", "goods receipt", "vendor record", "payment", "claim"}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s %s", verbs[i%len(verbs)], objects[(i/len(verbs)+i)%len(objects)])
		if i >= len(verbs)*len(objects)/2 {
			names[i] += fmt.Sprintf(" (%d)", i)
		}
	}
	rng := lcg(42)
	type key struct{ a, b int }
	seen := map[key]bool{}
	var edges []facts.Edge
	counts := map[string]int64{}
	// A staged main flow first (like a real process: a few alternatives per
	// step), then rare random paths on top.
	var stages [][]int
	for i := 0; i < n; {
		size := min(1+rng.next(4), n-i)
		if i == 0 || i+size >= n {
			size = 1
		}
		var st []int
		for k := 0; k < size; k++ {
			st = append(st, i+k)
		}
		stages = append(stages, st)
		i += size
	}
	for s := 0; s+1 < len(stages); s++ {
		for _, a := range stages[s] {
			for _, b := range stages[s+1] {
				if len(edges) < e && (rng.next(3) > 0 || len(stages[s+1]) == 1) {
					seen[key{a, b}] = true
					edges = append(edges, facts.Edge{From: names[a], To: names[b], Count: int64(300 + rng.next(4000)/(1+s/2))})
				}
			}
		}
	}
	for len(edges) < e {
		a, b := rng.next(n), rng.next(n)
		if seen[key{a, b}] {
			continue
		}
		seen[key{a, b}] = true
		edges = append(edges, facts.Edge{From: names[a], To: names[b], Count: int64(1 + 2000/(1+rng.next(400)))})
	}
	for i := range edges {
		mean := 60 * math.Pow(1.9, float64(rng.next(20)))
		edges[i].MeanSeconds, edges[i].MedianSeconds, edges[i].P90Seconds = mean, mean*0.7, mean*2.4
		counts[edges[i].To] += edges[i].Count
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].From != edges[j].From {
			return edges[i].From < edges[j].From
		}
		return edges[i].To < edges[j].To
	})
	counts[names[0]] += 5000
	starts := map[string]int64{names[0]: 4800, names[3]: 150, names[7]: 50}
	ends := map[string]int64{names[n-1]: 3000, names[n/2]: 1500, names[5]: 500}
	var events int64
	for _, c := range counts {
		events += c
	}
	var variants []facts.Variant
	for v := 0; v < 60; v++ {
		seq := []string{names[0]}
		for k := 0; k < 4+rng.next(14); k++ {
			seq = append(seq, names[rng.next(n)])
		}
		c := int64(1200 / (v + 1))
		variants = append(variants, facts.Variant{Activities: seq, Count: c, Share: float64(c) / 5000, MeanDurationSeconds: float64(1+rng.next(90)) * day / 3})
	}
	var buckets []facts.Bucket
	lo := 60.0
	for i := 0; i < 14; i++ {
		hi := lo * 3
		buckets = append(buckets, facts.Bucket{Low: lo, High: hi, Count: int64(1 + 900*math.Exp(-math.Pow(float64(i)-8, 2)/6))})
		lo = hi
	}
	return Input{
		Title: "pmx report — procurement (synthetic)", Source: "synthetic-p2p.parquet", Generated: generated,
		Stats: facts.Stats{
			Log: "synthetic", Cases: 5000, Events: events, Activities: int64(n), Variants: 1873, Resources: 48,
			ActivityCounts: counts, StartActivities: starts, EndActivities: ends,
			CaseDuration: facts.Summary{Median: 6.4 * day, Mean: 11.9 * day, Min: 120, Max: 210 * day},
			FirstEvent:   "2023-01-02T07:00:00Z", LastEvent: "2024-06-28T18:30:00Z",
		},
		Variants:  variants,
		DFG:       facts.DFG{Log: "synthetic", Edges: edges, ActivityCounts: counts, StartActivities: starts, EndActivities: ends},
		Durations: facts.Histogram{Buckets: buckets},
	}
}
