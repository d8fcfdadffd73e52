package alpha

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/internal/testlogs"
	"github.com/pmx-dev/pmx/mining/petri"
)

// framedPlace is a place of an Alpha+ net in "framed" form: ⊤ and ⊥ are
// always present as the artificial start and end, so that nets which
// removed them and nets which kept them compare equal.
type framedPlace struct{ pre, post []string }

func (p framedPlace) String() string {
	return "{" + strings.Join(p.pre, ",") + "}->{" + strings.Join(p.post, ",") + "}"
}

// frame puts a net (given as places with preset/postset labels, "τ" for
// silent, and markings) in framed form. In an Alpha+ net the only silent
// transitions are ⊤ (in presets) and ⊥ (in postsets). An initial place
// that does not feed τ is the place after a removed ⊤, a final place not
// fed by τ the place before a removed ⊥.
func frame(places []rawPlace) []framedPlace {
	var out []framedPlace
	for _, p := range places {
		pre, post := slices.Clone(p.pre), slices.Clone(p.post)
		for i := range pre {
			if pre[i] == "τ" {
				pre[i] = "⊤"
			}
		}
		for i := range post {
			if post[i] == "τ" {
				post[i] = "⊥"
			}
		}
		switch {
		case p.initial && !slices.Equal(post, []string{"⊤"}):
			out = append(out, framedPlace{nil, []string{"⊤"}})
			pre = append(pre, "⊤")
		case p.final && !slices.Equal(pre, []string{"⊥"}):
			out = append(out, framedPlace{[]string{"⊥"}, nil})
			post = append(post, "⊥")
		}
		slices.Sort(pre)
		slices.Sort(post)
		out = append(out, framedPlace{pre, post})
	}
	return out
}

// rawPlace is a place as preset and postset labels with its markings.
type rawPlace struct {
	pre, post      []string
	initial, final bool
}

func framedOurs(n *petri.Net) []framedPlace {
	ix := n.Index()
	lab := func(t int) string {
		if n.Transitions[t].Silent {
			return "τ"
		}
		return n.Transitions[t].Label
	}
	var ps []rawPlace
	for p := range n.Places {
		var r rawPlace
		for _, t := range ix.PlaceIn[p] {
			r.pre = append(r.pre, lab(t))
		}
		for _, t := range ix.PlaceOut[p] {
			r.post = append(r.post, lab(t))
		}
		r.initial, r.final = n.Initial[p] > 0, n.Final[p] > 0
		ps = append(ps, r)
	}
	return frame(ps)
}

func framedRef(r *refNet) []framedPlace {
	var ps []rawPlace
	for _, p := range r.Places {
		var x rawPlace
		for _, l := range p.Preset {
			x.pre = append(x.pre, label(l))
		}
		for _, l := range p.Postset {
			x.post = append(x.post, label(l))
		}
		x.initial, x.final = p.Initial > 0, p.Final > 0
		ps = append(ps, x)
	}
	return frame(ps)
}

// TestAlphaPlusAgainstPM4Py compares DiscoverPlus with PM4Py's Alpha+ on
// every shared log. PM4Py 2.7's Alpha+ departs from the published algorithm
// (see DiscoverPlus), so every place on which the nets differ must be
// explained by one of those departures, checked against our own Alpha+
// relations; any other difference fails. The labelled transitions must be
// the same.
func TestAlphaPlusAgainstPM4Py(t *testing.T) {
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			want := loadNet(t, stem, "alpha_plus_net")
			log := testlogs.Load(t, stem)
			net, err := DiscoverPlus(log)
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Validate(); err != nil {
				t.Fatal(err)
			}
			var gotT, wantT []string
			for _, tr := range net.Transitions {
				if !tr.Silent {
					gotT = append(gotT, tr.Label)
				}
			}
			for _, l := range want.Transitions {
				if l != nil {
					wantT = append(wantT, *l)
				}
			}
			slices.Sort(gotT)
			slices.Sort(wantT)
			if !slices.Equal(gotT, wantT) {
				t.Errorf("transitions %v, PM4Py %v", gotT, wantT)
			}
			fp := plusFootprint(log)
			explained, unexplained := comparePlus(log.Activities, fp, framedOurs(net), framedRef(want))
			for _, s := range explained {
				t.Log(s)
			}
			for _, s := range unexplained {
				t.Error(s)
			}
		})
	}
}

// comparePlus classifies the places in which ours and PM4Py's framed nets
// differ.
func comparePlus(names []string, fp *footprint, ours, theirs []framedPlace) (explained, unexplained []string) {
	idx := map[string]int32{"⊤": int32(fp.n), "⊥": int32(fp.n + 1)}
	for i, a := range names {
		idx[a] = int32(i)
	}
	isL1L := func(a string) bool { i, ok := idx[a]; return ok && fp.l1l[i] }
	// strip removes the L1L activities we attach (present on both sides).
	strip := func(p framedPlace) framedPlace {
		var q framedPlace
		for _, a := range p.pre {
			if !(isL1L(a) && slices.Contains(p.post, a)) {
				q.pre = append(q.pre, a)
			}
		}
		for _, a := range p.post {
			if !(isL1L(a) && slices.Contains(p.pre, a)) {
				q.post = append(q.post, a)
			}
		}
		return q
	}
	r := fp.rel
	valid := func(p framedPlace) bool {
		if len(p.pre) == 0 || len(p.post) == 0 {
			return false
		}
		for _, side := range [][]string{p.pre, p.post} {
			for i, a := range side {
				if !r.eligible[idx[a]] {
					return false
				}
				for _, b := range side[i+1:] {
					if !r.unrelated[idx[a]][idx[b]] {
						return false
					}
				}
			}
		}
		for _, a := range p.pre {
			for _, b := range p.post {
				if !r.causal[idx[a]][idx[b]] {
					return false
				}
			}
		}
		return true
	}
	within := func(p, q framedPlace) bool { // p ⊊ q componentwise
		return subsetS(p.pre, q.pre) && subsetS(p.post, q.post) && len(p.pre)+len(p.post) < len(q.pre)+len(q.post)
	}
	key := func(p framedPlace) string { return p.String() }
	inOurs, inTheirs, strippedOurs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, p := range ours {
		inOurs[key(p)] = true
		strippedOurs[key(strip(p))] = true
	}
	for _, p := range theirs {
		inTheirs[key(p)] = true
	}
	endPaired := func(p framedPlace) bool { return slices.Contains(p.post, "⊥") && len(p.post) >= 2 }
	for _, p := range theirs {
		if inOurs[key(p)] {
			continue
		}
		why := ""
		switch {
		case len(p.pre) == 1 && slices.Equal(p.pre, p.post) && isL1L(p.pre[0]):
			why = "PM4Py gives the length-one loop " + p.pre[0] + " a place of its own instead of arcs to the existing place"
		case !valid(p):
			why = "not an Alpha+ place (some a→b or #-condition fails): PM4Py merges pairs without checking causality"
		case strippedOurs[key(p)]:
			why = "ours also has the length-one-loop activities attached to it; PM4Py attaches none"
		default:
			for _, o := range ours {
				if s := strip(o); endPaired(s) && within(p, s) {
					why = "not maximal: ours has " + s.String() + "; PM4Py's # never holds between ⊥ and another activity"
					break
				}
			}
		}
		line := "only PM4Py: " + p.String()
		if why == "" {
			unexplained = append(unexplained, line)
		} else {
			explained = append(explained, line+" — "+why)
		}
	}
	for _, o := range ours {
		if inTheirs[key(o)] {
			continue
		}
		s := strip(o)
		why := ""
		switch {
		case key(s) != key(o) && inTheirs[key(s)]:
			why = "the length-one-loop activities are attached to it; PM4Py gives them separate places instead"
		case endPaired(s):
			why = "⊥ is paired with another activity, which PM4Py never does"
		default:
			for _, p := range theirs {
				if !valid(p) && within(s, p) {
					why = "PM4Py has the invalid larger place " + p.String() + " instead"
					break
				}
			}
		}
		line := "only ours: " + o.String()
		if why == "" {
			unexplained = append(unexplained, line)
		} else {
			explained = append(explained, line+" — "+why)
		}
	}
	if len(explained) == 0 && len(unexplained) == 0 {
		explained = append(explained, fmt.Sprintf("same %d places as PM4Py", len(ours)))
	}
	return explained, unexplained
}

func subsetS(xs, ys []string) bool {
	for _, x := range xs {
		if !slices.Contains(ys, x) {
			return false
		}
	}
	return true
}
