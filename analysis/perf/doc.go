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
//
// Scale: a log of ten million instances is analysed in a few seconds of
// CPU and a few hundred megabytes beyond the timeline. Per-step figures are
// summed into arrays indexed by activity or handover, or gathered through
// a counting sort of step indices, never into a map or a slice per key;
// sorts are in-place radix sorts (radix.go). The layout never shows in the
// results: every sum adds its terms in step order, as one pass per key
// would, and work split across goroutines writes disjoint results, so the
// figures are the same to the bit whatever the number of cores.
package perf
