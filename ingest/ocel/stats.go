package ocel

import "sort"

// Stats summarises an object-centric log.
type Stats struct {
	Log            string       `json:"log"`
	Events         int64        `json:"events"`
	Objects        int64        `json:"objects"`
	E2O            int64        `json:"e2o"` // distinct event-object pairs
	ObjectsPerType []TypeCount  `json:"objects_per_type"`
	EventsPerType  []TypeCount  `json:"events_per_type"` // per event type (activity)
	PerObjectType  []ObjectStat `json:"events_per_object"`
}

// TypeCount is a count for one type.
type TypeCount struct {
	Type  string `json:"type"`
	Count int64  `json:"count"`
}

// ObjectStat is, for one object type, how many events its objects have
// (objects without events count, with 0) and how many distinct events
// relate to at least one of them.
type ObjectStat struct {
	Type    string  `json:"type"`
	Objects int64   `json:"objects"`
	Events  int64   `json:"events"` // distinct events related to an object of the type
	Min     int64   `json:"min"`
	Mean    float64 `json:"mean"`
	Max     int64   `json:"max"`
}

// ComputeStats summarises g. Lists are sorted by type name.
func ComputeStats(g *Graph) Stats {
	s := Stats{Log: g.Name, Events: int64(len(g.EventIDs)), Objects: int64(len(g.ObjectIDs))}
	ev := map[string]int64{}
	for _, a := range g.EventTypes {
		ev[a]++
	}
	ob := map[string]int64{}
	per := map[string]*ObjectStat{}
	seen := map[string]map[int32]bool{}
	for o, evs := range g.ObjectEvents {
		t := g.ObjectTypes[o]
		ob[t]++
		s.E2O += int64(len(evs))
		p := per[t]
		if p == nil {
			p = &ObjectStat{Type: t, Min: int64(len(evs))}
			per[t] = p
			seen[t] = map[int32]bool{}
		}
		n := int64(len(evs))
		p.Objects++
		p.Min, p.Max = min(p.Min, n), max(p.Max, n)
		p.Mean += float64(n)
		for _, e := range evs {
			seen[t][e] = true
		}
	}
	for _, t := range sortedKeys64(ob) {
		s.ObjectsPerType = append(s.ObjectsPerType, TypeCount{t, ob[t]})
		p := per[t]
		p.Mean /= float64(p.Objects)
		p.Events = int64(len(seen[t]))
		s.PerObjectType = append(s.PerObjectType, *p)
	}
	for _, t := range sortedKeys64(ev) {
		s.EventsPerType = append(s.EventsPerType, TypeCount{t, ev[t]})
	}
	return s
}

func sortedKeys64(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
