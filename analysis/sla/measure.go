package sla

import (
	"fmt"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

// window runs a case or between rule over the cases.
func (e *env) window(r *Rule, k *clock, sc *scope, res *Result, tr *trend) ([]measured, []open) {
	l := e.l
	from, to := int32(-1), int32(-1)
	if r.From != "" {
		from = e.acts[r.From]
	}
	if r.To != "" {
		to = e.acts[r.To]
	}
	var cancel []bool // by activity number; nil without cancel
	for _, name := range r.Cancel {
		if a, found := e.acts[name]; found {
			if cancel == nil {
				cancel = make([]bool, len(l.Activities))
			}
			cancel[a] = true
		} else {
			res.Warnings = append(res.Warnings, fmt.Sprintf("cancel activity %q does not occur in the log", name))
		}
	}
	var (
		done  []measured
		opens []open
	)
	for c := range l.Cases() {
		lo, hi := l.CaseStart[c], e.ends[c]
		if hi <= lo || !sc.in(e.attrs, c) {
			continue
		}
		tgt, ok := sc.targetOf(e.attrs, c)
		if !ok {
			res.NoTarget++
			continue
		}
		res.InScope++
		k0 := lo
		if from >= 0 {
			for k0 < hi && l.Act[k0] != from {
				k0++
			}
			if k0 == hi {
				continue
			}
		}
		res.Started++
		s0us := l.Time[k0]
		s0 := k.at(l, int(k0))
		if st := l.Start[k0]; st != timeline.None && st <= s0us {
			s0us, s0 = st, k.atStart(l, int(k0))
		}
		end := int32(-1)
		switch {
		case to < 0:
			end = hi - 1
		case r.Last:
			for i := hi - 1; i > k0; i-- {
				if l.Act[i] == to {
					end = i
					break
				}
			}
		default:
			for i := k0 + 1; i < hi; i++ {
				if l.Act[i] == to {
					end = i
					break
				}
			}
		}
		if cancel != nil && cancelled(l, cancel, k0, hi, to) {
			res.Cancelled++
			continue
		}
		if end < 0 {
			opens = append(opens, open{c: int32(c), last: hi - 1, s0: s0, s0us: s0us, elapsed: max(0, k.now-s0), tgt: tgt})
			tr.add(s0us, false, true)
			continue
		}
		m := measured{c: int32(c), k0: k0, kEnd: end, s0: s0, d: max(0, k.at(l, int(end))-s0), tgt: tgt}
		done = append(done, m)
		tr.add(s0us, m.d > tgt, false)
	}
	return done, opens
}

// cancelled reports whether a cancel activity occurs in (k0, hi) before the
// first instance of to (to < 0: anywhere).
func cancelled(l *timeline.Log, cancel []bool, k0, hi, to int32) bool {
	for i := k0 + 1; i < hi; i++ {
		a := l.Act[i]
		if a == to {
			return false
		}
		if cancel[a] {
			return true
		}
	}
	return false
}

// activity runs an activity cap over its instances.
func (e *env) activity(r *Rule, k *clock, sc *scope, res *Result, tr *trend) ([]measured, []open) {
	l := e.l
	act := e.acts[r.Activity]
	n := 0
	for _, a := range l.Act {
		if a == act {
			n++
		}
	}
	done := make([]measured, 0, n)
	var opens []open
	for c := range l.Cases() {
		lo, hi := l.CaseStart[c], l.CaseStart[c+1]
		if hi <= lo || !sc.in(e.attrs, c) {
			continue
		}
		tgt, tgtOK := int64(0), false
		for i := lo; i < hi; i++ {
			if l.Act[i] != act {
				continue
			}
			st := l.Start[i]
			hasStart := st != timeline.None && st <= l.Time[i]
			if l.Time[i] > e.now && !(hasStart && st <= e.now) {
				continue // not begun by Now, as far as the log can tell
			}
			if !tgtOK {
				if tgt, tgtOK = sc.targetOf(e.attrs, c); !tgtOK {
					res.NoTarget++
					continue
				}
			}
			res.InScope++
			var s0, s0us int64
			switch {
			case hasStart:
				s0, s0us = k.atStart(l, int(i)), st
			case i > lo:
				s0, s0us = k.at(l, int(i-1)), l.Time[i-1]
			default:
				res.Unmeasured++
				continue
			}
			res.Started++
			if l.Time[i] > e.now {
				opens = append(opens, open{c: int32(c), last: i, s0: s0, s0us: s0us, elapsed: max(0, k.now-s0), tgt: tgt, stateless: true})
				tr.add(s0us, false, true)
				continue
			}
			m := measured{c: int32(c), k0: i, kEnd: i, s0: s0, d: max(0, k.at(l, int(i))-s0), tgt: tgt}
			done = append(done, m)
			tr.add(s0us, m.d > m.tgt, false)
		}
	}
	return done, opens
}
