package perf

import (
	"testing"
	"time"
)

func TestSegmentsAndDriftOnDemo(t *testing.T) {
	_, l := loadDemo(t)
	cycle := CycleTimes(l, nil)
	segs := Segments(l, cycle, 0.01)
	by := map[string]SegmentTest{}
	for i, s := range segs {
		by[s.Attribute] = s
		if i > 0 && s.EpsilonSquared > segs[i-1].EpsilonSquared {
			t.Errorf("%s ranked below a weaker attribute", s.Attribute)
		}
	}
	// Planted: Database incidents wait for the DBA duty windows.
	cat, ok := by["category"]
	if !ok || !cat.Significant || cat.Segments[0].Value != "Database" || !cat.Segments[0].Significant ||
		cat.Segments[0].MedianCycle <= cat.Segments[0].RestMedian {
		t.Errorf("category test %+v; want Database significantly slowest", cat)
	}
	if _, ok := by["customer"]; !ok {
		t.Error("customer (36 values) not tested")
	}
	loc, _ := time.LoadLocation("Europe/Amsterdam")
	d := WeeklyDrift(l, cycle, loc, 0.01)
	var n int64
	for i, w := range d.Weeks {
		n += w.Cases
		if i > 0 {
			a, _ := time.Parse("2006-01-02", d.Weeks[i-1].Start)
			b, _ := time.Parse("2006-01-02", w.Start)
			if b.Sub(a) != 7*24*time.Hour || b.Weekday() != time.Monday {
				t.Fatalf("weeks %s, %s not consecutive Mondays", d.Weeks[i-1].Start, w.Start)
			}
		}
	}
	if n != int64(l.Cases()) || len(d.Weeks) < 20 || d.CycleChange == nil || d.ThroughputChange == nil {
		t.Fatalf("drift: %d cases over %d weeks, changes %+v %+v", n, len(d.Weeks), d.CycleChange, d.ThroughputChange)
	}
	t.Logf("cycle change %+v; throughput change %+v; top segment %s", *d.CycleChange, *d.ThroughputChange, segs[0])
}
