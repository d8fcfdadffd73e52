package bpmn

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/mining/petri"
)

// DefaultMaxStates bounds every reachability exploration of this package
// (end-event combinations, subprocess cancellation, soundness) unless a
// caller says otherwise: enough for the models people draw, small enough
// to answer in well under a second.
const DefaultMaxStates = 100_000

// ErrStateLimit is wrapped by the errors of an exploration that met its
// state bound before it had seen every reachable marking: nothing is known
// to be wrong, but nothing was proved either.
var ErrStateLimit = errors.New("more reachable markings than the state bound")

// Problem is the kind of flaw that makes a net an unsound workflow net.
type Problem int

const (
	// NoCompletion: a reachable marking from which the final marking cannot
	// be reached (a deadlock when no transition is enabled, else a
	// livelock).
	NoCompletion Problem = iota
	// ImproperCompletion: a reachable marking that holds the final marking
	// and more tokens besides.
	ImproperCompletion
	// DeadTransitions: transitions no run ever fires.
	DeadTransitions
	// Unbounded: a run that repeats and leaves more tokens each time.
	Unbounded
)

var problemText = map[Problem]string{
	NoCompletion:       "no option to complete",
	ImproperCompletion: "improper completion",
	DeadTransitions:    "dead transitions",
	Unbounded:          "unbounded",
}

func (p Problem) String() string { return problemText[p] }

// Unsoundness is why a net is not a sound workflow net, with a witness.
// CheckSound returns it as its error; Net translates it into BPMN terms.
type Unsoundness struct {
	Problem Problem
	// Marking is the witness: the stuck marking (NoCompletion), the one
	// holding the final marking and more (ImproperCompletion), or the one
	// that covers an earlier marking of its own run (Unbounded).
	Marking petri.Marking
	// Path is a shortest firing sequence (transition indices) from the
	// initial marking to Marking.
	Path []int
	// Dead lists the transitions never fired (DeadTransitions), ascending.
	Dead []int
	// Stuck says, for NoCompletion, that no transition is enabled in
	// Marking (a deadlock rather than a run that can only go round).
	Stuck bool
	// Grown, for Unbounded, is the earlier marking Marking covers: the
	// transitions of Path after it add Marking−Grown each time they repeat.
	Grown petri.Marking
	// Repeat is the part of Path that leads from Grown to Marking.
	Repeat []int

	net *petri.Net
}

func (u *Unsoundness) Error() string {
	if u.net == nil {
		return "unsound workflow net: " + u.Problem.String()
	}
	n := u.net
	switch u.Problem {
	case DeadTransitions:
		ids := make([]string, len(u.Dead))
		for i, t := range u.Dead {
			ids[i] = transName(n, t)
		}
		return fmt.Sprintf("unsound workflow net: transitions %s can never fire", strings.Join(ids, ", "))
	case Unbounded:
		return fmt.Sprintf("unsound workflow net: unbounded: firing %s from %s leads to %s, which holds more tokens",
			transNames(n, u.Repeat), markingText(n, u.Grown), markingText(n, u.Marking))
	case ImproperCompletion:
		return fmt.Sprintf("unsound workflow net: improper completion: %s reaches %s, the final marking with tokens left over",
			transNames(n, u.Path), markingText(n, u.Marking))
	}
	what := "the final marking cannot be reached"
	if u.Stuck {
		what = "no transition is enabled"
	}
	return fmt.Sprintf("unsound workflow net: no option to complete: %s reaches %s, where %s",
		transNames(n, u.Path), markingText(n, u.Marking), what)
}

func transName(n *petri.Net, t int) string {
	tr := n.Transitions[t]
	if tr.Silent || tr.Label == "" {
		return fmt.Sprintf("%q", tr.ID)
	}
	return fmt.Sprintf("%q (%s)", tr.ID, tr.Label)
}

func transNames(n *petri.Net, ts []int) string {
	if len(ts) == 0 {
		return "the empty run"
	}
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = transName(n, t)
	}
	return "[" + strings.Join(s, " ") + "]"
}

func markingText(n *petri.Net, m petri.Marking) string {
	var s []string
	for _, p := range sortedPlaces(m) {
		if m[p] == 1 {
			s = append(s, n.Places[p].ID)
		} else {
			s = append(s, fmt.Sprintf("%s×%d", n.Places[p].ID, m[p]))
		}
	}
	return "[" + strings.Join(s, " ") + "]"
}

func sortedPlaces(m petri.Marking) []int {
	var ps []int
	for p, k := range m {
		if k > 0 {
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	return ps
}

// CheckSound checks that n, from n.Initial, is a sound workflow net with
// final marking n.Final: every reachable marking can reach Final (option to
// complete), none holds Final and more (proper completion), every
// transition can fire (no dead transitions), and the net is bounded. It
// explores at most maxStates markings (DefaultMaxStates when 0) and returns
// nil, an *Unsoundness (the first problem found, in the order unbounded,
// improper completion, no option to complete, dead transitions), or an
// error wrapping ErrStateLimit. The net's structure (one source place, one
// sink place) is not checked: what matters is the behaviour from Initial.
func CheckSound(n *petri.Net, maxStates int) error {
	if err := n.Validate(); err != nil {
		return err
	}
	if len(n.Final) == 0 {
		return errors.New("soundness: the net has no final marking")
	}
	g, err := explore(n, n.Initial, nil, maxStates)
	if err != nil {
		return err
	}
	final := encode(nil, n.Final)
	// States that can reach the final marking, by a backward search.
	back := make([][]int32, len(g.keys))
	for s, es := range g.succ {
		for _, e := range es {
			back[e.to] = append(back[e.to], int32(s))
		}
	}
	ok := make([]bool, len(g.keys))
	var queue []int32
	if f, found := g.index[string(final)]; found {
		ok[f] = true
		queue = append(queue, f)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, p := range back[s] {
			if !ok[p] {
				ok[p] = true
				queue = append(queue, p)
			}
		}
	}
	// States are numbered in breadth-first order, so the first witness
	// found has a shortest path.
	for s := range g.keys {
		m := g.marking(int32(s))
		if covers(m, n.Final) && !m.Equal(n.Final) {
			return &Unsoundness{Problem: ImproperCompletion, Marking: m, Path: g.path(int32(s)), net: n}
		}
	}
	stuck, loose := -1, -1
	for s := range g.keys {
		if ok[s] {
			continue
		}
		if loose < 0 {
			loose = s
		}
		if len(g.succ[s]) == 0 {
			stuck = s
			break
		}
	}
	if stuck >= 0 || loose >= 0 {
		s := stuck
		if s < 0 {
			s = loose
		}
		return &Unsoundness{Problem: NoCompletion, Marking: g.marking(int32(s)), Path: g.path(int32(s)), Stuck: stuck >= 0, net: n}
	}
	fired := make([]bool, len(n.Transitions))
	for _, es := range g.succ {
		for _, e := range es {
			fired[e.t] = true
		}
	}
	var dead []int
	for t, f := range fired {
		if !f {
			dead = append(dead, t)
		}
	}
	if len(dead) > 0 {
		return &Unsoundness{Problem: DeadTransitions, Dead: dead, net: n}
	}
	return nil
}

func covers(m, sub petri.Marking) bool {
	for p, k := range sub {
		if m[p] < k {
			return false
		}
	}
	return true
}
