// Package engine runs a simulation model: a discrete-event simulation with
// an event heap, FIFO resource queues (optionally ordered by a case
// attribute first), resource calendars during which work pauses, extraneous
// delays, and cases whose paths are whole variants, process trees played
// out with probabilities, or workflow nets played as token games with
// weighted choices (parallel branches run concurrently, joins wait).
//
// It is pure Go with no I/O: a compiled model and options in, activity
// instances (to a callback) and KPIs out. Every run keeps its state to
// itself, so replications run in parallel goroutines; a run depends only on
// the model, the seed and the replication number, never on scheduling or
// core count.
//
// Time is Unix microseconds. A resource does one thing at a time; an idle
// resource of the activity's pool that can start earliest (its calendar)
// takes new work, otherwise the work queues, and a resource that finishes
// takes the first work in its pool's queue.
//
// It must not import database/sql, DuckDB, ingest, report or cmd.
package engine
