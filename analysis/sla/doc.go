// Package sla evaluates service-level rules against a log: how many cases
// met a deadline, how the breach rate moved week by week, where breached
// cases lost their time, and which open cases are breached already or at
// risk of breaching.
//
// It owns the SLA rules format (a YAML file, `pmx analyze --sla FILE`) and
// the Result values the CLI and the report print. It works on a
// timeline.Log in memory and measures time with an analysis/calendar
// Calendar; statistics come from analysis/stats. It must not import
// database/sql, the DuckDB driver, cmd, report or mining, and never writes
// anywhere.
//
// Invariant: every duration is the working time between two instants of the
// log on the rule's clock, and that clock is additive, so the package turns
// each instant into "working time since the log's origin" once and measures
// every window, wait and elapsed time as a difference of two such values.
//
// # Rules file
//
// A rules file is a YAML mapping with two keys, calendar and rules; any
// other key is an error.
//
//	calendar: business-hours.yaml
//	rules:
//	  - name: P1 resolved within 4 business hours
//	    case: {from: Open, to: Resolve, occurrence: first}
//	    target: 4h
//	    time: business
//	    where: {priority: P1}
//	  - name: Assigned within 30 minutes
//	    between: {from: Open, to: Assign}
//	    target: 30m
//	  - name: Investigate at most 8 business hours
//	    activity: Investigate
//	    target: 8h
//	    time: business
//
// calendar (optional) is the working-time calendar for rules with
// time: business: either a path to a calendar file (relative to the rules
// file's directory) or an inline mapping in the calendar format (see
// analysis/calendar: name, timezone, hours, holidays). Without it the log is
// measured 24×7 in UTC, and business time is an error. The calendar's zone
// is also the zone of the weekly trend.
//
// rules is a non-empty list of rules. Each rule is a mapping with these
// keys, and no others:
//
//   - name (required, unique): how the rule is reported.
//   - exactly one of case, between or activity: what is measured.
//   - target (required): the deadline, a positive Go duration with a days
//     unit added: 30m, 4h, 1h30m, 3d, 1.5d. A day is 24 hours of the rule's
//     clock, so 3d of business time is 72 business hours, not three working
//     days. Instead of a fixed duration, target may be a mapping
//     {attribute: NAME, unit: DURATION} that takes a per-case target from a
//     numeric case attribute times unit (default 1h), for example
//     {attribute: sla_target_hours}. Cases without a positive number in
//     that attribute are left out of the rule (counted in no_target).
//   - time (optional): calendar (the default), wall-clock time; or business,
//     working time of the calendar.
//   - where (optional): a mapping of case attribute to a value or a list of
//     values; a case is in scope when every attribute listed has one of its
//     values. Values compare as text, and as numbers when both sides are
//     numbers (so 4 matches 4.0). A case without the attribute is out of
//     scope.
//
// The three kinds:
//
//   - case: {from: A, to: B, occurrence: first|last} is a case-level
//     deadline. The clock starts at the case's first instance of A (default:
//     the case's first instance) and stops at the first (occurrence: first,
//     the default) or the last instance of B after it (default: the case's
//     last instance). All keys are optional; occurrence needs to. Use
//     occurrence: last to measure until the final resolution of a case that
//     was reopened. Without to, every case that started is complete at its
//     last event (the log cannot tell a finished case from a running one),
//     so such a rule has no open cases.
//   - between: {from: A, to: B} is an activity-to-activity deadline: from
//     the case's first A to the first B after it. Both are required. It is
//     case: {from: A, to: B} with the first occurrence, spelled as the
//     common "respond within" rule.
//   - activity: A caps the duration of each instance of activity A: its
//     service time (start to completion) when the instance has a start
//     time, otherwise its sojourn (the previous instance's completion in the
//     case to its completion; the case's first instance then has no
//     duration and is counted in unmeasured). The unit is the instance, not
//     the case: in_scope, measured and breaches count instances.
//
// case and between also take cancel (optional): an activity or a list of
// activities that call the window off when one of them occurs after from
// and before the first to. Such a case is counted in cancelled and is neither measured
// nor open: a ticket the service desk resolves itself is never assigned, so
// "assigned within 30 minutes" should not wait for it forever:
//
//	between: {from: Open, to: Assign, cancel: [Resolve, Close]}
//
// Without cancel, a case whose to never came is open for as long as the log
// runs, and breaches once its elapsed time passes the target.
//
// A window starts at the start time of the instance that opens it, or at its
// completion when it has no start, and ends at the completion of the
// instance that closes it. "After" is the order of instances in the case
// (by completion time).
//
// Errors name the place and the reason, as
// "FILE:LINE: rules[i].field: reason" (i counts from 0), with the YAML
// line; every error in the file is reported, each an *Error, joined with
// errors.Join. An activity name that does not occur in the log is not a
// parse error (the file may serve several logs): Evaluate reports it as a
// warning of that rule.
//
// # Evaluation
//
// Evaluate judges the log as of an instant Now (default: the log's last
// event, the extraction time). Instances completing after Now are ignored
// (a case with none is not in the log yet), so an earlier Now replays the
// log as it was then.
//
// For each rule, a Result (JSON as tagged; durations in seconds, instants
// RFC 3339 in the calendar's zone) gives:
//
//   - in_scope: cases matching where (instances of the activity for an
//     activity rule); started: those whose clock started (the from activity
//     occurred); measured: those whose clock also stopped by Now; breaches:
//     measured with a duration strictly over the target. Cancelled cases
//     (see cancel) are started but neither measured nor open.
//   - breach_rate with its Wilson score interval at Options.Level, and the
//     median and 90th percentile of the measured durations.
//   - weeks: per ISO week of the window's start instant, in the calendar's
//     zone, the measured cases, their breaches and rate, and the open cases
//     started that week (so a recent week's low count is visibly
//     incomplete); change: Pettitt's change-point test on the weekly rates
//     (weeks with measured cases, at least 6 of them), given as "since week
//     W the breach rate went from x to y" with the pooled rates before and
//     after and the test's p.
//   - lost (case and between rules): where breached cases lost their time.
//     Every instance after the window's opening instance up to its closing
//     one waits from the previous completion to its own start (or
//     completion), on the rule's clock, clipped at 0. Summed over the
//     breached cases, each activity's and each handover's (previous
//     activity → activity) share of the total waiting is set beside the same
//     share in the cases that met the target, so a share that is much larger
//     in breached cases points at what differs. The ten largest breached
//     shares are listed. An activity cap measures a single instance, so it
//     has no lost section.
//   - open: cases whose clock started but did not stop by Now, each with its
//     elapsed time, target, deadline (the calendar's Add: when the target's
//     working time will have elapsed), state (its last activity by Now) and
//     status. A case already over its target is "breached" with probability
//     1. For the others, probability is an empirical conditional
//     probability: among the measured cases of the rule with the same
//     target that were still open at the same elapsed time (duration >
//     elapsed), the share that breached. When at least 30 of those cases
//     were also in the same state at that elapsed time (their last activity
//     by then was the same), only they are counted (basis "state"),
//     otherwise all of them (basis "all"); reference is the number counted.
//     When no measured case lasted that long the probability is unknown
//     (basis "none", no probability). The estimate ignores cases still open,
//     so it leans low when many slow cases are still running. The list is
//     sorted by probability (breached first, unknown last), then by elapsed
//     time, longest first.
//
// For an activity cap, open instances are those with a start at or before
// Now and a completion after it; that needs an earlier Now, because a
// timeline holds completed instances only (a start event with no
// completion in the log is not an activity instance, so it cannot be seen).
// Their probability uses all measured instances (basis "all").
package sla
