package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/pnml"
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

// TestIMfPipelineMatchesPM4Py is the user's path end to end on every shared
// log — import, `pmx discover --algo imf --format pnml`, then `pmx
// conformance` on that PNML and with --algo imf — against PM4Py's own
// pipeline (discover_petri_net_inductive, then alignments and align-ETC
// precision; testdata/pm4py/<log>/reference.json): the same net shape and
// the same fitness and precision.
func TestIMfPipelineMatchesPM4Py(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	for stem, file := range sharedXES {
		t.Run(stem, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pm4py", stem, "reference.json"))
			if err != nil {
				t.Skipf("no PM4Py reference for %s", stem)
			}
			var ref struct {
				Net struct {
					Counts struct{ Places, Transitions, Arcs int } `json:"counts"`
				} `json:"imf_net"`
				Align struct {
					Fitness struct {
						Log float64 `json:"log_fitness"`
					} `json:"fitness"`
				} `json:"imf_alignments"`
				Precision float64 `json:"imf_precision_alignments"`
			}
			if err := json.Unmarshal(b, &ref); err != nil {
				t.Fatal(err)
			}
			if _, errOut, code := pmx(t, "import", filepath.Join(filepath.Dir(runningExample), file), "--db", db, "--name", stem); code != 0 {
				t.Fatalf("import: %s", errOut)
			}
			model := filepath.Join(dir, stem+".pnml")
			if _, errOut, code := pmx(t, "discover", "--db", db, "--log", stem, "--algo", "imf", "--format", "pnml", "-o", model); code != 0 {
				t.Fatalf("discover: %s", errOut)
			}
			f, err := os.Open(model)
			if err != nil {
				t.Fatal(err)
			}
			net, err := pnml.Read(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			c := ref.Net.Counts
			if len(net.Places) != c.Places || len(net.Transitions) != c.Transitions || len(net.Arcs) != c.Arcs {
				t.Errorf("discovered PNML has %d places, %d transitions, %d arcs; PM4Py's IMf net %d, %d, %d",
					len(net.Places), len(net.Transitions), len(net.Arcs), c.Places, c.Transitions, c.Arcs)
			}
			for _, how := range [][]string{{"--model", model}, {"--algo", "imf"}} {
				out, errOut, code := pmx(t, append([]string{"conformance", "--db", db, "--log", stem, "--json"}, how...)...)
				if code != 0 {
					t.Fatalf("%v: %s", how, errOut)
				}
				var got struct {
					Fitness   *float64 `json:"fitness"`
					Precision *float64 `json:"precision"`
				}
				if err := json.Unmarshal([]byte(out), &got); err != nil || got.Fitness == nil || got.Precision == nil {
					t.Fatalf("%v: %v in %.300q", how, err, out)
				}
				if math.Abs(*got.Fitness-ref.Align.Fitness.Log) > 1e-6 || math.Abs(*got.Precision-ref.Precision) > 1e-6 {
					t.Errorf("%v: fitness %.6f, precision %.6f; PM4Py %.6f, %.6f", how, *got.Fitness, *got.Precision,
						ref.Align.Fitness.Log, ref.Precision)
				}
			}
		})
	}
}

// A model or a budget conformance cannot use is refused with one line that
// says what to do; a check that cannot align anything still prints what it
// has (issue 9: --max-states 1 used to fail on the empty trace).
func TestConformanceOverBudgetAndWrongModel(t *testing.T) {
	needShared(t)
	dir := t.TempDir()
	bpmn := filepath.Join(dir, "x.bpmn")
	if err := os.WriteFile(bpmn, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p"/></definitions>`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"--model", bpmn}, 1, []string{bpmn + ": ", "no process has flow nodes"}},
		{[]string{"--algo", "imf", "--max-memory", "lots"}, 2, []string{"--max-memory", "4GiB"}},
		{[]string{"--algo", "imf", "--max-memory", "64KiB"}, 1, []string{"too large for the memory budget", "raise --max-memory"}},
	} {
		_, errOut, code := pmx(t, append([]string{"conformance", runningExample}, c.args...)...)
		if code != c.code || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: code %d, stderr %q", c.args, code, errOut)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr %q lacks %q", c.args, errOut, w)
			}
		}
	}
	helpdesk := filepath.Join(filepath.Dir(runningExample), "helpdesk.xes.gz")
	out, errOut, code := pmx(t, "conformance", helpdesk, "--algo", "imf", "--max-states", "1", "--json")
	var got struct {
		Cases, Unaligned int64
		Fitness          *float64 `json:"fitness"`
		Precision        *float64 `json:"precision"`
		Variants         []struct {
			Aligned bool   `json:"aligned"`
			Reason  string `json:"reason"`
		} `json:"variants"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("--max-states 1: code %d, %q, %.300q", code, errOut, out)
	}
	if err := json.Unmarshal([]byte(strings.Replace(out, `"unaligned_cases"`, `"unaligned"`, 1)), &got); err != nil {
		t.Fatal(err)
	}
	if got.Cases == 0 || got.Unaligned != got.Cases || got.Fitness != nil || got.Precision == nil ||
		len(got.Variants) == 0 || got.Variants[0].Aligned || got.Variants[0].Reason != "state budget exhausted" {
		t.Errorf("--max-states 1: %+v", got)
	}
	out, _, code = pmx(t, "conformance", helpdesk, "--algo", "imf", "--max-states", "1")
	for _, w := range []string{"fitness        – (none of the 4,580 cases could be aligned", "precision      0.", "simplicity",
		"unaligned      4,580 cases", "state budget exhausted"} {
		if code != 0 || !strings.Contains(out, w) {
			t.Errorf("--max-states 1, text: code %d, output lacks %q:\n%s", code, w, out)
		}
	}
}

// Issue 9, item 3: a model no case can be aligned with (receipt's Alpha
// net cannot reach its final marking) still gives a report, with the gap
// stated; it used to fail with "aligning the empty trace: state budget
// exhausted".
func TestReportRendersWhenNothingAligns(t *testing.T) {
	receipt := filepath.Join(filepath.Dir(runningExample), "receipt.xes.gz")
	if _, err := os.Stat(receipt); err != nil {
		t.Skipf("shared logs absent (%s)", receipt)
	}
	out := filepath.Join(t.TempDir(), "r.html")
	if _, errOut, code := pmx(t, "report", receipt, "--model-algo", "alpha", "-o", out); code != 0 {
		t.Fatalf("report: code %d, %s", code, errOut)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), `id="model-section"`) || !strings.Contains(string(b), "None of the 1,434 cases could be aligned") {
		t.Error("the report does not state the alignment gap")
	}
}
