package pnml_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/pnml"
)

func ExampleRead() {
	doc := `<pnml><net id="n1"><page id="p">
  <place id="source"><initialMarking><text>1</text></initialMarking></place>
  <place id="sink"/>
  <transition id="t1"><name><text>register</text></name></transition>
  <transition id="tau"><name><text>skip</text></name>
    <toolspecific tool="ProM" version="6.4" activity="$invisible$"/></transition>
  <arc id="a1" source="source" target="t1"/><arc id="a2" source="t1" target="sink"/>
  <arc id="a3" source="source" target="tau"/><arc id="a4" source="tau" target="sink"/>
</page>
<finalmarkings><marking><place idref="sink"><text>1</text></place></marking></finalmarkings>
</net></pnml>`
	n, err := pnml.Read(strings.NewReader(doc))
	if err != nil {
		panic(err)
	}
	for _, t := range n.Transitions {
		fmt.Printf("%s %q silent=%v\n", t.ID, t.Label, t.Silent)
	}
	fmt.Println(n.Initial, n.Final)

	_, err = pnml.Read(strings.NewReader(`<pnml><net id="n"><arc id="x" source="a" target="b"/></net></pnml>`))
	fmt.Println(err)
	// Output:
	// t1 "register" silent=false
	// tau "skip" silent=true
	// map[0:1] map[1:1]
	// pnml line 1 <arc "x">: source "a" is not a place or transition of the net
}

func ExampleWrite() {
	n := &petri.Net{Name: "tiny"}
	i, o := n.AddPlace("i"), n.AddPlace("o")
	t := n.AddTransition("t", "a", false)
	n.AddInput(i, t)
	n.AddOutput(t, o)
	n.Initial, n.Final = petri.Marking{i: 1}, petri.Marking{o: 1}
	if err := pnml.Write(os.Stdout, n); err != nil {
		panic(err)
	}
	// Output:
	// <?xml version='1.0' encoding='UTF-8'?>
	// <pnml>
	//   <net id="tiny" type="http://www.pnml.org/version-2009/grammar/pnmlcoremodel">
	//     <name>
	//       <text>tiny</text>
	//     </name>
	//     <page id="n0">
	//       <place id="i">
	//         <name>
	//           <text>i</text>
	//         </name>
	//         <initialMarking>
	//           <text>1</text>
	//         </initialMarking>
	//       </place>
	//       <place id="o">
	//         <name>
	//           <text>o</text>
	//         </name>
	//       </place>
	//       <transition id="t">
	//         <name>
	//           <text>a</text>
	//         </name>
	//       </transition>
	//       <arc id="arc_0" source="i" target="t"/>
	//       <arc id="arc_1" source="t" target="o"/>
	//     </page>
	//     <finalmarkings>
	//       <marking>
	//         <place idref="o">
	//           <text>1</text>
	//         </place>
	//       </marking>
	//     </finalmarkings>
	//   </net>
	// </pnml>
}
