package inductive

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

// pm4pySeconds is PM4Py's wall time for step on stem from
// testdata/pm4py/<stem>/reference.json, or 0.
func pm4pySeconds(stem, step string) float64 {
	b, err := os.ReadFile(testlogs.ReferenceFile(stem, "reference.json"))
	if err != nil {
		return 0
	}
	var ref reference
	if json.Unmarshal(b, &ref) != nil {
		return 0
	}
	return ref.Seconds[step]
}

// reportVsPM4Py adds PM4Py's time and the speed-up to a benchmark's line.
func reportVsPM4Py(b *testing.B, seconds float64) {
	if seconds <= 0 || b.N == 0 {
		return
	}
	per := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(seconds, "pm4py-s")
	b.ReportMetric(seconds/per, "x-faster")
}

// BenchmarkIMf runs IMf (noise 0.2) on every shared log, then on
// bpic2013_incidents grown past a million events three ways:
//
//	x16-counts     every variant's case count times 16 (1,048,528 events, the same 1,511 variants)
//	x16-cases      the same 120,864 cases listed one by one (new case ids); the timing includes
//	               compacting them into variants (eventlog.New), which merges them back to 1,511
//	x16-perturbed  the 120,864 cases, 30% of them with one random edit (swap, drop or repeat an
//	               event, seeded), so that the log has many more variants, as a real log of that
//	               size would
//	large-xes      the 1M-event XES log of testdata/pm4py/reference.py --large ($PMX_LARGE_XES,
//	               default /tmp/pmx-bench/bpic2013_incidents-1000000.xes.gz; skipped if absent)
func BenchmarkIMf(b *testing.B) {
	for _, stem := range testlogs.Stems() {
		b.Run(stem, func(b *testing.B) {
			l := testlogs.Load(b, stem)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				IMf(l, DefaultNoise)
			}
			reportVsPM4Py(b, pm4pySeconds(stem, "imf"))
		})
	}
	b.Run("bpic2013_incidents-x16-counts", func(b *testing.B) {
		l := scaleCounts(testlogs.Load(b, "bpic2013_incidents"), 16)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			IMf(l, DefaultNoise)
		}
		b.ReportMetric(float64(l.Events()), "events")
	})
	b.Run("bpic2013_incidents-x16-cases", func(b *testing.B) {
		base := testlogs.Load(b, "bpic2013_incidents")
		cases := expandCases(base, 16, 0, nil)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			IMf(eventlog.New(base.Activities, cases), DefaultNoise)
		}
		b.ReportMetric(float64(len(cases)), "cases")
	})
	b.Run("bpic2013_incidents-x16-perturbed", func(b *testing.B) {
		base := testlogs.Load(b, "bpic2013_incidents")
		l := eventlog.New(base.Activities, expandCases(base, 16, 0.3, rand.New(rand.NewPCG(1, 2))))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			IMf(l, DefaultNoise)
		}
		b.ReportMetric(float64(l.Events()), "events")
		b.ReportMetric(float64(len(l.Variants)), "variants")
	})
	// The 1M-event XES log of testdata/pm4py/reference.py --large, whose
	// PM4Py IMf time is in testdata/pm4py/large/reference.json. PM4Py's
	// time includes turning the dataframe into variants; the loader does
	// that here, outside the timing (x16-cases shows what it costs).
	b.Run("large-xes", func(b *testing.B) {
		path := os.Getenv("PMX_LARGE_XES")
		if path == "" {
			path = "/tmp/pmx-bench/bpic2013_incidents-1000000.xes.gz"
		}
		if _, err := os.Stat(path); err != nil {
			b.Skipf("no large log at %s (set PMX_LARGE_XES)", path)
		}
		l, err := testlogs.ReadXES(path)
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			IMf(l, DefaultNoise)
		}
		b.ReportMetric(float64(l.Events()), "events")
		b.ReportMetric(float64(len(l.Variants)), "variants")
		reportVsPM4Py(b, pm4pySeconds("large", "imf"))
	})
}

// BenchmarkIM and BenchmarkIMd cover the other two miners on every shared
// log.
func BenchmarkIM(b *testing.B) {
	for _, stem := range testlogs.Stems() {
		b.Run(stem, func(b *testing.B) {
			l := testlogs.Load(b, stem)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				IM(l)
			}
			reportVsPM4Py(b, pm4pySeconds(stem, "im"))
		})
	}
}

func BenchmarkIMd(b *testing.B) {
	for _, stem := range testlogs.Stems() {
		b.Run(stem, func(b *testing.B) {
			l := testlogs.Load(b, stem)
			d := l.DFG()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				IMd(d, l.Activities, 0)
			}
			reportVsPM4Py(b, pm4pySeconds(stem, "imd"))
		})
	}
}

// scaleCounts multiplies every variant's case count by k.
func scaleCounts(l *eventlog.Log, k int64) *eventlog.Log {
	out := &eventlog.Log{Activities: l.Activities, Variants: make([]eventlog.Variant, len(l.Variants))}
	for i, v := range l.Variants {
		out.Variants[i] = eventlog.Variant{Acts: v.Acts, Count: v.Count * k}
	}
	return out
}

// expandCases lists every case of l k times, one entry per case. With
// probability p (using rng) a case gets one edit: two neighbouring events
// swapped, an event dropped, or an event repeated.
func expandCases(l *eventlog.Log, k int, p float64, rng *rand.Rand) []eventlog.Variant {
	var out []eventlog.Variant
	for _, v := range l.Variants {
		for range int64(k) * v.Count {
			acts := v.Acts
			if p > 0 && len(acts) > 1 && rng.Float64() < p {
				acts = append([]int32(nil), acts...)
				i := rng.IntN(len(acts) - 1)
				switch rng.IntN(3) {
				case 0:
					acts[i], acts[i+1] = acts[i+1], acts[i]
				case 1:
					acts = append(acts[:i], acts[i+1:]...)
				default:
					acts = append(acts[:i+1], acts[i:]...)
				}
			}
			out = append(out, eventlog.Variant{Acts: acts, Count: 1})
		}
	}
	return out
}
