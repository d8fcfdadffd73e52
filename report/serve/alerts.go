package serve

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pmx-dev/pmx/analysis/live"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Alerts are kept in the warehouse, in a table of their own, so that a
// restart knows which it raised. A log's monitoring starts at the stream
// instant its first server saw (serve_monitoring): alerts that became due
// before it (old cases of a log imported long ago) are recorded as silent,
// listed but not sent.
const alertsDDL = `
CREATE TABLE IF NOT EXISTS serve_alerts (
	key           VARCHAR PRIMARY KEY,
	log           VARCHAR NOT NULL,
	kind          VARCHAR NOT NULL,
	case_id       VARCHAR NOT NULL,
	rule          VARCHAR NOT NULL,
	due_at        TIMESTAMP NOT NULL,
	deadline      TIMESTAMP,
	last_activity VARCHAR,
	resource      VARCHAR,
	silent        BOOLEAN NOT NULL,
	sent_at       TIMESTAMP,
	attempts      INTEGER NOT NULL DEFAULT 0,
	next_try      TIMESTAMP,
	last_error    VARCHAR
);
CREATE TABLE IF NOT EXISTS serve_monitoring (
	log   VARCHAR PRIMARY KEY,
	since TIMESTAMP NOT NULL
);`

// backoffUnit is the first pause after a failed post; it doubles.
var backoffUnit = time.Second

// webhook retries: attempts and the longest pause between two.
const (
	maxAttempts   = 12
	maxBackoff    = 5 * time.Minute
	webhookExpiry = 10 * time.Second
)

type alertStore struct {
	db      *sql.DB
	o       Options
	client  *http.Client
	wake    chan struct{}
	mu      sync.Mutex
	raised  map[string][]string // log → keys, loaded at start
	since   map[string]time.Time
	pending int
	// version counts the changes of the stored alerts (see liveAnswer).
	version atomic.Uint64
}

func openAlerts(ctx context.Context, w *warehouse.Warehouse, o Options) (*alertStore, error) {
	db := w.DB()
	if _, err := db.ExecContext(ctx, alertsDDL); err != nil {
		return nil, fmt.Errorf("serve: alerts table: %w", err)
	}
	a := &alertStore{db: db, o: o, client: &http.Client{Timeout: webhookExpiry}, wake: make(chan struct{}, 1),
		raised: map[string][]string{}, since: map[string]time.Time{}}
	rows, err := db.QueryContext(ctx, `SELECT log, key FROM serve_alerts`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var log, key string
		if err := rows.Scan(&log, &key); err != nil {
			return nil, err
		}
		a.raised[log] = append(a.raised[log], key)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	mrows, err := db.QueryContext(ctx, `SELECT log, since FROM serve_monitoring`)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var log string
		var since time.Time
		if err := mrows.Scan(&log, &since); err != nil {
			return nil, err
		}
		a.since[log] = since.UTC()
	}
	return a, mrows.Err()
}

func (a *alertStore) keys(log string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.raised[log]
}

// watch records the stream instant from which a log's alerts are sent (the
// first time only).
func (a *alertStore) watch(ctx context.Context, log string, from time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.since[log]; ok {
		return nil
	}
	if _, err := a.db.ExecContext(ctx, `INSERT INTO serve_monitoring VALUES (?, ?) ON CONFLICT DO NOTHING`, log, from.UTC()); err != nil {
		return err
	}
	a.since[log] = from.UTC()
	return nil
}

// insertAlertRows is how many alerts one INSERT statement stores.
const insertAlertRows = 100

// add records alerts, in one transaction: a batch that brings many clocks
// past their deadline at once costs one commit, not one per alert (this
// runs on the ingester's goroutine). The sender posts those not silent.
func (a *alertStore) add(ctx context.Context, als []live.Alert) error {
	if len(als) == 0 {
		return nil
	}
	loud := false
	args := make([]any, 0, 10*len(als))
	a.mu.Lock()
	for _, al := range als {
		since, watched := a.since[al.Log]
		silent := !watched || !al.At.After(since)
		loud = loud || !silent
		var deadline any
		if !al.Deadline.IsZero() {
			deadline = al.Deadline
		}
		args = append(args, al.Key, al.Log, al.Kind, al.Case, al.Rule, al.At, deadline, al.LastActivity, al.Resource, silent)
	}
	a.mu.Unlock()
	err := a.insert(ctx, args)
	a.version.Add(1)
	if err != nil {
		return err
	}
	if loud && a.o.Webhook != "" {
		select {
		case a.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// insert stores alert rows (ten values each) in statements of up to
// insertAlertRows rows, in one transaction.
func (a *alertStore) insert(ctx context.Context, args []any) error {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	for len(args) > 0 {
		n := min(len(args)/10, insertAlertRows)
		q := `INSERT INTO serve_alerts (key, log, kind, case_id, rule, due_at, deadline, last_activity, resource, silent) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", n), ", ") + ` ON CONFLICT DO NOTHING`
		if _, err := tx.ExecContext(ctx, q, args[:10*n]...); err != nil {
			return err
		}
		args = args[10*n:]
	}
	return tx.Commit()
}

// StoredAlert is an alert as /api/logs/{log}/alerts lists it.
type StoredAlert struct {
	live.Alert
	// Silent: it became due before the log was watched; it is not sent.
	Silent bool `json:"silent"`
	// Sent is when the webhook took it; Attempts and LastError say how
	// sending went.
	Sent      *time.Time `json:"sent,omitempty"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
}

// list returns a log's alerts, newest first.
func (a *alertStore) list(ctx context.Context, log string, limit int) ([]StoredAlert, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT key, log, kind, case_id, rule, due_at, deadline, coalesce(last_activity, ''), coalesce(resource, ''),
		silent, sent_at, attempts, coalesce(last_error, '') FROM serve_alerts WHERE log = ? ORDER BY due_at DESC, key LIMIT ?`, log, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []StoredAlert{}
	for rows.Next() {
		var s StoredAlert
		var deadline, sent sql.NullTime
		if err := rows.Scan(&s.Key, &s.Log, &s.Kind, &s.Case, &s.Rule, &s.At, &deadline, &s.LastActivity, &s.Resource,
			&s.Silent, &sent, &s.Attempts, &s.LastError); err != nil {
			return nil, err
		}
		s.At = s.At.UTC()
		if deadline.Valid {
			s.Deadline = deadline.Time.UTC()
		}
		if sent.Valid {
			t := sent.Time.UTC()
			s.Sent = &t
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// send posts due alerts to the webhook until ctx ends: oldest first, one at
// a time, each retried with doubling pauses (up to maxBackoff) until the
// receiver answers 2xx or maxAttempts are spent. It runs on its own
// goroutine: a slow or failing receiver delays only the alerts.
func (a *alertStore) send(ctx context.Context) {
	if a.o.Webhook == "" {
		return
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.wake:
		case <-t.C:
		}
		next := a.sendDue(ctx)
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(next)
	}
}

// sendDue posts every alert due now and returns how long until the next
// one is.
func (a *alertStore) sendDue(ctx context.Context) time.Duration {
	for ctx.Err() == nil {
		var s StoredAlert
		var deadline sql.NullTime
		// Retries are paced by the real clock, whatever clock the stream
		// runs on.
		now := time.Now().UTC()
		err := a.db.QueryRowContext(ctx, `SELECT key, log, kind, case_id, rule, due_at, deadline, coalesce(last_activity, ''), coalesce(resource, ''), attempts
			FROM serve_alerts WHERE NOT silent AND sent_at IS NULL AND attempts < ? AND (next_try IS NULL OR next_try <= ?)
			ORDER BY due_at, key LIMIT 1`, maxAttempts, now).Scan(&s.Key, &s.Log, &s.Kind, &s.Case, &s.Rule, &s.At, &deadline, &s.LastActivity, &s.Resource, &s.Attempts)
		if err == sql.ErrNoRows {
			var wait sql.NullTime
			_ = a.db.QueryRowContext(ctx, `SELECT min(next_try) FROM serve_alerts WHERE NOT silent AND sent_at IS NULL AND attempts < ?`, maxAttempts).Scan(&wait)
			if wait.Valid {
				return max(wait.Time.Sub(now), 10*time.Millisecond)
			}
			return time.Hour
		}
		if err != nil {
			a.o.Logger.Error("reading alerts to send", "err", err)
			return 5 * time.Second
		}
		s.At = s.At.UTC()
		if deadline.Valid {
			s.Deadline = deadline.Time.UTC()
		}
		if err := a.post(ctx, s.Alert); err != nil {
			backoff := min(maxBackoff, backoffUnit<<min(s.Attempts, 20))
			a.o.Logger.Warn("alert webhook failed", "key", s.Key, "attempt", s.Attempts+1, "retry_in", backoff, "err", err)
			_, dbErr := a.db.ExecContext(ctx, `UPDATE serve_alerts SET attempts = attempts + 1, next_try = ?, last_error = ? WHERE key = ?`,
				now.Add(backoff), err.Error(), s.Key)
			a.version.Add(1)
			if dbErr != nil {
				a.o.Logger.Error("recording a webhook failure", "key", s.Key, "err", dbErr)
				return 5 * time.Second
			}
			continue
		}
		_, dbErr := a.db.ExecContext(ctx, `UPDATE serve_alerts SET attempts = attempts + 1, sent_at = ?, last_error = NULL WHERE key = ?`, now, s.Key)
		a.version.Add(1)
		if dbErr != nil {
			a.o.Logger.Error("recording a sent alert", "key", s.Key, "err", dbErr)
			return 5 * time.Second
		}
	}
	return time.Hour
}

func (a *alertStore) post(ctx context.Context, al live.Alert) error {
	body, err := json.Marshal(al)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.o.Webhook, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "pmx-serve")
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
