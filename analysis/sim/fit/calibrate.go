package fit

import (
	"fmt"
	"math"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/engine"
	"github.com/pmx-dev/pmx/analysis/sim/model"
)

// calibrationEvents bounds the instances a calibration run simulates, so
// that fitting a million-event log stays within seconds.
const calibrationEvents = 200_000

// calibrate simulates the training log's period and moves each activity's
// extraneous delay until the simulated mean time from enabling to
// completion (delay, queueing, service) is the log's: the waiting that
// neither the fitted services nor the simulated queues explain.
func (f *fitter) calibrate(m *model.Model) error {
	l := f.l
	obs := make([]float64, len(l.Activities))
	cnt := make([]float64, len(l.Activities))
	for i, a := range l.Act {
		obs[a] += float64(l.Time[i]-f.enabled[i]) / 1e6
		cnt[a]++
	}
	for a := range obs {
		if cnt[a] > 0 {
			obs[a] /= cnt[a]
		}
	}
	cases := l.Cases()
	if per := float64(l.Steps()) / float64(cases); float64(cases)*per > calibrationEvents {
		cases = max(100, int(calibrationEvents/per))
	}
	for round := range f.o.Calibration {
		s, err := engine.Compile(m)
		if err != nil {
			return fmt.Errorf("fit: calibration: %w", err)
		}
		res, err := s.Run(engine.Options{Cases: cases, WarmUp: cases / 10, CoolDown: cases / 20, Start: f.first,
			Seed: f.o.Seed, Replication: 1_000_000 + round})
		if err != nil {
			return fmt.Errorf("fit: calibration: %w", err)
		}
		changed := false
		for k, name := range s.Activities {
			a := indexOf(l.Activities, name)
			st := res.Acts[k]
			if a < 0 || st.Count == 0 || cnt[a] == 0 {
				continue
			}
			sim := (st.Delay + st.Waiting + st.Service) / float64(st.Count)
			act := m.Acts[name]
			cur := st.Delay / float64(st.Count) // the delay this activity drew on average
			want := math.Max(0, cur+obs[a]-sim)
			switch {
			case math.Abs(want-cur) < math.Max(1, 0.01*obs[a]):
				continue
			case want < 1:
				act.Delay, act.DelayAfter, act.DelayByPriority = nil, nil, nil
			case cur > 0:
				// Scale every delay of the activity alike: the shape and
				// the dependence on the predecessor stay. A round moves a
				// delay at most tenfold: a delay that is nearly always zero
				// has a tiny mean, and scaling its rare tail by the ratio
				// alone would make a few cases wait for years.
				k := min(10, max(0.1, want/cur))
				if act.Delay != nil {
					d := act.Delay.Scaled(k)
					act.Delay = &d
				}
				for _, by := range []map[string]*dist.Dist{act.DelayAfter, act.DelayByPriority} {
					for key, d := range by {
						dd := d.Scaled(k)
						by[key] = &dd
					}
				}
			default:
				act.Delay = &dist.Dist{Kind: dist.Exponential, Mean: want}
				act.DelayAfter, act.DelayByPriority = nil, nil
			}
			changed = true
		}
		if !changed {
			break
		}
	}
	return nil
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
