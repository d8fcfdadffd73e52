package tree

import (
	"cmp"
	"crypto/md5"
	"encoding/binary"
	"math/bits"
	"slices"
)

// PM4PyOrder returns a copy of the tree with the children of every
// exclusive choice (X) and parallel (+) node in the order PM4Py's inductive
// miner leaves them (its tree_sort, applied after discovery): by the sum,
// over the activity leaves below each child, of the MD5 digest of the label
// read as a 128-bit number, smallest first, ties in their given order.
// The order changes neither the language nor the net's shape, but PM4Py
// names a net's silent transitions in conversion order, and its
// precision walks them in name order, so the figures of a net depend on it.
func (n *Node) PM4PyOrder() *Node {
	c, _ := n.pm4pyOrder()
	return c
}

// hashSum is a sum of MD5 digests: 128-bit numbers, with room for the
// carries of 2^64 of them.
type hashSum [3]uint64 // most significant word first

func (s *hashSum) add(d [md5.Size]byte) {
	lo, hi := binary.BigEndian.Uint64(d[8:]), binary.BigEndian.Uint64(d[:8])
	var c uint64
	s[2], c = bits.Add64(s[2], lo, 0)
	s[1], c = bits.Add64(s[1], hi, c)
	s[0] += c
}

func (s *hashSum) addSum(o hashSum) {
	var c uint64
	s[2], c = bits.Add64(s[2], o[2], 0)
	s[1], c = bits.Add64(s[1], o[1], c)
	s[0] += o[0] + c
}

func (s hashSum) compare(o hashSum) int {
	return cmp.Or(cmp.Compare(s[0], o[0]), cmp.Compare(s[1], o[1]), cmp.Compare(s[2], o[2]))
}

func (n *Node) pm4pyOrder() (*Node, hashSum) {
	c := &Node{Op: n.Op, Label: n.Label, Tau: n.Tau}
	var sum hashSum
	if n.Op == Leaf {
		if !n.Tau {
			sum.add(md5.Sum([]byte(n.Label)))
		}
		return c, sum
	}
	type kid struct {
		n   *Node
		sum hashSum
	}
	kids := make([]kid, len(n.Children))
	for i, ch := range n.Children {
		kids[i].n, kids[i].sum = ch.pm4pyOrder()
		sum.addSum(kids[i].sum)
	}
	if n.Op == Xor || n.Op == And {
		slices.SortStableFunc(kids, func(a, b kid) int { return a.sum.compare(b.sum) })
	}
	for _, k := range kids {
		c.Children = append(c.Children, k.n)
	}
	return c, sum
}
