// Package eventlog is the compact in-memory log the mining algorithms work
// on: an activity dictionary and the distinct traces (variants) as integer
// sequences with their case counts.
//
// It must not import database/sql, the DuckDB driver, ingest or report:
// loading from the warehouse happens outside mining (ingest/warehouse).
package eventlog

import (
	"cmp"
	"slices"
	"strings"
)

// Log is a set of variants over an activity dictionary. Activity i is
// Activities[i]; a variant is a sequence of activity indices.
type Log struct {
	Activities []string
	Variants   []Variant
}

// Variant is one distinct trace and the number of cases that follow it.
type Variant struct {
	Acts  []int32
	Count int64
}

// New builds a log from traces already encoded against acts, merging equal
// traces and ordering variants by count (descending), then by sequence.
func New(acts []string, variants []Variant) *Log {
	idx := make(map[string]int, len(variants))
	var out []Variant
	var key strings.Builder
	for _, v := range variants {
		if v.Count <= 0 {
			continue
		}
		key.Reset()
		for _, a := range v.Acts {
			key.WriteString(string(rune(a + 1))) // cheap unique key; indices < 0x10FFFF
		}
		if i, ok := idx[key.String()]; ok {
			out[i].Count += v.Count
			continue
		}
		idx[key.String()] = len(out)
		out = append(out, Variant{Acts: slices.Clone(v.Acts), Count: v.Count})
	}
	sortVariants(out)
	return &Log{Activities: slices.Clone(acts), Variants: out}
}

func sortVariants(vs []Variant) {
	slices.SortStableFunc(vs, func(a, b Variant) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return slices.Compare(a.Acts, b.Acts)
	})
}

// FromTraces builds a log from traces of activity names (one per case), for
// tests and small inputs. Activities are numbered in name order.
func FromTraces(traces [][]string) *Log {
	seen := map[string]bool{}
	var acts []string
	for _, t := range traces {
		for _, a := range t {
			if !seen[a] {
				seen[a] = true
				acts = append(acts, a)
			}
		}
	}
	slices.Sort(acts)
	no := make(map[string]int32, len(acts))
	for i, a := range acts {
		no[a] = int32(i)
	}
	vs := make([]Variant, 0, len(traces))
	for _, t := range traces {
		v := Variant{Acts: make([]int32, len(t)), Count: 1}
		for i, a := range t {
			v.Acts[i] = no[a]
		}
		vs = append(vs, v)
	}
	return New(acts, vs)
}

// Cases is the number of cases (the sum of variant counts).
func (l *Log) Cases() int64 {
	var n int64
	for _, v := range l.Variants {
		n += v.Count
	}
	return n
}

// Events is the number of events over all cases.
func (l *Log) Events() int64 {
	var n int64
	for _, v := range l.Variants {
		n += int64(len(v.Acts)) * v.Count
	}
	return n
}

// Index returns the index of the activity called name, or -1.
func (l *Log) Index(name string) int32 {
	for i, a := range l.Activities {
		if a == name {
			return int32(i)
		}
	}
	return -1
}

// Trace returns a variant's activity names.
func (l *Log) Trace(v Variant) []string {
	out := make([]string, len(v.Acts))
	for i, a := range v.Acts {
		out[i] = l.Activities[a]
	}
	return out
}

// Filter keeps the variants for which keep returns true (the activity
// dictionary is unchanged).
func (l *Log) Filter(keep func(Variant) bool) *Log {
	out := &Log{Activities: l.Activities}
	for _, v := range l.Variants {
		if keep(v) {
			out.Variants = append(out.Variants, v)
		}
	}
	return out
}
