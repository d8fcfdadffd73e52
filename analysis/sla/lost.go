package sla

import (
	"cmp"
	"slices"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// maxLosses is how many activities and handovers Lost lists.
const maxLosses = 10

// lost sums, for breached and on-target cases apart, the waiting before
// each instance inside the window: from the previous completion to the
// instance's start (its completion when it has none), clipped at 0 when it
// started before its predecessor completed.
func (e *env) lost(k *clock, done []measured) *Lost {
	l := e.l
	nAct := len(l.Activities)
	act := make([][2]int64, nAct)
	hand := map[int64]*[2]int64{}
	var total [2]int64
	var cases [2]int64
	for _, m := range done {
		g := 0 // breached
		if m.d <= m.tgt {
			g = 1
		}
		cases[g]++
		for j := m.k0 + 1; j <= m.kEnd; j++ {
			prev := k.at(l, int(j-1))
			arrive := k.at(l, int(j))
			if st := l.Start[j]; st != timeline.None && st <= l.Time[j] {
				arrive = k.atStart(l, int(j))
			}
			w := arrive - prev
			if w <= 0 {
				continue
			}
			a := l.Act[j]
			act[a][g] += w
			key := int64(l.Act[j-1])*int64(nAct) + int64(a)
			h := hand[key]
			if h == nil {
				h = &[2]int64{}
				hand[key] = h
			}
			h[g] += w
			total[g] += w
		}
	}
	out := &Lost{BreachedCases: cases[0], OtherCases: cases[1], Activities: []Loss{}, Handovers: []Loss{}}
	if cases[0] > 0 {
		out.BreachedWaitSeconds = float64(total[0]) / 1e9 / float64(cases[0])
	}
	if cases[1] > 0 {
		out.OtherWaitSeconds = float64(total[1]) / 1e9 / float64(cases[1])
	}
	loss := func(sums [2]int64) Loss {
		var x Loss
		if total[0] > 0 {
			x.BreachedShare = float64(sums[0]) / float64(total[0])
			x.BreachedMeanSeconds = float64(sums[0]) / 1e9 / float64(cases[0])
		}
		if total[1] > 0 {
			x.OtherShare = float64(sums[1]) / float64(total[1])
			x.OtherMeanSeconds = float64(sums[1]) / 1e9 / float64(cases[1])
		}
		return x
	}
	for a, s := range act {
		if s != [2]int64{} {
			x := loss(s)
			x.Activity = l.Activities[a]
			out.Activities = append(out.Activities, x)
		}
	}
	for key, s := range hand {
		x := loss(*s)
		x.From, x.To = l.Activities[key/int64(nAct)], l.Activities[key%int64(nAct)]
		out.Handovers = append(out.Handovers, x)
	}
	order := func(a, b Loss) int {
		return cmp.Or(cmp.Compare(b.BreachedShare, a.BreachedShare), cmp.Compare(b.OtherShare, a.OtherShare),
			cmp.Compare(a.Activity, b.Activity), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	}
	slices.SortFunc(out.Activities, order)
	slices.SortFunc(out.Handovers, order)
	out.Activities = out.Activities[:min(maxLosses, len(out.Activities))]
	out.Handovers = out.Handovers[:min(maxLosses, len(out.Handovers))]
	return out
}
