// Package calendar owns working-time calendars and business-time arithmetic,
// for service levels measured in business hours ("P1 incidents resolved
// within 4 business hours"): how much working time lies between two
// instants (Between), when a given amount of it has elapsed (Add, a due
// time), and whether an instant is working time (IsWorking).
//
// It is pure: no I/O beyond the reader handed to Parse and the zone database
// read by time.LoadLocation, and no global state but a cache of immutable
// zone tables. A Calendar is immutable and safe for concurrent use. The
// package must not import database/sql, DuckDB, ingest, mining, report or
// cmd.
//
// # Invariant
//
// An instant is working time when the wall clock in the calendar's zone
// shows a working hour of a working date: its weekday has an interval
// containing the clock time, and the date is not a holiday. Between is the
// measure of that set of instants, so it is additive, Between(a, c) ==
// Between(a, b) + Between(b, c) for a <= b <= c, and Add is its inverse,
// Between(from, Add(from, d)) == d, landing on the earliest such instant.
//
// Because hours are wall-clock, a working interval that spans a DST change
// counts the real elapsed time. In Europe/Amsterdam, 01:00-04:00 is 2h of
// work on 2026-03-29 (the clock jumps from 02:00 to 03:00) and 4h on
// 2026-10-25 (it falls back from 03:00 to 02:00, so 02:00-03:00 is worked
// twice). An interval starting inside the repeated hour, 02:30-05:00 say,
// is working when the clock shows 02:30-03:00 the first time and from 02:30
// the second time, 3h in all. Instants are just instants: the zone a
// time.Time is written in does not matter.
//
// # Format
//
// A calendar is a YAML mapping with four fields; timezone and hours are
// required, and any other key is an error:
//
//	name: Service desk hours            # optional; Name() falls back to the name given to Parse
//	timezone: Europe/Amsterdam          # IANA zone; the working hours are wall-clock times there
//	hours:                              # weekday → list of "HH:MM-HH:MM" intervals
//	  mon-fri: ["08:00-12:00", "13:00-18:00"]
//	  sat: ["09:00-13:00"]
//	holidays:                           # whole non-working dates (YYYY-MM-DD) in the calendar's zone
//	  - 2026-12-25
//	  - 2026-12-26
//
// Weekdays are mon, tue, wed, thu, fri, sat, sun (or monday … sunday, any
// case); a key may be a range such as mon-fri (fri-mon wraps over the
// weekend) or a comma list such as "mon, wed, fri". Each weekday may appear
// in one key only. Days not given, or given an empty list, do not work.
// An interval is "HH:MM-HH:MM" from 00:00 to 24:00 ("24:00" only as an
// end) and must end after it starts, so an interval may not cross midnight:
// split a night shift into "22:00-24:00" and, on the next day, "00:00-06:00".
// Intervals of one day may touch but not overlap. The week must contain some
// working time, so that Add always has an answer.
//
// Errors say where the problem is, as "name:LINE: field: reason" with the
// line in the YAML, and are of type *Error. ParseNode reads a calendar block
// embedded in another YAML file (an SLA definition, say); its line numbers
// are that file's.
//
// # Cost
//
// An analysis calls Between about a million times, so it does not allocate
// and its cost does not grow with the span. A span is measured on the wall
// clock, where every day has 24 hours and a week's working time is a known
// total, so whole weeks cost nothing and holidays are subtracted with prefix
// sums. Each offset change inside the span then adds the wall time it
// repeats or removes the wall time it skips; those corrections are summed
// in advance over the zone's table of offset periods (built once per zone,
// 1800 to 3000, folded by the Gregorian 400-year cycle beyond). A span of a
// century costs about twice what a span of an hour does (benchmarks in
// bench_test.go). Add walks forward one DST period at a time.
//
// The zone database comes from the system or from time/tzdata if the program
// embeds it; see time.LoadLocation.
package calendar
