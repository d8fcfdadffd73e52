package alpha

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"
	"github.com/pmx-dev/pmx/mining/petri"
)

// refNet is a net as testdata/pm4py/reference.py describes it: transition
// labels (null = silent) and, per place, the labels of its preset and
// postset and its tokens in the initial and final markings.
type refNet struct {
	Transitions []*string `json:"transitions"`
	Places      []struct {
		Preset  []*string `json:"preset"`
		Postset []*string `json:"postset"`
		Initial int       `json:"initial"`
		Final   int       `json:"final"`
	} `json:"places"`
}

type reference struct {
	Alpha     json.RawMessage    `json:"alpha_net"`
	AlphaPlus json.RawMessage    `json:"alpha_plus_net"`
	Seconds   map[string]float64 `json:"seconds"`
}

// loadNet reads one net of a stem's reference, skipping the test when the
// reference is absent or PM4Py failed on that net (recorded as a string).
func loadNet(t *testing.T, stem, key string) *refNet {
	t.Helper()
	var ref reference
	testlogs.LoadReference(t, stem, &ref)
	raw := map[string]json.RawMessage{"alpha_net": ref.Alpha, "alpha_plus_net": ref.AlphaPlus}[key]
	if len(raw) == 0 {
		t.Skipf("reference for %s has no %s", stem, key)
	}
	var net refNet
	if err := json.Unmarshal(raw, &net); err != nil {
		t.Skipf("reference for %s has no usable %s: %s", stem, key, raw)
	}
	return &net
}

func label(s *string) string {
	if s == nil {
		return "τ"
	}
	return *s
}

func placeLine(in, out []string, initial, final int) string {
	slices.Sort(in)
	slices.Sort(out)
	s := fmt.Sprintf("p:{%s}->{%s}", strings.Join(in, ","), strings.Join(out, ","))
	if initial > 0 {
		s += fmt.Sprintf(" initial=%d", initial)
	}
	if final > 0 {
		s += fmt.Sprintf(" final=%d", final)
	}
	return s
}

// describe is the reference's description in petri.Net.Structure's
// notation, with the markings appended to the places that hold tokens.
func (r *refNet) describe() []string {
	var out []string
	for _, t := range r.Transitions {
		out = append(out, "t:"+label(t))
	}
	for _, p := range r.Places {
		var in, o []string
		for _, x := range p.Preset {
			in = append(in, label(x))
		}
		for _, x := range p.Postset {
			o = append(o, label(x))
		}
		out = append(out, placeLine(in, o, p.Initial, p.Final))
	}
	slices.Sort(out)
	return out
}

// describe is Structure plus markings (see refNet.describe).
func describe(n *petri.Net) []string {
	ix := n.Index()
	lab := func(t int) string {
		if n.Transitions[t].Silent {
			return "τ"
		}
		return n.Transitions[t].Label
	}
	var out []string
	for t := range n.Transitions {
		out = append(out, "t:"+lab(t))
	}
	for p := range n.Places {
		var in, o []string
		for _, t := range ix.PlaceIn[p] {
			in = append(in, lab(t))
		}
		for _, t := range ix.PlaceOut[p] {
			o = append(o, lab(t))
		}
		out = append(out, placeLine(in, o, n.Initial[p], n.Final[p]))
	}
	slices.Sort(out)
	return out
}

// diff lists the lines only in got ("+") and only in want ("-").
func diff(got, want []string) []string {
	count := map[string]int{}
	for _, s := range got {
		count[s]++
	}
	for _, s := range want {
		count[s]--
	}
	var out []string
	for s, c := range count {
		for ; c > 0; c-- {
			out = append(out, "+ "+s)
		}
		for ; c < 0; c++ {
			out = append(out, "- "+s)
		}
	}
	slices.Sort(out)
	return out
}

func TestAlphaMatchesPM4Py(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			want := loadNet(t, stem, "alpha_net")
			net, err := Discover(testlogs.Load(t, stem))
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Validate(); err != nil {
				t.Fatal(err)
			}
			d := diff(describe(net), want.describe())
			if why, ok := knownAlphaDiffs[stem]; ok && slices.Equal(d, why.diff) {
				t.Logf("differs from PM4Py as expected: %s", why.reason)
				return
			}
			if len(d) > 0 {
				t.Errorf("alpha net differs from PM4Py's (+ only ours, - only PM4Py's):\n%s", strings.Join(d, "\n"))
			}
		})
	}
}

// knownAlphaDiffs are the logs on which our Alpha net legitimately differs
// from PM4Py's, with the exact difference.
var knownAlphaDiffs = map[string]struct {
	diff   []string
	reason string
}{
	"interval_event_log": {
		diff: []string{"- p:{place order}->{send invoice}"},
		reason: "the log has a start_timestamp attribute and PM4Py's pandas DFG orders the events of a case by it " +
			"before time:timestamp; in case C644 'send invoice' completes before 'place order' but starts after it, " +
			"so PM4Py never sees send invoice > place order and finds place order → send invoice, while the shared " +
			"event order (by time:timestamp) makes the two parallel",
	},
}
