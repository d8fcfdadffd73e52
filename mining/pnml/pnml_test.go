package pnml

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"
	"github.com/pmx-dev/pmx/mining/petri"
)

// sample is a net exercising every feature the format carries: a silent
// transition with and without a display name, weights, several initial and
// final tokens, and characters that need escaping.
func sample() *petri.Net {
	n := &petri.Net{Name: `sample <net> & "quotes"`}
	src := n.AddPlace("source")
	mid := n.AddPlace("p & 1")
	aux := n.AddPlace("aux")
	sink := n.AddPlace("sink")
	a := n.AddTransition("t_a", "register <request>", false)
	tau := n.AddTransition("tau_1", "tauSplit_1", true)
	tau2 := n.AddTransition("tau_2", "", true)
	b := n.AddTransition("t_b", "décide", false)
	n.AddInput(src, a)
	n.AddOutput(a, mid)
	n.Arcs = append(n.Arcs, petri.Arc{Place: aux, Trans: a, Weight: 3})
	n.AddInput(mid, tau)
	n.AddOutput(tau, sink)
	n.Arcs = append(n.Arcs, petri.Arc{Place: aux, Trans: tau2, ToTrans: true, Weight: 2})
	n.AddOutput(tau2, sink)
	n.AddInput(mid, b)
	n.AddOutput(b, sink)
	n.Initial = petri.Marking{src: 1, aux: 2}
	n.Final = petri.Marking{sink: 1, aux: 1}
	return n
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []*petri.Net{sample(), {Name: "", Initial: petri.Marking{}, Final: petri.Marking{}}} {
		var buf bytes.Buffer
		if err := Write(&buf, n); err != nil {
			t.Fatal(err)
		}
		got, err := Read(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatalf("%v\n%s", err, buf.String())
		}
		if !reflect.DeepEqual(got, n) {
			t.Fatalf("round trip changed the net:\n got %+v\nwant %+v\n%s", got, n, buf.String())
		}
		var again bytes.Buffer
		if err := Write(&again, got); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), again.Bytes()) {
			t.Fatal("writing the same net twice gave different bytes")
		}
	}
}

func TestReadPM4PyStyle(t *testing.T) {
	// As pm4py.write_pnml writes it, plus what ProM adds: a namespace, a
	// nested page, graphics and an arctype.
	doc := `<?xml version='1.0' encoding='UTF-8'?>
<pnml xmlns="http://www.pnml.org/version-2009/grammar/pnml">
  <net id="n1" type="http://www.pnml.org/version-2009/grammar/pnmlcoremodel">
    <name><text>example</text></name>
    <page id="n0">
      <place id="source"><name><text>source</text></name><initialMarking><text>1</text></initialMarking></place>
      <place id="sink"><name><text>sink</text></name></place>
      <transition id="a1"><name><text>A</text></name><graphics><position x="1" y="2"/></graphics></transition>
      <transition id="skip"><name><text>skip</text></name>
        <toolspecific tool="ProM" version="6.4" activity="$invisible$" localNodeID="x"/></transition>
      <page id="inner">
        <place id="p1"/>
        <transition id="noname"/>
      </page>
      <arc id="1" source="source" target="a1"/>
      <arc id="2" source="a1" target="p1"><inscription><text> 2 </text></inscription><arctype><text>normal</text></arctype></arc>
      <arc id="3" source="p1" target="skip"><inscription><text>2</text></inscription></arc>
      <arc id="4" source="skip" target="sink"/>
      <arc id="5" source="p1" target="noname"/>
      <arc id="6" source="noname" target="sink"/>
    </page>
    <finalmarkings><marking><place idref="sink"><text>1</text></place></marking></finalmarkings>
  </net>
</pnml>`
	n, err := Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := &petri.Net{
		Name:   "example",
		Places: []petri.Place{{ID: "source"}, {ID: "sink"}, {ID: "p1"}},
		Transitions: []petri.Transition{{ID: "a1", Label: "A"}, {ID: "skip", Label: "skip", Silent: true},
			{ID: "noname", Label: "noname"}},
		Arcs: []petri.Arc{{Place: 0, Trans: 0, ToTrans: true, Weight: 1}, {Place: 2, Trans: 0, Weight: 2},
			{Place: 2, Trans: 1, ToTrans: true, Weight: 2}, {Place: 1, Trans: 1, Weight: 1},
			{Place: 2, Trans: 2, ToTrans: true, Weight: 1}, {Place: 1, Trans: 2, Weight: 1}},
		Initial: petri.Marking{0: 1},
		Final:   petri.Marking{1: 1},
	}
	if !reflect.DeepEqual(n, want) {
		t.Fatalf("got  %+v\nwant %+v", n, want)
	}
}

func TestGuessedFinalMarking(t *testing.T) {
	doc := `<pnml><net id="x"><page id="p">
  <place id="i"><initialMarking><text>1</text></initialMarking></place><place id="o"/>
  <transition id="t"><name><text>t</text></name></transition>
  <arc id="a" source="i" target="t"/><arc id="b" source="t" target="o"/>
</page></net></pnml>`
	n, err := Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if n.Name != "x" || !n.Final.Equal(petri.Marking{1: 1}) || !n.Initial.Equal(petri.Marking{0: 1}) {
		t.Fatalf("name %q initial %v final %v", n.Name, n.Initial, n.Final)
	}
}

func TestReadErrors(t *testing.T) {
	net := func(body string) string {
		return "<pnml>\n<net id=\"n\">\n<page id=\"g\">\n" + body + "\n</page>\n</net>\n</pnml>"
	}
	for _, tc := range []struct {
		name, doc, want string
		line            int
	}{
		{"syntax", "<pnml><net>", "unexpected EOF", 1},
		{"empty", "", "empty document", 0},
		{"root", "<petri/>", "<petri>: root element is not <pnml>", 1},
		{"no net", "<pnml>\n<x/>\n</pnml>", "no <net> element", 1},
		{"missing id", net(`<place/>`), "<place>: missing id attribute", 4},
		{"duplicate id", net("<place id=\"a\"/>\n<transition id=\"a\"/>"), `<transition "a">: id used twice`, 5},
		{"bad marking", net(`<place id="a"><initialMarking><text>one</text></initialMarking></place>`), `<place "a">: initialMarking: "one" is not an integer`, 4},
		{"negative marking", net(`<place id="a"><initialMarking><text>-1</text></initialMarking></place>`), "-1 is less than 0", 4},
		{"dangling arc", net("<place id=\"a\"/>\n<arc id=\"x\" source=\"a\" target=\"b\"/>"), `<arc "x">: target "b" is not a place or transition`, 5},
		{"place to place", net("<place id=\"a\"/><place id=\"b\"/>\n<arc id=\"x\" source=\"a\" target=\"b\"/>"), "two nodes of the same kind", 5},
		{"zero weight", net("<place id=\"a\"/><transition id=\"t\"/>\n<arc id=\"x\" source=\"a\" target=\"t\"><inscription><text>0</text></inscription></arc>"), "inscription: 0 is less than 1", 5},
		{"inhibitor", net("<place id=\"a\"/><transition id=\"t\"/>\n<arc id=\"x\" source=\"a\" target=\"t\"><arctype><text>inhibitor</text></arctype></arc>"), `arc type "inhibitor" is not supported`, 5},
		{"final unknown place", "<pnml><net id=\"n\"><page id=\"g\"/>\n<finalmarkings><marking>\n<place idref=\"zz\"><text>1</text></place></marking></finalmarkings></net></pnml>", `idref "zz" is not a place`, 3},
		// Not PNML at all: plain text, JSON, a BPMN model.
		{"plain text", "hello", "not XML: text \"hello\" where a <pnml> element should start", 1},
		{"text on a later line", "\n\n  hello world\n", "not XML: text \"hello world\"", 3},
		{"json", `{"places": []}`, "not XML", 1},
		{"whitespace only", " \n\t\n", "empty document", 0},
		{"bpmn", "<?xml version=\"1.0\"?>\n<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">\n<process id=\"p\"/></definitions>",
			"<definitions>: a BPMN model, not a Petri net: read it with mining/bpmn", 2},
		{"bpmn prefixed", "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><bpmn:process id=\"p\"/></bpmn:definitions>",
			"a BPMN model, not a Petri net", 1},
		// Token counts and weights beyond petri.MaxTokens (2^31-1) are refused, not wrapped.
		{"huge initial marking", net(`<place id="a"><initialMarking><text>2147483648</text></initialMarking></place>`), `<place "a">: initialMarking: 2147483648 is more than 2147483647`, 4},
		{"huge final marking", "<pnml><net id=\"n\"><page id=\"g\"><place id=\"o\"/></page>\n<finalmarkings><marking>\n<place idref=\"o\"><text>8589934592</text></place></marking></finalmarkings></net></pnml>", `<finalmarkings place "o">: 8589934592 is more than 2147483647`, 3},
		{"huge weight", net("<place id=\"a\"/><transition id=\"t\"/>\n<arc id=\"x\" source=\"a\" target=\"t\"><inscription><text>4294967296</text></inscription></arc>"), "inscription: 4294967296 is more than 2147483647", 5},
		{"beyond int64", net(`<place id="a"><initialMarking><text>99999999999999999999</text></initialMarking></place>`), "99999999999999999999 is more than 2147483647", 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.doc))
			var pe *Error
			if !errors.As(err, &pe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if !strings.Contains(err.Error(), tc.want) || pe.Line != tc.line {
				t.Fatalf("error %q (line %d), want it to contain %q at line %d", err, pe.Line, tc.want, tc.line)
			}
		})
	}
}

func TestWriteRejectsInvalidNet(t *testing.T) {
	n := sample()
	n.Arcs[0].Weight = 0
	if err := Write(&bytes.Buffer{}, n); err == nil {
		t.Fatal("wrote a net with a zero-weight arc")
	}
}

// The nets PM4Py wrote read back with PM4Py's own view of them: the same
// labels, silent transitions, place neighbourhoods and markings as
// reference.json's structural description.
func TestReadPM4PyNets(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		for _, model := range []string{"imf", "im", "alpha", "heuristics"} {
			t.Run(stem+"/"+model, func(t *testing.T) {
				f, err := os.Open(testlogs.ReferenceFile(stem, model+".pnml"))
				if err != nil {
					t.Skip("no PM4Py net yet")
				}
				defer f.Close()
				n, err := Read(f)
				if err != nil {
					t.Fatal(err)
				}
				if err := n.Validate(); err != nil {
					t.Fatal(err)
				}
				var ref map[string]any
				testlogs.LoadReference(t, stem, &ref)
				want, ok := ref[model+"_net"].(map[string]any)
				if !ok {
					t.Skipf("reference has no %s_net", model)
				}
				if got, want := describe(n), canonical(want); !reflect.DeepEqual(got, want) {
					t.Fatalf("structure differs from PM4Py's\n got %v\nwant %v", got, want)
				}
			})
		}
	}
}

type placeDesc struct {
	Pre, Post      string
	Initial, Final int
}

type netDesc struct {
	Transitions string
	Silent      int
	Places      []placeDesc
	Arcs        int
}

func describe(n *petri.Net) netDesc {
	ix := n.Index()
	lab := func(ts []int) string {
		var out []string
		for _, t := range ts {
			if n.Transitions[t].Silent {
				out = append(out, "<tau>")
			} else {
				out = append(out, n.Transitions[t].Label)
			}
		}
		slices.Sort(out)
		return strings.Join(out, "|")
	}
	var d netDesc
	all := make([]int, len(n.Transitions))
	for i := range all {
		all[i] = i
		if n.Transitions[i].Silent {
			d.Silent++
		}
	}
	d.Transitions = lab(all)
	for p := range n.Places {
		d.Places = append(d.Places, placeDesc{lab(ix.PlaceIn[p]), lab(ix.PlaceOut[p]), n.Initial[p], n.Final[p]})
	}
	sortPlaces(d.Places)
	d.Arcs = len(n.Arcs)
	return d
}

func canonical(ref map[string]any) netDesc {
	lab := func(v any) string {
		var out []string
		for _, x := range v.([]any) {
			if x == nil {
				out = append(out, "<tau>")
			} else {
				out = append(out, x.(string))
			}
		}
		slices.Sort(out)
		return strings.Join(out, "|")
	}
	d := netDesc{Transitions: lab(ref["transitions"]), Silent: int(ref["silent_transitions"].(float64))}
	for _, p := range ref["places"].([]any) {
		pm := p.(map[string]any)
		d.Places = append(d.Places, placeDesc{lab(pm["preset"]), lab(pm["postset"]), int(pm["initial"].(float64)), int(pm["final"].(float64))})
	}
	sortPlaces(d.Places)
	d.Arcs = int(ref["counts"].(map[string]any)["arcs"].(float64))
	return d
}

func sortPlaces(ps []placeDesc) {
	slices.SortFunc(ps, func(a, b placeDesc) int {
		return strings.Compare(a.Pre+"\x00"+a.Post+"\x00"+string(rune(a.Initial))+string(rune(a.Final)),
			b.Pre+"\x00"+b.Post+"\x00"+string(rune(b.Initial))+string(rune(b.Final)))
	})
}

func BenchmarkReadPNML(b *testing.B) {
	data, err := os.ReadFile(testlogs.ReferenceFile("receipt", "imf.pnml"))
	if err != nil {
		b.Skip("no PM4Py net")
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWritePNML(b *testing.B) {
	data, err := os.ReadFile(testlogs.ReferenceFile("receipt", "imf.pnml"))
	if err != nil {
		b.Skip("no PM4Py net")
	}
	n, err := Read(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := Write(&bytes.Buffer{}, n); err != nil {
			b.Fatal(err)
		}
	}
}
