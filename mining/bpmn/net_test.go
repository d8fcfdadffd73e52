package bpmn

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/mining/petri"
	"github.com/pmx-dev/pmx/mining/pnml"
)

// build makes a one-process model from two small texts, so that a test
// case is a diagram in two lines. nodes are "id:kind[:name][@host][/sub]"
// separated by spaces, kinds start end task xor and or event inter bound
// (interrupting boundary on host) nbound (non-interrupting) sub; flows are
// "source>target" pairs, named f1, f2, … in order.
func build(nodes, flows string) *Model {
	p := &Process{ID: "p"}
	kinds := map[string]Kind{"start": StartEvent, "end": EndEvent, "task": Task, "xor": ExclusiveGateway,
		"and": ParallelGateway, "or": InclusiveGateway, "event": EventBasedGateway, "inter": IntermediateEvent,
		"bound": BoundaryEvent, "nbound": BoundaryEvent, "sub": SubProcess}
	for _, tok := range strings.Fields(nodes) {
		n := &Node{}
		tok, n.SubProcess, _ = strings.Cut(tok, "/")
		tok, n.AttachedTo, _ = strings.Cut(tok, "@")
		parts := strings.SplitN(tok, ":", 3)
		n.ID = parts[0]
		kind, ok := kinds[parts[1]]
		if !ok {
			panic("test model: unknown kind " + parts[1])
		}
		n.Kind, n.Interrupting = kind, parts[1] == "bound"
		if len(parts) == 3 {
			n.Name = parts[2]
		}
		p.Nodes = append(p.Nodes, n)
	}
	sub := map[string]string{}
	for _, n := range p.Nodes {
		sub[n.ID] = n.SubProcess
	}
	for i, f := range strings.Fields(flows) {
		s, t, _ := strings.Cut(f, ">")
		p.Flows = append(p.Flows, &Flow{ID: fmt.Sprintf("f%d", i+1), Source: s, Target: t, SubProcess: sub[s]})
	}
	return &Model{Processes: []*Process{p}}
}

// traces is the net's language up to maxLen visible steps: every sequence
// of labels of a run from Initial to Final, as "A,B,C" ("" the empty
// trace), sorted. Silent cycles are cut by remembering (marking, prefix).
func traces(n *petri.Net, maxLen int) []string {
	ix := n.Index()
	out := map[string]bool{}
	seen := map[string]bool{}
	var walk func(m petri.Marking, prefix []string)
	walk = func(m petri.Marking, prefix []string) {
		key := string(encode(nil, m)) + "|" + strings.Join(prefix, ",")
		if seen[key] {
			return
		}
		seen[key] = true
		if m.Equal(n.Final) {
			out[strings.Join(prefix, ",")] = true
		}
		for t, tr := range n.Transitions {
			if !tr.Silent && len(prefix) == maxLen {
				continue
			}
			enabled := true
			for _, w := range ix.Pre[t] {
				enabled = enabled && m[w.Place] >= w.Weight
			}
			if !enabled {
				continue
			}
			next := m.Clone()
			for _, w := range ix.Pre[t] {
				if next[w.Place] -= w.Weight; next[w.Place] == 0 {
					delete(next, w.Place)
				}
			}
			for _, w := range ix.Post[t] {
				next[w.Place] += w.Weight
			}
			if tr.Silent {
				walk(next, prefix)
			} else {
				walk(next, append(slices.Clip(prefix), tr.Label))
			}
		}
	}
	walk(n.Initial, nil)
	var list []string
	for t := range out {
		list = append(list, t)
	}
	slices.Sort(list)
	return list
}

func TestNetLanguage(t *testing.T) {
	for _, c := range []struct {
		name, nodes, flows string
		want               []string
		warn               string // a substring of the warnings, "" for none
	}{
		{"sequence", "s:start a:task:A b:task:B e:end", "s>a a>b b>e", []string{"A,B"}, ""},
		{"exclusive", "s:start x1:xor a:task:A b:task:B x2:xor e:end", "s>x1 x1>a x1>b a>x2 b>x2 x2>e",
			[]string{"A", "B"}, ""},
		{"parallel", "s:start p1:and a:task:A b:task:B p2:and e:end", "s>p1 p1>a p1>b a>p2 b>p2 p2>e",
			[]string{"A,B", "B,A"}, ""},
		// PM4Py's inclusive gateway: each branch may be skipped, all of
		// them included.
		{"inclusive", "s:start o1:or a:task:A b:task:B o2:or e:end", "s>o1 o1>a o1>b a>o2 b>o2 o2>e",
			[]string{"", "A", "A,B", "B", "B,A"}, ""},
		{"event-based", "s:start g:event i1:inter i2:inter a:task:A b:task:B x:xor e:end",
			"s>g g>i1 g>i2 i1>a i2>b a>x b>x x>e", []string{"A", "B"}, ""},
		{"intermediate", "s:start a:task:A i:inter b:task:B e:end", "s>a a>i i>b b>e", []string{"A,B"}, ""},
		{"unnamed task", "s:start a:task:A u:task b:task:B e:end", "s>a a>u u>b b>e", []string{"A,B"}, `task "u" has no name`},
		{"loop", "s:start x1:xor a:task:A x2:xor e:end", "s>x1 x1>a a>x2 x2>x1 x2>e",
			[]string{"A", "A,A", "A,A,A", "A,A,A,A"}, ""},
		{"mixed gateway", "s:start p1:and a:task:A b:task:B p2:and c:task:C d:task:D p3:and e:end",
			"s>p1 p1>a p1>b a>p2 b>p2 p2>c p2>d c>p3 d>p3 p3>e", []string{"A,B,C,D", "A,B,D,C", "B,A,C,D", "B,A,D,C"}, ""},
		{"task splits in parallel", "s:start a:task:A b:task:B c:task:C e1:end e2:end", "s>a a>b a>c b>e1 c>e2",
			[]string{"A,B,C", "A,C,B"}, ""},
		{"several starts", "s1:start s2:start a:task:A b:task:B e:end", "s1>a s2>b a>e b>e", []string{"A", "B"}, ""},
		{"exclusive ends", "s:start x:xor a:task:A b:task:B e1:end e2:end", "s>x x>a x>b a>e1 b>e2",
			[]string{"A", "B"}, ""},
		{"parallel ends", "s:start p:and a:task:A b:task:B e1:end e2:end", "s>p p>a p>b a>e1 b>e2",
			[]string{"A,B", "B,A"}, ""},
		{"parallel ends at one end event", "s:start p:and a:task:A b:task:B e:end", "s>p p>a p>b a>e b>e",
			[]string{"A,B", "B,A"}, ""},
		{"path without end event", "s:start a:task:A b:task:B", "s>a a>b", []string{"A,B"}, ""},
		{"interrupting boundary", "s:start a:task:A t:bound@a c:task:C b:task:B e1:end e2:end",
			"s>a a>b b>e1 t>c c>e2", []string{"A,B", "C"}, ""},
		{"non-interrupting boundary", "s:start a:task:A t:nbound@a c:task:C b:task:B e1:end e2:end",
			"s>a a>b b>e1 t>c c>e2", []string{"A,B"}, `non-interrupting boundary event "t"`},
		{"subprocess", "s:start sp:sub s2:start/sp x:task:X/sp y:task:Y/sp e2:end/sp z:task:Z e:end",
			"s>sp s2>x x>y y>e2 sp>z z>e", []string{"X,Y,Z"}, ""},
		{"subprocess with parallel ends", "s:start sp:sub s2:start/sp p:and/sp x:task:X/sp y:task:Y/sp e2:end/sp e3:end/sp z:task:Z e:end",
			"s>sp s2>p p>x p>y x>e2 y>e3 sp>z z>e", []string{"X,Y,Z", "Y,X,Z"}, ""},
		// The boundary event may cut the subprocess short at any point.
		{"subprocess with boundary", "s:start sp:sub s2:start/sp x:task:X/sp y:task:Y/sp e2:end/sp t:bound@sp c:task:C z:task:Z e:end ec:end",
			"s>sp s2>x x>y y>e2 sp>z z>e t>c c>ec", []string{"C", "X,C", "X,Y,C", "X,Y,Z"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			model := build(c.nodes, c.flows)
			conv, err := model.Net("")
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range model.Processes[0].Flows {
				if !slices.Contains(conv.Flow, f.ID) && !strings.Contains(c.warn, "non-interrupting") {
					t.Errorf("flow %s has no place", f.ID)
				}
			}
			if got := traces(conv.Net, 4); !slices.Equal(got, c.want) {
				t.Errorf("language %q, want %q", got, c.want)
			}
			red := conv.Reduce()
			if got := traces(red.Net, 4); !slices.Equal(got, c.want) {
				t.Errorf("reduced: language %q, want %q", got, c.want)
			}
			if err := red.Net.Validate(); err != nil {
				t.Errorf("reduced: %v", err)
			}
			warnings := strings.Join(conv.Warnings, "\n")
			if (c.warn == "") != (warnings == "") || !strings.Contains(warnings, c.warn) {
				t.Errorf("warnings %q, want one with %q", conv.Warnings, c.warn)
			}
			if len(conv.Node) != len(conv.Net.Transitions) || len(conv.Flow) != len(conv.Net.Places) {
				t.Errorf("maps of %d transitions and %d places for a net of %d and %d", len(conv.Node), len(conv.Flow),
					len(conv.Net.Transitions), len(conv.Net.Places))
			}
			for _, cv := range []*Conversion{conv, red} {
				for i, tr := range cv.Net.Transitions {
					if !tr.Silent && cv.Node[i] != strings.ToLower(tr.Label) {
						t.Errorf("transition %q labelled %q stands for node %q", tr.ID, tr.Label, cv.Node[i])
					}
				}
			}
		})
	}
}

func TestNetRefuses(t *testing.T) {
	for _, c := range []struct {
		name, nodes, flows string
		want               string // a substring of the error
		unsound            bool   // the error is a *SoundnessError
	}{
		{"parallel join after exclusive split", "s:start x:xor a:task:A b:task:B p:and e:end", "s>x x>a x>b a>p b>p p>e",
			`parallel join "p" waits for flow "f5" that exclusive split "x" may not take: a case can stop with tokens on flow "f4"`, true},
		{"dead task", "s:start a:task:A e:end g:xor x:task:X", "s>a a>e g>x x>g",
			`task "X" (x)`, true},
		{"unbounded", "s:start x1:xor p:and a:task:A x2:xor e:end e2:end", "s>x1 x1>p p>a p>x2 x2>x1 x2>e a>e2",
			"can collect any number of tokens", true},
		{"end alone or together", "s:start x:xor p:and e1:end e2:end", "s>x x>e1 x>p p>e1 p>e2",
			`can end at "e1" alone or at "e1" and "e2" together`, false},
		{"subprocess with two starts", "s:start sp:sub s2:start/sp s3:start/sp e2:end/sp e:end", "s>sp s2>e2 s3>e2 sp>e",
			`subprocess "sp" has 2 start events`, false},
		{"subprocess without start", "s:start sp:sub x:task:X/sp e2:end/sp e:end", "s>sp x>e2 sp>e",
			`subprocess "sp" has no start event`, false},
		{"no start", "a:task:A e:end", "a>e", `the process has no start event`, false},
		{"task not reached", "s:start a:task:A e:end", "s>e a>e", `task "a" has no incoming sequence flow`, false},
		{"non-interrupting path merges back", "s:start a:task:A t:nbound@a c:task:C b:task:B e:end",
			"s>a a>b b>e t>c c>b", `its path joins the rest of the process at "b"`, false},
		{"non-interrupting path stops", "s:start a:task:A t:nbound@a c:task:C b:task:B e:end",
			"s>a a>b b>e t>c", `its path stops at task "c"`, false},
		{"boundary on a gateway", "s:start x:xor t:bound@x e:end", "s>x x>e", `attached to "x", not a task or subprocess`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			conv, err := build(c.nodes, c.flows).Net("")
			if err == nil {
				t.Fatalf("no error; net %v", conv.Net.Structure())
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to say %q", err, c.want)
			}
			var se *SoundnessError
			if errors.As(err, &se) != c.unsound || errors.Is(err, ErrUnsound) != c.unsound {
				t.Errorf("error %T (%v), want a soundness error: %v", err, err, c.unsound)
			}
			if c.unsound && conv == nil {
				t.Error("an unsound model gave no Conversion")
			}
		})
	}
}

func TestNetPicksTheProcess(t *testing.T) {
	m := build("s:start e:end", "s>e")
	m.Processes = append(m.Processes, &Process{ID: "empty"}, &Process{ID: "q", Nodes: []*Node{{ID: "s9", Kind: StartEvent}}})
	if _, err := m.Net(""); err == nil || !strings.Contains(err.Error(), `("p", "q")`) {
		t.Errorf("two processes with nodes: error %v, want their IDs listed", err)
	}
	if _, err := m.Net("p"); err != nil {
		t.Errorf("naming the process: %v", err)
	}
	if _, err := m.Net("nope"); err == nil || !strings.Contains(err.Error(), `no process "nope"`) {
		t.Errorf("unknown process: error %v", err)
	}
}

// The same model converts to the same bytes, every time.
func TestNetDeterministic(t *testing.T) {
	nodes := "s:start o1:or a:task:A b:task:B c:task:C o2:or sp:sub s2:start/sp x:task:X/sp e2:end/sp t:bound@sp e1:end e3:end"
	flows := "s>o1 o1>a o1>b o1>c a>o2 b>o2 c>o2 o2>sp s2>x x>e2 sp>e1 t>e3"
	var first []byte
	for i := range 5 {
		conv, err := build(nodes, flows).Net("")
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := pnml.Write(&buf, conv.Net); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
		} else if !bytes.Equal(first, buf.Bytes()) {
			t.Fatalf("run %d wrote a different PNML", i)
		}
	}
}

// A model too large to explore converts, with a warning that soundness
// was not checked.
func TestNetTooLargeToCheck(t *testing.T) {
	nodes, flows := "s:start p1:and p2:and e:end", "s>p1 p2>e"
	for i := range 18 {
		nodes += fmt.Sprintf(" t%d:task:T%d", i, i)
		flows += fmt.Sprintf(" p1>t%d t%d>p2", i, i)
	}
	conv, err := build(nodes, flows).Net("")
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Warnings) != 1 || !strings.Contains(conv.Warnings[0], "soundness not checked") {
		t.Errorf("warnings %q, want one saying soundness was not checked", conv.Warnings)
	}
}
