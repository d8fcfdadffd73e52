package perf

import (
	"math"
	"testing"
	"time"
)

func TestResourcesAndWIPOnDemo(t *testing.T) {
	_, l := loadDemo(t)
	tm := Decompose(l, nil)
	rs, speeds, hs := Resources(l, tm, nil, 0.01, 20)
	if len(rs) != 40 || len(hs) == 0 {
		t.Fatalf("%d resources, %d handovers; want the demo's 40 agents", len(rs), len(hs))
	}
	// Planted slow agents on Investigate (testdata/demo/README.md): each is
	// significantly slower than the others doing Investigate.
	slow := map[string]bool{}
	for _, s := range speeds {
		if s.Activity == "Investigate" && s.Significant && s.Effect > 0 && s.Ratio > 1.3 {
			slow[s.Resource] = true
		}
	}
	for _, who := range []string{"Bram Smits", "Luuk van den Heuvel", "Maud van Beek"} {
		if !slow[who] {
			t.Errorf("%s not found significantly slower on Investigate", who)
		}
	}
	for _, r := range rs {
		if r.Utilisation < 0 || r.Utilisation > 1.5 {
			t.Errorf("%s utilisation %v", r.Resource, r.Utilisation)
		}
	}
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	wips, how := WorkInProgress(l, tm, loc)
	for _, w := range wips {
		if math.Abs(w.LittleRatio-1) > 1e-6 || w.Peak < 1 {
			t.Errorf("%s: Little ratio %v, peak %d", w.Activity, w.LittleRatio, w.Peak)
		}
	}
	var n int64
	for _, h := range how {
		n += h.Instances
	}
	if n != int64(l.Steps()-l.Cases()) || len(how) != 168 {
		t.Errorf("hour-of-week profile covers %d instances", n)
	}
}
