package perf

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/pmx-dev/pmx/analysis/units"

	"github.com/pmx-dev/pmx/analysis/stats"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Rework is one activity's repetitions within cases.
type Rework struct {
	Activity string `json:"activity"`
	// Cases is the number of cases doing the activity more than once;
	// Share their share of the cases doing it at all.
	Cases int64   `json:"cases"`
	Share float64 `json:"share"`
	// Repeats counts instances beyond each case's first; SelfLoops those
	// directly following an instance of the same activity.
	Repeats   int64 `json:"repeats"`
	SelfLoops int64 `json:"self_loops"`
	// Seconds is the sojourn time of the repeats (what the rework costs);
	// CycleShare its share of the total cycle time of all cases.
	Seconds    float64 `json:"seconds"`
	CycleShare float64 `json:"cycle_share"`
	// ExtraCycle is how much longer (median cycle time, seconds) cases with
	// this rework take than cases doing the activity once.
	ExtraCycle float64 `json:"extra_cycle"`
}

// PingPong is work handed back and forth between two resources (or
// groups): r1 → r2 → r1 in a case's sequence of owners.
type PingPong struct {
	Resources [2]string `json:"resources"`
	Cases     int64     `json:"cases"`
	Times     int64     `json:"times"`
	Seconds   float64   `json:"seconds"` // sojourn of the returning instances
}

// ReworkFindings lists activities done repeatedly in cases (most costly
// first) and ping-pong between resources.
func ReworkFindings(l *timeline.Log, tm *Times, cycle []float64, top int) ([]Rework, []PingPong) {
	na := len(l.Activities)
	type acc struct {
		cases, doing, repeats, self int64
		secs                        float64
		with, once                  []float64
	}
	accs := make([]acc, na)
	seen := make([]int32, na)
	var totalCycle float64
	for c := 0; c < l.Cases(); c++ {
		totalCycle += cycle[c]
		lo, hi := int(l.CaseStart[c]), int(l.CaseStart[c+1])
		for i := lo; i < hi; i++ {
			seen[l.Act[i]] = 0
		}
		for i := lo; i < hi; i++ {
			a := l.Act[i]
			seen[a]++
			if seen[a] > 1 {
				accs[a].repeats++
				if tm.Sojourn[i] > 0 {
					accs[a].secs += tm.Sojourn[i]
				}
				if i > lo && l.Act[i-1] == a {
					accs[a].self++
				}
			}
		}
		for i := lo; i < hi; i++ {
			a := l.Act[i]
			if seen[a] == 0 {
				continue // counted already
			}
			accs[a].doing++
			if seen[a] > 1 {
				accs[a].cases++
				accs[a].with = append(accs[a].with, cycle[c])
			} else {
				accs[a].once = append(accs[a].once, cycle[c])
			}
			seen[a] = 0
		}
	}
	var rw []Rework
	for a := range accs {
		x := accs[a]
		if x.cases == 0 {
			continue
		}
		r := Rework{Activity: l.Activities[a], Cases: x.cases, Share: float64(x.cases) / float64(x.doing),
			Repeats: x.repeats, SelfLoops: x.self, Seconds: x.secs}
		if totalCycle > 0 {
			r.CycleShare = x.secs / totalCycle
		}
		if len(x.once) > 0 {
			slices.Sort(x.with)
			slices.Sort(x.once)
			r.ExtraCycle = stats.Quantile(x.with, 0.5) - stats.Quantile(x.once, 0.5)
		}
		rw = append(rw, r)
	}
	slices.SortFunc(rw, func(x, y Rework) int {
		return cmp.Or(cmp.Compare(y.Seconds, x.Seconds), cmp.Compare(x.Activity, y.Activity))
	})
	if top > 0 && len(rw) > top {
		rw = rw[:top]
	}
	return rw, PingPongs(l, l.Resource, l.Resources, tm, top)
}

// PingPongs finds work handed back and forth on one dimension of the
// instances — resources (l.Resource, l.Resources) or groups (l.Group,
// l.Groups): in a case's sequence of owners (consecutive instances of one
// owner counted once), x → y → x. Seconds is the sojourn of the instance
// that returns the work. Most frequent first; at most top (0 = all).
func PingPongs(l *timeline.Log, dim []int32, names []string, tm *Times, top int) []PingPong {
	if len(dim) != l.Steps() {
		return nil
	}
	type pair struct{ a, b int32 }
	pp := map[pair]*PingPong{}
	ppCase := map[pair]int32{}
	for c := 0; c < l.Cases(); c++ {
		lo, hi := int(l.CaseStart[c]), int(l.CaseStart[c+1])
		// The case's owners as runs: consecutive instances of one owner are
		// one run, instances without an owner are skipped. A ping-pong is a
		// run that returns the work to the owner two runs back.
		var runs [3]int32 // the last three distinct runs, newest last
		n := 0
		for i := lo; i < hi; i++ {
			r := dim[i]
			if r < 0 || (n > 0 && runs[2] == r) {
				continue
			}
			runs[0], runs[1], runs[2] = runs[1], runs[2], r
			n++
			if n < 3 || runs[0] != r {
				continue
			}
			k := pair{min(runs[0], runs[1]), max(runs[0], runs[1])}
			p := pp[k]
			if p == nil {
				p = &PingPong{Resources: [2]string{names[k.a], names[k.b]}}
				pp[k] = p
				ppCase[k] = -1
			}
			p.Times++
			p.Seconds += max(tm.Sojourn[i], 0)
			if ppCase[k] != int32(c) {
				ppCase[k] = int32(c)
				p.Cases++
			}
		}
	}
	var pps []PingPong
	for _, p := range pp {
		pps = append(pps, *p)
	}
	slices.SortFunc(pps, func(x, y PingPong) int {
		return cmp.Or(cmp.Compare(y.Times, x.Times), cmp.Compare(x.Resources[0], y.Resources[0]), cmp.Compare(x.Resources[1], y.Resources[1]))
	})
	if top > 0 && len(pps) > top {
		pps = pps[:top]
	}
	return pps
}

// String describes a rework record in one sentence.
func (r Rework) String() string {
	return fmt.Sprintf("%s is repeated in %d cases (%.1f %% of those doing it), costing %.1f %% of all cycle time; those cases take %s (median)",
		r.Activity, r.Cases, 100*r.Share, 100*r.CycleShare, units.Change(r.ExtraCycle))
}
