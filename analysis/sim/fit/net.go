package fit

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/mining/conformance"
	"github.com/pmx-dev/pmx/mining/eventlog"
	"github.com/pmx-dev/pmx/mining/petri"
)

// Design is a designed process for mode net: the workflow net and what
// the file it was drawn in says about it. What the file says wins over
// what the log shows, so that a to-be process can be simulated before
// anyone works by it.
type Design struct {
	// Net is the workflow net; its visible transitions' labels are the
	// activities (as the log spells them, see bpmn.MatchLabels).
	Net *petri.Net
	// Weights fixes choices: transition index → probability of that
	// transition where it competes with others for a place's token. The
	// place's other transitions share what is left by their counts in the
	// log.
	Weights map[int]float64
	// Durations fixes activities' durations (working seconds).
	Durations map[string]dist.Dist
	// Lanes maps activities to the lane (a resource role) drawn around
	// them; empty when the design has none.
	Lanes map[string]string
	// Notes say what the design's reader approximated; Fit reports them.
	Notes []string
}

// weightDigits is how finely fitted weights are written: probabilities
// to 1e-4 keep a fitted file readable and differ from the counts' ratios
// by far less than the sampling noise of any log.
const weightDigits = 1e4

// netRouting aligns the log to the design's net and counts, per place,
// how often each of its output transitions fired in the aligned runs:
// synchronous and model-only moves (the model says the step happens) and
// silent moves count, log-only moves do not. A place's counts, with the
// design's fixed weights, become its choice probabilities.
func (f *fitter) netRouting(ctx context.Context, m *model.Model) (*model.WorkflowNet, error) {
	d := f.o.Design
	if d == nil || d.Net == nil {
		return nil, fmt.Errorf("fit: mode %s needs Options.Design with a net", model.Net)
	}
	if err := d.Net.Validate(); err != nil {
		return nil, fmt.Errorf("fit: design: %w", err)
	}
	w := model.NetOf(d.Net)
	// Every label needs a duration: from the log, or from the design.
	var missing []string
	for _, a := range w.Labels() {
		if _, ok := m.Acts[a]; ok {
			continue
		}
		if _, ok := d.Durations[a]; !ok {
			missing = append(missing, a)
			continue
		}
		m.Acts[a] = &model.Activity{Duration: d.Durations[a]}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("fit: %d task(s) of the design match no activity of the log and have no duration in the file: %s; give each a \"duration\" property (seconds, or {dist: KIND, ...} as in the model file), or rename it to the log's activity (log activities: %s)",
			len(missing), quote(missing), quote(f.l.Activities))
	}
	for _, n := range d.Notes {
		f.note("%s", n)
	}
	traces := make([][]string, f.l.Cases())
	for c := range traces {
		for i := f.l.CaseStart[c]; i < f.l.CaseStart[c+1]; i++ {
			traces[c] = append(traces[c], f.l.Activities[f.l.Act[i]])
		}
	}
	el := eventlog.FromTraces(traces)
	al, err := conformance.Align(ctx, el, d.Net, conformance.AlignOptions{})
	if err != nil {
		return nil, fmt.Errorf("fit: aligning the log to the design: %w", err)
	}
	f.netEnabling(traces, el, al, d.Net)
	fired := make([]float64, len(d.Net.Transitions))
	for _, v := range al.Variants {
		for _, mv := range v.Moves {
			if mv.Kind != conformance.LogMove && mv.Transition >= 0 {
				fired[mv.Transition] += float64(v.Count)
			}
		}
	}
	if al.UnalignedCases > 0 {
		f.note("%d of %d cases could not be aligned to the design within the search budget; their choices are not counted", al.UnalignedCases, f.l.Cases())
	}
	f.note("the log fits the design with alignment fitness %.3f (%.0f %% of cases fit it exactly)", al.LogFitness, al.PercentageFitting)
	ix := d.Net.Index()
	for p, outs := range ix.PlaceOut {
		if len(outs) < 2 {
			continue
		}
		ws := choiceWeights(outs, fired, d.Weights)
		if w.Weights == nil {
			w.Weights = map[string]map[string]float64{}
		}
		pw := map[string]float64{}
		for i, t := range outs {
			pw[d.Net.Transitions[t].ID] = ws[i]
		}
		w.Weights[d.Net.Places[p].ID] = pw
	}
	return w, nil
}

// netEnabling sets each step's enabling instant from its case's aligned
// run: the instant the last token its transition takes was put, where the
// other modes take the case's previous completion. In a net that runs
// branches side by side, the previous completion may be another branch's,
// and a step of one branch would look enabled late (its delay, and the
// calibration's target, too short). Tokens are taken first in, first out;
// a synchronous move puts its tokens at the step's completion, a model or
// silent move at once. Cases whose variant was not aligned keep the
// previous completion.
func (f *fitter) netEnabling(traces [][]string, el *eventlog.Log, al *conformance.Alignments, net *petri.Net) {
	ix := net.Index()
	variant := make(map[string]int, len(el.Variants))
	for vi, v := range el.Variants {
		variant[strings.Join(el.Trace(v), "\x00")] = vi
	}
	tokens := make([][]int64, len(net.Places)) // per place: when each token was put
	for c, trace := range traces {
		vi, ok := variant[strings.Join(trace, "\x00")]
		if !ok || vi >= len(al.Variants) || !al.Variants[vi].Aligned {
			continue
		}
		for p := range tokens {
			tokens[p] = tokens[p][:0]
		}
		arrival := f.arrival[c]
		for p, k := range net.Initial {
			for range k {
				tokens[p] = append(tokens[p], arrival)
			}
		}
		i, hi := f.l.CaseStart[c], f.l.CaseStart[c+1]
		for _, mv := range al.Variants[vi].Moves {
			if mv.Kind == conformance.LogMove {
				i++
				continue
			}
			en := arrival
			for _, w := range ix.Pre[mv.Transition] {
				for range w.Weight {
					if q := tokens[w.Place]; len(q) > 0 {
						en = max(en, q[0])
						tokens[w.Place] = q[1:]
					}
				}
			}
			put := en
			if mv.Kind == conformance.SyncMove && i < hi {
				f.enabled[i] = min(en, f.begin[i])
				put = f.l.Time[i]
				i++
			}
			for _, w := range ix.Post[mv.Transition] {
				for range w.Weight {
					tokens[w.Place] = append(tokens[w.Place], put)
				}
			}
		}
	}
}

// choiceWeights are the probabilities of a place's output transitions:
// fixed ones as given (scaled down together if they exceed 1), the others
// sharing the rest by how often they fired (equally when none did).
func choiceWeights(outs []int, fired []float64, fixed map[int]float64) []float64 {
	ws := make([]float64, len(outs))
	var fixedSum, count float64
	free := 0
	for _, t := range outs {
		if p, ok := fixed[t]; ok {
			fixedSum += p
		} else {
			count += fired[t]
			free++
		}
	}
	scale := 1.0
	if fixedSum > 1 || (free == 0 && fixedSum > 0) {
		scale = 1 / fixedSum
	}
	rest := max(0, 1-fixedSum*scale)
	for i, t := range outs {
		switch p, ok := fixed[t]; {
		case ok:
			ws[i] = p * scale
		case count > 0:
			ws[i] = rest * fired[t] / count
		default:
			ws[i] = rest / float64(free)
		}
		if ws[i] > 0 {
			ws[i] = max(1/weightDigits, math.Round(ws[i]*weightDigits)/weightDigits)
		}
	}
	if slices.Max(ws) == 0 {
		// Everything fixed at 0: the engine then chooses uniformly, and a
		// file must say so with weights that sum above 0.
		for i := range ws {
			ws[i] = 1
		}
	}
	return ws
}

// designDurations sets the durations the design gives, over the log's.
func (f *fitter) designDurations(m *model.Model) {
	d := f.o.Design
	for _, a := range slices.Sorted(maps.Keys(d.Durations)) {
		act, ok := m.Acts[a]
		if !ok {
			continue
		}
		act.Duration, act.DurationByPriority = d.Durations[a], nil
		if slices.Contains(f.l.Activities, a) {
			f.note("activity %s: duration from the design, not the log", a)
		}
	}
}

// lanes gives each lane of the design a pool of the resources who
// performed its tasks in the log: a lane is a role, and whoever did a
// role's work is in it. The lane's calendar is learned from those
// resources as a clustered pool's is, and their speeds stay. A lane whose
// tasks nobody in the log performed (new tasks, or a log without
// resources) gets no pool: its tasks keep what clustering gave them, and
// tasks the log never saw need no resource.
func (f *fitter) lanes(m *model.Model) {
	d := f.o.Design
	if d == nil || len(d.Lanes) == 0 {
		return
	}
	l := f.l
	if len(l.Resources) == 0 {
		f.note("the design has lanes but the log names no resources: the lanes get no pools")
		return
	}
	speed := map[string]float64{}
	for _, p := range m.Pools {
		for _, r := range p.Resources {
			speed[r.Name] = r.Speed
		}
	}
	actLane := map[int32]string{}
	for k, a := range l.Activities {
		if lane, ok := d.Lanes[a]; ok {
			actLane[int32(k)] = lane
		}
	}
	members := map[string]map[int]bool{}
	for i, r := range l.Resource {
		lane, ok := actLane[l.Act[i]]
		if r < 0 || !ok {
			continue
		}
		if members[lane] == nil {
			members[lane] = map[int]bool{}
		}
		members[lane][int(r)] = true
	}
	for _, lane := range slices.Sorted(maps.Keys(members)) {
		rs := make([]int, 0, len(members[lane]))
		for r := range members[lane] {
			rs = append(rs, r)
		}
		slices.Sort(rs)
		p := &model.Pool{Calendar: f.calendar(rs)}
		for _, r := range rs {
			p.Resources = append(p.Resources, &model.Resource{Name: l.Resources[r], Speed: speed[l.Resources[r]]})
		}
		m.Pools[lane] = p
	}
	var empty []string
	for _, a := range slices.Sorted(maps.Keys(d.Lanes)) {
		lane, act := d.Lanes[a], m.Acts[a]
		if act == nil {
			continue
		}
		if members[lane] == nil {
			if !slices.Contains(empty, lane) {
				empty = append(empty, lane)
			}
			continue
		}
		act.Pool, act.PoolBy = lane, nil
	}
	if len(empty) > 0 {
		f.note("lanes %s: nobody in the log performed their tasks, so they get no pool", quote(empty))
	}
}

// prune keeps the activities the net runs and the pools they use.
func prune(m *model.Model) {
	labels := m.Routing.Net.Labels()
	for a := range m.Acts {
		if !slices.Contains(labels, a) {
			delete(m.Acts, a)
		}
	}
	used := map[string]bool{}
	for _, a := range m.Acts {
		used[a.Pool] = true
		if a.PoolBy != nil {
			for _, p := range a.PoolBy.Pools {
				used[p] = true
			}
		}
	}
	for p := range m.Pools {
		if !used[p] {
			delete(m.Pools, p)
		}
	}
}

// quote lists up to 20 names.
func quote(names []string) string {
	q := make([]string, 0, min(len(names), 21))
	for i, n := range names {
		if i == 20 {
			q = append(q, fmt.Sprintf("… %d more", len(names)-20))
			break
		}
		q = append(q, fmt.Sprintf("%q", n))
	}
	return strings.Join(q, ", ")
}
