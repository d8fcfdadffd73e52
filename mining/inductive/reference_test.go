package inductive

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
	"github.com/pmx-dev/pmx/mining/tree"
)

// reference is the part of testdata/pm4py/<stem>/reference.json these
// tests read.
type reference struct {
	IM      string             `json:"im_tree"`
	IMf     string             `json:"imf_tree"`
	IMd     string             `json:"imd_tree"`
	Noise   float64            `json:"imf_noise"`
	Seconds map[string]float64 `json:"seconds"`
}

// knownDifferences lists the reference trees that are not comparable with
// ours, keyed "<stem>/<im|imf|imd>": why, and the tree PM4Py gives on our
// input, which the test then requires instead (and reports the difference).
var knownDifferences = map[string]struct{ why, instead string }{
	// reference.py feeds IMd the graph of pm4py.discover_dfg(df), which
	// orders the events of a case that share a timestamp differently from
	// the oracle's stable sort (the one the variants, PM4Py's IM/IMf input
	// and our loader use): it counts place order->send invoice 1258 times
	// instead of 1257 and has no send invoice->place order edge, so
	// 'send invoice' never starts a case. Given that graph, our IMd returns
	// exactly the reference tree; given the log's graph, PM4Py's IMd
	// (run on the variants, pm4py 2.7.23.11) returns the tree below.
	"interval_event_log/imd": {
		why: "PM4Py's discover_dfg breaks timestamp ties differently from the variants",
		instead: "->( *( tau, X( 'send reminder', 'send invoice', 'place order', 'pay' ) ), " +
			"X( 'cancel order', ->( 'prepare delivery', +( 'make delivery', 'confirm payment' ) ) ) )",
	},
}

// TestSharedLogsMatchPM4Py discovers IM, IMf and IMd trees on every shared
// log and compares them with PM4Py's (up to the order of the children of X
// and +); IM must also replay every variant (alignment fitness 1).
func TestSharedLogsMatchPM4Py(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			var ref reference
			testlogs.LoadReference(t, stem, &ref)
			l := testlogs.Load(t, stem)
			if ref.Noise == 0 {
				ref.Noise = DefaultNoise
			}
			got := map[string]*tree.Node{
				"im":  IM(l),
				"imf": IMf(l, ref.Noise),
				"imd": IMd(l.DFG(), l.Activities, 0),
			}
			for _, k := range []string{"im", "imf", "imd"} {
				s := map[string]string{"im": ref.IM, "imf": ref.IMf, "imd": ref.IMd}[k]
				if strings.HasPrefix(s, "error") || strings.HasPrefix(s, "timeout") {
					t.Logf("%s: PM4Py gave no tree (%s)", k, s)
					continue
				}
				want, err := tree.Parse(s)
				if err != nil {
					t.Fatalf("%s: PM4Py tree: %v", k, err)
				}
				if tree.Equivalent(got[k], want) {
					continue
				}
				if d, ok := knownDifferences[stem+"/"+k]; ok {
					instead, err := tree.Parse(d.instead)
					if err != nil {
						t.Fatal(err)
					}
					if tree.Equivalent(got[k], instead) {
						t.Logf("%s differs from the reference, as expected (%s):\n got       %s\n reference %s", k, d.why, got[k], want)
						continue
					}
					t.Errorf("%s (reference not comparable: %s):\n got  %s\n want %s", k, d.why, got[k], instead)
					continue
				}
				t.Errorf("%s:\n got  %s\n want %s", k, got[k], want)
			}
			if v, ok := unfit(got["im"], l); !ok {
				t.Errorf("IM tree does not fit trace %q", v)
			}
			if err := got["imf"].ToNet().Validate(); err != nil {
				t.Errorf("IMf net: %v", err)
			}
		})
	}
}

// TestIMdOnPM4PyGraph runs IMd on the very graph PM4Py's reference IMd tree
// of interval_event_log came from (see knownDifferences) and requires that
// tree.
func TestIMdOnPM4PyGraph(t *testing.T) {
	var ref reference
	testlogs.LoadReference(t, "interval_event_log", &ref)
	b, err := os.ReadFile("testdata/interval_event_log.pm4py-dfg.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Activities []string
		Edges      [][3]any
		Start, End map[string]int64
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	n := len(d.Activities)
	no := map[string]int32{}
	for i, a := range d.Activities {
		no[a] = int32(i)
	}
	g := &eventlog.DFG{N: n, Edges: map[[2]int32]int64{}, Start: make([]int64, n), End: make([]int64, n)}
	for _, e := range d.Edges {
		g.Edges[[2]int32{no[e[0].(string)], no[e[1].(string)]}] = int64(e[2].(float64))
	}
	for a, c := range d.Start {
		g.Start[no[a]] = c
	}
	for a, c := range d.End {
		g.End[no[a]] = c
	}
	want, err := tree.Parse(ref.IMd)
	if err != nil {
		t.Fatal(err)
	}
	if got := IMd(g, d.Activities, 0); !tree.Equivalent(got, want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestLargeLogMatchesPM4Py: testdata/pm4py/large/reference.json holds
// PM4Py's IMf tree of bpic2013_incidents replicated to 1,048,528 events
// (every case 16 times under new ids, so the same variants with 16 times
// the counts); scaling the counts must give the same tree here.
func TestLargeLogMatchesPM4Py(t *testing.T) {
	var ref struct {
		Log    string  `json:"log"`
		Events int64   `json:"events"`
		IMf    string  `json:"imf_tree"`
		Noise  float64 `json:"imf_noise"`
	}
	testlogs.LoadReference(t, "large", &ref)
	l := scaleCounts(testlogs.Load(t, "bpic2013_incidents"), 16)
	if l.Events() != ref.Events {
		t.Skipf("large reference is %s with %d events, not bpic2013_incidents x16 (%d)", ref.Log, ref.Events, l.Events())
	}
	want, err := tree.Parse(ref.IMf)
	if err != nil {
		t.Fatal(err)
	}
	if got := IMf(l, ref.Noise); !tree.Equivalent(got, want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
