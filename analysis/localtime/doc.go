// Package localtime gives the local calendar day, weekday and hour of many
// instants in one time zone — ten million of them when an analysis buckets
// waits by the hour of the week or windows by their week — without a
// time.Time per instant: a Zone remembers the UTC-offset periods it has
// met and does the calendar arithmetic itself.
//
// It is a leaf: it imports only the standard library.
//
// Invariant: every result equals what time.Time would give for the same
// instant in the same location (Day is the local date's day number,
// Weekday and HourOfWeek follow Weekday and Hour), whatever order the
// instants come in.
package localtime
