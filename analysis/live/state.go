package live

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

// Event is one stored event, as the ingester committed it (the canonical
// schema of ingest/event). Times are Unix microseconds; Start is 0 when the
// event states none.
type Event struct {
	Case      string
	Activity  string
	Time      int64
	Start     int64
	Resource  string
	Lifecycle string
}

// DeadLetter is a message the ingester could not read.
type DeadLetter struct {
	Where  string // topic/partition/offset
	Reason string
	At     int64 // when it was stored (Unix µs)
}

// Batch is what one committed ingest batch holds for the log.
type Batch struct {
	Events []Event
	// CaseAttrs are case attributes (a JSON object per case id) the batch
	// set or replaced.
	CaseAttrs   map[string]string
	DeadLetters []DeadLetter
	// Watermark, when not 0, is the latest event time (Unix µs) that every
	// source partition still catching up on a backlog has reached. Clocks
	// are judged at it rather than at the latest event overall: a partition
	// read ahead of the others must not make the cases of the lagging ones
	// look late. 0 once every partition has caught up.
	Watermark int64
}

// Options of a State.
type Options struct {
	Log     string
	Profile Profile
	// Rules are the SLA rules whose clocks are watched (nil: none).
	Rules *sla.Rules
	// RiskShare is the share of a clock's target after which an open case
	// is at risk (default 0.75).
	RiskShare float64
	// Window is how many hours of arrivals, completions and WIP are kept
	// (default 14 days); Recent how many completed cases the throughput
	// view keeps (default 500); Feed how many exceptions and alerts
	// (default 500).
	Window, Recent, Feed int
	// Retain is how long an ended case's events are kept (µs of stream
	// time, default 7 days): a reopened case within it is judged with its
	// whole history.
	Retain int64
}

func (o Options) withDefaults() Options {
	if o.RiskShare <= 0 || o.RiskShare >= 1 {
		o.RiskShare = 0.75
	}
	if o.Window <= 0 {
		o.Window = 14 * 24
	}
	if o.Recent <= 0 {
		o.Recent = 500
	}
	if o.Feed <= 0 {
		o.Feed = 500
	}
	if o.Retain <= 0 {
		o.Retain = 7 * 24 * 3600e6
	}
	return o
}

const hourUS = int64(3600e6)

// caseState is one case the state follows.
type caseState struct {
	id    string
	attrs string
	// its activity instances, in arrival order
	acts   []int32
	times  []int64
	starts []int64 // -1: none
	res    []int32 // -1: none
	// pending starts per activity (standard lifecycle), oldest first
	pending map[int32][]int64
	first   int64
	last    int64 // latest completion
	ended   int64 // end activity's completion; 0 while open
	arrived bool  // its first event was applied (it counted as an arrival)
	touched int64 // the last batch (State.batches) that changed it
}

func (c *caseState) lastAct() int32 {
	if len(c.acts) == 0 {
		return -1
	}
	return c.acts[len(c.acts)-1]
}

// State is a log's live monitoring state.
type State struct {
	o  Options
	mu sync.RWMutex

	acts   []string
	actIdx map[string]int32
	res    []string
	resIdx map[string]int32
	end    map[int32]bool
	// names' indexes by their strings' address (see lookup)
	actAddr, resAddr map[addrKey]int32

	cases map[string]*caseState
	// endedAt holds ended cases (id → end instant) whose events are gone,
	// so a late event reopens rather than starts them.
	endedAt map[string]int64
	now     int64
	open    int
	after   map[int32]int // open cases by last activity
	inside  map[int32]int // open starts by activity

	hours    map[int64]*hourCounts // by hour index (Unix µs / 1 h)
	wipBase  int                   // open cases when the oldest kept hour began
	oldest   int64                 // oldest kept hour index
	recent   []Completed
	feed     []Exception
	alerts   []Alert
	clocks   map[clockKey]*Clock
	raised   map[string]bool // alert keys raised (or seeded)
	applied  int64           // events applied
	batches  int64
	attrKeys map[string]bool
	quiet    bool  // rebuilding: the history's measured breaches are not news
	hold     int64 // the last batch's Watermark (0: none): see judged
	endedQ   []endedRef
}

type hourCounts struct {
	arrivals, completions int
	diff                  int // change of the open count in the hour
}

// New starts an empty state.
func New(o Options) *State {
	o = o.withDefaults()
	s := &State{o: o, actIdx: map[string]int32{}, resIdx: map[string]int32{}, end: map[int32]bool{}, actAddr: map[addrKey]int32{}, resAddr: map[addrKey]int32{},
		cases: map[string]*caseState{}, endedAt: map[string]int64{}, after: map[int32]int{}, inside: map[int32]int{},
		hours: map[int64]*hourCounts{}, clocks: map[clockKey]*Clock{}, raised: map[string]bool{}, attrKeys: map[string]bool{}}
	for _, a := range o.Profile.End {
		s.end[s.act(a)] = true
	}
	// The rules' activities are known from the start: a rule judges a case
	// whose stop activity has not happened yet anywhere in the stream.
	if o.Rules != nil {
		for _, r := range o.Rules.Rules {
			for _, a := range append([]string{r.From, r.To, r.Activity}, r.Cancel...) {
				if a != "" {
					s.act(a)
				}
			}
		}
	}
	return s
}

func (s *State) act(name string) int32 {
	return lookup(name, &s.acts, s.actIdx, s.actAddr)
}

func (s *State) resource(name string) int32 {
	if name == "" {
		return -1
	}
	return lookup(name, &s.res, s.resIdx, s.resAddr)
}

// lookup finds or adds a name. Batches share one string per distinct
// name (see BatchOf), so the same name comes again and again as the same
// bytes at the same address: byAddr answers those without hashing the
// name. Its keys point at the strings, so the bytes at an address it
// holds never change; it keeps them until it holds maxByAddr, then starts
// afresh.
func lookup(name string, names *[]string, idx map[string]int32, byAddr map[addrKey]int32) int32 {
	k := addrKey{unsafe.StringData(name), len(name)}
	if i, ok := byAddr[k]; ok {
		return i
	}
	i, ok := idx[name]
	if !ok {
		i = int32(len(*names))
		own := strings.Clone(name)
		*names = append(*names, own)
		idx[own] = i
	}
	if len(byAddr) >= maxByAddr {
		clear(byAddr)
	}
	byAddr[k] = i
	return i
}

// addrKey is a string's address and length.
type addrKey struct {
	p *byte
	n int
}

const maxByAddr = 4096

// Seed marks alert keys raised before a restart: they are not raised again.
func (s *State) Seed(keys []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range keys {
		s.raised[k] = true
	}
}

// Raised says whether the alert key was raised (or seeded) in this state.
func (s *State) Raised(key string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.raised[key]
}

// judged is the instant SLA clocks are judged at: the stream clock, held
// back to the batch's watermark while a backlog is caught up.
func (s *State) judged() int64 {
	if s.hold > 0 && s.hold < s.now {
		return s.hold
	}
	return s.now
}

// Watermark is the last applied batch's Watermark (0: none, or every
// source partition had caught up).
func (s *State) Watermark() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.hold
}

// Now is the stream clock: the latest completion applied, or a later
// instant Tick was given.
func (s *State) Now() int64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.now
}

// instance kinds of a lifecycle value
const (
	liInstance = iota
	liStart
	liSkip
)

// lifecycleKind: "start" opens an instance, "complete" (or none) closes
// one; the other transitions of the XES standard model (schedule, assign,
// suspend, …) are not instances; a value outside that model makes every
// event an instance, as the warehouse counts them.
func lifecycleKind(v string) int {
	switch strings.ToLower(v) {
	case "", "complete":
		return liInstance
	case "start":
		return liStart
	case "schedule", "assign", "withdraw", "reassign", "suspend", "resume", "pi_abort", "ate_abort", "autoskip", "manualskip", "unknown":
		return liSkip
	}
	return liInstance
}

// Apply adds a committed batch and returns the alerts it raises.
func (s *State) Apply(b Batch) ([]Alert, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches++
	s.hold = b.Watermark
	// The cases the batch changes, each once (marked with the batch's
	// number rather than kept in a set: a set costs more than the rest of
	// an event's bookkeeping).
	var touched []*caseState
	touch := func(c *caseState) {
		if c.touched != s.batches {
			c.touched = s.batches
			touched = append(touched, c)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(b.CaseAttrs)) {
		c := s.caseFor(id, 0)
		c.attrs = b.CaseAttrs[id]
		touch(c)
	}
	for _, e := range b.Events {
		if e.Case == "" || e.Activity == "" {
			return nil, fmt.Errorf("live: an event without a case or activity (%q, %q)", e.Case, e.Activity)
		}
		s.applied++
		if c := s.event(e); c != nil {
			touch(c)
		}
	}
	for _, d := range b.DeadLetters {
		s.exception(Exception{At: d.At, Kind: "dead-letter", Detail: d.Where + ": " + d.Reason})
	}
	alerts, err := s.evaluate(touched)
	if err != nil {
		return nil, err
	}
	alerts = append(alerts, s.tick(s.judged())...)
	s.prune()
	return alerts, nil
}

// caseFor finds or creates a case (its arrival counts at its first event).
func (s *State) caseFor(id string, t int64) *caseState {
	if c, ok := s.cases[id]; ok {
		return c
	}
	// The batch's strings may share a buffer with the rest of its batch
	// (see Batch): the state keeps a copy of its own.
	id = strings.Clone(id)
	c := &caseState{id: id, first: t, last: t}
	s.cases[id] = c
	if end, ended := s.endedAt[id]; ended {
		// Ended before and its events are gone: a late event reopens it.
		delete(s.endedAt, id)
		c.ended, c.arrived = end, true
	}
	return c
}

// event applies one event; it returns the case it changed.
func (s *State) event(e Event) *caseState {
	kind := lifecycleKind(e.Lifecycle)
	if kind == liSkip {
		return nil
	}
	c := s.caseFor(e.Case, e.Time)
	a := s.act(e.Activity)
	s.now = max(s.now, e.Time)
	switch {
	case !c.arrived:
		c.arrived = true
		c.first = e.Time
		s.startCase(c, e.Time, true)
	case c.ended != 0:
		// An event after the case ended: it is open again.
		s.exception(Exception{At: e.Time, Kind: "reopen", Case: c.id, Activity: e.Activity,
			Detail: fmt.Sprintf("%s after the case had ended", e.Activity)})
		c.ended = 0
		s.startCase(c, e.Time, false)
		if last := c.lastAct(); last >= 0 {
			s.after[last]++
		}
	}
	if kind == liStart {
		if c.pending == nil {
			c.pending = map[int32][]int64{}
		}
		c.pending[a] = append(c.pending[a], e.Time)
		s.inside[a]++
		return c
	}
	start := int64(-1)
	if e.Start > 0 && e.Start <= e.Time {
		start = e.Start
	}
	if p := c.pending[a]; len(p) > 0 {
		start, c.pending[a] = p[0], p[1:]
		s.inside[a]--
	}
	for _, x := range c.acts {
		if x == a {
			s.exception(Exception{At: e.Time, Kind: "rework", Case: c.id, Activity: e.Activity,
				Detail: fmt.Sprintf("%s again", e.Activity)})
			break
		}
	}
	if prev := c.lastAct(); prev >= 0 {
		s.after[prev]--
	}
	if c.acts == nil {
		// Cases mostly have a handful of steps: room for them at once
		// rather than four slices regrown three times each.
		c.acts, c.times, c.starts, c.res = make([]int32, 0, 8), make([]int64, 0, 8), make([]int64, 0, 8), make([]int32, 0, 8)
	}
	c.acts = append(c.acts, a)
	c.times = append(c.times, e.Time)
	c.starts = append(c.starts, start)
	c.res = append(c.res, s.resource(e.Resource))
	c.last = max(c.last, e.Time)
	s.after[a]++
	if s.end[a] {
		s.endCase(c, e.Time)
	}
	return c
}

func (s *State) startCase(c *caseState, t int64, arrival bool) {
	s.open++
	h := s.hour(t)
	h.diff++
	if arrival {
		h.arrivals++
	}
}

func (s *State) endCase(c *caseState, t int64) {
	c.ended = t
	s.endedQ = append(s.endedQ, endedRef{c.id, t})
	s.open--
	h := s.hour(t)
	h.diff--
	h.completions++
	s.after[c.lastAct()]--
	for a, p := range c.pending {
		s.inside[a] -= len(p) // started but never completed: not in progress any more
	}
	c.pending = nil
	s.recent = append(s.recent, Completed{Case: c.id, End: t, Seconds: float64(t-c.first) / 1e6})
	if len(s.recent) > s.o.Recent {
		s.recent = s.recent[len(s.recent)-s.o.Recent:]
	}
}

// hour returns the counters of the hour holding t.
func (s *State) hour(t int64) *hourCounts {
	k := t / hourUS
	if t < 0 {
		k = (t - hourUS + 1) / hourUS
	}
	if s.oldest == 0 || k < s.oldest {
		if s.oldest != 0 && k < s.oldest {
			// Older than the kept window: it counts in the base only.
			return &hourCounts{}
		}
		s.oldest = k
	}
	h := s.hours[k]
	if h == nil {
		h = &hourCounts{}
		s.hours[k] = h
	}
	return h
}

// prune drops hours older than the window (folding their open-count
// change into the base) and the events of cases ended before Retain.
func (s *State) prune() {
	first := s.now/hourUS - int64(s.o.Window) + 1
	for k := s.oldest; k < first && k != 0; k++ {
		if h := s.hours[k]; h != nil {
			s.wipBase += h.diff
			delete(s.hours, k)
		}
		s.oldest = k + 1
	}
	// Ended cases leave in the order they ended (nearly time order: a
	// late end leaves a little late, never early).
	for len(s.endedQ) > 0 && s.now-s.endedQ[0].at > s.o.Retain {
		e := s.endedQ[0]
		s.endedQ = s.endedQ[1:]
		if c := s.cases[e.id]; c != nil && c.ended == e.at {
			s.endedAt[e.id] = c.ended
			delete(s.cases, e.id)
		}
	}
}

type endedRef struct {
	id string
	at int64
}

// CarryFeed gives s the exceptions and alerts feed of old, the state s
// replaces (rebuilt with a new profile from the same history): what the
// pages listed stays listed, including what the history cannot replay
// (dead letters).
func (s *State) CarryFeed(old *State) {
	old.mu.RLock()
	feed, alerts := slices.Clone(old.feed), slices.Clone(old.alerts)
	old.mu.RUnlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feed, s.alerts = feed, alerts
}

func (s *State) exception(e Exception) {
	s.feed = append(s.feed, e)
	if len(s.feed) > s.o.Feed {
		s.feed = s.feed[len(s.feed)-s.o.Feed:]
	}
}

// Rebuild applies a log's stored history as one batch, as after a restart:
// every count, open case and clock is as if the state had followed the log
// from its start. Breaches the history measured mark their alert keys
// raised without listing them (they are the past, not news); the alerts
// returned are those of clocks open at the end of the history that passed
// their risk point or deadline (At says when: the caller may hold back the
// ones from before it started watching). Watermark is the Batch field
// for the history as a whole: a state rebuilt while the ingester catches
// up a backlog judges its clocks where the state it replaces did (see
// Watermark), not at the partition read furthest ahead.
func (s *State) Rebuild(l *timeline.Log, watermark int64) ([]Alert, error) {
	b := Batch{Events: make([]Event, 0, l.Steps()), CaseAttrs: map[string]string{}, Watermark: watermark}
	for c := range l.Cases() {
		if l.CaseAttrs[c] != "" {
			b.CaseAttrs[l.CaseIDs[c]] = l.CaseAttrs[c]
		}
		for i := l.CaseStart[c]; i < l.CaseStart[c+1]; i++ {
			e := Event{Case: l.CaseIDs[c], Activity: l.Activities[l.Act[i]], Time: l.Time[i]}
			if st := l.Start[i]; st != timeline.None {
				e.Start = st
			}
			if r := l.Resource[i]; r != timeline.None {
				e.Resource = l.Resources[r]
			}
			b.Events = append(b.Events, e)
		}
	}
	// Completions in time order, as they happened.
	slices.SortStableFunc(b.Events, func(x, y Event) int { return cmp.Compare(x.Time, y.Time) })
	s.mu.Lock()
	s.quiet = true
	s.mu.Unlock()
	alerts, err := s.Apply(b)
	s.mu.Lock()
	s.quiet = false
	s.mu.Unlock()
	return alerts, err
}
