package fit

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// poolSimilarity is the cosine similarity of two resources' activity
// counts from which they share a pool.
const poolSimilarity = 0.7

// minTeamWork is the fewest instances of an activity for a team value
// from which the value's work gets its own pool.
const minTeamWork = 5

// calendarShare is the share of the pool's busiest hour of the week an
// hour needs to count as working time.
const calendarShare = 0.02

// teamGain is the share of the uncertainty about who (which group, or
// which resource where the log has no groups) does an activity that a case
// attribute must remove to choose teams: Database incidents go to the DBAs.
const teamGain = 0.25

// chooseTeam finds the case attribute that best predicts who works on a
// case, beyond the activity itself (information gain of the attribute on
// the worker given the activity, over the worker's conditional entropy).
func (f *fitter) chooseTeam() {
	l := f.l
	if len(l.Resources) == 0 || f.o.MaxAttributes < 0 {
		return
	}
	groupOf := f.resourceGroups()
	caseOf := make([]int32, l.Steps())
	for c := range l.Cases() {
		for i := l.CaseStart[c]; i < l.CaseStart[c+1]; i++ {
			caseOf[i] = int32(c)
		}
	}
	worker := func(i int) int64 {
		r := l.Resource[i]
		if groupOf != nil {
			return int64(groupOf[r])
		}
		return int64(r)
	}
	// entropy of the worker within each key, weighted by the key's count
	condEntropy := func(key func(i int) string) float64 {
		counts := map[string]map[int64]float64{}
		var total float64
		for i, r := range l.Resource {
			if r < 0 {
				continue
			}
			k := key(i)
			if counts[k] == nil {
				counts[k] = map[int64]float64{}
			}
			counts[k][worker(i)]++
			total++
		}
		var h float64
		for _, byW := range counts {
			var n float64
			for _, x := range byW {
				n += x
			}
			for _, x := range byW {
				h -= x / total * math.Log(x/n)
			}
		}
		return h
	}
	act := func(i int) string { return l.Activities[l.Act[i]] }
	base := condEntropy(act)
	if base < 1e-9 {
		return // the activity says who does it
	}
	cats := f.categorical()
	best, bestGain := -1, teamGain
	for ai := range cats {
		a := &cats[ai]
		h := condEntropy(func(i int) string { return act(i) + "\x00" + a.values[caseOf[i]] })
		if g := (base - h) / base; g > bestGain {
			best, bestGain = ai, g
		}
	}
	if best >= 0 {
		f.team = &cats[best]
		f.note("case attribute %q says which team works on a case (it removes %.0f %% of the uncertainty about who does an activity): pools are found per team and work goes to the case's team", f.team.name, 100*bestGain)
	}
}

// keepTeam drops the team attribute when the variants do not carry it
// (MaxAttributes too small): pools then follow activities alone.
func (f *fitter) keepTeam(kept []caseAttr) {
	if f.team != nil && !slices.ContainsFunc(kept, func(a caseAttr) bool { return a.name == f.team.name }) {
		f.team = nil
	}
}

// pools groups the resources into pools, assigns each activity to one and
// learns the pools' calendars.
func (f *fitter) pools(m *model.Model) {
	l := f.l
	nr, na := len(l.Resources), len(l.Activities)
	f.poolOf = make([]int, nr)
	if nr == 0 {
		f.note("the log names no resources: activities are not limited by staff")
		return
	}
	// Activity counts per resource; with a team attribute, per activity
	// and value, so that people doing the same work for different teams'
	// cases fall into different pools.
	values, valueOf := f.teamValues()
	nf := na * len(values)
	prof := make([][]float64, nr)
	for r := range prof {
		prof[r] = make([]float64, nf)
	}
	for i, r := range l.Resource {
		if r >= 0 {
			prof[r][int(l.Act[i])*len(values)+valueOf[i]]++
		}
	}
	// Single-linkage clustering on cosine similarity (union-find). Groups
	// (org:group), where the log has them, only name the pools: people of
	// different teams who do the same work share the queue, which is how
	// the work is spread in the log.
	parent := make([]int, nr)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	norm := make([]float64, nr)
	for r, p := range prof {
		for _, v := range p {
			norm[r] += v * v
		}
		norm[r] = math.Sqrt(norm[r])
	}
	groupOf := f.resourceGroups()
	for a := range nr {
		if norm[a] == 0 {
			continue
		}
		for b := a + 1; b < nr; b++ {
			if norm[b] == 0 {
				continue
			}
			var dot float64
			for k := range nf {
				dot += prof[a][k] * prof[b][k]
			}
			if dot/(norm[a]*norm[b]) >= poolSimilarity {
				parent[find(a)] = find(b)
			}
		}
	}
	// Number the pools by their busiest activity, name them after it.
	groups := map[int][]int{}
	for r := range nr {
		if norm[r] == 0 {
			continue
		}
		groups[find(r)] = append(groups[find(r)], r)
	}
	type group struct {
		members []int
		counts  []float64 // instances per activity
		byValue []float64 // per activity and team value
		name    string
		top     string // its busiest activity
	}
	var gs []*group
	for _, members := range groups {
		g := &group{members: members, counts: make([]float64, na), byValue: make([]float64, nf)}
		for _, r := range members {
			for k, v := range prof[r] {
				g.counts[k/len(values)] += v
				g.byValue[k] += v
			}
		}
		top := 0
		for k := range na {
			if g.counts[k] > g.counts[top] || (g.counts[k] == g.counts[top] && l.Activities[k] < l.Activities[top]) {
				top = k
			}
		}
		g.top = l.Activities[top]
		g.name = "pool " + g.top
		if groupOf != nil {
			// The members' most common group names the pool.
			n := map[int]int{}
			best := -1
			for _, r := range g.members {
				n[groupOf[r]]++
				if best < 0 || n[groupOf[r]] > n[best] || (n[groupOf[r]] == n[best] && groupOf[r] < best) {
					best = groupOf[r]
				}
			}
			g.name = l.Groups[best]
		}
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].name != gs[j].name {
			return gs[i].name < gs[j].name
		}
		return gs[i].members[0] < gs[j].members[0]
	})
	// Two pools of one group are told apart by their busiest activity.
	named := map[string]int{}
	for _, g := range gs {
		named[g.name]++
	}
	for _, g := range gs {
		if named[g.name] > 1 && !strings.HasPrefix(g.name, "pool ") {
			g.name += " (" + g.top + ")"
		}
	}
	used := map[string]int{}
	m.Pools = model.Pools{}
	f.poolCal = make([]*calendar.Calendar, len(gs))
	names := make([]string, len(gs))
	for gi, g := range gs {
		name := g.name
		if used[name]++; used[name] > 1 {
			name = fmt.Sprintf("%s (%d)", name, used[name])
		}
		names[gi] = name
		p := &model.Pool{}
		slices.Sort(g.members)
		for _, r := range g.members {
			f.poolOf[r] = gi
			p.Resources = append(p.Resources, &model.Resource{Name: l.Resources[r]})
		}
		p.Calendar = f.calendar(g.members)
		if p.Calendar != nil {
			cal, err := p.Calendar.Compile(f.o.Location.String())
			if err == nil {
				f.poolCal[gi] = cal
			} else {
				p.Calendar = nil
			}
		}
		m.Pools[name] = p
	}
	// Each activity goes to the pool that performed it most.
	for k, a := range l.Activities {
		best, bestN := -1, 0.0
		for gi, g := range gs {
			if g.counts[k] > bestN {
				best, bestN = gi, g.counts[k]
			}
		}
		if best < 0 {
			continue
		}
		m.Acts[a].Pool = names[best]
		// With teams: each value's work goes to the pool that did most of
		// it, where that is another pool and there is enough of it.
		if f.team == nil {
			continue
		}
		pb := &model.PoolBy{Attribute: f.team.name, Pools: map[string]string{}}
		for vi, v := range values {
			if v == "" {
				continue
			}
			vb, vbN, total := -1, 0.0, 0.0
			for gi, g := range gs {
				x := g.byValue[k*len(values)+vi]
				total += x
				if x > vbN {
					vb, vbN = gi, x
				}
			}
			if vb >= 0 && vb != best && total >= minTeamWork {
				pb.Pools[v] = names[vb]
			}
		}
		if len(pb.Pools) > 0 {
			m.Acts[a].PoolBy = pb
		}
	}
	f.rep.Pools = len(gs)
	for r := range nr {
		if norm[r] == 0 {
			f.poolOf[r] = -1
		}
	}
}

// teamValues lists the team attribute's values ("" first: absent or no
// team) and each step's value index; without a team, one value for all.
func (f *fitter) teamValues() ([]string, []int) {
	l := f.l
	valueOf := make([]int, l.Steps())
	if f.team == nil {
		return []string{""}, valueOf
	}
	values := []string{""}
	index := map[string]int{"": 0}
	for _, v := range f.team.values {
		if _, ok := index[v]; !ok {
			index[v] = len(values)
			values = append(values, v)
		}
	}
	for c := range l.Cases() {
		vi := index[f.team.values[c]]
		for i := l.CaseStart[c]; i < l.CaseStart[c+1]; i++ {
			valueOf[i] = vi
		}
	}
	return values, valueOf
}

// resourceGroups returns each resource's most frequent group (org:group),
// which names the pools, when nearly every instance with a resource names
// one; else nil.
func (f *fitter) resourceGroups() []int {
	l := f.l
	if len(l.Groups) == 0 || len(l.Group) != len(l.Resource) {
		return nil
	}
	withRes, withGroup := 0, 0
	counts := make([]map[int32]int, len(l.Resources))
	for i, r := range l.Resource {
		if r < 0 {
			continue
		}
		withRes++
		if g := l.Group[i]; g >= 0 {
			withGroup++
			if counts[r] == nil {
				counts[r] = map[int32]int{}
			}
			counts[r][g]++
		}
	}
	if withRes == 0 || withGroup*10 < withRes*9 {
		return nil
	}
	out := make([]int, len(l.Resources))
	for r, c := range counts {
		best, bestN := int32(-1), -1
		for g, n := range c {
			if n > bestN || (n == bestN && g < best) {
				best, bestN = g, n
			}
		}
		if best < 0 {
			return nil // a resource that never names a group
		}
		out[r] = int(best)
	}
	return out
}

// calendar learns the working hours of a group of resources from when they
// record work (starts and completions): the hours of the week with at least
// calendarShare of the busiest hour's activity. nil means around the clock.
func (f *fitter) calendar(members []int) *model.Calendar {
	l := f.l
	in := map[int]bool{}
	for _, r := range members {
		in[r] = true
	}
	var counts [model.HoursPerWeek]float64
	for i, r := range l.Resource {
		if r < 0 || !in[int(r)] {
			continue
		}
		// Work starts in working hours; a completion may spill past them
		// (a job that overruns the duty window), so it counts only where
		// the instance has no start.
		if l.Start[i] != timeline.None && l.Start[i] <= l.Time[i] {
			counts[hourOfWeek(l.Start[i], f.o.Location)]++
		} else {
			counts[hourOfWeek(l.Time[i], f.o.Location)]++
		}
	}
	peak := slices.Max(counts[:])
	if peak == 0 {
		return nil
	}
	var work [model.HoursPerWeek]bool
	n := 0
	for h, c := range counts {
		if c >= calendarShare*peak {
			work[h] = true
			n++
		}
	}
	if n >= model.HoursPerWeek-8 {
		return nil // nearly every hour: around the clock
	}
	return hoursCalendar(work)
}

var dayKeys = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// hoursCalendar turns working hours of the week into calendar intervals,
// "08:00-12:00" per weekday, merging neighbouring hours.
func hoursCalendar(work [model.HoursPerWeek]bool) *model.Calendar {
	c := &model.Calendar{Hours: map[string][]string{}}
	for d := range 7 {
		var spans []string
		for h := 0; h < 24; {
			if !work[d*24+h] {
				h++
				continue
			}
			e := h
			for e < 24 && work[d*24+e] {
				e++
			}
			spans = append(spans, fmt.Sprintf("%02d:00-%02d:00", h, e))
			h = e
		}
		if len(spans) > 0 {
			c.Hours[dayKeys[d]] = spans
		}
	}
	if len(c.Hours) == 0 {
		return nil
	}
	return c
}

// workSeconds is the working time of resource r's pool in [a, b) (calendar
// time when the pool works around the clock or r has no pool).
func (f *fitter) workSeconds(r int32, a, b int64) float64 {
	if b <= a {
		return 0
	}
	if r >= 0 && int(r) < len(f.poolOf) {
		if p := f.poolOf[r]; p >= 0 && p < len(f.poolCal) && f.poolCal[p] != nil {
			return f.poolCal[p].Seconds(a, b)
		}
	}
	return float64(b-a) / 1e6
}
