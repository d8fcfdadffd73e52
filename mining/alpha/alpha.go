package alpha

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// ErrEmptyLog is returned when a log has no event at all.
var ErrEmptyLog = errors.New("alpha: the log has no events")

// Discover runs the classic Alpha algorithm.
//
// The ordering relations come from the directly-follows relation >: a→b
// (causality) iff a>b and not b>a; a||b iff a>b and b>a; a#b iff neither.
// An activity with a self-loop (a>a, hence a||a) is in no place, exactly as
// in the published algorithm and in PM4Py. Every maximal pair (A,B) —
// A×B ⊆ →, A#A, B#B, maximal under componentwise inclusion — becomes a
// place with A as its preset and B as its postset; a source place "start"
// (initial marking) feeds every start activity and every end activity feeds
// a sink place "end" (final marking). Each activity that occurs in the log
// is one transition, labelled and identified by its name.
func Discover(log *eventlog.Log) (*petri.Net, error) {
	n := len(log.Activities)
	seen, start, end := make([]bool, n), make([]bool, n), make([]bool, n)
	follows := newMatrix(n)
	for _, v := range log.Variants {
		if len(v.Acts) == 0 {
			continue
		}
		start[v.Acts[0]], end[v.Acts[len(v.Acts)-1]] = true, true
		for i, a := range v.Acts {
			seen[a] = true
			if i > 0 {
				follows[v.Acts[i-1]][a] = true
			}
		}
	}
	if !slices.Contains(seen, true) {
		return nil, ErrEmptyLog
	}
	r := newRelations(n)
	for a := range n {
		r.eligible[a] = seen[a] && !follows[a][a]
		for b := range n {
			ab, ba := follows[a][b], follows[b][a]
			r.causal[a][b] = ab && !ba
			r.unrelated[a][b] = a != b && !ab && !ba
		}
	}
	nb := newBuilder("alpha", log.Activities)
	for a := range int32(n) {
		if seen[a] {
			nb.transition(a)
		}
	}
	src := nb.place("start")
	sink := nb.place("end")
	nb.net.Initial = petri.Marking{src: 1}
	nb.net.Final = petri.Marking{sink: 1}
	for a := range int32(n) {
		if start[a] {
			nb.net.AddInput(src, nb.trans[a])
		}
		if end[a] {
			nb.net.AddOutput(nb.trans[a], sink)
		}
	}
	for _, p := range maximalPairs(r) {
		nb.pairPlace(p)
	}
	return nb.net, nil
}

func newRelations(n int) relations {
	r := relations{n: n, causal: make([][]bool, n), unrelated: make([][]bool, n), eligible: make([]bool, n)}
	for a := range n {
		r.causal[a] = make([]bool, n)
		r.unrelated[a] = make([]bool, n)
	}
	return r
}

// builder assembles a net with unique IDs: transitions are identified by
// their activity name, places by a readable name; a clash (an activity
// called "start", say) is resolved by a numeric suffix.
type builder struct {
	net   *petri.Net
	names []string
	trans map[int32]int // activity -> transition index
	ids   map[string]bool
}

func newBuilder(name string, names []string) *builder {
	return &builder{net: &petri.Net{Name: name}, names: names, trans: map[int32]int{}, ids: map[string]bool{}}
}

func (b *builder) id(want string) string {
	id := want
	for i := 2; b.ids[id]; i++ {
		id = fmt.Sprintf("%s#%d", want, i)
	}
	b.ids[id] = true
	return id
}

func (b *builder) transition(a int32) int {
	t := b.net.AddTransition(b.id(b.names[a]), b.names[a], false)
	b.trans[a] = t
	return t
}

func (b *builder) place(name string) int { return b.net.AddPlace(b.id(name)) }

// pairPlace adds the place of pair p, named like "({a,b},{c})".
func (b *builder) pairPlace(p pair) int {
	pl := b.place("(" + b.set(p.A) + "," + b.set(p.B) + ")")
	for _, a := range p.A {
		b.net.AddOutput(b.trans[a], pl)
	}
	for _, x := range p.B {
		b.net.AddInput(pl, b.trans[x])
	}
	return pl
}

func (b *builder) set(xs []int32) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = b.names[x]
	}
	return "{" + strings.Join(s, ",") + "}"
}
