package sla

import (
	"errors"
	"fmt"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
)

// Kind is what a rule measures.
type Kind string

// The rule kinds; see the package documentation.
const (
	KindCase     Kind = "case"     // case-level deadline: from → to
	KindBetween  Kind = "between"  // first from → first to after it
	KindActivity Kind = "activity" // cap on each instance of an activity
)

// Rules is a parsed rules file.
type Rules struct {
	// Calendar is the working-time calendar of rules with Business set; it
	// is calendar.Always() when the file gives none.
	Calendar *calendar.Calendar
	Rules    []Rule
}

// Rule is one service-level rule.
type Rule struct {
	Name string
	Kind Kind
	// From and To name the activities that open and close a case or between
	// window. For KindCase, From "" is the case's first instance and To ""
	// its last instance.
	From, To string
	// Last selects the last To after From instead of the first (KindCase).
	Last bool
	// Cancel lists activities that call the window off when one occurs
	// after From and before the first To: the rule does not apply to the
	// case (KindCase, KindBetween).
	Cancel []string
	// Activity is the capped activity (KindActivity).
	Activity string
	// Target is the deadline. When TargetAttribute is set, Target is 0 and
	// each case's deadline is that numeric case attribute times TargetUnit
	// (0 means an hour).
	Target          time.Duration
	TargetAttribute string
	TargetUnit      time.Duration
	// Business measures working time of the calendar instead of wall-clock
	// time.
	Business bool
	// Where restricts the rule to cases matching every condition.
	Where []Condition
	// Line is the rule's line in the rules file (0 for rules built in Go).
	Line int
}

// Condition holds when a case attribute has one of Values (compared as text,
// or as numbers when both sides are numbers).
type Condition struct {
	Attribute string
	Values    []string
}

// Error is a problem in a rules file. Its text is "name:LINE: field:
// reason", or "name: field: reason" when the line is not known.
type Error struct {
	Name   string // the name given to Parse
	Line   int    // 1-based line in the YAML; 0 if unknown
	Field  string // "rules[2].target", "calendar", …
	Reason string
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return fmt.Sprintf("%s: %s: %s", e.Name, e.Field, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.Name, e.Line, e.Field, e.Reason)
}

// check reports what makes a rule built in Go unusable (Parse never
// returns such a rule).
func (r *Rule) check() error {
	switch {
	case r.Name == "":
		return errors.New("no name")
	case r.Kind != KindCase && r.Kind != KindBetween && r.Kind != KindActivity:
		return fmt.Errorf("unknown kind %q", r.Kind)
	case r.Kind == KindActivity && r.Activity == "":
		return errors.New("activity rule without an activity")
	case r.Kind == KindBetween && (r.From == "" || r.To == ""):
		return errors.New("between rule without from and to")
	case (r.Target > 0) == (r.TargetAttribute != ""):
		return errors.New("give either a positive target or a target attribute")
	case r.TargetUnit < 0:
		return errors.New("negative target unit")
	}
	return nil
}

// clock names the rule's clock as Result.Clock does.
func (r *Rule) clock() string {
	if r.Business {
		return "business"
	}
	return "calendar"
}
