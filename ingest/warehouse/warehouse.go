package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/duckdb/duckdb-go/v2"
)

// InMemory opens a warehouse that lives only as long as the process; used
// when an analysis command is given a file instead of --log.
const InMemory = ""

// ErrNoLog is returned when a named log is not in the warehouse.
var ErrNoLog = errors.New("no such log")

// ErrLocked is returned by Open when another process has the warehouse file
// open: DuckDB allows one process at a time (a running `pmx ingest kafka`,
// say). The wrapped text names the holder's PID.
var ErrLocked = errors.New("warehouse is in use by another process")

// ErrEngineVersion reports a warehouse file written in a storage format the
// linked DuckDB cannot read (a much older or a newer DuckDB wrote it).
var ErrEngineVersion = errors.New("warehouse written by an incompatible DuckDB")

// Warehouse is an open DuckDB event warehouse.
type Warehouse struct {
	db   *sql.DB
	path string

	mu        sync.Mutex
	appenders map[string]*Appender // one per log: they share its dictionaries and serialize its appends
}

// Open opens (creating if needed) the warehouse at path and brings its schema
// to the current version. path == InMemory opens an in-memory database.
func Open(ctx context.Context, path string) (*Warehouse, error) {
	// Row order in tables carries no meaning here (seq and pos order
	// events), so DuckDB may insert without preserving it: with the Arrow
	// scan feeding one INSERT this halves the time to write a file.
	// Timestamps are UTC throughout; with ICU built in, DuckDB would
	// otherwise cast between TIMESTAMP and TIMESTAMPTZ in the host's zone.
	// The hook runs for every new pooled connection, long after Open's ctx
	// may be done, so it does not use it.
	connector, err := duckdb.NewConnector(path, func(ex driver.ExecerContext) error {
		_, err := ex.ExecContext(context.Background(), "SET preserve_insertion_order = false; SET TimeZone = 'UTC'", nil)
		return err
	})
	if err != nil {
		return nil, openErr(path, err)
	}
	db := sql.OpenDB(connector)
	w := &Warehouse{db: db, path: path}
	if err := w.migrate(ctx); err != nil {
		db.Close()
		return nil, openErr(path, err)
	}
	return w, nil
}

// openErr words DuckDB's lock conflict for people (and as ErrLocked for
// callers that wait for the lock).
func openErr(path string, err error) error {
	if e := engineErr(path, err); e != nil {
		return e
	}
	msg := err.Error()
	if !strings.Contains(msg, "Could not set lock on file") {
		return fmt.Errorf("open warehouse %s: %w", describe(path), err)
	}
	holder := ""
	if i := strings.Index(msg, "Conflicting lock is held in "); i >= 0 {
		rest := msg[i+len("Conflicting lock is held in "):]
		if j := strings.Index(rest, ")"); j >= 0 {
			holder = " (" + rest[:j+1] + ")"
		}
	}
	return fmt.Errorf("open warehouse %s: %w%s", describe(path), ErrLocked, holder)
}

// FileHeader is what a DuckDB database file's header says about the file:
// its storage format version and the DuckDB release that created it.
type FileHeader struct {
	StorageVersion uint64 // 64 for files DuckDB 0.10 to 1.5 write by default
	CreatedBy      string // e.g. "v1.1.2"; "" when the header does not say
}

// ReadFileHeader reads the header of the DuckDB file at path. ok is false
// when the file is not a DuckDB database.
func ReadFileHeader(path string) (h FileHeader, ok bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return h, false, err
	}
	defer f.Close()
	var b [84]byte
	n, _ := io.ReadFull(f, b[:])
	// 8 bytes checksum, "DUCK", the storage version (uint64 LE), flags,
	// then the creating release as a NUL-padded string at byte 52.
	if n < 20 || string(b[8:12]) != "DUCK" {
		return h, false, nil
	}
	h.StorageVersion = binary.LittleEndian.Uint64(b[12:20])
	if n >= 84 {
		h.CreatedBy = strings.TrimRight(string(b[52:84]), "\x00")
	}
	return h, true, nil
}

// engineErr explains an open that failed because the file's storage format
// is not one this DuckDB reads: which release wrote it, and how to carry
// its logs over.
func engineErr(path string, err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "version number") && !strings.Contains(msg, "older version of DuckDB") && !strings.Contains(msg, "newer version of DuckDB") {
		return nil
	}
	h, ok, _ := ReadFileHeader(path)
	by := ""
	if ok && h.CreatedBy != "" {
		by = " (created by DuckDB " + h.CreatedBy + ")"
	}
	return fmt.Errorf("open warehouse %s: %w: the file's storage format%s is not one the DuckDB in this pmx reads; "+
		"carry the logs over by importing them again from their sources (pmx logs, run with the pmx that wrote the file, "+
		"lists each log's source), or keep using that pmx for this file", describe(path), ErrEngineVersion, by)
}

func describe(path string) string {
	if path == InMemory {
		return "(in memory)"
	}
	return path
}

// DB is the underlying database for packages that query the warehouse
// (analysis/facts). Callers must treat the tables as read-only.
func (w *Warehouse) DB() *sql.DB { return w.db }

// Path is the database file ("" for in-memory).
func (w *Warehouse) Path() string { return w.path }

// Close closes the database.
func (w *Warehouse) Close() error { return w.db.Close() }

// LogID resolves a log name to its id.
func (w *Warehouse) LogID(ctx context.Context, name string) (int64, error) {
	var id int64
	err := w.db.QueryRowContext(ctx, `SELECT log_id FROM logs WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		names, _ := w.names(ctx)
		if len(names) == 0 {
			return 0, fmt.Errorf("log %q: %w (the warehouse is empty; run pmx import first)", name, ErrNoLog)
		}
		return 0, fmt.Errorf("log %q: %w (have: %s)", name, ErrNoLog, strings.Join(names, ", "))
	}
	if err != nil {
		return 0, fmt.Errorf("log %q: %w", name, err)
	}
	return id, nil
}

func (w *Warehouse) names(ctx context.Context) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT name FROM logs ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// LogInfo describes one imported log (the JSON of `pmx logs --json`).
type LogInfo struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Source     string `json:"source"`
	Format     string `json:"format"`
	ImportedAt string `json:"imported_at"`
	Events     int64  `json:"events"`    // rows kept, every lifecycle transition
	Instances  int64  `json:"instances"` // activity instances, what analyses count
	Cases      int64  `json:"cases"`
	Rejects    int64  `json:"rejects"`
	Lifecycle  string `json:"lifecycle"` // "standard" or "non-standard"
	Classifier string `json:"classifier,omitempty"`
	// Stale: events were appended (pmx ingest kafka) since instances and
	// facts were derived; the next analysis of the log rebuilds them.
	Stale bool `json:"stale"`
	// DerivedFrom and Filter say how a derived log (pmx filter) was made:
	// the log its rows were copied from and the criteria, as JSON.
	DerivedFrom string          `json:"derived_from,omitempty"`
	Filter      json.RawMessage `json:"filter,omitempty"`
}

// Logs lists the imported logs by name.
func (w *Warehouse) Logs(ctx context.Context) ([]LogInfo, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT log_id, name, source, format,
		strftime(imported_at, '%Y-%m-%dT%H:%M:%SZ'), events, instances, cases, rejects, lifecycle,
		coalesce(classifier, ''), coalesce(stale, false), coalesce(derived_from, ''), coalesce(filter_spec::VARCHAR, '')
		FROM logs ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list logs: %w", err)
	}
	defer rows.Close()
	var out []LogInfo
	for rows.Next() {
		var l LogInfo
		var spec string
		if err := rows.Scan(&l.ID, &l.Name, &l.Source, &l.Format, &l.ImportedAt, &l.Events, &l.Instances,
			&l.Cases, &l.Rejects, &l.Lifecycle, &l.Classifier, &l.Stale, &l.DerivedFrom, &spec); err != nil {
			return nil, fmt.Errorf("list logs: %w", err)
		}
		if spec != "" {
			l.Filter = json.RawMessage(spec)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Log returns one log's description.
func (w *Warehouse) Log(ctx context.Context, name string) (LogInfo, error) {
	logs, err := w.Logs(ctx)
	if err != nil {
		return LogInfo{}, err
	}
	for _, l := range logs {
		if l.Name == name {
			return l, nil
		}
	}
	_, err = w.LogID(ctx, name)
	return LogInfo{}, err
}

// Drop deletes a log and everything derived from it, atomically.
func (w *Warehouse) Drop(ctx context.Context, name string) error {
	id, err := w.LogID(ctx, name)
	if err != nil {
		return err
	}
	return w.withTx(ctx, nil, func(_ driver.Conn, tx *txConn) error { return deleteLog(ctx, tx, id, name) })
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func deleteLog(ctx context.Context, tx execer, id int64, name string) error {
	if err := deleteDerived(ctx, tx, id); err != nil {
		return fmt.Errorf("drop log %q: %w", name, err)
	}
	for _, q := range []string{
		`DELETE FROM events WHERE log_id = ?`, `DELETE FROM cases WHERE log_id = ?`,
		`DELETE FROM ingest_offsets WHERE log_id = ?`, `DELETE FROM logs WHERE log_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("drop log %q: %w", name, err)
		}
	}
	for _, q := range []string{`DELETE FROM rejects WHERE log_name = ?`, `DELETE FROM dead_letters WHERE log_name = ?`} {
		if _, err := tx.ExecContext(ctx, q, name); err != nil {
			return fmt.Errorf("drop log %q: %w", name, err)
		}
	}
	return nil
}

// deleteDerived removes what derive builds for log id.
func deleteDerived(ctx context.Context, tx execer, id int64) error {
	for _, q := range []string{
		`DELETE FROM case_facts WHERE log_id = ?`, `DELETE FROM variants WHERE log_id = ?`,
		`DELETE FROM steps WHERE log_id = ?`, `DELETE FROM activities WHERE log_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}

// EngineVersion reports the version of the DuckDB library linked into the
// binary (e.g. "v1.1.3"), asked of an in-memory database.
func EngineVersion(ctx context.Context) (string, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return "", fmt.Errorf("duckdb: %w", err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, "SELECT version()").Scan(&v); err != nil {
		return "", fmt.Errorf("duckdb: %w", err)
	}
	return v, nil
}
