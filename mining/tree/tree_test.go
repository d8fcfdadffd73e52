package tree

import "testing"

func TestParsePrintRoundTrip(t *testing.T) {
	for _, s := range []string{
		"->( 'a', X( 'b', tau ), +( 'c', *( 'd', tau ) ) )",
		"X( 'it''s', 'x,y' )",
		"O( 'a', 'b' )",
	} {
		n, err := Parse(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if got := n.String(); got != s {
			t.Errorf("round trip %q -> %q", s, got)
		}
	}
	if n, err := Parse("a"); err != nil || n.Op != Leaf || n.Label != "a" {
		t.Errorf("bare leaf: %v %v", n, err)
	}
	for _, bad := range []string{"->( 'a'", "X( )", "Q( 'a' )"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestEquivalentIgnoresCommutativeOrder(t *testing.T) {
	a, _ := Parse("->( 'a', X( 'b', 'c' ), +( 'd', 'e' ) )")
	b, _ := Parse("->( 'a', X( 'c', 'b' ), +( 'e', 'd' ) )")
	c, _ := Parse("->( X( 'c', 'b' ), 'a', +( 'e', 'd' ) )")
	if !Equivalent(a, b) || Equivalent(a, c) {
		t.Fatal("equivalence is wrong")
	}
}
