package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConformanceMatchesPM4Py checks PM4Py's own IMf net (PNML) against
// logs loaded through the warehouse: alignment and token-replay fitness
// and precision must equal PM4Py's within 1e-6. The mining packages
// check the algorithms; this checks the CLI path end to end.
func TestConformanceMatchesPM4Py(t *testing.T) {
	needShared(t)
	for _, stem := range []string{"running-example", "receipt", "repair_example"} {
		t.Run(stem, func(t *testing.T) {
			dir := filepath.Join("..", "..", "testdata", "pm4py", stem)
			b, err := os.ReadFile(filepath.Join(dir, "reference.json"))
			if err != nil {
				t.Skipf("no PM4Py reference for %s", stem)
			}
			type fit struct {
				Fitness struct {
					Log float64 `json:"log_fitness"`
					Avg float64 `json:"average_trace_fitness"`
				} `json:"fitness"`
			}
			var ref struct {
				Align          fit     `json:"imf_alignments"`
				Tokens         fit     `json:"imf_token_replay"`
				AlignPrecision float64 `json:"imf_precision_alignments"`
				TokenPrecision float64 `json:"imf_precision_token_based_replay"`
			}
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			log := filepath.Join(filepath.Dir(runningExample), sharedXES[stem])
			for _, c := range []struct {
				method         string
				fit, avg, prec float64
			}{
				{"alignments", ref.Align.Fitness.Log, ref.Align.Fitness.Avg, ref.AlignPrecision},
				{"tokens", ref.Tokens.Fitness.Log, ref.Tokens.Fitness.Avg, ref.TokenPrecision},
			} {
				out, errOut, code := pmx(t, "conformance", log, "--model", filepath.Join(dir, "imf.pnml"), "--method", c.method, "--json")
				if code != 0 {
					t.Fatalf("%s: %s", c.method, errOut)
				}
				var got struct {
					Fitness   float64  `json:"fitness"`
					Avg       float64  `json:"average_trace_fitness"`
					Precision *float64 `json:"precision"`
					Variants  []struct {
						Cases int64 `json:"cases"`
					} `json:"variants"`
				}
				if err := json.Unmarshal([]byte(out), &got); err != nil {
					t.Fatalf("%s: %v in %q", c.method, err, out)
				}
				if math.Abs(got.Fitness-c.fit) > 1e-6 || math.Abs(got.Avg-c.avg) > 1e-6 || got.Precision == nil || math.Abs(*got.Precision-c.prec) > 1e-6 {
					t.Errorf("%s: fitness %v / %v, precision %v; PM4Py %v / %v, %v", c.method, got.Fitness, got.Avg, got.Precision, c.fit, c.avg, c.prec)
				}
				if len(got.Variants) == 0 {
					t.Errorf("%s: no per-variant results", c.method)
				}
			}
		})
	}
}

func TestConformanceErrors(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pnml")
	if err := os.WriteFile(bad, []byte("<pnml><net id=\"n\"><page id=\"p\">\n<arc id=\"a\" source=\"x\" target=\"y\"/>\n</page></net></pnml>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--model", bad}, "line 2"},
		{[]string{"--model", filepath.Join(dir, "missing.pnml")}, "no such file"},
		{[]string{}, "--model"},
		{[]string{"--algo", "imf", "--method", "magic"}, "--method"},
	} {
		_, errOut, code := pmx(t, append([]string{"conformance", runningExample}, c.args...)...)
		if code == 0 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: code %d, stderr %q; want one line mentioning %q", c.args, code, errOut, c.want)
		}
	}
	// Discover then check, in text: the figures and the top deviations.
	out, errOut, code := pmx(t, "conformance", runningExample, "--algo", "imf")
	if code != 0 || !strings.Contains(out, "fitness        1.0000") || !strings.Contains(out, "precision") {
		t.Errorf("text output: code %d, %q, %q", code, out, errOut)
	}
}
