package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// writeCSV writes one row per stored event: the case, activity, time,
// start, resource and lifecycle columns (named as warehouse.Export*), then
// a "case:KEY" column per case attribute and a KEY column per event
// attribute, keys sorted. Instants are RFC 3339 in UTC with microseconds.
func writeCSV(ctx context.Context, w *warehouse.Warehouse, name string, out io.Writer) error {
	evKeys, caseKeys, err := w.AttrKeys(ctx, name)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(out)
	head := []string{warehouse.ExportCase, warehouse.ExportActivity, warehouse.ExportTime, warehouse.ExportStart,
		warehouse.ExportResource, warehouse.ExportLifecycle}
	for _, k := range caseKeys {
		head = append(head, "case:"+k)
	}
	head = append(head, evKeys...)
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(head))
	var caseCells []string
	err = scan(ctx, w, name, func(r *row, newCase bool) error {
		if newCase {
			if caseCells, err = cells(r.caseAttrs, caseKeys, caseCells); err != nil {
				return fmt.Errorf("case %q: %w", r.caseID, err)
			}
		}
		rec[0], rec[1], rec[2], rec[3], rec[4], rec[5] = r.caseID, r.activity, stamp(r.ts), "", r.resource, r.lifecycle
		if r.hasStart {
			rec[3] = stamp(r.start)
		}
		copy(rec[6:], caseCells)
		if _, err := cells(r.attrs, evKeys, rec[6+len(caseKeys):6+len(caseKeys)]); err != nil {
			return fmt.Errorf("case %q: %w", r.caseID, err)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// cells fills dst (resized to len(keys)) with the CSV text of each key's
// value in the JSON object attrs: strings as they are, numbers as written,
// booleans as true/false, anything else as its JSON text; "" when absent.
func cells(attrs string, keys []string, dst []string) ([]string, error) {
	if cap(dst) < len(keys) {
		dst = make([]string, len(keys))
	}
	dst = dst[:len(keys)]
	for i := range dst {
		dst[i] = ""
	}
	if attrs == "" || len(keys) == 0 {
		return dst, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(attrs), &m); err != nil {
		return nil, fmt.Errorf("attributes %.100q: %w", attrs, err)
	}
	for i, k := range keys {
		v, ok := m[k]
		if !ok {
			continue
		}
		dst[i] = cellText(v)
	}
	return dst, nil
}

func cellText(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '"' {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	}
	if string(v) == "null" {
		return ""
	}
	return string(v)
}
