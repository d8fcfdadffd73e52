package bpmnview

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/analysis/timeline"
	"github.com/pmx-dev/pmx/mining/bpmn"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// Input is what Compute reads. Net, Node and Flow are the fields of the
// bpmn.Conversion of Process (pass conv.Net, conv.Node, conv.Flow); Align
// is conformance.Align(ctx, Log, Net, …) over the same Log.
type Input struct {
	Model *bpmn.Model
	// Process is the ID of the process drawn; "" takes the first process
	// that has flow nodes.
	Process string
	Net     *petri.Net
	// Node maps a transition index to the BPMN node it stands for ("" for
	// a transition of no node); Flow a place index to the sequence flow it
	// stands for ("" for none). Shorter slices read as "".
	Node, Flow []string
	Log        *eventlog.Log
	Align      *conformance.Alignments
	// Times, optional, is the same log with its timestamps (as pmx's
	// analyses load it); without it no flow has a mean time.
	Times *timeline.Log
}

// Overlay is how the log ran over the diagram, in cases of the aligned
// variants (unaligned ones are counted in Unaligned and nowhere else).
type Overlay struct {
	Process   string `json:"process"`
	Cases     int64  `json:"cases"`
	Unaligned int64  `json:"unaligned_cases,omitempty"`
	// Tasks in diagram order: every task, and any other node a visible
	// transition stands for.
	Tasks []TaskStat `json:"tasks"`
	// LogOnly is sorted by count (descending), then activity, then node.
	LogOnly []LogOnly  `json:"log_only"`
	Flows   []FlowStat `json:"flows"` // diagram order
}

// TaskStat is one task's moves: Sync when the log did it where the model
// has it, Skipped when the model needed it and the log lacks it (a move on
// the model only). SkipRate is Skipped / (Sync + Skipped), 0 when both are
// 0 (Ran tells that case apart).
type TaskStat struct {
	Node     string  `json:"node"`
	Name     string  `json:"name"`
	Sync     int64   `json:"sync"`
	Skipped  int64   `json:"skipped"`
	SkipRate float64 `json:"skip_rate"`
	Ran      bool    `json:"ran"`
}

// LogOnly is an activity the log did where the model allows none (a move
// on the log only), counted by where it happened: After is the BPMN node
// of the last visible move before it in the alignment (in step with the
// log, or on the model only: a task), "" when it came before any.
type LogOnly struct {
	Activity string `json:"activity"`
	After    string `json:"after"`
	Count    int64  `json:"count"`
}

// FlowStat is one sequence flow: Passes is how often the aligned runs put
// a token on it (its place, produced by a move's transition), Cases how
// many cases did at least once.
//
// MeanSeconds is the mean time on the flow over the Timed passes that
// have both ends, found by following the tokens of the aligned run: a
// pass starts at the last event (done in step by log and model) that
// causally precedes the token put on the flow — its source task's event,
// or the one before the gateways and skipped tasks it leaves — and ends
// at the first event the token (or, past a split, one of its copies)
// then reaches: its target task's, or the next task's after a gateway or
// a skipped task. Causality, not the order of the alignment's moves,
// decides, so parallel branches do not time each other. A pass from the
// start event, or into the end, has no such event and is not timed.
// Times are completion times.
type FlowStat struct {
	Flow        string  `json:"flow"`
	Source      string  `json:"source"`
	Target      string  `json:"target"`
	Cases       int64   `json:"cases"`
	Passes      int64   `json:"passes"`
	Timed       int64   `json:"timed,omitempty"`
	MeanSeconds float64 `json:"mean_seconds,omitempty"`
}

// ErrInput is wrapped by Compute's errors about inputs that do not fit
// together (a process that is not in the model, alignments of another log).
var ErrInput = errors.New("bpmnview: inputs do not match")

// Compute builds the overlay. It reads its inputs and changes none.
func Compute(in Input) (*Overlay, error) {
	if in.Model == nil || in.Net == nil || in.Log == nil || in.Align == nil {
		return nil, fmt.Errorf("bpmnview: Model, Net, Log and Align are required: %w", ErrInput)
	}
	p, err := pickProcess(in.Model, in.Process)
	if err != nil {
		return nil, err
	}
	if len(in.Align.Variants) != len(in.Log.Variants) {
		return nil, fmt.Errorf("bpmnview: %d alignments for %d variants of the log: %w",
			len(in.Align.Variants), len(in.Log.Variants), ErrInput)
	}
	nodeOf := func(t int32) string {
		if t >= 0 && int(t) < len(in.Node) {
			return in.Node[t]
		}
		return ""
	}
	flowOf := func(pl int) string {
		if pl >= 0 && pl < len(in.Flow) {
			return in.Flow[pl]
		}
		return ""
	}
	idx := in.Net.Index()
	ov := &Overlay{Process: p.ID}
	taskAt := map[string]int{}
	for _, n := range p.Nodes {
		if n.Kind == bpmn.Task {
			taskAt[n.ID] = len(ov.Tasks)
			ov.Tasks = append(ov.Tasks, TaskStat{Node: n.ID, Name: n.Name})
		}
	}
	flowAt := map[string]int{}
	for _, f := range p.Flows {
		flowAt[f.ID] = len(ov.Flows)
		ov.Flows = append(ov.Flows, FlowStat{Flow: f.ID, Source: f.Source, Target: f.Target})
	}
	task := func(id string) *TaskStat {
		i, ok := taskAt[id]
		if !ok {
			n := findNode(p, id)
			if n == nil {
				return nil // a node of another process
			}
			i = len(ov.Tasks)
			taskAt[id] = i
			ov.Tasks = append(ov.Tasks, TaskStat{Node: id, Name: n.Name})
		}
		return &ov.Tasks[i]
	}
	logOnly := map[[2]string]int64{}
	timing := newTimes(in.Log, in.Times)
	for vi, va := range in.Align.Variants {
		if !va.Aligned {
			ov.Unaligned += va.Count
			continue
		}
		n := va.Count
		ov.Cases += n
		after := ""
		seen := map[int]bool{}
		for _, m := range va.Moves {
			switch m.Kind {
			case conformance.LogMove:
				if m.Activity >= 0 && int(m.Activity) < len(in.Log.Activities) {
					logOnly[[2]string{in.Log.Activities[m.Activity], after}] += n
				}
				continue
			case conformance.SyncMove, conformance.ModelMove:
				if ts := task(nodeOf(m.Transition)); ts != nil {
					if m.Kind == conformance.SyncMove {
						ts.Sync += n
					} else {
						ts.Skipped += n
					}
				}
			}
			// Only visible moves say where a case is: the converter's
			// silent steps are named by the node they lead into, and an
			// alignment may put them before an event they do not precede.
			if id := nodeOf(m.Transition); id != "" && m.Kind != conformance.SilentMove {
				after = id
			}
			if m.Transition < 0 || int(m.Transition) >= len(idx.Post) {
				continue
			}
			for _, w := range idx.Post[m.Transition] {
				fi, ok := flowAt[flowOf(w.Place)]
				if !ok {
					continue
				}
				ov.Flows[fi].Passes += n
				if !seen[fi] {
					seen[fi] = true
					ov.Flows[fi].Cases += n
				}
			}
		}
		if timing != nil {
			timing.add(vi, va.Moves, in.Net, idx, func(pl int) (int, bool) { i, ok := flowAt[flowOf(pl)]; return i, ok }, ov.Flows)
		}
	}
	for i := range ov.Tasks {
		t := &ov.Tasks[i]
		t.Ran = t.Sync+t.Skipped > 0
		if t.Ran {
			t.SkipRate = float64(t.Skipped) / float64(t.Sync+t.Skipped)
		}
	}
	for i := range ov.Flows {
		if f := &ov.Flows[i]; f.Timed > 0 {
			f.MeanSeconds /= float64(f.Timed) // add summed seconds
		}
	}
	for k, c := range logOnly {
		ov.LogOnly = append(ov.LogOnly, LogOnly{Activity: k[0], After: k[1], Count: c})
	}
	slices.SortFunc(ov.LogOnly, func(a, b LogOnly) int {
		if a.Count != b.Count {
			if a.Count > b.Count {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.Activity, b.Activity); c != 0 {
			return c
		}
		return strings.Compare(a.After, b.After)
	})
	return ov, nil
}

// pickProcess finds the process to draw.
func pickProcess(m *bpmn.Model, id string) (*bpmn.Process, error) {
	for _, p := range m.Processes {
		if (id == "" && len(p.Nodes) > 0) || (id != "" && p.ID == id) {
			return p, nil
		}
	}
	if id == "" {
		return nil, fmt.Errorf("bpmnview: the model has no process with flow nodes: %w", ErrInput)
	}
	return nil, fmt.Errorf("bpmnview: no process %q in the model: %w", id, ErrInput)
}

func findNode(p *bpmn.Process, id string) *bpmn.Node {
	if id == "" {
		return nil
	}
	for _, n := range p.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}
