// Package stats owns the statistical routines pmx's analyses use: quantiles
// and summaries, bootstrap confidence intervals, rank tests (Mann-Whitney U,
// Kruskal-Wallis H), the Wilson score interval, Pettitt's change-point test
// and rank correlation.
//
// Every routine is a pure, deterministic function over float64 slices: it
// never modifies its arguments, and anything random takes an explicit seed,
// so the same input gives the same bytes. Nothing panics on empty or short
// input: scalar routines return NaN and tests return an error wrapping one of
// the sentinel errors below. Result structs are NaN-free whenever the call
// succeeds, so they marshal to JSON as they are.
//
// Where gonum (gonum.org/v1/gonum/stat, stat/distuv) has a routine it is
// used; every formula implemented here names its textbook or paper source
// next to the code.
//
// It must not import database/sql, DuckDB, ingest, mining, report or cmd.
package stats

import "errors"

// Sentinel errors callers can branch on with errors.Is.
var (
	// ErrEmpty reports a sample too small for the routine (usually empty).
	ErrEmpty = errors.New("stats: sample too small")
	// ErrNaN reports a NaN in a sample; rank-based routines cannot order it.
	ErrNaN = errors.New("stats: sample contains NaN")
	// ErrLength reports paired slices of different lengths.
	ErrLength = errors.New("stats: paired slices differ in length")
)
