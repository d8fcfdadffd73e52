// Package timeline loads a warehouse log's activity instances into columnar
// Go arrays — the input of the time, rework, resource and SLA analyses —
// through DuckDB's Arrow interface: activities, resources and cases
// dictionary-encoded as integers, times as Unix microseconds, about 28
// bytes per instance. Queries are bounded to about a million rows each
// and nothing is sorted or joined in SQL, so loading costs little more
// memory than the arrays themselves.
//
// It reads the warehouse and never writes to it; it must not import cmd,
// report or mining.
package timeline

import (
	"context"
	"fmt"
	"strings"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// None marks an absent integer value (no start time, no resource, no
// previous step).
const None = -1

// Log is a log's activity instances, ordered by case and position. Step i
// belongs to case Case[i]; the steps of case c are CaseStart[c] ..
// CaseStart[c+1]-1. Times are Unix microseconds (UTC).
type Log struct {
	Name       string
	Activities []string // act_no → name (name order)
	Resources  []string // res_no → name (name order)
	Groups     []string // org:group values (name order)
	CaseIDs    []string // case index → case id (case_no order)
	// CaseAttrs holds each case's attributes as a JSON object ("" if none).
	CaseAttrs []string
	CaseStart []int32 // len(CaseIDs)+1 offsets into the step arrays

	Case     []int32 // case index of each step
	Act      []int32
	Resource []int32 // None when the instance has no resource
	// Group indexes Groups (None: the instance has no group); nil unless
	// Options.GroupAttr asked for groups.
	Group []int32
	Time  []int64 // completion
	Start []int64 // start, None when unknown
}

// Steps is the number of activity instances.
func (l *Log) Steps() int { return len(l.Act) }

// Cases is the number of cases with at least one instance.
func (l *Log) Cases() int { return len(l.CaseIDs) }

// Options choose what Load reads besides the activity instances.
type Options struct {
	// GroupAttr names the event attribute holding the group or team of the
	// instance's resource (XES: "org:group"); "" reads no groups.
	GroupAttr string
	// NoRefresh reads the derived tables as they are: the caller keeps
	// them current (a server that rebuilds them under its ingester's lock).
	NoRefresh bool
}

// Load reads log name from the warehouse (refreshing its derived tables
// first if Kafka appended to it), without groups.
func Load(ctx context.Context, w *warehouse.Warehouse, name string) (*Log, error) {
	return LoadWith(ctx, w, name, Options{})
}

// LoadWith is Load with options.
func LoadWith(ctx context.Context, w *warehouse.Warehouse, name string, o Options) (*Log, error) {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return nil, err
	}
	if !o.NoRefresh {
		if err := w.Refresh(ctx, name); err != nil {
			return nil, err
		}
	}
	l := &Log{Name: name}
	err = w.ReadArrow(ctx, func(query warehouse.Query) error { return l.load(query, id, o) })
	if err != nil {
		return nil, fmt.Errorf("load timeline of log %q: %w", name, err)
	}
	return l, nil
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// jsonPathKey quotes an attribute name as one JSON-path key ("org:group"
// holds a colon, which a bare path segment cannot).
func jsonPathKey(k string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(k) + `"`
}
