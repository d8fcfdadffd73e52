package bpmn

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/petri"
)

// net builds a net from "t: p q -> r" lines (places made as met), with
// initial marking one token on i and final one token on o.
func net(spec string) *petri.Net {
	n := &petri.Net{}
	place := map[string]int{}
	at := func(id string) int {
		if p, ok := place[id]; ok {
			return p
		}
		place[id] = n.AddPlace(id)
		return place[id]
	}
	at("i")
	at("o")
	for _, line := range strings.Split(strings.TrimSpace(spec), "\n") {
		name, arcs, _ := strings.Cut(line, ":")
		pre, post, _ := strings.Cut(arcs, "->")
		t := n.AddTransition(strings.TrimSpace(name), strings.ToUpper(strings.TrimSpace(name)), false)
		for _, p := range strings.Fields(pre) {
			n.AddInput(at(p), t)
		}
		for _, p := range strings.Fields(post) {
			n.AddOutput(t, at(p))
		}
	}
	n.Initial, n.Final = petri.Marking{place["i"]: 1}, petri.Marking{place["o"]: 1}
	return n
}

func TestCheckSound(t *testing.T) {
	for _, c := range []struct {
		name, spec string
		problem    Problem // when wantErr
		wantErr    bool
		stuck      bool
		dead       []string
		path       []string
	}{
		{name: "sequence", spec: "a: i -> p\nb: p -> o"},
		{name: "choice and parallel", spec: "a: i -> p q\nb: p -> r\nc: q -> s\nd: r s -> o\ne: i -> o"},
		{name: "loop", spec: "a: i -> p\nb: p -> i\nc: p -> o"},
		{name: "deadlock", spec: "a: i -> p\nb: i -> q\nc: p r -> o\nd: q -> o", wantErr: true, problem: NoCompletion,
			stuck: true, path: []string{"a"}},
		{name: "livelock", spec: "a: i -> p\nb: p -> q\nc: q -> p\nd: i -> o", wantErr: true, problem: NoCompletion,
			path: []string{"a"}},
		{name: "leftover token", spec: "a: i -> p q\nb: p -> o\nc: q -> r", wantErr: true, problem: ImproperCompletion,
			path: []string{"a", "b"}},
		{name: "dead transition", spec: "a: i -> o\nb: x -> o", wantErr: true, problem: DeadTransitions, dead: []string{"b"}},
		{name: "unbounded", spec: "a: i -> p\nb: p -> p q\nc: p -> o\nd: q -> ", wantErr: true, problem: Unbounded},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := net(c.spec)
			err := CheckSound(n, 0)
			if !c.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var u *Unsoundness
			if !errors.As(err, &u) {
				t.Fatalf("error %v, want an *Unsoundness", err)
			}
			if u.Problem != c.problem || u.Stuck != c.stuck {
				t.Fatalf("%v (stuck %v), want %v (stuck %v): %v", u.Problem, u.Stuck, c.problem, c.stuck, err)
			}
			ids := func(ts []int) []string {
				var s []string
				for _, t := range ts {
					s = append(s, n.Transitions[t].ID)
				}
				return s
			}
			if c.dead != nil && !slices.Equal(ids(u.Dead), c.dead) {
				t.Errorf("dead %v, want %v", ids(u.Dead), c.dead)
			}
			if c.path != nil && !slices.Equal(ids(u.Path), c.path) {
				t.Errorf("path %v, want %v", ids(u.Path), c.path)
			}
			if !strings.Contains(err.Error(), c.problem.String()) && c.problem != DeadTransitions {
				t.Errorf("error %q does not name the problem", err)
			}
		})
	}
}

// A bound of 2 states stops the check; a token left beside the final
// marking is improper completion, with a shortest run to it.
func TestCheckSoundOnAnyNet(t *testing.T) {
	// p0 → a → p1 → b → p2, with c: p0 → p1 + p3 leaving a token behind.
	n := &petri.Net{}
	p0, p1, p2, p3 := n.AddPlace("p0"), n.AddPlace("p1"), n.AddPlace("p2"), n.AddPlace("p3")
	a, b := n.AddTransition("a", "A", false), n.AddTransition("b", "B", false)
	n.AddInput(p0, a)
	n.AddOutput(a, p1)
	n.AddInput(p1, b)
	n.AddOutput(b, p2)
	n.Initial, n.Final = petri.Marking{p0: 1}, petri.Marking{p2: 1}
	if err := CheckSound(n, 0); err != nil {
		t.Fatalf("sequence: %v", err)
	}
	c := n.AddTransition("c", "C", false)
	n.AddInput(p0, c)
	n.AddOutput(c, p1)
	n.AddOutput(c, p3)
	var u *Unsoundness
	if err := CheckSound(n, 0); !errors.As(err, &u) || u.Problem != ImproperCompletion || !slices.Equal(u.Path, []int{c, b}) {
		t.Fatalf("leftover token: %v", err)
	}
	d := n.AddTransition("d", "D", false)
	n.AddInput(p3, d)
	n.AddInput(p2, d)
	n.AddOutput(d, p2)
	if err := CheckSound(n, 0); !errors.As(err, &u) || u.Problem != ImproperCompletion {
		t.Fatalf("leftover token still: %v", err)
	}
	if err := CheckSound(n, 2); !errors.Is(err, ErrStateLimit) {
		t.Fatalf("bound of 2 states: %v", err)
	}
}
