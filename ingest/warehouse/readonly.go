package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// ReadOnly is a warehouse opened for analysts' SQL (pmx sql): the file is
// attached read-only, so no statement can change it, and DuckDB's external
// access is off, so no statement can read or write other files (read_csv,
// COPY … TO, ATTACH, INSTALL, LOAD) or reach the network. Its one
// connection has the documented views and macros (AnalystSQL) as
// temporary objects, so opening needs no migration and writes nothing.
// Temporary tables a query creates live in memory and vanish on Close.
type ReadOnly struct {
	db *sql.DB
}

// OpenReadOnly opens the warehouse at path for queries. The file must
// exist; it is never created or migrated.
func OpenReadOnly(ctx context.Context, path string) (*ReadOnly, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("warehouse %s: %w", path, err)
	}
	q := url.Values{}
	q.Set("access_mode", "read_only")
	q.Set("enable_external_access", "false")
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	connector, err := duckdb.NewConnector(path+"?"+q.Encode(), func(ex driver.ExecerContext) error {
		// The views go in first, then the configuration is locked: a
		// query cannot SET its way around the rules above.
		_, err := ex.ExecContext(context.Background(), "SET TimeZone = 'UTC';\n"+AnalystSQL+"\nSET lock_configuration = true;", nil)
		return err
	})
	if err != nil {
		return nil, openErr(path, err)
	}
	db := sql.OpenDB(connector)
	// Temporary views and tables belong to a connection: keep exactly one.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if strings.Contains(err.Error(), "Catalog Error") {
			// The views name tables an older schema lacks; a read-only
			// open cannot migrate.
			return nil, fmt.Errorf("warehouse %s: %w (a file of an older pmx? run pmx logs --db %s once to migrate it)", path, oneLine(err), path)
		}
		return nil, openErr(path, err)
	}
	return &ReadOnly{db: db}, nil
}

// Close closes the warehouse.
func (r *ReadOnly) Close() error { return r.db.Close() }

// Result is a query's result: column names and DuckDB types, and the rows
// as database/sql gives them (nil for NULL; int64, float64, string, bool,
// time.Time in UTC, []any for lists, map[string]any for structs, …).
type Result struct {
	Columns []string `json:"columns"`
	Types   []string `json:"types"`
	Rows    [][]any  `json:"rows"`
}

// Query runs one SQL text (several statements: the last one's result) and
// returns its whole result. Errors are DuckDB's message on one line.
func (r *ReadOnly) Query(ctx context.Context, query string) (*Result, error) {
	rows, err := r.db.QueryContext(ctx, query)
	if err != nil {
		return nil, oneLine(err)
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		return nil, oneLine(err)
	}
	res := &Result{Rows: [][]any{}}
	for _, c := range cols {
		res.Columns = append(res.Columns, c.Name())
		res.Types = append(res.Types, c.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, oneLine(err)
		}
		res.Rows = append(res.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, oneLine(err)
	}
	return res, nil
}

// oneLine folds DuckDB's multi-line messages into one line, without the
// echo of the query and the caret under it ("LINE 1: … ^").
func oneLine(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "\nLINE "); i > 0 {
		msg = msg[:i]
	}
	msg = strings.Join(strings.Fields(msg), " ")
	return errors.New(msg)
}
