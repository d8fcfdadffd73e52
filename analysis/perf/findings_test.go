package perf

import (
	"math"
	"reflect"
	"testing"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

func TestBottlenecksOnDemo(t *testing.T) {
	_, l := loadDemo(t)
	tm := Decompose(l, nil)
	cycle := CycleTimes(l, nil)
	fs := Bottlenecks(l, tm, cycle, Options{Resamples: 200})
	if len(fs) == 0 {
		t.Fatal("no findings")
	}
	var act, hand []Finding
	for _, f := range fs {
		if f.Share <= 0 || f.Share > 1 || float64(f.ShareCI[0]) > f.Share || float64(f.ShareCI[1]) < f.Share || f.ShareCI[0] < 0 {
			t.Errorf("%s %s: share %v outside its CI %v", f.Kind, f.Where, f.Share, f.ShareCI)
		}
		switch f.Kind {
		case "bottleneck-activity":
			act = append(act, f)
		case "bottleneck-handover":
			hand = append(hand, f)
		}
	}
	// Ranked by total waiting; shares of one kind sum to at most 1.
	for _, list := range [][]Finding{act, hand} {
		var sum float64
		for i, f := range list {
			sum += f.Share
			if i > 0 && f.Seconds > list[i-1].Seconds {
				t.Errorf("%s ranked above a larger one", f.Where)
			}
		}
		if sum > 1+1e-9 {
			t.Errorf("shares sum to %v", sum)
		}
	}
	// Close holds two thirds of all waiting, by design (the nightly job
	// auto-closes five days after Resolve), with waits far longer than
	// elsewhere; the queue before Investigate (the DBA duty windows, a
	// group-level effect) is among the top three.
	if act[0].Where != "Close" || !act[0].Significant || act[0].Share < 0.6 {
		t.Errorf("top activity bottleneck %+v; want a significant Close", act[0])
	}
	if act[1].Where != "Investigate" && act[2].Where != "Investigate" {
		t.Errorf("Investigate not in the top three: %s, %s, %s", act[0].Where, act[1].Where, act[2].Where)
	}
	if hand[0].Where != "Resolve → Close" {
		t.Errorf("top handover %+v, want Resolve → Close", hand[0])
	}
	// Deterministic for a seed, and for the number of workers; ranked by
	// steps instead of packed candidate numbers, the same.
	again := Bottlenecks(l, tm, cycle, Options{Resamples: 200, Workers: 3})
	defer func(n int) { maxPacked = n }(maxPacked)
	maxPacked = 0
	unpacked := Bottlenecks(l, tm, cycle, Options{Resamples: 200})
	if !reflect.DeepEqual(fs, again) || !reflect.DeepEqual(fs, unpacked) {
		t.Fatalf("findings differ between runs:\n%+v\n%+v\n%+v", fs, again, unpacked)
	}
}

// mannWhitneySubset against scipy.stats.mannwhitneyu(a, b,
// method="asymptotic", use_continuity=True): a = [1, 2, 3, 4, 5],
// b = [3, 4, 5, 6, 7, 8] gives U = 4.5, p = 0.066015431521231 (two-sided).
func TestMannWhitneySubset(t *testing.T) {
	// Sorted: 1 2 3 3 4 4 5 5 6 7 8, so a's mid-ranks are 1, 2, 3.5, 5.5,
	// 7.5 and three pairs of ties give Σ(t³ − t) = 18.
	r1 := 1 + 2 + 3.5 + 5.5 + 7.5
	p, eff := mannWhitneySubset(r1, 5, 11, 18)
	u1 := r1 - 15
	if u1 != 4.5 || math.Abs(p-0.066015431521231) > 1e-12 || math.Abs(eff-(2*4.5/30-1)) > 1e-12 {
		t.Errorf("U %v p %v effect %v", u1, p, eff)
	}
}

var _ = timeline.None
