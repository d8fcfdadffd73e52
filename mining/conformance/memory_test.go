package conformance

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// chainNet is p0 -a0-> p1 -a1-> ... -a(n-1)-> pn: n visible transitions in
// a row, the shape that used to need memory quadratic in n (dense
// markings, all-pairs invisible paths, per-position activity counts).
func chainNet(n int) *petri.Net {
	net := &petri.Net{Name: "chain"}
	for i := 0; i <= n; i++ {
		net.AddPlace(fmt.Sprintf("p%d", i))
	}
	for i := 0; i < n; i++ {
		t := net.AddTransition(fmt.Sprintf("t%d", i), fmt.Sprintf("a%d", i), false)
		net.AddInput(i, t)
		net.AddOutput(t, i+1)
	}
	net.Initial, net.Final = petri.Marking{0: 1}, petri.Marking{n: 1}
	return net
}

// chainLog walks the chain: once in full, once skipping the middle
// activity, once with two activities swapped near the end.
func chainLog(n int) *eventlog.Log {
	full := make([]string, n)
	for i := range full {
		full[i] = fmt.Sprintf("a%d", i)
	}
	skip := append(append([]string{}, full[:n/2]...), full[n/2+1:]...)
	swap := append([]string{}, full...)
	swap[n-3], swap[n-2] = swap[n-2], swap[n-3]
	return eventlog.FromTraces([][]string{full, full, skip, swap})
}

// peakHeap runs fn and samples the live heap while it runs; it returns the
// largest HeapInuse seen above the level before fn.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	if ms.HeapInuse > peak.Load() {
		peak.Store(ms.HeapInuse)
	}
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}

// TestChainNetMemory checks that every measure on a chain net of 20,000
// transitions stays within its memory budget (peak live heap, sampled),
// gives the right answer, and that a budget too small for the net is
// refused up front.
func TestChainNetMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20,000-transition net")
	}
	const n = 20_000
	const budget = 256 << 20
	net, l := chainNet(n), chainLog(n)
	ctx := context.Background()
	var al *Alignments
	var tr *TokenReplay
	var pa, pt Precision
	for _, step := range []struct {
		name string
		run  func() error
	}{
		{"alignments", func() (err error) {
			al, err = Align(ctx, l, net, AlignOptions{MaxMemory: budget})
			return
		}},
		{"token replay", func() (err error) {
			tr, err = ReplayTokens(ctx, l, net, ReplayOptions{MaxMemory: budget})
			return
		}},
		{"align-ETC precision", func() (err error) {
			pa, err = PrecisionAlignments(ctx, l, net, PrecisionOptions{MaxMemory: budget})
			return
		}},
		{"token precision", func() (err error) {
			pt, err = PrecisionTokens(ctx, l, net, PrecisionOptions{MaxMemory: budget})
			return
		}},
	} {
		var err error
		start := time.Now()
		peak := peakHeap(func() { err = step.run() })
		t.Logf("%s: peak heap %.1f MiB (budget %d MiB) in %v", step.name, float64(peak)/(1<<20), budget>>20, time.Since(start).Round(time.Millisecond))
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if peak > budget {
			t.Errorf("%s: peak heap %d MiB over the budget of %d MiB", step.name, peak>>20, budget>>20)
		}
	}
	// The answers: the full walk fits, the skip is one model move, the
	// swap two deviations; token replay agrees.
	if al.UnalignedCases != 0 || al.ModelCost != n*CostDeviation || al.ModelCostIsBound {
		t.Errorf("alignments: %v, model cost %d", al, al.ModelCost)
	}
	for i, v := range al.Variants {
		t.Logf("variant %d: %d cases, cost %d, fitness %.6f, %d states", i, v.Count, v.Cost, v.Fitness, v.States)
	}
	if tr.Variants[0].Fitness != 1 || tr.Variants[1].Fitting || tr.PercentageFitting != 50 {
		t.Errorf("token replay: %+v", tr.Variants)
	}
	if pa.Value != 1 || pt.Value != 1 {
		t.Errorf("precision %v / %v, want 1 (a chain allows one next activity)", pa, pt)
	}
	// A budget the net itself does not fit in is refused at once, with the
	// sizes, by every measure.
	for name, run := range map[string]func() error{
		"alignments":   func() error { _, err := Align(ctx, l, net, AlignOptions{MaxMemory: 4 << 20}); return err },
		"token replay": func() error { _, err := ReplayTokens(ctx, l, net, ReplayOptions{MaxMemory: 4 << 20}); return err },
		"precision": func() error {
			_, err := PrecisionAlignments(ctx, l, net, PrecisionOptions{MaxMemory: 4 << 20})
			return err
		},
	} {
		start := time.Now()
		err := run()
		if !errors.Is(err, ErrMemory) || !strings.Contains(err.Error(), "20001 places, 20000 transitions and 40000 arcs") ||
			time.Since(start) > time.Second {
			t.Errorf("%s with 4 MiB: %v after %v", name, err, time.Since(start))
		}
	}
}

// BenchmarkChainNetMemory reports the peak live heap (peak-MiB) of each
// measure on chain nets of 20,000 and 200,000 transitions with the default
// memory budget. Run with -benchtime=1x.
func BenchmarkChainNetMemory(b *testing.B) {
	for _, n := range []int{20_000, 200_000} {
		net, l := chainNet(n), chainLog(n)
		ctx := context.Background()
		for _, step := range []struct {
			name string
			run  func() error
		}{
			{"alignments", func() error { _, err := Align(ctx, l, net, AlignOptions{}); return err }},
			{"tokens", func() error { _, err := ReplayTokens(ctx, l, net, ReplayOptions{}); return err }},
			{"precision-alignments", func() error { _, err := PrecisionAlignments(ctx, l, net, PrecisionOptions{}); return err }},
			{"precision-tokens", func() error { _, err := PrecisionTokens(ctx, l, net, PrecisionOptions{}); return err }},
		} {
			b.Run(fmt.Sprintf("%d/%s", n, step.name), func(b *testing.B) {
				var peak uint64
				for b.Loop() {
					var err error
					peak = max(peak, peakHeap(func() { err = step.run() }))
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			})
		}
	}
}
