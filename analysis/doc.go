// Package analysis is the home of pmx's analyses of a log in the warehouse.
// Each analysis is a sub-package with one job: analysis/facts (statistics,
// variants, directly-follows graph, duration histogram) and analysis/minelog
// (the warehouse → mining bridge: a log as the compact mining log) today; bottlenecks,
// rework, resources, SLA rules and the what-if simulator as they arrive.
//
// Analyses read the warehouse (heavy grouping in DuckDB SQL, statistics in
// Go with gonum) and return typed Go values that marshal to documented JSON;
// the CLI, the report and the tests all read those same values. They must
// not import cmd or report, and never write to the warehouse.
package analysis
