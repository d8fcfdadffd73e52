package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Column names of an exported log (CSV header, Parquet columns): the first
// alias of each role in the CSV reader's detection list, so that pmx and
// other tools map them without flags. Case attributes are "case:"+key,
// event attributes their key.
const (
	ExportCase      = "case:concept:name"
	ExportActivity  = "concept:name"
	ExportTime      = "time:timestamp"
	ExportStart     = "start_timestamp"
	ExportResource  = "org:resource"
	ExportLifecycle = "lifecycle:transition"
)

// AttrKeys returns the distinct top-level attribute keys of a log's events
// and of its cases, each sorted.
func (w *Warehouse) AttrKeys(ctx context.Context, name string) (event, cases []string, err error) {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	for _, q := range []struct {
		table string
		out   *[]string
	}{{"events", &event}, {"cases", &cases}} {
		rows, err := w.db.QueryContext(ctx, `SELECT DISTINCT k FROM (SELECT unnest(json_keys(attrs)) AS k FROM `+q.table+
			` WHERE log_id = ? AND json_type(attrs) = 'OBJECT') ORDER BY k`, id)
		if err != nil {
			return nil, nil, fmt.Errorf("attribute keys of %q: %w", name, err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("attribute keys of %q: %w", name, err)
			}
			*q.out = append(*q.out, k)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, fmt.Errorf("attribute keys of %q: %w", name, err)
		}
	}
	return event, cases, nil
}

// jsonPointer is the JSON pointer (RFC 6901) of a top-level key.
func jsonPointer(key string) string {
	return "/" + strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
}

// exportSelect is the query behind the Parquet exports: one row per stored
// event in case order (first appearance), then time and source position;
// instants as TIMESTAMPTZ (UTC); one JSON column per attribute key.
func (w *Warehouse) exportSelect(ctx context.Context, name string, extra string) (string, error) {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return "", err
	}
	evKeys, caseKeys, err := w.AttrKeys(ctx, name)
	if err != nil {
		return "", err
	}
	cols := []string{
		"e.case_id AS " + quoteIdent(ExportCase),
		"e.activity AS " + quoteIdent(ExportActivity),
		"e.ts::TIMESTAMPTZ AS " + quoteIdent(ExportTime),
		"e.start_ts::TIMESTAMPTZ AS " + quoteIdent(ExportStart),
		"e.resource AS " + quoteIdent(ExportResource),
		"e.lifecycle AS " + quoteIdent(ExportLifecycle),
	}
	for _, k := range caseKeys {
		cols = append(cols, "json_extract(c.attrs, "+quoteLit(jsonPointer(k))+") AS "+quoteIdent("case:"+k))
	}
	for _, k := range evKeys {
		cols = append(cols, "json_extract(e.attrs, "+quoteLit(jsonPointer(k))+") AS "+quoteIdent(k))
	}
	if extra != "" {
		cols = append(cols, extra)
	}
	return fmt.Sprintf(`SELECT %s FROM events e LEFT JOIN cases c ON c.log_id = e.log_id AND c.case_no = e.case_no
		WHERE e.log_id = %d ORDER BY e.case_no, e.ts, e.seq`, strings.Join(cols, ", "), id), nil
}

// WriteParquet writes log name to the Parquet file path (which must not
// exist or is replaced): the columns of ExportCase … ExportLifecycle, then
// "case:"+key per case attribute and key per event attribute, as JSON.
func (w *Warehouse) WriteParquet(ctx context.Context, name, path string) error {
	sel, err := w.exportSelect(ctx, name, "")
	if err != nil {
		return err
	}
	if _, err := w.db.ExecContext(ctx, "COPY ("+sel+") TO "+quoteLit(path)+" (FORMAT parquet)"); err != nil {
		return fmt.Errorf("export %q to %s: %w", name, path, err)
	}
	return nil
}

// WriteParquetDir writes log name as a hive-partitioned Parquet data set
// under dir: dir/log=NAME/month=YYYY-MM/*.parquet (NAME percent-encoded as
// DuckDB writes partition values), month of the event's completion instant
// (UTC). dir may exist and hold other logs (a data set of several logs),
// but not this log's partition, which is never written over. The files go
// to a temporary directory inside dir that is renamed into place, so a
// failure leaves nothing behind.
func (w *Warehouse) WriteParquetDir(ctx context.Context, name, dir string) error {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return fmt.Errorf("export %q: %s is a file; give a directory", name, dir)
	}
	sel, err := w.exportSelect(ctx, name, quoteLit(name)+" AS log, strftime(e.ts, '%Y-%m') AS month")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export %q to %s: %w", name, dir, err)
	}
	tmp, err := os.MkdirTemp(dir, ".pmx-parquet-*")
	if err != nil {
		return fmt.Errorf("export %q to %s: %w", name, dir, err)
	}
	defer os.RemoveAll(tmp) // after a successful rename, only the empty directory
	if _, err := w.db.ExecContext(ctx, "COPY ("+sel+") TO "+quoteLit(tmp)+" (FORMAT parquet, PARTITION_BY (log, month), OVERWRITE_OR_IGNORE)"); err != nil {
		return fmt.Errorf("export %q to %s: %w", name, dir, err)
	}
	parts, err := os.ReadDir(tmp)
	if err != nil || len(parts) != 1 {
		return fmt.Errorf("export %q to %s: expected one log= partition, got %d (%v)", name, dir, len(parts), err)
	}
	final := filepath.Join(dir, parts[0].Name())
	if _, err := os.Lstat(final); err == nil {
		return fmt.Errorf("export %q: %s exists; remove it or export to another directory", name, final)
	}
	if err := os.Rename(filepath.Join(tmp, parts[0].Name()), final); err != nil {
		return fmt.Errorf("export %q to %s: %w", name, dir, err)
	}
	return nil
}
