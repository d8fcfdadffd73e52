package perf

import (
	"context"
	"strings"
	"testing"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// A hand-built log: case 0 does A B A (rework on A, ping-pong r0 r1 r0),
// case 1 does A B, case 2 does A A B (a self-loop). Times in microseconds.
func handLog() *timeline.Log {
	const m = 60_000_000 // a minute
	return &timeline.Log{
		Activities: []string{"A", "B"}, Resources: []string{"r0", "r1"},
		CaseIDs: []string{"c0", "c1", "c2"}, CaseAttrs: []string{"", "", ""},
		CaseStart: []int32{0, 3, 5, 8},
		Case:      []int32{0, 0, 0, 1, 1, 2, 2, 2},
		Act:       []int32{0, 1, 0, 0, 1, 0, 0, 1},
		Resource:  []int32{0, 1, 0, 0, 1, 0, 0, -1},
		Time:      []int64{0, 10 * m, 40 * m, 0, 5 * m, 0, 20 * m, 30 * m},
		Start:     []int64{-1, 2 * m, -1, -1, -1, -1, 15 * m, -1},
	}
}

func TestReworkHandLog(t *testing.T) {
	l := handLog()
	tm := Decompose(l, nil)
	// Step 1 (B in c0): waiting 0→2 min, service 2→10, sojourn 10.
	if tm.Waiting[1] != 120 || tm.Service[1] != 480 || tm.Sojourn[1] != 600 || tm.Waiting[0] != -1 {
		t.Fatalf("decomposition %+v", tm)
	}
	rw, pp := ReworkFindings(l, tm, CycleTimes(l, nil), 0)
	if len(rw) != 1 || rw[0].Activity != "A" || rw[0].Cases != 2 || rw[0].Repeats != 2 || rw[0].SelfLoops != 1 {
		t.Fatalf("rework %+v", rw)
	}
	// Repeats' sojourn: c0's second A (30 min) + c2's second A (20 min).
	if rw[0].Seconds != 3000 || rw[0].Share != 2.0/3 {
		t.Errorf("rework cost %v share %v", rw[0].Seconds, rw[0].Share)
	}
	// Cycle times 40, 5, 30 min: median with rework 35, once 5 → 30 min more.
	if rw[0].ExtraCycle != 1800 {
		t.Errorf("extra cycle %v", rw[0].ExtraCycle)
	}
	if len(pp) != 1 || pp[0].Resources != [2]string{"r0", "r1"} || pp[0].Cases != 1 || pp[0].Times != 1 || pp[0].Seconds != 1800 {
		t.Errorf("ping-pong %+v", pp)
	}
}

func TestReworkOnDemo(t *testing.T) {
	_, l := loadDemo(t)
	tm := Decompose(l, nil)
	rw, pp := ReworkFindings(l, tm, CycleTimes(l, nil), 0)
	by := map[string]Rework{}
	for _, r := range rw {
		by[r.Activity] = r
	}
	// The demo's planted rework: 241 of 2,973 resolved cases are reopened
	// and resolved again (testdata/demo/README.md).
	if r := by["Resolve"]; r.Cases != 241 || r.ExtraCycle <= 0 {
		t.Errorf("Resolve rework %+v, want 241 cases that take longer", r)
	}
	if by["Investigate"].Cases == 0 || len(pp) == 0 {
		t.Error("no Investigate rework or ping-pong in the demo log")
	}
}

// With groups loaded, the demo's misrouted Database and Software cases
// bounce between App Support and DBA (testdata/demo/README.md, pattern 3).
func TestGroupPingPongOnDemo(t *testing.T) {
	w, _ := loadDemo(t)
	l, err := timeline.LoadWith(context.Background(), w, "demo", timeline.Options{GroupAttr: "org:group"})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Groups) != 5 {
		t.Fatalf("groups %v, want the demo's 5", l.Groups)
	}
	pp := PingPongs(l, l.Group, l.Groups, Decompose(l, nil), 0)
	found := false
	for _, p := range pp {
		if p.Resources == [2]string{"App Support", "DBA"} && p.Cases >= 20 {
			found = true
		}
	}
	if !found {
		t.Errorf("no App Support ⇄ DBA ping-pong in %+v", pp)
	}
}

// Cases the DBA group touches are the slowest (the duty windows); the
// Service Desk, in all but one case, is not compared.
func TestInvolvementsOnDemo(t *testing.T) {
	w, _ := loadDemo(t)
	l, err := timeline.LoadWith(context.Background(), w, "demo", timeline.Options{GroupAttr: "org:group"})
	if err != nil {
		t.Fatal(err)
	}
	inv := Involvements(l, "org:group", l.Group, l.Groups, CycleTimes(l, nil), 0.01)
	if len(inv) != 4 || inv[0].Value != "DBA" || !inv[0].Significant || inv[0].MedianWith <= inv[0].MedianWithout {
		t.Fatalf("involvements %+v; want DBA first and significantly slower", inv)
	}
}

// A rework whose cases are faster says so, instead of "take -46.5 h longer".
func TestReworkSentenceSign(t *testing.T) {
	for _, tc := range []struct {
		extra float64
		want  string
	}{
		{-46.5 * 3600, "those cases take 1.9 d shorter (median)"},
		{46.5 * 3600, "those cases take 1.9 d longer (median)"},
		{0, "those cases take no longer (median)"},
	} {
		s := Rework{Activity: "A", Cases: 2, ExtraCycle: tc.extra}.String()
		if !strings.HasSuffix(s, tc.want) {
			t.Errorf("ExtraCycle %v: %q, want suffix %q", tc.extra, s, tc.want)
		}
	}
}
