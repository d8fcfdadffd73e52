package warehouse

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// CaseEvent is one stored event of a case, as the source had it.
type CaseEvent struct {
	Activity  string          `json:"activity"`
	Time      time.Time       `json:"timestamp"`
	Start     *time.Time      `json:"start,omitempty"`
	Resource  string          `json:"resource,omitempty"`
	Lifecycle string          `json:"lifecycle,omitempty"`
	Attrs     json.RawMessage `json:"attrs,omitempty"`
}

// CaseEvents returns a case's events in their stored order (time, then
// source position) and its case attributes; found is false when the log
// has no such case.
func (w *Warehouse) CaseEvents(ctx context.Context, log, caseID string) (events []CaseEvent, attrs json.RawMessage, found bool, err error) {
	id, err := w.LogID(ctx, log)
	if err != nil {
		return nil, nil, false, err
	}
	rows, err := w.db.QueryContext(ctx, `SELECT activity, ts, start_ts, coalesce(resource, ''), coalesce(lifecycle, ''), attrs::VARCHAR
		FROM events WHERE log_id = ? AND case_id = ? ORDER BY ts, seq`, id, caseID)
	if err != nil {
		return nil, nil, false, err
	}
	defer rows.Close()
	events = []CaseEvent{}
	for rows.Next() {
		var e CaseEvent
		var start sql.NullTime
		var a sql.NullString
		if err := rows.Scan(&e.Activity, &e.Time, &start, &e.Resource, &e.Lifecycle, &a); err != nil {
			return nil, nil, false, err
		}
		e.Time = e.Time.UTC()
		if start.Valid {
			t := start.Time.UTC()
			e.Start = &t
		}
		if a.Valid && a.String != "" && a.String != "{}" {
			e.Attrs = json.RawMessage(a.String)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, false, err
	}
	var ca sql.NullString
	err = w.db.QueryRowContext(ctx, `SELECT attrs::VARCHAR FROM cases WHERE log_id = ? AND case_id = ?`, id, caseID).Scan(&ca)
	switch {
	case err == sql.ErrNoRows:
		err = nil
	case err != nil:
		return nil, nil, false, err
	case ca.Valid && ca.String != "" && ca.String != "{}":
		attrs = json.RawMessage(ca.String)
	}
	return events, attrs, len(events) > 0, nil
}

// RecentDeadLetters returns up to limit of a log's latest dead letters
// (without key and value), oldest first, with when each was received.
func (w *Warehouse) RecentDeadLetters(ctx context.Context, log string, limit int) ([]DeadLetter, []time.Time, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT topic, partition, "offset", reason, received_at FROM (
		SELECT * FROM dead_letters WHERE log_name = ? ORDER BY received_at DESC, topic, partition, "offset" DESC LIMIT ?)
		ORDER BY received_at, topic, partition, "offset"`, log, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("dead letters of log %q: %w", log, err)
	}
	defer rows.Close()
	var out []DeadLetter
	var at []time.Time
	for rows.Next() {
		var d DeadLetter
		var t time.Time
		if err := rows.Scan(&d.Topic, &d.Partition, &d.Offset, &d.Reason, &t); err != nil {
			return nil, nil, err
		}
		out = append(out, d)
		at = append(at, t.UTC())
	}
	return out, at, rows.Err()
}
