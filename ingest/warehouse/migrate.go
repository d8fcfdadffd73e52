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
	streamingDDL,
	derivedLogDDL,
}

// derivedLogDDL records how a derived log (pmx filter) was made.
//
//	logs.derived_from  the name of the log it was copied from, at the time
//	                   (NULL for an imported log)
//	logs.filter_spec   the criteria that chose the rows it kept, as the JSON
//	                   analysis/filter writes
const derivedLogDDL = `
ALTER TABLE logs ADD COLUMN derived_from VARCHAR;
ALTER TABLE logs ADD COLUMN filter_spec JSON;
`

// streamingDDL adds what continuous ingestion (Kafka) needs.
//
//	logs.stale      events were appended since the derived tables were built;
//	                Refresh rebuilds them before an analysis reads them
//	ingest_offsets  per log and source partition, the next offset to read;
//	                written in the same transaction as the events it covers,
//	                which is what makes ingestion exactly once
//	dead_letters    messages that could not become events, with their source
//	                position, raw bytes and the reason
const streamingDDL = `
ALTER TABLE logs ADD COLUMN stale BOOLEAN DEFAULT false;
CREATE TABLE IF NOT EXISTS ingest_offsets (
	log_id      INTEGER NOT NULL,
	topic       VARCHAR NOT NULL,
	partition   INTEGER NOT NULL,
	next_offset BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS dead_letters (
	log_name    VARCHAR NOT NULL,
	topic       VARCHAR NOT NULL,
	partition   INTEGER NOT NULL,
	"offset"    BIGINT NOT NULL,
	key         BLOB,
	value       BLOB,
	reason      VARCHAR NOT NULL,
	received_at TIMESTAMP NOT NULL
);
`

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)

// derivedDDL holds what the warehouse derives from the canonical rows at
// import. Analyses read these narrow, integer-keyed tables instead of
// re-sorting events: ordering a million events by case and time costs a
// second in SQL, so it is done once, at import.
//
//	log_ids     log ids are never reused, so a replaced log's rows cannot be
//	            confused with its successor's
//	activities  per-log activity dictionary; act_no follows the byte order
//	            of the names, so sorting by act_no sorts by name; act_src is
//	            the number events.act_src gives it
//	steps       the activity instances (see event.StandardLifecycle), one row
//	            each: case_no, 0-based pos in the case ordered by (ts, seq),
//	            the previous instance's act_no and ts (waiting time =
//	            ts − prev_ts), start_ts from the source or the matched start
//	            event, and seq to join back to events
//	case_facts  one row per case with at least one instance (case_no as in
//	            events and cases)
//	variants    distinct instance sequences as act_no lists; variant_id 1 is
//	            the most frequent, ties by activity names
const derivedDDL = `
CREATE SEQUENCE IF NOT EXISTS log_ids START 1;
CREATE TABLE IF NOT EXISTS activities (
	log_id   INTEGER NOT NULL,
	act_no   INTEGER NOT NULL,
	activity VARCHAR NOT NULL,
	act_src  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS steps (
	log_id      INTEGER NOT NULL,
	case_no     INTEGER NOT NULL,
	pos         INTEGER NOT NULL,
	act_no      INTEGER NOT NULL,
	prev_act_no INTEGER,
	ts          TIMESTAMP NOT NULL,
	start_ts    TIMESTAMP,
	prev_ts     TIMESTAMP,
	seq         BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS case_facts (
	log_id         INTEGER NOT NULL,
	case_no        INTEGER NOT NULL,
	case_id        VARCHAR NOT NULL,
	variant_id     INTEGER NOT NULL,
	n              INTEGER NOT NULL,
	first_ts       TIMESTAMP NOT NULL,
	last_ts        TIMESTAMP NOT NULL,
	first_start_ts TIMESTAMP NOT NULL,
	first_act_no   INTEGER NOT NULL,
	last_act_no    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS variants (
	log_id     INTEGER NOT NULL,
	variant_id INTEGER NOT NULL,
	acts       INTEGER[] NOT NULL,
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
