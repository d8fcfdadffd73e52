package tree

import (
	"fmt"
	"slices"
	"strings"
)

// Op is a process-tree operator; Leaf marks an activity or tau.
type Op uint8

const (
	Leaf Op = iota
	Seq     // ->  children in order
	Xor     // X   exactly one child
	And     // +   all children, interleaved
	Loop    // *   do-body, then zero or more (redo, do-body) rounds; PM4Py's loop has two children
	Or      // O   a non-empty subset of children, interleaved
)

var opText = map[Op]string{Seq: "->", Xor: "X", And: "+", Loop: "*", Or: "O"}

func (o Op) String() string {
	if o == Leaf {
		return "leaf"
	}
	return opText[o]
}

// Node is a process tree. A Leaf with Tau set is a silent step; otherwise
// Label is the activity.
type Node struct {
	Op       Op
	Label    string
	Tau      bool
	Children []*Node
}

// Activity returns a leaf for an activity.
func Activity(label string) *Node { return &Node{Op: Leaf, Label: label} }

// Tau returns a silent leaf.
func Tau() *Node { return &Node{Op: Leaf, Tau: true} }

// New returns an operator node.
func New(op Op, children ...*Node) *Node { return &Node{Op: op, Children: children} }

// String renders PM4Py's notation, e.g. ->( 'a', X( 'b', tau ) ).
func (n *Node) String() string {
	var b strings.Builder
	n.write(&b, true)
	return b.String()
}

func (n *Node) write(b *strings.Builder, top bool) {
	if n.Op == Leaf {
		switch {
		case n.Tau:
			b.WriteString("tau")
		case top:
			b.WriteString(n.Label)
		default:
			b.WriteString("'" + n.Label + "'")
		}
		return
	}
	b.WriteString(opText[n.Op] + "( ")
	for i, c := range n.Children {
		if i > 0 {
			b.WriteString(", ")
		}
		c.write(b, false)
	}
	b.WriteString(" )")
}

// Parse reads PM4Py's notation. Labels are quoted with single quotes; a
// quote inside a label is accepted when it is not followed by a separator.
func Parse(s string) (*Node, error) {
	p := &parser{s: s}
	p.ws()
	if t := strings.TrimSpace(s); t != "" && !p.atOperator() && t[0] != '\'' && t != "tau" &&
		!(strings.Contains(t, "( ") && strings.HasSuffix(t, " )")) {
		// A bare top-level leaf: the whole text is its label.
		return Activity(t), nil
	}
	n, err := p.node()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(s) {
		return nil, fmt.Errorf("process tree: unexpected %q at offset %d", s[p.i:], p.i)
	}
	return n, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *parser) atOperator() bool {
	for _, o := range []string{"->(", "X(", "+(", "*(", "O("} {
		if strings.HasPrefix(p.s[p.i:], o) {
			return true
		}
	}
	return false
}

func (p *parser) node() (*Node, error) {
	p.ws()
	rest := p.s[p.i:]
	switch {
	case strings.HasPrefix(rest, "'"):
		// The label ends at the first quote followed by a separator.
		j := p.i + 1
		for {
			k := strings.IndexByte(p.s[j:], '\'')
			if k < 0 {
				return nil, fmt.Errorf("process tree: unterminated label at offset %d", p.i)
			}
			j += k
			after := strings.TrimLeft(p.s[j+1:], " \t\r\n")
			if after == "" || after[0] == ',' || after[0] == ')' {
				break
			}
			j++
		}
		n := Activity(p.s[p.i+1 : j])
		p.i = j + 1
		return n, nil
	case strings.HasPrefix(rest, "tau"):
		p.i += 3
		return Tau(), nil
	}
	var op Op
	for o, t := range opText {
		if strings.HasPrefix(rest, t+"(") {
			op = o
			p.i += len(t) + 1
		}
	}
	if op == Leaf {
		return nil, fmt.Errorf("process tree: expected an operator, a quoted label or tau at offset %d", p.i)
	}
	n := New(op)
	for {
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ')' {
			p.i++
			break
		}
		if len(n.Children) > 0 {
			if p.i >= len(p.s) || p.s[p.i] != ',' {
				return nil, fmt.Errorf("process tree: expected ',' or ')' at offset %d", p.i)
			}
			p.i++
		}
		c, err := p.node()
		if err != nil {
			return nil, err
		}
		n.Children = append(n.Children, c)
	}
	if len(n.Children) == 0 {
		return nil, fmt.Errorf("process tree: operator %s without children", op)
	}
	return n, nil
}

// Canonical renders the tree with the children of commutative operators
// (X, +, O) sorted, so two trees that differ only in that order print the
// same.
func (n *Node) Canonical() string {
	if n.Op == Leaf {
		if n.Tau {
			return "tau"
		}
		return "'" + n.Label + "'"
	}
	parts := make([]string, len(n.Children))
	for i, c := range n.Children {
		parts[i] = c.Canonical()
	}
	if n.Op == Xor || n.Op == And || n.Op == Or {
		slices.Sort(parts)
	}
	return opText[n.Op] + "( " + strings.Join(parts, ", ") + " )"
}

// Equivalent reports whether two trees are equal up to the order of the
// children of commutative operators.
func Equivalent(a, b *Node) bool { return a.Canonical() == b.Canonical() }

// Leaves returns the activity labels in the tree (with repetitions).
func (n *Node) Leaves() []string {
	if n.Op == Leaf {
		if n.Tau {
			return nil
		}
		return []string{n.Label}
	}
	var out []string
	for _, c := range n.Children {
		out = append(out, c.Leaves()...)
	}
	return out
}
