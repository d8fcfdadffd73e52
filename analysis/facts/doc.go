// Package facts computes the first process facts of a log in the warehouse:
// log statistics, variants, the directly-follows graph with waiting times, and
// the case-duration histogram.
//
// All set work runs in DuckDB SQL (window functions over each case ordered by
// ts, then seq); Go only receives the aggregated result, never every row.
// Only activity instances (the warehouse's steps table) count, so figures agree with the
// oracle rules in ../shared/logs/README.md.
//
// It takes a *sql.DB opened by ingest/warehouse and must not import the
// DuckDB driver, mining, report or cmd.
package facts
