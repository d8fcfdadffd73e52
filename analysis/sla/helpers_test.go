package sla

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pmx-dev/pmx/analysis/timeline"
)

var ams = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at parses "2026-03-27 17:00" as Amsterdam wall time.
func at(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ams)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// step is one activity instance of a hand-built case: "Act@2026-03-27
// 17:00", or with a start "Act@2026-03-27 17:00..2026-03-27 18:00".
type tcase struct {
	id    string
	attrs string // JSON object or ""
	steps []string
}

// buildLog builds a timeline the way timeline.Load lays one out: cases in
// the order given, instances in time order, activities numbered in name
// order.
func buildLog(tb testing.TB, cases ...tcase) *timeline.Log {
	tb.Helper()
	type inst struct {
		act         string
		start, done int64
	}
	l := &timeline.Log{Name: "test"}
	parsed := make([][]inst, len(cases))
	names := map[string]bool{}
	for c, tc := range cases {
		for _, s := range tc.steps {
			act, when, ok := strings.Cut(s, "@")
			if !ok {
				tb.Fatalf("step %q: want Act@time", s)
			}
			in := inst{act: act, start: timeline.None}
			if from, to, isSpan := strings.Cut(when, ".."); isSpan {
				in.start, in.done = at(tb, from).UnixMicro(), at(tb, to).UnixMicro()
			} else {
				in.done = at(tb, when).UnixMicro()
			}
			parsed[c] = append(parsed[c], in)
			names[act] = true
		}
		slices.SortStableFunc(parsed[c], func(a, b inst) int { return int(a.done - b.done) })
	}
	for n := range names {
		l.Activities = append(l.Activities, n)
	}
	slices.Sort(l.Activities)
	for c, tc := range cases {
		l.CaseIDs = append(l.CaseIDs, tc.id)
		l.CaseAttrs = append(l.CaseAttrs, tc.attrs)
		l.CaseStart = append(l.CaseStart, int32(len(l.Act)))
		for _, in := range parsed[c] {
			a, _ := slices.BinarySearch(l.Activities, in.act)
			l.Case = append(l.Case, int32(c))
			l.Act = append(l.Act, int32(a))
			l.Resource = append(l.Resource, timeline.None)
			l.Time = append(l.Time, in.done)
			l.Start = append(l.Start, in.start)
		}
	}
	l.CaseStart = append(l.CaseStart, int32(len(l.Act)))
	return l
}

// mustParse parses a rules file held in a string (calendars inline).
func mustParse(tb testing.TB, src string) *Rules {
	tb.Helper()
	rs, err := Parse(strings.NewReader(src), "test.yaml", nil)
	if err != nil {
		tb.Fatal(err)
	}
	return rs
}

func evaluate(tb testing.TB, l *timeline.Log, src string, opt Options) *Report {
	tb.Helper()
	rep, err := Evaluate(l, mustParse(tb, src), opt)
	if err != nil {
		tb.Fatal(err)
	}
	return rep
}

const deskCalendar = `
calendar:
  timezone: Europe/Amsterdam
  hours: {mon-fri: ["08:00-18:00"]}
  holidays: [2026-04-06]
`
