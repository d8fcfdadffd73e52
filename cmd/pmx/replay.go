package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/pmx-dev/pmx/ingest/kafka"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func runReplay(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "replay", "(FILE | --log NAME) --brokers H:P[,..] --topic T [flags]")
	src := addSourceFlags(fs)
	brokers := fs.String("brokers", "", "seed brokers, comma separated host:port (required)")
	topic := fs.String("topic", "", "topic to publish to (required; must exist)")
	speed := fs.Float64("speed", 0, "0 = as fast as possible; X = the log's pace times X (3600: an hour of log per second)")
	clientID := fs.String("client-id", "pmx-replay", "Kafka client id")
	tlsCA := fs.String("tls-ca", "", "PEM CA bundle: enables TLS")
	tlsCert := fs.String("tls-cert", "", "PEM client certificate (mutual TLS; with --tls-key)")
	tlsKey := fs.String("tls-key", "", "PEM client key")
	useTLS := fs.Bool("tls", false, "TLS with the system CAs")
	saslMech := fs.String("sasl", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	saslUser := fs.String("sasl-user", "", "SASL user")
	saslPassEnv := fs.String("sasl-password-env", "PMX_SASL_PASSWORD", "environment variable holding the SASL password")
	progress := fs.Duration("progress", 5*time.Second, "interval of the live figures line on stderr (0 = off)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *brokers == "" || *topic == "" {
		return fmt.Errorf("--brokers and --topic are required: %w", errUsage)
	}
	if *speed < 0 {
		return fmt.Errorf("--speed %v: want 0 (as fast as possible) or a positive factor: %w", *speed, errUsage)
	}
	cfg := kafka.ReplayConfig{Brokers: split(*brokers), Topic: *topic, Speed: *speed, ClientID: *clientID}
	if cfg.TLS, err = tlsConfig(*useTLS, *tlsCA, *tlsCert, *tlsKey); err != nil {
		return err
	}
	if cfg.SASL, err = saslMechanism(*saslMech, *saslUser, os.Getenv(*saslPassEnv)); err != nil {
		return err
	}
	if *progress > 0 {
		cfg.ProgressInterval = *progress
		cfg.Progress = func(s kafka.ReplayStats) {
			fmt.Fprintf(e.stderr, "pmx replay: %s events, %s events/s, log time %s\n",
				thousands(s.Events), thousands(int64(s.EventsPerS)), s.LastEvent)
		}
	}
	w, name, err := src.openWarehouse(ctx, e, pos)
	if err != nil {
		return err
	}
	defer w.Close()
	cfg.Log = name
	s, err := kafka.Replay(ctx, w, cfg)
	if err != nil {
		return err
	}
	if src.json {
		return writeJSON(e.stdout, s)
	}
	how := "published"
	if !s.Complete {
		how = "interrupted after publishing"
	}
	fmt.Fprintf(e.stdout, "%s %s events of log %q to topic %s in %.1fs (%s events/s)\n", how, thousands(s.Events),
		s.Log, s.Topic, s.Seconds, thousands(int64(s.EventsPerS)))
	return nil
}

// openWarehouse is source.open for commands that need the warehouse itself
// rather than facts.Log: the named log's warehouse, or the FILE imported
// into an in-memory one. It returns the log's name.
func (s *source) openWarehouse(ctx context.Context, e *env, pos []string) (*warehouse.Warehouse, string, error) {
	switch {
	case s.log != "" && len(pos) > 0:
		return nil, "", fmt.Errorf("give either --log NAME or a FILE, not both: %w", errUsage)
	case s.log == "" && len(pos) == 0:
		return nil, "", fmt.Errorf("no log: give --log NAME (see pmx logs) or a FILE: %w", errUsage)
	case len(pos) > 1:
		return nil, "", fmt.Errorf("one FILE at a time (got %d): %w", len(pos), errUsage)
	}
	if s.log != "" {
		if _, err := os.Stat(s.db); err != nil {
			return nil, "", fmt.Errorf("no warehouse at %s (run pmx import first, or pass --db)", s.db)
		}
		w, err := warehouse.Open(ctx, s.db)
		if err != nil {
			return nil, "", err
		}
		if _, err := w.LogID(ctx, s.log); err != nil {
			w.Close()
			return nil, "", err
		}
		return w, s.log, nil
	}
	opt, err := s.imp.options()
	if err != nil {
		return nil, "", err
	}
	w, err := warehouse.Open(ctx, warehouse.InMemory)
	if err != nil {
		return nil, "", err
	}
	info, err := importWithProgress(ctx, e, w, pos[0], opt)
	if err != nil {
		w.Close()
		return nil, "", err
	}
	return w, info.Name, nil
}
