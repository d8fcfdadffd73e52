package warehouse

import (
	"context"
	"fmt"

	"github.com/pmx-dev/pmx/ingest/event"
)

// migrations[i] brings the schema from version i to i+1. Append only: a
// released migration is never edited, so every existing warehouse file
// reaches the same schema by replaying the missing tail.
var migrations = []string{
	event.DDL + derivedDDL,
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// derivedDDL holds what the warehouse derives from the canonical rows.
//
//	events.pos            0-based position of an instance in its case
//	                      (ordered by ts, then seq); NULL for non-instances
//	events.prev_activity  the previous instance's activity in the case
//	events.prev_ts        the previous instance's ts (waiting time = ts − prev_ts)
//	case_facts            one row per case with at least one instance
//	log_ids               log ids are never reused, so a replaced log's rows
//	                      cannot be confused with its successor's
//	variants              distinct instance sequences, variant_id 1 = most frequent
const derivedDDL = `
CREATE SEQUENCE IF NOT EXISTS log_ids START 1;
ALTER TABLE events ADD COLUMN pos INTEGER;
ALTER TABLE events ADD COLUMN prev_activity VARCHAR;
ALTER TABLE events ADD COLUMN prev_ts TIMESTAMP;
CREATE TABLE IF NOT EXISTS case_facts (
	log_id         INTEGER NOT NULL,
	case_id        VARCHAR NOT NULL,
	variant_id     INTEGER NOT NULL,
	n              INTEGER NOT NULL,
	first_ts       TIMESTAMP NOT NULL,
	last_ts        TIMESTAMP NOT NULL,
	first_start_ts TIMESTAMP,
	first_activity VARCHAR NOT NULL,
	last_activity  VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS variants (
	log_id     INTEGER NOT NULL,
	variant_id INTEGER NOT NULL,
	activities VARCHAR[] NOT NULL,
	cases      BIGINT NOT NULL
);
`

func (w *Warehouse) migrate(ctx context.Context) error {
	if _, err := w.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	var have int
	if err := w.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if have > SchemaVersion {
		return fmt.Errorf("schema version %d is newer than this pmx understands (%d); upgrade pmx", have, SchemaVersion)
	}
	for v := have; v < SchemaVersion; v++ {
		tx, err := w.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate schema %d→%d: %w", v, v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate schema %d→%d: %w", v, v+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?)`, v+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("migrate schema %d→%d: %w", v, v+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migrate schema %d→%d: %w", v, v+1, err)
		}
	}
	return nil
}
