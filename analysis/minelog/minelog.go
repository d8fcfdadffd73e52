// Package minelog loads a warehouse log into the compact in-memory log the
// mining algorithms take (mining/eventlog): the activity dictionary and the
// variants, read through DuckDB's Arrow interface from the derived tables.
// It is the bridge from the warehouse to mining, so that ingest knows
// nothing of mining and mining nothing of SQL.
//
// It reads the warehouse and never writes to it (but for the refresh of
// derived tables a stale log needs); it must not import cmd or report.
package minelog

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/mining/eventlog"
)

// Load reads a log's activity dictionary and variants into the compact
// in-memory log the mining algorithms take. The variants come from the
// derived tables (activity instances, in case order), so the log is what
// stats, variants and dfg describe. Activity i of the result is act_no i
// (name order).
//
// Both tables travel through DuckDB's Arrow interface; the variant lists
// arrive as one list<int32> column and are copied out once.
func Load(ctx context.Context, w *warehouse.Warehouse, name string) (*eventlog.Log, error) {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := w.Refresh(ctx, name); err != nil {
		return nil, err
	}
	l := &eventlog.Log{}
	err = w.ReadArrow(ctx, func(query warehouse.Query) error {
		err := query(fmt.Sprintf(`SELECT act_no, activity FROM activities WHERE log_id = %d ORDER BY act_no`, id),
			func(rec arrow.Record) error {
				no, okNo := rec.Column(0).(*array.Int32)
				act, okAct := rec.Column(1).(*array.String)
				if !okNo || !okAct {
					return fmt.Errorf("activities: unexpected column types %s", rec.Schema())
				}
				for i := 0; i < act.Len(); i++ {
					if int(no.Value(i)) != len(l.Activities) {
						return fmt.Errorf("activities: act_no %d out of sequence", no.Value(i))
					}
					// Value aliases Arrow memory that DuckDB frees after the call.
					l.Activities = append(l.Activities, strings.Clone(act.Value(i)))
				}
				return nil
			})
		if err != nil {
			return err
		}
		return query(fmt.Sprintf(`SELECT acts, cases FROM variants WHERE log_id = %d ORDER BY variant_id`, id),
			func(rec arrow.Record) error {
				lists, okL := rec.Column(0).(*array.List)
				cases, okC := rec.Column(1).(*array.Int64)
				if !okL || !okC {
					return fmt.Errorf("variants: unexpected column types %s", rec.Schema())
				}
				vals, ok := lists.ListValues().(*array.Int32)
				if !ok {
					return fmt.Errorf("variants: acts are %s, want int32", lists.ListValues().DataType())
				}
				raw := vals.Int32Values()
				for i := 0; i < lists.Len(); i++ {
					from, to := lists.ValueOffsets(i)
					acts := make([]int32, to-from)
					copy(acts, raw[from:to])
					for _, a := range acts {
						if a < 0 || int(a) >= len(l.Activities) {
							return fmt.Errorf("variants: activity %d outside the dictionary", a)
						}
					}
					l.Variants = append(l.Variants, eventlog.Variant{Acts: acts, Count: cases.Value(i)})
				}
				return nil
			})
	})
	if err != nil {
		return nil, fmt.Errorf("load log %q for mining: %w", name, err)
	}
	return l, nil
}
