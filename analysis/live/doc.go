// Package live owns the monitoring state of a log that is still running:
// which cases are open and where, how long they have been idle, which SLA
// clocks are ticking and how close to their deadline, what went wrong
// lately (rework, reopened cases, dead letters, breaches), and the alerts
// that follow.
//
// The state is fed batch by batch, each batch exactly what the ingester
// committed to the warehouse, so the state is always the warehouse's
// content seen incrementally: Apply costs O(batch) (plus the events of the
// cases the batch touches, which the SLA clocks are evaluated on with
// analysis/sla, the same rules as the batch report), never O(log). A
// restart rebuilds it from the warehouse (Apply of the stored log as one
// batch), so nothing is lost or counted twice. Time-driven changes (a clock
// passing its risk point or deadline while no event arrives) come from
// Tick.
//
// Alerts are keyed by log, case, rule and kind; the state raises each key
// once, and Seed tells it which keys were raised before a restart.
//
// It is pure: no SQL, no files, no network; safe for one writer (Apply,
// Tick) and many readers (the views) at once. It must not import ingest,
// report or cmd.
package live
