package live

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Completed is a case that ended.
type Completed struct {
	Case    string  `json:"case"`
	End     int64   `json:"-"`
	Seconds float64 `json:"seconds"` // its throughput time, first event to end
}

// Exception is something that went wrong: "rework" (an activity done again
// in a case), "reopen" (an event after the case ended), "dead-letter" (a
// message the ingester could not read), "breach" (an SLA rule breached).
type Exception struct {
	At       int64  `json:"-"`
	Kind     string `json:"kind"`
	Case     string `json:"case,omitempty"`
	Activity string `json:"activity,omitempty"`
	Detail   string `json:"detail"`
}

// Overview is the state at a glance.
type Overview struct {
	Log   string    `json:"log"`
	Now   time.Time `json:"now"` // the stream clock
	Open  int       `json:"open_cases"`
	Cases int       `json:"cases_followed"`
	// Events and Batches applied since start (the rebuild included).
	Events  int64 `json:"events"`
	Batches int64 `json:"batches"`
	// Activities: per activity, the open cases whose last step it was
	// (After), those with it started and not completed (Inside), and the
	// open cases expected to wait before it next (Waiting: each case idle
	// after A counts Next[A][B] towards B).
	Activities []ActivityLoad `json:"activities"`
	// Hours: arrivals, completions and open cases (at the hour's end) per
	// hour of the window, oldest first.
	Hours []Hour `json:"hours"`
	// Throughput of the most recently completed cases.
	Throughput Throughput `json:"throughput"`
}

// ActivityLoad is an activity's share of the open cases.
type ActivityLoad struct {
	Activity string  `json:"activity"`
	After    int     `json:"after"`
	Inside   int     `json:"in_progress"`
	Waiting  float64 `json:"waiting_before"`
}

// Hour is one hour's counts.
type Hour struct {
	Start       time.Time `json:"start"`
	Arrivals    int       `json:"arrivals"`
	Completions int       `json:"completions"`
	Open        int       `json:"open"`
}

// Throughput summarises the most recently completed cases.
type Throughput struct {
	Cases  int     `json:"cases"`
	Median float64 `json:"median_seconds"`
	P90    float64 `json:"p90_seconds"`
	Mean   float64 `json:"mean_seconds"`
}

// Overview returns the state at a glance; hours limits the hours listed
// (0: the whole window).
func (s *State) Overview(hours int) Overview {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := Overview{Log: s.o.Log, Now: time.UnixMicro(s.now).UTC(), Open: s.open, Cases: len(s.cases), Events: s.applied, Batches: s.batches}
	waiting := map[string]float64{}
	for a, n := range s.after {
		if n <= 0 {
			continue
		}
		for b, p := range s.o.Profile.Next[s.acts[a]] {
			waiting[b] += float64(n) * p
		}
	}
	for i, name := range s.acts {
		al := ActivityLoad{Activity: name, After: s.after[int32(i)], Inside: s.inside[int32(i)], Waiting: math.Round(waiting[name]*10) / 10}
		if al.After != 0 || al.Inside != 0 || al.Waiting != 0 {
			o.Activities = append(o.Activities, al)
		}
	}
	slices.SortFunc(o.Activities, func(a, b ActivityLoad) int { return cmp.Compare(a.Activity, b.Activity) })
	if s.now > 0 {
		last := s.now / hourUS
		first := max(s.oldest, last-int64(s.o.Window)+1)
		if hours > 0 {
			first = max(first, last-int64(hours)+1)
		}
		open := s.wipBase
		for k := s.oldest; k < first; k++ {
			if h := s.hours[k]; h != nil {
				open += h.diff
			}
		}
		for k := first; k <= last && k > 0; k++ {
			var h hourCounts
			if p := s.hours[k]; p != nil {
				h = *p
			}
			open += h.diff
			o.Hours = append(o.Hours, Hour{Start: time.UnixMicro(k * hourUS).UTC(), Arrivals: h.arrivals, Completions: h.completions, Open: open})
		}
	}
	o.Throughput = throughput(s.recent)
	return o
}

func throughput(cs []Completed) Throughput {
	if len(cs) == 0 {
		return Throughput{}
	}
	xs := make([]float64, len(cs))
	var sum float64
	for i, c := range cs {
		xs[i] = c.Seconds
		sum += c.Seconds
	}
	slices.Sort(xs)
	q := func(p float64) float64 {
		h := p * float64(len(xs)-1)
		i := int(h)
		if i >= len(xs)-1 {
			return xs[len(xs)-1]
		}
		return xs[i] + (h-float64(i))*(xs[i+1]-xs[i])
	}
	return Throughput{Cases: len(xs), Median: q(0.5), P90: q(0.9), Mean: sum / float64(len(xs))}
}

// WorkItem is an open case with a ticking SLA clock.
type WorkItem struct {
	Case string `json:"case"`
	Rule string `json:"rule"`
	// Status: "breached" (past the deadline), "at-risk" (past RiskShare of
	// the target) or "on-track".
	Status   string    `json:"status"`
	Deadline time.Time `json:"deadline"`
	// LeftSeconds is the time to the deadline in wall-clock seconds
	// (negative once breached).
	LeftSeconds   float64   `json:"left_seconds"`
	TargetSeconds float64   `json:"target_seconds"`
	LastActivity  string    `json:"last_activity"`
	Resource      string    `json:"resource,omitempty"`
	Since         time.Time `json:"last_event"`
}

// Worklist lists the open cases' clocks by deadline, nearest first (the
// breached ones first of all); all false keeps only those at risk or
// breached. limit ≤ 0 lists all.
func (s *State) Worklist(all bool, limit int) []WorkItem {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []WorkItem
	now := s.judged()
	for _, ck := range s.clocks {
		status := "on-track"
		switch {
		case now >= ck.Deadline:
			status = "breached"
		case now >= ck.RiskAt:
			status = "at-risk"
		}
		if !all && status == "on-track" {
			continue
		}
		w := WorkItem{Case: ck.Case, Rule: ck.Rule, Status: status, Deadline: time.UnixMicro(ck.Deadline).UTC(),
			LeftSeconds: float64(ck.Deadline-now) / 1e6, TargetSeconds: ck.TargetSeconds}
		if c := s.cases[ck.Case]; c != nil {
			w.Since = time.UnixMicro(c.last).UTC()
			if la := c.lastAct(); la >= 0 {
				w.LastActivity = s.acts[la]
				if r := c.res[len(c.res)-1]; r >= 0 {
					w.Resource = s.res[r]
				}
			}
		}
		out = append(out, w)
	}
	slices.SortFunc(out, func(a, b WorkItem) int {
		if c := a.Deadline.Compare(b.Deadline); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Case, b.Case); c != 0 {
			return c
		}
		return cmp.Compare(a.Rule, b.Rule)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Stuck is an open case idle for longer than its last step usually lets
// cases wait.
type Stuck struct {
	Case         string    `json:"case"`
	LastActivity string    `json:"last_activity"`
	Resource     string    `json:"resource,omitempty"`
	Since        time.Time `json:"last_event"`
	IdleSeconds  float64   `json:"idle_seconds"`
	// UsualSeconds is the threshold: the 95th percentile of the wait after
	// the last activity in the history.
	UsualSeconds float64 `json:"usual_seconds"`
}

// Stuck lists the stuck cases, longest idle relative to the threshold
// first. limit ≤ 0 lists all.
func (s *State) Stuck(limit int) []Stuck {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Stuck
	for _, c := range s.cases {
		la := c.lastAct()
		if c.ended != 0 || la < 0 {
			continue
		}
		usual, ok := s.o.Profile.StuckAfter[s.acts[la]]
		idle := float64(s.judged()-c.last) / 1e6
		if !ok || idle <= usual {
			continue
		}
		st := Stuck{Case: c.id, LastActivity: s.acts[la], Since: time.UnixMicro(c.last).UTC(), IdleSeconds: idle, UsualSeconds: usual}
		if r := c.res[len(c.res)-1]; r >= 0 {
			st.Resource = s.res[r]
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b Stuck) int {
		if c := cmp.Compare(b.IdleSeconds/b.UsualSeconds, a.IdleSeconds/a.UsualSeconds); c != 0 {
			return c
		}
		return cmp.Compare(a.Case, b.Case)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// FeedItem is an exception with its time.
type FeedItem struct {
	At time.Time `json:"at"`
	Exception
}

// Exceptions lists the latest exceptions, newest first.
func (s *State) Exceptions(limit int) []FeedItem {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []FeedItem
	for i := len(s.feed) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		out = append(out, FeedItem{At: time.UnixMicro(s.feed[i].At).UTC(), Exception: s.feed[i]})
	}
	return out
}

// Alerts lists the latest alerts, newest first.
func (s *State) Alerts(limit int) []Alert {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []Alert
	for i := len(s.alerts) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		out = append(out, s.alerts[i])
	}
	return out
}

// Followed is how many cases the state follows (open, and ended ones whose
// events it still keeps).
func (s *State) Followed() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.cases)
}
