package warehouse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pmx-dev/pmx/ingest/event"
)

// Columns maps source columns onto the canonical record for sources DuckDB
// reads itself (Parquet). Case, Activity and Time are required.
type Columns struct {
	Case, Activity, Time, Start, Resource, Lifecycle string
}

// Column is a source column and its DuckDB type.
type Column struct{ Name, Type string }

// ParquetColumns lists a Parquet file's columns so callers can map them.
func (w *Warehouse) ParquetColumns(ctx context.Context, path string) ([]Column, error) {
	lit, done, err := parquetFile(path)
	if err != nil {
		return nil, err
	}
	defer done()
	rows, err := w.db.QueryContext(ctx, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(`+lit+`))`)
	if err != nil {
		return nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	defer rows.Close()
	var cols []Column
	for rows.Next() {
		var c Column
		if err := rows.Scan(&c.Name, &c.Type); err != nil {
			return nil, fmt.Errorf("parquet %s: %w", path, err)
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// ImportParquet imports a Parquet file. DuckDB's own reader (columnar,
// parallel) reads it in pages of rows, in file order, and parses its
// timestamps; the rows then take the path of every other source (the
// stream of Arrow batches, dictionary numbers, the derivation). Rows
// lacking a case, activity or timestamp fail the import naming the first
// such row (1-based), or with rejects go to the rejects table with the
// row as JSON. Columns prefixed "case:" become case attributes, taken from
// each case's first good row (as the CSV reader does); every other
// unmapped column is kept in attrs.
//
// Timestamps without a zone (Parquet TIMESTAMP columns written from naive
// local times, strings without an offset) are read as wall-clock time in loc
// (nil = UTC), exactly as the CSV reader does.
func (w *Warehouse) ImportParquet(ctx context.Context, opt ImportOptions, path string, m Columns, rejects bool, loc *time.Location) (LogInfo, error) {
	src, err := w.parquetSource(ctx, path, m, loc)
	if err != nil {
		return LogInfo{}, err
	}
	defer src.done()
	opt.Format = "parquet"
	return w.Import(ctx, opt, func(ctx context.Context, sink event.Sink) (event.Meta, error) {
		return w.readParquet(ctx, src, rejects, sink)
	})
}

// parquetSrc is a Parquet file mapped onto the canonical record, as SQL.
type parquetSrc struct {
	path string
	done func()
	// rows selects every row of the file with its file_row_number and the
	// columns pmx_case, pmx_activity, pmx_ts, pmx_start, pmx_resource,
	// pmx_lifecycle, pmx_attrs (JSON text) and pmx_reason (why the row
	// cannot be an event, NULL for a good row).
	rows string
	// caseAttrs is the JSON object of the case attributes, "" when there
	// are none; raw is the JSON object of the whole row.
	caseAttrs, raw string
}

// parquetSource checks the mapping against the file's columns and builds
// the SQL that reads it.
func (w *Warehouse) parquetSource(ctx context.Context, path string, m Columns, loc *time.Location) (*parquetSrc, error) {
	cols, err := w.ParquetColumns(ctx, path)
	if err != nil {
		return nil, err
	}
	types := map[string]string{}
	for _, c := range cols {
		types[c.Name] = c.Type
	}
	for role, name := range map[string]string{"case": m.Case, "activity": m.Activity, "timestamp": m.Time} {
		if name == "" {
			return nil, fmt.Errorf("parquet %s: no %s column (columns: %s)", path, role, columnNames(cols))
		}
	}
	for _, name := range []string{m.Case, m.Activity, m.Time, m.Start, m.Resource, m.Lifecycle} {
		if _, ok := types[name]; name != "" && !ok {
			return nil, fmt.Errorf("parquet %s: no column %q (columns: %s)", path, name, columnNames(cols))
		}
	}
	zone := ""
	if loc != nil && loc != time.UTC && loc.String() != "UTC" {
		zone = loc.String()
	}
	tsExpr, err := timeExpr(m.Time, types[m.Time], zone)
	if err != nil {
		return nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	startExpr := "NULL::TIMESTAMP"
	if m.Start != "" {
		if startExpr, err = timeExpr(m.Start, types[m.Start], zone); err != nil {
			return nil, fmt.Errorf("parquet %s: %w", path, err)
		}
	}
	mapped := map[string]bool{m.Case: true, m.Activity: true, m.Time: true, m.Start: true, m.Resource: true, m.Lifecycle: true}
	var evAttrs, caseAttrs, all []string // "'key', column" pairs for json_object
	for _, c := range cols {
		all = append(all, quoteLit(c.Name)+", "+quoteIdent(c.Name))
		if mapped[c.Name] {
			continue
		}
		if key, ok := strings.CutPrefix(c.Name, "case:"); ok {
			caseAttrs = append(caseAttrs, quoteLit(key)+", "+quoteIdent(c.Name))
		} else {
			evAttrs = append(evAttrs, quoteLit(c.Name)+", "+quoteIdent(c.Name))
		}
	}
	optStr := func(name string) string {
		if name == "" {
			return "NULL::VARCHAR"
		}
		return "NULLIF(CAST(p." + quoteIdent(name) + " AS VARCHAR), '')"
	}
	jsonObj := func(pairs []string) string {
		if len(pairs) == 0 {
			return ""
		}
		return "json_object(" + strings.Join(pairs, ", ") + ")::VARCHAR"
	}
	lit, done, err := parquetFile(path)
	if err != nil {
		return nil, err
	}
	evJSON := jsonObj(evAttrs)
	if evJSON == "" {
		evJSON = "NULL::VARCHAR"
	}
	rows := fmt.Sprintf(`SELECT p.*, CAST(p.%s AS VARCHAR) AS pmx_case, CAST(p.%s AS VARCHAR) AS pmx_activity, %s AS pmx_ts,
			%s AS pmx_start, %s AS pmx_resource, %s AS pmx_lifecycle, %s AS pmx_attrs,
			CASE WHEN p.%[1]s IS NULL THEN 'no case id' WHEN p.%[2]s IS NULL THEN 'no activity'
			WHEN %[3]s IS NULL THEN 'no or unparseable timestamp in column ' || %[8]s END AS pmx_reason
		FROM read_parquet(%[9]s, file_row_number = true) p`,
		quoteIdent(m.Case), quoteIdent(m.Activity), tsExpr, startExpr, optStr(m.Resource), optStr(m.Lifecycle), evJSON,
		quoteLit(m.Time), lit)
	return &parquetSrc{path: path, done: done, rows: rows, caseAttrs: jsonObj(caseAttrs), raw: jsonObj(all)}, nil
}

// timeExpr is the SQL for a timestamp column as a UTC TIMESTAMP. Values
// with a zone (TIMESTAMPTZ, strings ending in Z or an offset) are instants
// already; zone-less ones are wall-clock times in zone ("" = UTC), turned
// into instants by DuckDB's ICU exactly as Go's time.Date does it (the CSV
// reader's rule): a time in a spring-forward gap is read with the offset
// before the change, a time in the repeated fall-back hour as its later,
// standard-time occurrence. Every conversion names its zone, so nothing
// depends on the session's TimeZone setting.
func timeExpr(col, typ, zone string) (string, error) {
	q := "p." + quoteIdent(col)
	local := func(x string) string {
		if zone == "" {
			return x
		}
		return "timezone('UTC', timezone(" + quoteLit(zone) + ", " + x + "))"
	}
	switch {
	case strings.HasPrefix(typ, "TIMESTAMP WITH TIME ZONE"):
		return "timezone('UTC', " + q + ")", nil
	case strings.HasPrefix(typ, "TIMESTAMP"), typ == "DATE":
		return local("CAST(" + q + " AS TIMESTAMP)"), nil
	case typ == "VARCHAR":
		return "CASE WHEN regexp_matches(trim(" + q + `), '(Z|[+-]\d\d(:?\d\d)?)$') THEN timezone('UTC', TRY_CAST(` + q +
			" AS TIMESTAMPTZ)) ELSE " + local("TRY_CAST("+q+" AS TIMESTAMP)") + " END", nil
	}
	return "", fmt.Errorf("column %q has type %s; want a timestamp, date or ISO 8601 string", col, typ)
}

// parquetFile returns the SQL literal that makes read_parquet read exactly
// the file at path. DuckDB expands *, ? and [...] in the path as a glob, so
// "a*.parquet" would read every matching file (or none); such a path is read
// through a symbolic link with a plain name in a private temporary
// directory, removed by done.
func parquetFile(path string) (lit string, done func(), err error) {
	if !strings.ContainsAny(path, "*?[]{}") {
		return quoteLit(path), func() {}, nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", nil, fmt.Errorf("parquet %w", err)
	}
	dir, err := os.MkdirTemp("", "pmx-parquet-")
	if err != nil {
		return "", nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	link := filepath.Join(dir, "input.parquet")
	if err := os.Symlink(abs, link); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("parquet %s: %w", path, err)
	}
	return quoteLit(link), func() { os.RemoveAll(dir) }, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
func quoteLit(s string) string   { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

func columnNames(cols []Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}
