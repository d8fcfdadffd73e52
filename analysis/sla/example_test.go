package sla_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/analysis/timeline"
)

func Example() {
	rules, err := sla.Parse(strings.NewReader(`
calendar:
  timezone: Europe/Amsterdam
  hours: {mon-fri: ["08:00-18:00"]}
rules:
  - name: Resolved within 4 business hours
    case: {from: Open, to: Resolve}
    target: 4h
    time: business
`), "sla.yaml", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Two incidents: one opened on Friday afternoon and resolved on Monday
	// morning (3 business hours), one opened on Monday and still open.
	us := func(s string) int64 {
		t, _ := time.Parse(time.RFC3339, s)
		return t.UnixMicro()
	}
	log := &timeline.Log{
		Activities: []string{"Open", "Resolve"},
		CaseIDs:    []string{"INC1", "INC2"},
		CaseAttrs:  []string{"", ""},
		CaseStart:  []int32{0, 2, 3},
		Case:       []int32{0, 0, 1},
		Act:        []int32{0, 1, 0},
		Resource:   []int32{-1, -1, -1},
		Time:       []int64{us("2026-03-06T16:00:00+01:00"), us("2026-03-09T09:00:00+01:00"), us("2026-03-09T10:00:00+01:00")},
		Start:      []int64{-1, -1, -1},
	}
	rep, err := sla.Evaluate(log, rules, sla.Options{Now: time.Date(2026, 3, 9, 16, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := rep.Rules[0]
	fmt.Printf("%s: %d of %d breached, median %.0f h\n", r.Name, r.Breaches, r.Measured, r.MedianSeconds/3600)
	for _, o := range r.Open {
		fmt.Printf("%s: %s, %.0f h elapsed, due %s\n", o.CaseID, o.Status, o.ElapsedSeconds/3600, o.Deadline.Format("Mon 15:04"))
	}
	// Output:
	// Resolved within 4 business hours: 0 of 1 breached, median 3 h
	// INC2: breached, 7 h elapsed, due Mon 14:00
}
