package report

import (
	"math"
	"testing"

	"github.com/pmx-dev/pmx/analysis/facts"
)

// logBuckets are n histogram buckets, four per decade, the first starting
// at 10^(first/4) seconds (as analysis/facts makes them).
func logBuckets(first, n int) []facts.Bucket {
	var bs []facts.Bucket
	for b := first; b < first+n; b++ {
		bs = append(bs, facts.Bucket{Low: math.Pow(10, float64(b)/4), High: math.Pow(10, float64(b+1)/4), Count: 1})
	}
	return bs
}

func TestDurationTicks(t *testing.T) {
	for _, c := range []struct {
		name    string
		buckets []facts.Bucket
		want    []string // labels, left to right
	}{
		{"few buckets show their ranges", runningExample().Durations.Buckets, []string{"1 d – 3 d", "3 d – 10 d", "10 d – 30 d"}},
		{"none", nil, nil},
		{"bpic2013: 1 s to 3 y", logBuckets(0, 33), []string{"1 s", "1 min", "1 h", "1 d", "30 d", "1 y"}},
		{"seconds to hours, minor landmarks fill in", logBuckets(0, 16), []string{"1 s", "10 s", "1 min", "10 min", "1 h"}},
		{"no landmark in range: lower bounds", logBuckets(35, 6), []string{"18 y", "56 y", "178 y"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ticks := durationTicks(c.buckets)
			var got []string
			for i, tk := range ticks {
				got = append(got, tk.Label)
				if i > 0 && tk.Index <= ticks[i-1].Index {
					t.Errorf("ticks out of order: %+v", ticks)
				}
				if tk.Index < 0 || tk.Index >= len(c.buckets) {
					t.Errorf("tick %+v outside the %d buckets", tk, len(c.buckets))
				}
			}
			if len(got) != len(c.want) {
				t.Fatalf("labels %q, want %q", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("labels %q, want %q", got, c.want)
					break
				}
			}
			if len(c.buckets) > rangeTicks && len(ticks) > maxTicks {
				t.Errorf("%d labels, at most %d wanted", len(ticks), maxTicks)
			}
		})
	}
}
