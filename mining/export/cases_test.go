package export

import (
	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/tree"
)

// treeCase is a process tree and the BPMN it must give: how many tasks and
// gateways of each type (after redundant gateways are dropped).
type treeCase struct {
	name          string
	tree          string     // PM4Py notation
	node          *tree.Node // used instead of tree when set
	tasks         int
	xor, and, ior int
}

func (c treeCase) build() *tree.Node {
	if c.node != nil {
		return c.node
	}
	n, err := tree.Parse(c.tree)
	if err != nil {
		panic(err)
	}
	return n
}

var treeCases = []treeCase{
	{name: "small", tree: "->( 'a', X( 'b', 'c' ), 'd' )", tasks: 4, xor: 2},
	{name: "medium", tree: "->( 'a', X( 'b', +( 'c', 'd' ) ), *( 'e', 'f' ), 'g' )", tasks: 7, xor: 4, and: 2},
	{name: "leaf", tree: "a", tasks: 1},
	{name: "tau", tree: "tau"},
	{name: "skip", tree: "->( 'a', X( 'b', tau ), 'c' )", tasks: 3, xor: 2},
	{name: "silent choice", tree: "->( 'a', X( tau, tau ), 'b' )", tasks: 2},
	{name: "parallel with tau", tree: "+( tau, 'a' )", tasks: 1, and: 2},
	{name: "or", tree: "O( 'a', 'b', 'c' )", tasks: 3, ior: 2},
	{name: "loop tau redo", tree: "*( 'a', tau )", tasks: 1, xor: 2},
	{name: "loop tau do", tree: "*( tau, 'a' )", tasks: 1, xor: 2},
	{name: "loop two redos", tree: "*( 'a', 'b', 'c' )", tasks: 3, xor: 2},
	{name: "single child xor", tree: "->( 'a', X( 'b' ) )", tasks: 2},
	{name: "repeated label", tree: "->( 'a', 'a' )", tasks: 2},
	{name: "nested", tree: "+( *( 'a', X( 'b', tau ) ), ->( 'c', O( 'd', tau ) ) )", tasks: 4, xor: 4, and: 2, ior: 2},
	{name: "loop in choice", tree: "X( *( 'a', 'b' ), ->( 'c', +( 'd', *( tau, 'e' ) ) ), tau )", tasks: 5, xor: 6, and: 2},
	{name: "hostile labels", node: tree.New(tree.Seq,
		tree.Activity(`R&D <review>`), tree.Activity(`say "hi"`), tree.Activity("Prüfung ✓"),
		tree.Activity("it's"), tree.Activity(`back\slash \N`), tree.Activity("a&lt;b"), tree.Activity("two\nlines")),
		tasks: 7},
}

// netCase is a Petri net and the BPMN it must give.
type netCase struct {
	name     string
	net      *petri.Net
	tasks    int
	xor, and int
}

func netCases() []netCase {
	return []netCase{
		{name: "sequence", net: wfnet("seq", "i a p1", "p1 b o"), tasks: 2},
		{name: "choice with skip", net: wfnet("skip", "i a p1", "p1 b p2", "p1 tau p2", "p2 c o"), tasks: 3, xor: 2},
		{name: "parallel", net: wfnet("par", "i a p1,p2", "p1 b p3", "p2 c p4", "p3,p4 d o"), tasks: 4, and: 2},
		{name: "silent parallel", net: wfnet("spar", "i tau1 p1,p2", "p1 b p3", "p2 c p4", "p3,p4 tau2 o"), tasks: 2, and: 2},
		{name: "loop", net: wfnet("loop", "i tau1 p1", "p1 a p2", "p2 b p1", "p2 tau2 o"), tasks: 2, xor: 2},
		{name: "silent self-loop", net: wfnet("noop", "i a p1", "p1 tau p1", "p1 b o"), tasks: 2},
		{name: "visible self-loop", net: wfnet("self", "i a p1", "p1 b p1", "p1 c o"), tasks: 3, xor: 2},
		{name: "choice of parallels", net: wfnet("mix",
			"i a p1", "p1 b p2,p3", "p1 c p4", "p2 d p5", "p3 e p6", "p5,p6 f p4", "p4 g o"), tasks: 7, xor: 2, and: 2},
	}
}
