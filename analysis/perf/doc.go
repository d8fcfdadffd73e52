// Package perf finds where a process loses time: it decomposes every
// activity instance's time into waiting (from the previous completion in
// the case to this instance's start, or to its completion when starts are
// not recorded), service (start to completion) and sojourn (previous
// completion to completion), in calendar and in business time; summarises
// them per case, per activity and per handover (directly-follows edge); and
// states bottlenecks, rework and resource findings as ranked, quantified,
// statistically tested records.
//
// It works on a timeline.Log (columnar, dictionary-encoded) in tight loops;
// statistics come from analysis/stats. It must not import database/sql,
// the DuckDB driver, cmd, report or mining, and never writes anywhere.
//
// Conventions: durations are seconds (float64). A case's cycle time is its
// last completion minus its first completion (as pmx stats and PM4Py
// compute case durations). Waiting is clipped at zero: an instance that
// starts before its predecessor completes (overlap, parallel work) waits 0
// and the overlap is counted in Overlaps.
package perf
