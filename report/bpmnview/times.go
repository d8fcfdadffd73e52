package bpmnview

import (
	"strings"

	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// times finds each variant's cases in the timestamped log: a case belongs
// to the variant whose activity sequence it has (names compared, so the
// two logs' activity numbering may differ). A case of no variant (the two
// logs were loaded at different moments) is left out of the times.
type times struct {
	tl     *timeline.Log
	byVars [][]int32 // variant → its cases in tl
}

func newTimes(l *eventlog.Log, tl *timeline.Log) *times {
	if tl == nil || len(tl.CaseStart) == 0 {
		return nil
	}
	actNo := make(map[string]int32, len(l.Activities))
	for i, a := range l.Activities {
		actNo[a] = int32(i)
	}
	// Activity numbers as runes make a cheap unique key (as eventlog.New).
	toLog := make([]int32, len(tl.Activities))
	for i, a := range tl.Activities {
		toLog[i] = -1
		if no, ok := actNo[a]; ok {
			toLog[i] = no
		}
	}
	var key strings.Builder
	variant := make(map[string]int, len(l.Variants))
	for vi, v := range l.Variants {
		key.Reset()
		for _, a := range v.Acts {
			key.WriteRune(rune(a + 1))
		}
		variant[key.String()] = vi
	}
	t := &times{tl: tl, byVars: make([][]int32, len(l.Variants))}
cases:
	for c := 0; c+1 < len(tl.CaseStart); c++ {
		key.Reset()
		for i := tl.CaseStart[c]; i < tl.CaseStart[c+1]; i++ {
			a := tl.Act[i]
			if a < 0 || int(a) >= len(toLog) || toLog[a] < 0 {
				continue cases
			}
			key.WriteRune(rune(toLog[a] + 1))
		}
		if vi, ok := variant[key.String()]; ok {
			t.byVars[vi] = append(t.byVars[vi], int32(c))
		}
	}
	return t
}

// add adds the time each pass over a flow took in the cases of variant vi
// to flows (MeanSeconds holds the sum until Compute divides). A token's
// pass is the move that put it on the flow's place paired with the move
// that took it off, first in first out; its ends are the in-step events
// around them (see FlowStat).
func (t *times) add(vi int, moves []conformance.Move, idx *petri.Index, flowAt func(place int) (int, bool), flows []FlowStat) {
	cases := t.byVars[vi]
	if len(cases) == 0 {
		return
	}
	// ev[i]: the trace position of move i's event (-1: no event);
	// lastSync[i]: that of the last sync move at or before i.
	ev, lastSync := make([]int, len(moves)), make([]int, len(moves))
	pos, last := 0, -1
	for i, m := range moves {
		ev[i] = -1
		if m.Kind == conformance.SyncMove || m.Kind == conformance.LogMove {
			ev[i] = pos
			pos++
		}
		if m.Kind == conformance.SyncMove {
			last = ev[i]
		}
		lastSync[i] = last
	}
	nextSync := make([]int, len(moves)+1)
	nextSync[len(moves)] = -1
	for i := len(moves) - 1; i >= 0; i-- {
		nextSync[i] = nextSync[i+1]
		if moves[i].Kind == conformance.SyncMove {
			nextSync[i] = ev[i]
		}
	}
	type pass struct{ flow, from, to int }
	var passes []pass
	pending := map[int][]int{} // flow → moves that entered it, oldest first
	for i, m := range moves {
		tr := int(m.Transition)
		if m.Kind == conformance.LogMove || tr < 0 || tr >= len(idx.Pre) {
			continue
		}
		for _, w := range idx.Pre[tr] {
			f, ok := flowAt(w.Place)
			if !ok || len(pending[f]) == 0 {
				continue
			}
			in := pending[f][0]
			pending[f] = pending[f][1:]
			if from, to := lastSync[in], nextSync[i]; from >= 0 && to >= 0 {
				passes = append(passes, pass{f, from, to})
			}
		}
		for _, w := range idx.Post[tr] {
			if f, ok := flowAt(w.Place); ok {
				pending[f] = append(pending[f], i)
			}
		}
	}
	for _, c := range cases {
		base := t.tl.CaseStart[c]
		n := t.tl.CaseStart[c+1] - base
		for _, p := range passes {
			if int32(p.to) >= n || int32(p.from) >= n {
				continue
			}
			d := t.tl.Time[base+int32(p.to)] - t.tl.Time[base+int32(p.from)]
			flows[p.flow].MeanSeconds += float64(d) / 1e6
			flows[p.flow].Timed++
		}
	}
}
