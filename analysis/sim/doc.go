// Package sim is pmx's business-process simulator: a discrete-event engine
// that replays a process fitted to a warehouse log, so that changes (more
// staff, an automated step, no rework, more arrivals) can be tried before
// they are made.
//
// The work is split by job:
//
//   - sim/dist: duration and inter-arrival distributions, their maximum-
//     likelihood fits and the AIC choice among them;
//   - sim/model: the simulation model, its documented YAML file format
//     (read and written, errors naming line and field) and validation;
//   - sim/engine: the discrete-event engine, pure Go with no I/O: a model,
//     a seed and options in, activity instances and KPIs out;
//   - sim/fit: model discovery from a timeline.Log, alone or over a
//     designed process (a BPMN or PNML file: routing mode net);
//   - sim/measures: the log-distance measures of the simulation literature
//     (n-gram distance and the temporal EMDs) used to validate a model;
//   - sim/scenario: what-if changes (YAML) applied to a model, and the
//     baseline-versus-scenario comparison with common random numbers.
//
// This package itself holds only this documentation. None of the sim
// packages import database/sql, DuckDB, ingest, report or cmd.
package sim
