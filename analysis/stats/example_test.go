package stats_test

import (
	"fmt"
	"slices"

	"github.com/pmx-dev/pmx/analysis/stats"
)

func ExampleQuantile() {
	durations := []float64{40, 10, 30, 20} // case durations, seconds
	slices.Sort(durations)
	fmt.Println(stats.Quantile(durations, 0.5), stats.Quantile(durations, 0.9))
	// Output: 25 37
}

func ExampleSummarize() {
	s := stats.Summarize([]float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3})
	fmt.Printf("n=%d mean=%.2f sd=%.2f p50=%.1f p95=%.2f\n", s.N, s.Mean, s.StdDev, s.P50, s.P95)
	// Output: n=10 mean=3.90 sd=2.47 p50=3.5 p95=7.65
}

func ExampleMannWhitney() {
	before := []float64{19, 22, 16, 29, 24}
	after := []float64{20, 11, 17, 12}
	r, err := stats.MannWhitney(before, after)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("U=%g p=%.3f exact p=%.3f P(before>after)=%.2f\n", r.U, r.P, r.PExact, r.CommonLanguage)
	// Output: U=17 p=0.111 exact p=0.111 P(before>after)=0.85
}

func ExampleKruskalWallis() {
	r, err := stats.KruskalWallis([][]float64{
		{2.9, 3.0, 2.5, 2.6, 3.2}, {3.8, 2.7, 4.0, 2.4}, {2.8, 3.4, 3.7, 2.2, 2.0},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("H=%.4f df=%d p=%.2f\n", r.H, r.DF, r.P)
	// Output: H=0.7714 df=2 p=0.68
}

func ExampleWilson() {
	lo, hi := stats.Wilson(81, 263, 0.95)
	fmt.Printf("[%.4f, %.4f]\n", lo, hi)
	// Output: [0.2553, 0.3662]
}

func ExampleChangePoint() {
	weekly := []float64{5, 6, 5, 7, 6, 5, 6, 11, 12, 10, 12, 11}
	r, err := stats.ChangePoint(weekly)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("new regime from week %d: %.1f → %.1f (p=%.3f)\n", r.Index, r.MeanBefore, r.MeanAfter, r.P)
	// Output: new regime from week 7: 5.7 → 11.2 (p=0.039)
}

func ExampleBootstrapShareCI() {
	// Per case: waiting before "Approve" and total waiting, hours.
	approve := []float64{2, 0, 5, 1, 3, 0, 4, 2}
	total := []float64{4, 3, 8, 2, 6, 1, 9, 5}
	lo, hi, err := stats.BootstrapShareCI(approve, total, 0.95, 2000, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("share %.2f, 95%% CI [%.2f, %.2f]\n", 17.0/38, lo, hi)
	// Output: share 0.45, 95% CI [0.31, 0.54]
}
