package inductive

import "github.com/pmx-dev/pmx/mining/tree"

// fold simplifies a discovered tree without changing its language, to the
// same fixpoint as PM4Py's process_tree.utils.generic.fold: tau children of
// -> and + are dropped, X keeps one tau, a loop of two taus is tau, an
// operator with one child is that child, and ->, X and + absorb children of
// their own kind. One bottom-up pass suffices because every child is
// already folded when its parent is.
func fold(n *tree.Node) *tree.Node {
	if n.Op == tree.Leaf {
		return n
	}
	var kids []*tree.Node
	for _, c := range n.Children {
		c = fold(c)
		if c.Op == n.Op && (n.Op == tree.Seq || n.Op == tree.Xor || n.Op == tree.And) {
			kids = append(kids, c.Children...)
			continue
		}
		kids = append(kids, c)
	}
	taus := 0
	for _, c := range kids {
		if isTau(c) {
			taus++
		}
	}
	if taus > 0 {
		keep := 1 // X and O keep one tau to stay skippable
		switch {
		case taus == len(kids):
			keep = 1
		case n.Op == tree.Seq || n.Op == tree.And:
			keep = 0
		case n.Op == tree.Loop:
			keep = taus
		}
		if n.Op == tree.Loop && taus == len(kids) {
			return tree.Tau()
		}
		out := kids[:0]
		for _, c := range kids {
			if isTau(c) {
				if keep == 0 {
					continue
				}
				keep--
			}
			out = append(out, c)
		}
		kids = out
	}
	if len(kids) == 1 {
		return kids[0]
	}
	return &tree.Node{Op: n.Op, Children: kids}
}

func isTau(n *tree.Node) bool { return n.Op == tree.Leaf && n.Tau }
