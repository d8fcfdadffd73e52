package bpmn_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/discover"
	"github.com/pmx-dev/pmx/mining/export"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

// The PM4Py comparison: testdata/bpmn/pm4py/refs.py reads every BPMN file
// of that directory with pm4py.read_bpmn, converts it with
// pm4py.convert_to_petri_net and writes PM4Py's alignment fitness and
// precision on the matching shared log to refs.json. Here the same file is
// read and converted by pmx (Read, Net, Reduce) and measured by
// mining/conformance, which itself equals PM4Py on PM4Py's nets to 1e-6
// (see mining/conformance/pm4py_test.go). The BPMN files are pmx's own
// export of each log's IMf model (written by TestWritePM4PyModels) and
// hand-written ones with each element PM4Py converts. Reduced, pmx's net
// has as many places, transitions and arcs as PM4Py's.

var writeModels = flag.Bool("pm4py.models", false, "rewrite testdata/bpmn/pm4py/imf_*.bpmn from the shared logs")

const pm4pyDir = "../../testdata/bpmn/pm4py"

// pm4pyLogs are the shared XES logs (PM4Py's alignments of the larger
// ones take minutes, in refs.py only).
var pm4pyLogs = []string{"running-example", "reviewing", "roadtraffic100traces", "repair_example", "interval_event_log",
	"helpdesk", "receipt", "bpic2013_incidents"}

func TestWritePM4PyModels(t *testing.T) {
	if !*writeModels {
		t.Skip("run with -pm4py.models to rewrite the IMf BPMN files")
	}
	for _, stem := range pm4pyLogs {
		l := testlogs.Load(t, stem)
		m, err := discover.Discover(l, discover.Options{Algorithm: "imf"})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := export.TreeBPMN(context.Background(), m.Tree, export.BPMNOptions{Name: stem})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pm4pyDir, "imf_"+stem+".bpmn"), doc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// pm4pyRef is one entry of refs.json.
type pm4pyRef struct {
	Log     string `json:"log"`
	Fitness struct {
		LogFitness          float64 `json:"log_fitness"`
		AverageTraceFitness float64 `json:"average_trace_fitness"`
		Percentage          float64 `json:"percentage_of_fitting_traces"`
	} `json:"fitness"`
	Precision float64 `json:"precision"`
	Net       struct {
		Places, Transitions, Arcs int
	} `json:"net"`
}

func TestNetMatchesPM4Py(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(pm4pyDir, "refs.json"))
	if err != nil {
		t.Skipf("no PM4Py references (%v); generate them with testdata/bpmn/pm4py/refs.py", err)
	}
	var refs map[string]pm4pyRef
	if err := json.Unmarshal(raw, &refs); err != nil {
		t.Fatalf("refs.json: %v", err)
	}
	if len(refs) == 0 {
		t.Fatal("refs.json holds no model")
	}
	const tol = 1e-6
	near := func(a, b float64) bool { return math.Abs(a-b) <= tol }
	for file, want := range refs {
		t.Run(file, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join(pm4pyDir, file))
			if err != nil {
				t.Fatal(err)
			}
			model, err := bpmn.Read(bytes.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			conv, err := model.Net("")
			if err != nil {
				t.Fatal(err)
			}
			net := conv.Reduce().Net
			if got := []int{len(net.Places), len(net.Transitions), len(net.Arcs)}; got[0] != want.Net.Places ||
				got[1] != want.Net.Transitions || got[2] != want.Net.Arcs {
				t.Errorf("reduced net has %v places, transitions, arcs; PM4Py's %+v", got, want.Net)
			}
			l := testlogs.Load(t, want.Log)
			al, err := conformance.Align(t.Context(), l, net, conformance.AlignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if al.UnalignedVariants > 0 {
				t.Fatalf("%d variants unaligned", al.UnalignedVariants)
			}
			if !near(al.LogFitness, want.Fitness.LogFitness) || !near(al.AverageTraceFitness, want.Fitness.AverageTraceFitness) ||
				!near(al.PercentageFitting, want.Fitness.Percentage) {
				t.Errorf("alignment fitness %.9f avg %.9f fitting %.4f%%, PM4Py %.9f %.9f %.4f%%", al.LogFitness,
					al.AverageTraceFitness, al.PercentageFitting, want.Fitness.LogFitness,
					want.Fitness.AverageTraceFitness, want.Fitness.Percentage)
			}
			// Net's own net (flows kept) has the same language but other
			// silent steps: the per-trace figures, which count deviations
			// only, agree; log fitness, which counts silent moves, need not.
			light, err := conformance.Align(t.Context(), l, conv.Net, conformance.AlignOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if light.UnalignedVariants > 0 || !near(light.AverageTraceFitness, want.Fitness.AverageTraceFitness) ||
				!near(light.PercentageFitting, want.Fitness.Percentage) {
				t.Errorf("unreduced: %d variants unaligned, average fitness %.9f fitting %.4f%%, PM4Py %.9f %.4f%%",
					light.UnalignedVariants, light.AverageTraceFitness, light.PercentageFitting,
					want.Fitness.AverageTraceFitness, want.Fitness.Percentage)
			}
			pr, err := conformance.PrecisionAlignments(t.Context(), l, net, conformance.PrecisionOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !near(pr.Value, want.Precision) {
				t.Errorf("align-ETC precision %.9f, PM4Py %.9f", pr.Value, want.Precision)
			}
		})
	}
}
