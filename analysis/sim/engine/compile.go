package engine

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/sim/dist"
	"github.com/pmx-dev/pmx/analysis/sim/model"
	"github.com/pmx-dev/pmx/mining/tree"
)

// Sim is a compiled model, ready to run any number of times (concurrently
// too: Run keeps all its state to itself).
type Sim struct {
	// Activities, Pools and Resources name the indices in Instance and
	// Result; activities and pools sorted by name, resources by pool, then
	// as listed.
	Activities []string
	Pools      []string
	Resources  []string
	// Attributes are the case attribute names templates carry, sorted.
	Attributes []string

	acts     []act
	pools    []pool
	res      []resource
	zone     *time.Location
	perHour  [model.HoursPerWeek]float64
	perWeek  float64 // Σ perHour
	gaps     dist.Dist
	variants []variant
	cum      []float64 // cumulative variant weights
	tree     *treeNode
	net      *netSim
	attrDist []attrDist // modes tree and net: independent attributes
	priority string
	rank     map[string]int32
	// byAttrs are the attributes (indices in Attributes) that choose pools
	// (model.PoolBy); a case keeps its value's id of each (-1: none).
	byAttrs []int
}

type act struct {
	pool     int32 // -1: no resource
	duration dist.Dist
	delay    *dist.Dist
	// after[p+1] replaces delay when the previous activity is p (after[0]:
	// the case's first activity); nil where there is none.
	after []*dist.Dist
	// byRank[r] replaces both for cases of priority rank r; durRank[r]
	// replaces duration.
	byRank, durRank []*dist.Dist
	// byK ≥ 0: the pool is byPool[the case's value id of byAttrs[byK]]
	// where that is ≥ 0, pool otherwise.
	byK    int32
	byPool []int32
}

type pool struct {
	resources   []int32
	costPerHour float64
}

type resource struct {
	pool  int32
	speed float64
	cal   *calendar.Calendar // nil: around the clock
}

type variant struct {
	acts   []int32
	attrs  []string // by Sim.Attributes; "" = absent
	rank   int32
	byVals []int32 // value id per Sim.byAttrs
}

type attrDist struct {
	name   string
	values []string
	cum    []float64
	ids    []int32 // value ids when the attribute chooses pools
}

// treeNode is a process tree compiled for playing out.
type treeNode struct {
	op       tree.Op
	act      int32 // leaf: activity, -1 for tau
	children []*treeNode
	cum      []float64 // X: cumulative child probabilities (normalised)
	redo     float64   // loop
}

// Compile validates m and compiles it.
func Compile(m *model.Model) (*Sim, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	s := &Sim{gaps: m.Arrivals.Gaps, rank: map[string]int32{}}
	zone := m.Timezone
	if zone == "" {
		zone = "UTC"
	}
	var err error
	if s.zone, err = time.LoadLocation(zone); err != nil {
		return nil, err
	}
	copy(s.perHour[:], m.Arrivals.PerHour)
	for _, v := range s.perHour {
		s.perWeek += v
	}
	s.Activities = keys(m.Acts)
	s.Pools = keys(m.Pools)
	actIndex := index(s.Activities)
	poolIndex := index(s.Pools)
	s.pools = make([]pool, len(s.Pools))
	for pi, pn := range s.Pools {
		p := m.Pools[pn]
		s.pools[pi].costPerHour = p.CostPerHour
		var poolCal *calendar.Calendar
		if p.Calendar != nil {
			if poolCal, err = p.Calendar.Compile(zone); err != nil {
				return nil, fmt.Errorf("pool %s: %w", pn, err)
			}
		}
		for _, r := range p.Resources {
			cal := poolCal
			if r.Calendar != nil {
				if cal, err = r.Calendar.Compile(zone); err != nil {
					return nil, fmt.Errorf("pool %s, resource %s: %w", pn, r.Name, err)
				}
			}
			speed := r.Speed
			if speed == 0 {
				speed = 1
			}
			s.pools[pi].resources = append(s.pools[pi].resources, int32(len(s.res)))
			s.res = append(s.res, resource{pool: int32(pi), speed: speed, cal: cal})
			s.Resources = append(s.Resources, r.Name)
		}
	}
	s.acts = make([]act, len(s.Activities))
	for i, a := range s.Activities {
		ma := m.Acts[a]
		s.acts[i] = act{pool: -1, duration: ma.Duration, delay: ma.Delay, byK: -1}
		if len(ma.DelayAfter) > 0 {
			s.acts[i].after = make([]*dist.Dist, len(s.Activities)+1)
			for prev, d := range ma.DelayAfter {
				if prev == "" {
					s.acts[i].after[0] = d
				} else {
					s.acts[i].after[actIndex[prev]+1] = d
				}
			}
		}
		if ma.Pool != "" {
			s.acts[i].pool = int32(poolIndex[ma.Pool])
		}
	}
	if m.Priority != nil {
		s.priority = m.Priority.Attribute
		for i, v := range m.Priority.Order {
			if _, dup := s.rank[v]; !dup {
				s.rank[v] = int32(i)
			}
		}
		for i, a := range s.Activities {
			if by := m.Acts[a].DelayByPriority; len(by) > 0 {
				s.acts[i].byRank = make([]*dist.Dist, len(s.rank)+1)
				for v, d := range by {
					s.acts[i].byRank[s.rankOf(v)] = d
				}
			}
			if by := m.Acts[a].DurationByPriority; len(by) > 0 {
				s.acts[i].durRank = make([]*dist.Dist, len(s.rank)+1)
				for v, d := range by {
					s.acts[i].durRank[s.rankOf(v)] = d
				}
			}
		}
	}
	switch m.Routing.Mode {
	case model.Variants:
		attrs := map[string]bool{}
		for _, v := range m.Routing.Variants {
			for k := range v.Attributes {
				attrs[k] = true
			}
		}
		s.Attributes = keys(attrs)
		var total float64
		for _, v := range m.Routing.Variants {
			cv := variant{attrs: make([]string, len(s.Attributes)), rank: s.rankOf(v.Attributes[s.priority])}
			for _, a := range v.Activities {
				cv.acts = append(cv.acts, int32(actIndex[a]))
			}
			for i, k := range s.Attributes {
				cv.attrs[i] = v.Attributes[k]
			}
			total += v.Cases
			s.variants = append(s.variants, cv)
			s.cum = append(s.cum, total)
		}
	case model.Tree:
		t, err := tree.Parse(m.Routing.Tree)
		if err != nil {
			return nil, err
		}
		s.tree = compileTree(t, "0", m.Routing.Probabilities, actIndex)
		s.compileAttributes(m.Routing.Probabilities)
	case model.Net:
		s.net = compileNet(m.Routing.Net, actIndex)
		s.compileAttributes(m.Routing.Probabilities)
	}
	s.compilePoolBy(m, poolIndex)
	return s, nil
}

// compileAttributes compiles the case attributes drawn independently of
// the path (modes tree and net).
func (s *Sim) compileAttributes(p *model.Probabilities) {
	if p == nil {
		return
	}
	for _, name := range keys(p.Attributes) {
		ad := attrDist{name: name}
		var total float64
		for _, v := range keys(p.Attributes[name]) {
			total += p.Attributes[name][v]
			ad.values = append(ad.values, v)
			ad.cum = append(ad.cum, total)
		}
		s.attrDist = append(s.attrDist, ad)
		s.Attributes = append(s.Attributes, name)
	}
}

// compilePoolBy numbers the values of the attributes that choose pools
// and gives each variant (or attribute distribution) its value ids.
func (s *Sim) compilePoolBy(m *model.Model, poolIndex map[string]int) {
	attrIndex := index(s.Attributes)
	ids := map[string]map[string]int32{} // attribute → value → id
	for i, a := range s.Activities {
		pb := m.Acts[a].PoolBy
		if pb == nil || s.acts[i].pool < 0 {
			continue
		}
		ai, ok := attrIndex[pb.Attribute]
		if !ok {
			continue // Validate refuses it; no case carries the attribute
		}
		k := slices.Index(s.byAttrs, ai)
		if k < 0 {
			k = len(s.byAttrs)
			s.byAttrs = append(s.byAttrs, ai)
			ids[pb.Attribute] = map[string]int32{}
		}
		vid := ids[pb.Attribute]
		s.acts[i].byK = int32(k)
		for _, v := range keys(pb.Pools) {
			id, ok := vid[v]
			if !ok {
				id = int32(len(vid))
				vid[v] = id
			}
			for len(s.acts[i].byPool) <= int(id) {
				s.acts[i].byPool = append(s.acts[i].byPool, -1)
			}
			s.acts[i].byPool[id] = int32(poolIndex[pb.Pools[v]])
		}
	}
	if len(s.byAttrs) == 0 {
		return
	}
	id := func(k int, v string) int32 {
		if x, ok := ids[s.Attributes[s.byAttrs[k]]][v]; ok {
			return x
		}
		return -1
	}
	for vi := range s.variants {
		v := &s.variants[vi]
		v.byVals = make([]int32, len(s.byAttrs))
		for k, ai := range s.byAttrs {
			v.byVals[k] = id(k, v.attrs[ai])
		}
	}
	for ai := range s.attrDist {
		ad := &s.attrDist[ai]
		if k := slices.Index(s.byAttrs, ai); k >= 0 {
			ad.ids = make([]int32, len(ad.values))
			for j, v := range ad.values {
				ad.ids[j] = id(k, v)
			}
		}
	}
}

func (s *Sim) rankOf(v string) int32 {
	if s.priority == "" {
		return 0
	}
	if r, ok := s.rank[v]; ok {
		return r
	}
	return int32(len(s.rank))
}

func compileTree(t *tree.Node, at string, p *model.Probabilities, actIndex map[string]int) *treeNode {
	n := &treeNode{op: t.Op, act: -1}
	if t.Op == tree.Leaf {
		if !t.Tau {
			n.act = int32(actIndex[t.Label])
		}
		return n
	}
	for i, c := range t.Children {
		n.children = append(n.children, compileTree(c, fmt.Sprintf("%s.%d", at, i), p, actIndex))
	}
	switch t.Op {
	case tree.Xor:
		var total float64
		for _, v := range p.Choice[at] {
			total += v
			n.cum = append(n.cum, total)
		}
		for i := range n.cum {
			n.cum[i] /= total
		}
	case tree.Loop:
		n.redo = p.Redo[at]
	}
	return n
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func index(names []string) map[string]int {
	m := make(map[string]int, len(names))
	for i, n := range names {
		m[n] = i
	}
	return m
}

// pick returns the index i with cum[i-1] <= u·total < cum[i].
func pick(cum []float64, u float64) int {
	x := u * cum[len(cum)-1]
	i, _ := slices.BinarySearchFunc(cum, x, func(c, x float64) int {
		if c <= x {
			return -1
		}
		return 1
	})
	return min(i, len(cum)-1)
}
