package dfg

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/internal/testlogs"
)

// render is a compact text form of a graph: "name:count" per activity,
// then ">a:n" start arcs, "a>b:n" edges and "a>:n" end arcs.
func render(g *Graph) string {
	var parts []string
	for i, a := range g.Activities {
		parts = append(parts, fmt.Sprintf("%s:%d", a, g.Counts[i]))
	}
	parts = append(parts, "|")
	for i, c := range g.Start {
		if c > 0 {
			parts = append(parts, fmt.Sprintf(">%s:%d", g.Activities[i], c))
		}
	}
	for _, e := range g.Edges {
		parts = append(parts, fmt.Sprintf("%s>%s:%d", g.Activities[e.From], g.Activities[e.To], e.Count))
	}
	for i, c := range g.End {
		if c > 0 {
			parts = append(parts, fmt.Sprintf("%s>:%d", g.Activities[i], c))
		}
	}
	return strings.Join(parts, " ")
}

func traces(spec ...string) [][]string {
	var out [][]string
	for _, s := range spec {
		// "abc*3" is three cases a b c.
		n := 1
		if i := strings.IndexByte(s, '*'); i >= 0 {
			fmt.Sscan(s[i+1:], &n)
			s = s[:i]
		}
		for range n {
			out = append(out, strings.Split(s, ""))
		}
	}
	return out
}

func TestFilterSmall(t *testing.T) {
	// a is in every case; b in 6, c in 3, d in 1.
	log := eventlog.FromTraces(traces("abe*5", "ace*2", "abcde", "a"))
	tests := []struct {
		name              string
		activities, paths float64
		want              string
	}{
		{"everything", 1, 1,
			"a:9 b:6 c:3 d:1 e:8 | >a:9 a>b:6 a>c:2 b>c:1 b>e:5 c>d:1 c>e:2 d>e:1 a>:1 e>:8"},
		{"top 60% of 5 activities = 3 (a, e, b); a c e becomes a e", 0.6, 1,
			"a:9 b:6 e:8 | >a:9 a>b:6 a>e:2 b>e:6 a>:1 e>:8"},
		{"0% activities keeps the most frequent one", 0, 1,
			"a:9 | >a:9 a>:9"},
		{"backbone: widest paths only", 1, 0,
			"a:9 b:6 c:3 d:1 e:8 | >a:9 a>b:6 a>c:2 b>e:5 c>d:1 c>e:2 d>e:1 e>:8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := Filter(log, tc.activities, tc.paths)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(g); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			checkConnected(t, g)
		})
	}
}

// checkConnected asserts the package invariant: every activity is reachable
// from the start and reaches the end through kept arcs.
func checkConnected(t *testing.T, g *Graph) {
	t.Helper()
	k := len(g.Activities)
	succ, pred := make([][]int, k), make([][]int, k)
	for _, e := range g.Edges {
		succ[e.From] = append(succ[e.From], e.To)
		pred[e.To] = append(pred[e.To], e.From)
	}
	reach := func(seed []int64, next [][]int) []bool {
		seen := make([]bool, k)
		var stack []int
		for i, c := range seed {
			if c > 0 {
				seen[i] = true
				stack = append(stack, i)
			}
		}
		for len(stack) > 0 {
			u := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, v := range next[u] {
				if !seen[v] {
					seen[v] = true
					stack = append(stack, v)
				}
			}
		}
		return seen
	}
	fromStart, toEnd := reach(g.Start, succ), reach(g.End, pred)
	for i, a := range g.Activities {
		if !fromStart[i] || !toEnd[i] {
			t.Errorf("activity %q: reachable from start %v, reaches end %v", a, fromStart[i], toEnd[i])
		}
	}
}

func TestFilterRejectsBadFractions(t *testing.T) {
	log := eventlog.FromTraces(traces("ab"))
	for _, f := range [][2]float64{{-0.1, 0}, {0, 1.5}, {math.NaN(), 1}} {
		if _, err := Filter(log, f[0], f[1]); !errors.Is(err, ErrFraction) {
			t.Errorf("Filter(%v, %v): err %v, want ErrFraction", f[0], f[1], err)
		}
	}
}

func TestFilterEmptyLog(t *testing.T) {
	g, err := Filter(eventlog.FromTraces([][]string{{}, {}}), 0.5, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Activities) != 0 || g.Cases != 2 || g.Empty != 2 {
		t.Fatalf("got %+v", g)
	}
}

// TestFilterRealLogs checks, on every shared log, that 100%/100% is the
// log's own DFG, that 0% activities keeps one, that the invariant holds on
// a grid of slider positions and that more paths never drop an arc.
func TestFilterRealLogs(t *testing.T) {
	steps := []float64{0, 0.1, 0.25, 0.5, 0.8, 1}
	for _, stem := range testlogs.Stems() {
		t.Run(stem, func(t *testing.T) {
			log := testlogs.Load(t, stem)
			d := log.DFG()
			full, err := Filter(log, 1, 1)
			if err != nil {
				t.Fatal(err)
			}
			names := map[string]int32{}
			for i, a := range log.Activities {
				names[a] = int32(i)
			}
			edges := 0
			for _, e := range full.Edges {
				a, b := names[full.Activities[e.From]], names[full.Activities[e.To]]
				if d.Edges[[2]int32{a, b}] != e.Count {
					t.Errorf("edge %s>%s: %d, DFG says %d", full.Activities[e.From], full.Activities[e.To], e.Count, d.Edges[[2]int32{a, b}])
				}
				edges++
			}
			if edges != len(d.Edges) {
				t.Errorf("%d edges at 100%%, DFG has %d", edges, len(d.Edges))
			}
			for i, a := range full.Activities {
				x := names[a]
				if full.Start[i] != d.Start[x] || full.End[i] != d.End[x] || full.Counts[i] != d.Counts[x] {
					t.Errorf("%s: start/end/count %d/%d/%d, DFG %d/%d/%d", a, full.Start[i], full.End[i], full.Counts[i], d.Start[x], d.End[x], d.Counts[x])
				}
			}
			if g, _ := Filter(log, 0, 1); len(g.Activities) != 1 {
				t.Errorf("0%% activities kept %v", g.Activities)
			}
			for _, fa := range steps {
				var prev map[string]bool
				for _, fp := range steps {
					g, err := Filter(log, fa, fp)
					if err != nil {
						t.Fatal(err)
					}
					checkConnected(t, g)
					cur := arcSet(g)
					for a := range prev {
						if !cur[a] {
							t.Errorf("activities %v: arc %s kept at paths %v but dropped at more paths", fa, a, fp)
						}
					}
					prev = cur
				}
			}
		})
	}
}

func arcSet(g *Graph) map[string]bool {
	s := map[string]bool{}
	for i, c := range g.Start {
		if c > 0 {
			s["start>"+g.Activities[i]] = true
		}
	}
	for i, c := range g.End {
		if c > 0 {
			s[g.Activities[i]+">end"] = true
		}
	}
	for _, e := range g.Edges {
		s[g.Activities[e.From]+">"+g.Activities[e.To]] = true
	}
	return s
}
