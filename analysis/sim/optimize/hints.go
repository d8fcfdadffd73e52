package optimize

import (
	"github.com/pmx-dev/pmx/analysis/analyze"
)

// HintsFrom reads a log analysis's findings as hints: the activities
// before which cases queue (bottleneck findings, by their share of all
// waiting), the activities where breached SLA clocks lose time (each rule's
// breached cases' waiting, by its share, times the rule's breaches), and the
// activities done again (rework, by its share of the cycle time).
func HintsFrom(r *analyze.Report) Hints {
	h := Hints{Waiting: map[string]float64{}, SLA: map[string]float64{}, Rework: map[string]float64{}}
	if r == nil {
		return h
	}
	for _, f := range r.Findings {
		if f.Kind == "bottleneck-activity" && f.Share > 0 {
			h.Waiting[f.Where] += f.Share
		}
	}
	for _, rw := range r.Rework {
		if rw.CycleShare > 0 {
			h.Rework[rw.Activity] += rw.CycleShare
		}
	}
	if r.SLA != nil {
		for _, rule := range r.SLA.Rules {
			if rule.Lost == nil || rule.Breaches == 0 {
				continue
			}
			for _, l := range rule.Lost.Activities {
				if l.Activity != "" && l.BreachedShare > 0 {
					h.SLA[l.Activity] += l.BreachedShare * float64(rule.Breaches)
				}
			}
		}
	}
	return h
}
