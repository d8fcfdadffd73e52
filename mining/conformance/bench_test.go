package conformance

import (
	"context"
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

// benchStems are the logs the speed target is stated for.
var benchStems = []string{"receipt", "helpdesk", "bpic2013_incidents"}

// pm4pySeconds is PM4Py's recorded wall time for a step of a log
// (reference.json "seconds"), 0 when unknown.
func pm4pySeconds(b *testing.B, stem, step string) float64 {
	var ref struct {
		Seconds map[string]any `json:"seconds"`
	}
	testlogs.LoadReference(b, stem, &ref)
	s, _ := ref.Seconds[step].(float64)
	return s
}

// reportVsPM4Py adds PM4Py's time for the same work and the speed-up.
func reportVsPM4Py(b *testing.B, stem, step string) {
	if s := pm4pySeconds(b, stem, step); s > 0 && b.N > 0 {
		per := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(s, "pm4py-s")
		b.ReportMetric(s/per, "x-faster")
	}
}

// BenchmarkAlignments aligns every variant with the IMf net, the work
// PM4Py's conformance_diagnostics_alignments does (its time, from
// reference.json, is reported beside as pm4py-s).
func BenchmarkAlignments(b *testing.B) {
	for _, stem := range benchStems {
		b.Run(stem, func(b *testing.B) {
			l := loadLog(b, stem)
			net := loadNet(b, stem, "imf")
			for b.Loop() {
				if _, err := Align(b.Context(), l, net, AlignOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			reportVsPM4Py(b, stem, "imf_alignments")
		})
	}
}

func BenchmarkTokenReplay(b *testing.B) {
	for _, stem := range benchStems {
		b.Run(stem, func(b *testing.B) {
			l := loadLog(b, stem)
			net := loadNet(b, stem, "imf")
			for b.Loop() {
				if _, err := ReplayTokens(context.Background(), l, net, ReplayOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			reportVsPM4Py(b, stem, "imf_token_diagnostics")
		})
	}
}

func BenchmarkPrecisionAlignments(b *testing.B) {
	for _, stem := range benchStems {
		b.Run(stem, func(b *testing.B) {
			l := loadLog(b, stem)
			net := loadNet(b, stem, "imf")
			for b.Loop() {
				if _, err := PrecisionAlignments(b.Context(), l, net, PrecisionOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			reportVsPM4Py(b, stem, "imf_precision_alignments")
		})
	}
}

func BenchmarkPrecisionTokens(b *testing.B) {
	for _, stem := range benchStems {
		b.Run(stem, func(b *testing.B) {
			l := loadLog(b, stem)
			net := loadNet(b, stem, "imf")
			for b.Loop() {
				if _, err := PrecisionTokens(context.Background(), l, net, PrecisionOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			reportVsPM4Py(b, stem, "imf_precision_tbr")
		})
	}
}
