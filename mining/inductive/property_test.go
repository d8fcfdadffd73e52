package inductive

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/tree"
)

// randomLog draws a small log: 1-7 activities, 1-12 traces of 0-8 events
// (empty traces are rarer), counts 1-5.
func randomLog(rng *rand.Rand) *eventlog.Log {
	k := 1 + rng.IntN(7)
	acts := make([]string, k)
	for i := range acts {
		acts[i] = string(rune('a' + i))
	}
	var vs []eventlog.Variant
	for range 1 + rng.IntN(12) {
		n := rng.IntN(9)
		if n == 0 && rng.IntN(3) > 0 {
			n = 1
		}
		v := eventlog.Variant{Count: int64(1 + rng.IntN(5))}
		for range n {
			v.Acts = append(v.Acts, int32(rng.IntN(k)))
		}
		vs = append(vs, v)
	}
	return eventlog.New(acts, vs)
}

// IM must replay every trace of any log; every miner's tree must use each
// activity at most once, only activities of the log, and be folded. Trace
// membership is decided twice, on the tree and by replay on its net
// (ToNet), and the two must agree.
func TestRandomLogs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	rejected := 0
	for i := range 500 {
		l := randomLog(rng)
		im, imf := IM(l), IMf(l, DefaultNoise)
		for name, n := range map[string]*tree.Node{"IM": im, "IMf": imf} {
			r := newReplayer(n.ToNet())
			for _, v := range l.Variants {
				tr := l.Trace(v)
				onTree, onNet := accepts(n, tr), r.fits(tr)
				if onTree != onNet {
					t.Fatalf("log %d: %s tree %s accepts %q: %v, its net: %v", i, name, n, tr, onTree, onNet)
				}
				if name == "IM" && !onTree {
					t.Fatalf("log %d %v: IM tree %s does not fit %q", i, traces(l), im, tr)
				}
				if !onTree {
					rejected++
				}
			}
		}
		for name, n := range map[string]*tree.Node{"IM": im, "IMf": imf, "IMd": IMd(l.DFG(), l.Activities, 0)} {
			leaves := n.Leaves()
			slices.Sort(leaves)
			if len(slices.Compact(slices.Clone(leaves))) != len(leaves) {
				t.Fatalf("log %d %v: %s tree %s repeats an activity", i, traces(l), name, n)
			}
			for _, a := range leaves {
				if l.Index(a) < 0 {
					t.Fatalf("log %d: %s tree %s has unknown activity %q", i, name, n, a)
				}
			}
			if err := folded(n); err != "" {
				t.Fatalf("log %d %v: %s tree %s not folded: %s", i, traces(l), name, n, err)
			}
		}
	}
	if rejected == 0 {
		t.Error("no IMf tree rejected a trace: the membership cross-check saw only fitting traces")
	}
	t.Logf("%d traces outside IMf's trees", rejected)
}

func traces(l *eventlog.Log) [][]string {
	var out [][]string
	for _, v := range l.Variants {
		out = append(out, l.Trace(v))
	}
	return out
}

// folded checks the invariants fold establishes.
func folded(n *tree.Node) string {
	if n.Op == tree.Leaf {
		return ""
	}
	if len(n.Children) < 2 {
		return "operator with one child"
	}
	taus := 0
	for _, c := range n.Children {
		if isTau(c) {
			taus++
		}
		if c.Op == n.Op && n.Op != tree.Loop {
			return "nested " + n.Op.String()
		}
		if e := folded(c); e != "" {
			return e
		}
	}
	switch {
	case taus > 0 && (n.Op == tree.Seq || n.Op == tree.And):
		return "tau under " + n.Op.String()
	case taus > 1 && n.Op == tree.Xor:
		return "two taus under X"
	case taus == len(n.Children):
		return "only taus under " + n.Op.String()
	}
	return ""
}

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"->( 'a', tau, 'b' )", "->( 'a', 'b' )"},
		{"->( tau, tau )", "tau"},
		{"X( tau, X( tau, 'a' ) )", "X( tau, 'a' )"},
		{"X( 'a', X( 'b', ->( 'c', ->( 'd', 'e' ) ) ) )", "X( 'a', 'b', ->( 'c', 'd', 'e' ) )"},
		{"+( 'a', +( tau, 'b' ) )", "+( 'a', 'b' )"},
		{"*( tau, tau )", "tau"},
		{"->( 'a', *( tau, tau ) )", "a"},
		{"*( 'a', tau )", "*( 'a', tau )"},
		{"*( *( 'a', tau ), tau )", "*( *( 'a', tau ), tau )"},
		{"X( ->( tau ), 'a' )", "X( tau, 'a' )"},
	} {
		in, err := tree.Parse(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := fold(in).String(); got != c.want {
			t.Errorf("fold %s = %s, want %s", c.in, got, c.want)
		}
	}
}

// PM4Py's IMd has no noise handling; with noise > 0 ours cuts the filtered
// graph where the full graph has no cut.
func TestIMdNoise(t *testing.T) {
	l := parseLog("a b c x50; a b c a b c")
	for _, c := range []struct {
		noise float64
		want  string
	}{
		{0, "*( tau, X( 'a', 'b', 'c' ) )"},
		{DefaultNoise, "->( 'a', 'b', 'c' )"},
	} {
		if got := IMd(l.DFG(), l.Activities, c.noise).String(); got != c.want {
			t.Errorf("noise %v: got %s, want %s", c.noise, got, c.want)
		}
	}
}
