package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
)

// DuckDB's settings while imports into a warehouse file run. Both are
// global to the database, so they are set when the first of a
// warehouse's imports starts and restored when the last one ends.
//
//   - write_buffer_row_group_count = 1: a bulk INSERT compresses and writes
//     each row group as soon as it is full, instead of buffering five per
//     thread and compressing them all when the statement ends; the
//     compression then overlaps the reader's parsing, and the buffers hold
//     one row group.
//   - memory_limit: the blocks an import writes stay in DuckDB's cache up
//     to the limit (80 % of RAM by default); an import reads little of
//     them back, so a small limit keeps the resident set flat in the
//     file's size (anything that does not fit spills to <file>.tmp).
//
// In-memory warehouses keep the defaults: their tables live in that memory.
//
// Go's collector runs at 25 % heap growth instead of 100 % meanwhile
// (unless GOGC is set): an import allocates its record batches afresh,
// gigabytes at ten million events, around a live set of a few hundred MiB
// (batches in flight, the case dictionaries), and the default would let
// the heap reach twice that. The live set is mostly pointer-free, so the
// extra collections cost little: at ten million CSV rows the peak resident
// set drops from about 1.05 GB to 0.8 GB.
var importSettings = []struct{ name, value string }{
	{"write_buffer_row_group_count", "1"},
	{"memory_limit", "'256MiB'"},
}

var tuned struct {
	sync.Mutex
	users     map[*Warehouse]int // imports running, by warehouse file
	saved     map[*Warehouse][]string
	imports   int // imports running in the process
	gcPercent int // the collector's setting before them
}

// tuneForImport applies importSettings (and the collector's setting) for
// an import into w; the returned function undoes it.
func (w *Warehouse) tuneForImport(ctx context.Context) (func(), error) {
	tuned.Lock()
	defer tuned.Unlock()
	if tuned.imports == 0 && os.Getenv("GOGC") == "" {
		tuned.gcPercent = debug.SetGCPercent(25)
	}
	tuned.imports++
	untuneGC := func() {
		if tuned.imports--; tuned.imports == 0 && os.Getenv("GOGC") == "" {
			debug.SetGCPercent(tuned.gcPercent)
		}
	}
	if w.path == InMemory {
		return func() {
			tuned.Lock()
			defer tuned.Unlock()
			untuneGC()
		}, nil
	}
	if tuned.users[w] == 0 {
		saved := make([]string, len(importSettings))
		for i, s := range importSettings {
			if err := w.db.QueryRowContext(ctx, `SELECT current_setting('`+s.name+`')::VARCHAR`).Scan(&saved[i]); err != nil {
				untuneGC()
				return nil, fmt.Errorf("import settings: %w", err)
			}
		}
		for _, s := range importSettings {
			if _, err := w.db.ExecContext(ctx, `SET `+s.name+` = `+s.value); err != nil {
				restore(w.db, saved)
				untuneGC()
				return nil, fmt.Errorf("import settings: %w", err)
			}
		}
		if tuned.users == nil {
			tuned.users, tuned.saved = map[*Warehouse]int{}, map[*Warehouse][]string{}
		}
		tuned.saved[w] = saved
	}
	tuned.users[w]++
	return func() {
		tuned.Lock()
		defer tuned.Unlock()
		if tuned.users[w]--; tuned.users[w] == 0 {
			restore(w.db, tuned.saved[w])
			delete(tuned.users, w)
			delete(tuned.saved, w)
		}
		untuneGC()
	}, nil
}

// restore puts the settings back as saved. DuckDB shows a memory size
// rounded (18.8 GiB), so a saved value that is the default is restored by
// RESET, exactly; another is set again as shown.
func restore(db *sql.DB, saved []string) {
	ctx := context.Background()
	for i, s := range importSettings {
		var dflt string
		if _, err := db.ExecContext(ctx, `RESET `+s.name); err == nil &&
			db.QueryRowContext(ctx, `SELECT current_setting('`+s.name+`')::VARCHAR`).Scan(&dflt) == nil && dflt == saved[i] {
			continue
		}
		db.ExecContext(ctx, `SET `+s.name+` = `+quoteLit(saved[i]))
	}
}
