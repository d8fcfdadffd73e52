package warehouse

import (
	"context"
	"database/sql/driver"
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

// ImportParquet imports a Parquet file with DuckDB's own reader (columnar,
// parallel) straight into the staging table; the rest of the import is the
// same as for Arrow sources. Rows lacking a case, activity or timestamp fail
// the import naming the first such row (1-based), or with rejects go to the
// rejects table. Columns prefixed "case:" become case attributes; every other
// unmapped column is kept in attrs.
//
// Timestamps without a zone (Parquet TIMESTAMP columns written from naive
// local times, strings without an offset) are read as wall-clock time in loc
// (nil = UTC), exactly as the CSV reader does.
func (w *Warehouse) ImportParquet(ctx context.Context, opt ImportOptions, path string, m Columns, rejects bool, loc *time.Location) (LogInfo, error) {
	cols, err := w.ParquetColumns(ctx, path)
	if err != nil {
		return LogInfo{}, err
	}
	types := map[string]string{}
	for _, c := range cols {
		types[c.Name] = c.Type
	}
	for role, name := range map[string]string{"case": m.Case, "activity": m.Activity, "timestamp": m.Time} {
		if name == "" {
			return LogInfo{}, fmt.Errorf("parquet %s: no %s column (columns: %s)", path, role, columnNames(cols))
		}
	}
	for _, name := range []string{m.Case, m.Activity, m.Time, m.Start, m.Resource, m.Lifecycle} {
		if _, ok := types[name]; name != "" && !ok {
			return LogInfo{}, fmt.Errorf("parquet %s: no column %q (columns: %s)", path, name, columnNames(cols))
		}
	}
	lit, done, err := parquetFile(path)
	if err != nil {
		return LogInfo{}, err
	}
	defer done()
	zone := ""
	if loc != nil && loc != time.UTC && loc.String() != "UTC" {
		zone = loc.String()
	}
	tsExpr, err := timeExpr(m.Time, types[m.Time], zone)
	if err != nil {
		return LogInfo{}, fmt.Errorf("parquet %s: %w", path, err)
	}
	startExpr := "NULL::TIMESTAMP"
	if m.Start != "" {
		if startExpr, err = timeExpr(m.Start, types[m.Start], zone); err != nil {
			return LogInfo{}, fmt.Errorf("parquet %s: %w", path, err)
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
			// Case attributes come from each case's first row; picking each
			// column's value per case before building JSON builds one
			// object per case rather than one per row.
			caseAttrs = append(caseAttrs, quoteLit(key)+", arg_min("+quoteIdent(c.Name)+", file_row_number)")
		} else {
			evAttrs = append(evAttrs, quoteLit(c.Name)+", "+quoteIdent(c.Name))
		}
	}
	optStr := func(name string) string {
		if name == "" {
			return "NULL::VARCHAR"
		}
		return "CAST(" + quoteIdent(name) + " AS VARCHAR)"
	}
	src := fmt.Sprintf(`(SELECT p.*, CAST(p.%s AS VARCHAR) AS pmx_case, CAST(p.%s AS VARCHAR) AS pmx_activity, %s AS pmx_ts,
			%s AS pmx_start, CASE WHEN p.%[1]s IS NULL THEN 'no case id' WHEN p.%[2]s IS NULL THEN 'no activity'
			WHEN %[3]s IS NULL THEN 'no or unparseable timestamp in column ' || %[5]s END AS pmx_reason
		FROM read_parquet(%[6]s, file_row_number = true) p)`,
		quoteIdent(m.Case), quoteIdent(m.Activity), tsExpr, startExpr, quoteLit(m.Time), lit)
	jsonObj := func(pairs []string) string {
		if len(pairs) == 0 {
			return "NULL"
		}
		return "json_object(" + strings.Join(pairs, ", ") + ")"
	}
	opt.Format = "parquet"
	return w.importWith(ctx, opt, func(conn driver.Conn, tx *txConn, id int64) (event.Meta, int64, error) {
		var nbad, first int64
		var reason string
		if err := tx.queryRow(ctx, `SELECT count(*), coalesce(min(file_row_number), -1), coalesce(arg_min(pmx_reason, file_row_number), '')
			FROM `+src+` WHERE pmx_reason IS NOT NULL`, nil, &nbad, &first, &reason); err != nil {
			return event.Meta{}, 0, fmt.Errorf("parquet %s: %w", path, err)
		}
		if nbad > 0 && !rejects {
			return event.Meta{}, 0, &event.SourceError{Source: path, Unit: "row", Pos: first + 1,
				Reason: fmt.Sprintf("%s (%d bad rows in all; --rejects keeps them aside and imports the rest)", reason, nbad)}
		}
		// The dictionary numbers the stream assigns for Arrow sources (see
		// dict.go), here in SQL: cases and activities by first appearance.
		dict := fmt.Sprintf("pq_dict_%d", id)
		stmts := []string{
			fmt.Sprintf(`CREATE TEMP TABLE %[1]s AS
				SELECT 'c' AS kind, pmx_case AS name, (row_number() OVER (ORDER BY min(file_row_number)) - 1)::INTEGER AS no
				FROM %[2]s WHERE pmx_reason IS NULL GROUP BY pmx_case
				UNION ALL
				SELECT 'a', pmx_activity, (row_number() OVER (ORDER BY min(file_row_number)) - 1)::INTEGER
				FROM %[2]s WHERE pmx_reason IS NULL GROUP BY pmx_activity`, dict, src),
			fmt.Sprintf(`INSERT INTO events SELECT %d, pmx_case, pmx_activity, pmx_ts, pmx_start, %s, %s, file_row_number, %s, c.no, a.no
				FROM %s JOIN %[6]s c ON c.kind = 'c' AND c.name = pmx_case JOIN %[6]s a ON a.kind = 'a' AND a.name = pmx_activity
				WHERE pmx_reason IS NULL`, id, optStr(m.Resource), optStr(m.Lifecycle), jsonObj(evAttrs), src, dict),
			fmt.Sprintf(`INSERT INTO cases SELECT %d, any_value(c.no), pmx_case, %s FROM %s JOIN %s c ON c.kind = 'c' AND c.name = pmx_case
				WHERE pmx_reason IS NULL GROUP BY pmx_case`, id, jsonObj(caseAttrs), src, dict),
			`DROP TABLE ` + dict,
			fmt.Sprintf(`INSERT INTO rejects SELECT %s, %s, file_row_number + 1, pmx_reason,
				%s::VARCHAR FROM %s WHERE pmx_reason IS NOT NULL`, quoteLit(opt.Name), quoteLit(path), jsonObj(all), src),
		}
		if nbad == 0 {
			stmts = stmts[:len(stmts)-1]
		}
		for _, q := range stmts {
			if err := tx.exec(ctx, q); err != nil {
				return event.Meta{}, 0, fmt.Errorf("parquet %s: %w", path, err)
			}
		}
		return event.Meta{Rejected: nbad}, nbad, nil
	})
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
