package live

import (
	"slices"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Profile is what the log's history says about its normal course, learned
// once from the stored log (Learn) and used to judge live cases.
type Profile struct {
	// StuckAfter is, per activity, the 95th percentile of the time from its
	// completion to the case's next completion (seconds): a case idle for
	// longer after it is stuck. Activities followed fewer than MinSamples
	// times have none (their cases are never called stuck).
	StuckAfter map[string]float64 `json:"stuck_after_seconds"`
	// End lists the activities that end cases: in the history, at least
	// 80 % of their occurrences are their case's last instance, and they end
	// at least 1 % of the cases.
	End []string `json:"end_activities"`
	// Next is, per activity, the share of each activity that follows it
	// (the directly-follows frequencies): a case idle after A waits for B
	// with probability Next[A][B].
	Next map[string]map[string]float64 `json:"next"`
}

// MinSamples is the fewest observations a stuck threshold is learned from.
const MinSamples = 20

// Learn learns a profile from a log's history.
func Learn(l *timeline.Log) Profile {
	na := len(l.Activities)
	gaps := make([][]float64, na)
	last := make([]int, na)
	occ := make([]int, na)
	follows := make([]map[int32]int, na)
	for c := range l.Cases() {
		lo, hi := int(l.CaseStart[c]), int(l.CaseStart[c+1])
		for i := lo; i < hi; i++ {
			a := l.Act[i]
			occ[a]++
			if i == hi-1 {
				last[a]++
				continue
			}
			gaps[a] = append(gaps[a], float64(l.Time[i+1]-l.Time[i])/1e6)
			if follows[a] == nil {
				follows[a] = map[int32]int{}
			}
			follows[a][l.Act[i+1]]++
		}
	}
	p := Profile{StuckAfter: map[string]float64{}, Next: map[string]map[string]float64{}}
	for a, name := range l.Activities {
		if g := gaps[a]; len(g) >= MinSamples {
			slices.Sort(g)
			p.StuckAfter[name] = max(g[(len(g)*95+99)/100-1], 1)
		}
		if occ[a] > 0 && last[a]*5 >= occ[a]*4 && last[a]*100 >= l.Cases() {
			p.End = append(p.End, name)
		}
		var total int
		for _, n := range follows[a] {
			total += n
		}
		if total > 0 {
			p.Next[name] = map[string]float64{}
			for b, n := range follows[a] {
				p.Next[name][l.Activities[b]] = float64(n) / float64(total)
			}
		}
	}
	slices.Sort(p.End)
	return p
}
