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
// to flows (MeanSeconds holds the sum until Compute divides). It replays
// the aligned run on the net, each token carrying the trace position of
// the last in-step event that causally precedes it and the passes still
// waiting for their end (see FlowStat).
func (t *times) add(vi int, moves []conformance.Move, net *petri.Net, idx *petri.Index, flowAt func(place int) (int, bool), flows []FlowStat) {
	cases := t.byVars[vi]
	if len(cases) == 0 {
		return
	}
	type token struct {
		at      int   // trace position of the causing event, -1 none
		pending []int // passes it carries that have not ended
	}
	type pass struct{ flow, from, to int }
	var passes []pass
	tokens := make([][]token, len(idx.PlaceOut))
	for p, n := range net.Initial {
		for ; n > 0 && p >= 0 && p < len(tokens); n-- {
			tokens[p] = append(tokens[p], token{at: -1})
		}
	}
	pos := 0
	for _, m := range moves {
		if m.Kind == conformance.LogMove {
			pos++
			continue
		}
		tr := int(m.Transition)
		if tr < 0 || tr >= len(idx.Pre) {
			continue
		}
		// Consume: the first tokens in (places of a sound net hold one).
		merged := token{at: -1}
		for _, w := range idx.Pre[tr] {
			for k := 0; k < w.Weight && len(tokens[w.Place]) > 0; k++ {
				tk := tokens[w.Place][0]
				tokens[w.Place] = tokens[w.Place][1:]
				merged.at = max(merged.at, tk.at)
				merged.pending = append(merged.pending, tk.pending...)
			}
		}
		if m.Kind == conformance.SyncMove {
			for _, p := range merged.pending {
				if passes[p].to < 0 { // a copy past a split may have ended it
					passes[p].to = pos
				}
			}
			merged = token{at: pos}
			pos++
		}
		for _, w := range idx.Post[tr] {
			out := token{at: merged.at, pending: merged.pending}
			if f, ok := flowAt(w.Place); ok {
				out.pending = append(append([]int(nil), merged.pending...), len(passes))
				passes = append(passes, pass{flow: f, from: merged.at, to: -1})
			}
			for k := 0; k < w.Weight; k++ {
				tokens[w.Place] = append(tokens[w.Place], out)
			}
		}
	}
	for _, c := range cases {
		base := t.tl.CaseStart[c]
		n := int(t.tl.CaseStart[c+1] - base)
		for _, p := range passes {
			if p.from < 0 || p.to < 0 || p.from >= n || p.to >= n {
				continue
			}
			d := t.tl.Time[base+int32(p.to)] - t.tl.Time[base+int32(p.from)]
			flows[p.flow].MeanSeconds += float64(d) / 1e6
			flows[p.flow].Timed++
		}
	}
}
