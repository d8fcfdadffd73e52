package fit

import (
	"math"
	"slices"
	"sort"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// maxLoad is the share of a pool's working time its fitted service times
// may fill; more would make the simulated queues grow without bound. Where
// starts are not recorded, service is estimated from the resource's
// previous completion, which is an upper bound (people work on several
// cases at once), so the cap is lower.
const maxLoad, maxLoadEstimated = 0.85, 0.6

// minSpeedInstances is how many instances a resource needs before its own
// speed is estimated.
const minSpeedInstances = 20

// minEdgeInstances is how many instances of an activity after one
// predecessor earn that pair a delay distribution of its own.
const minEdgeInstances = 30

// durations fits service times, resource speeds and extraneous delays.
func (f *fitter) durations(m *model.Model) {
	l := f.l
	n := l.Steps()
	// Each resource's instances in completion order, to find its previous
	// completion before an instant.
	byRes := make([][]int32, len(l.Resources))
	for i, r := range l.Resource {
		if r >= 0 {
			byRes[r] = append(byRes[r], int32(i))
		}
	}
	prevEnd := make([]int64, n) // the resource's previous completion, or MinInt64
	for _, steps := range byRes {
		sort.SliceStable(steps, func(a, b int) bool { return l.Time[steps[a]] < l.Time[steps[b]] })
		last := int64(math.MinInt64)
		for _, i := range steps {
			prevEnd[i] = last
			last = max(last, l.Time[i])
		}
	}
	service := make([]float64, n) // working seconds
	delay := make([]float64, n)   // calendar seconds of extraneous delay
	for i := range n {
		r := l.Resource[i]
		begin := f.begin[i]
		if !f.rep.Starts && r >= 0 {
			// No recorded start: the resource started when it was free and
			// the case was ready.
			begin = max(f.enabled[i], min(prevEnd[i], l.Time[i]))
		}
		service[i] = f.workSeconds(r, begin, l.Time[i])
		if !f.rep.Starts {
			// Without starts the wait before the resource was free is all
			// that is seen of waiting; as a delay it keeps its shape (most
			// instances follow at once, a few wait long), and calibration
			// takes out what the simulated queues add.
			delay[i] = float64(begin-f.enabled[i]) / 1e6
		} else if begin > f.enabled[i] {
			free := f.enabled[i]
			if r >= 0 && prevEnd[i] > free && prevEnd[i] <= begin {
				free = prevEnd[i]
			}
			delay[i] = f.workSeconds(r, free, begin)
		}
		f.begin[i] = begin
	}
	// Keep every pool below maxLoad of its working time.
	if len(f.poolCal) > 0 {
		busy := make([]float64, len(f.poolCal))
		for i, r := range l.Resource {
			if r >= 0 && f.poolOf[r] >= 0 {
				busy[f.poolOf[r]] += service[i]
			}
		}
		avail := make([]float64, len(f.poolCal))
		for r, steps := range byRes {
			if p := f.poolOf[r]; p >= 0 && len(steps) > 0 {
				from, to := f.begin[steps[0]], l.Time[steps[len(steps)-1]]
				for _, i := range steps {
					from = min(from, f.begin[i])
				}
				avail[p] += f.workSeconds(int32(r), from, to)
			}
		}
		capLoad := maxLoad
		if !f.rep.Starts {
			capLoad = maxLoadEstimated
		}
		for p := range busy {
			if avail[p] > 0 && busy[p] > capLoad*avail[p] {
				scale := capLoad * avail[p] / busy[p]
				for i, r := range l.Resource {
					if r >= 0 && f.poolOf[r] == p {
						delay[i] += (1 - scale) * service[i]
						service[i] *= scale
					}
				}
				f.note("pool %d: service times would fill %.0f %% of its working time; scaled to %.0f %%, the rest counted as delay",
					p+1, 100*busy[p]/avail[p], 100*capLoad)
			}
		}
	}
	// Resource speeds: the median of a resource's service over its
	// activity's median.
	byAct := make([][]float64, len(l.Activities))
	for i := range n {
		byAct[l.Act[i]] = append(byAct[l.Act[i]], service[i])
	}
	med := make([]float64, len(l.Activities))
	for a, xs := range byAct {
		med[a] = median(xs)
	}
	speed := make([]float64, len(l.Resources))
	for r, steps := range byRes {
		speed[r] = 1
		var ratios []float64
		for _, i := range steps {
			if m := med[l.Act[i]]; m > 0 && service[i] > 0 {
				ratios = append(ratios, service[i]/m)
			}
		}
		if len(ratios) >= minSpeedInstances {
			speed[r] = min(4, max(0.25, median(ratios)))
		}
	}
	for _, p := range m.Pools {
		for _, res := range p.Resources {
			for r, name := range l.Resources {
				if name == res.Name && speed[r] != 1 {
					res.Speed = math.Round(speed[r]*1000) / 1000
				}
			}
		}
	}
	// One duration and one delay distribution per activity, on service
	// times divided by the performer's speed.
	durs := make([][]float64, len(l.Activities))
	dels := make([][]float64, len(l.Activities))
	edge := make([]map[int32][]float64, len(l.Activities)) // by previous activity, -1 first
	byPrio := make([]map[string][]float64, len(l.Activities))
	durPrio := make([]map[string][]float64, len(l.Activities))
	for i := range n {
		s := service[i]
		if r := l.Resource[i]; r >= 0 && speed[r] > 0 {
			s /= speed[r]
		}
		a := l.Act[i]
		durs[a] = append(durs[a], s)
		dels[a] = append(dels[a], delay[i])
		prev := int32(-1)
		if c := l.Case[i]; int32(i) > l.CaseStart[c] {
			prev = l.Act[i-1]
		}
		if edge[a] == nil {
			edge[a] = map[int32][]float64{}
		}
		edge[a][prev] = append(edge[a][prev], delay[i])
		if f.prio != nil {
			if v := f.prio[l.Case[i]]; v != "" {
				if byPrio[a] == nil {
					byPrio[a] = map[string][]float64{}
				}
				byPrio[a][v] = append(byPrio[a][v], delay[i])
				if durPrio[a] == nil {
					durPrio[a] = map[string][]float64{}
				}
				durPrio[a][v] = append(durPrio[a][v], s)
			}
		}
	}
	for a, name := range l.Activities {
		act := m.Acts[name]
		act.Duration, _ = dist.Fit(durs[a])
		if d, _ := dist.Fit(dels[a]); d.MeanValue() >= 1 {
			act.Delay = &d
		}
		// Cases of one priority wait alike: where there are enough of
		// them, their delays get a distribution of their own.
		act.DelayByPriority = byValue(byPrio[a])
		act.DurationByPriority = byValue(durPrio[a])
		if f.o.Mode != model.Variants {
			continue
		}
		// Where enough instances follow one predecessor, their delays get
		// a distribution of their own (variant replay knows the
		// predecessor; a pair with little data keeps the activity's).
		for prev, xs := range edge[a] {
			if len(xs) < minEdgeInstances || len(xs) == len(dels[a]) {
				continue
			}
			d, _ := dist.Fit(xs)
			key := ""
			if prev >= 0 {
				key = l.Activities[prev]
			}
			if act.DelayAfter == nil {
				act.DelayAfter = map[string]*dist.Dist{}
			}
			act.DelayAfter[key] = &d
		}
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// byValue fits a distribution to each value's samples where there are at
// least minEdgeInstances of them and more than one value.
func byValue(samples map[string][]float64) map[string]*dist.Dist {
	if len(samples) < 2 {
		return nil
	}
	var out map[string]*dist.Dist
	for v, xs := range samples {
		if len(xs) < minEdgeInstances {
			continue
		}
		d, _ := dist.Fit(xs)
		if out == nil {
			out = map[string]*dist.Dist{}
		}
		out[v] = &d
	}
	return out
}
