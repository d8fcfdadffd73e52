package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pmx-dev/pmx/ingest/kafka"
)

func runReplay(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "replay", "(FILE | --log NAME) --brokers H:P[,..] --topic T [flags]")
	src := addSourceFlags(fs)
	brokers := fs.String("brokers", "", "seed brokers, comma separated host:port (required)")
	topic := fs.String("topic", "", "topic to publish to (required; must exist)")
	speed := fs.Float64("speed", 0, "0 = as fast as possible; X = the log's pace times X (3600: an hour of log per second)")
	clientID := fs.String("client-id", "pmx-replay", "Kafka client id")
	sec := addSecurityFlags(fs)
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
	if cfg.TLS, cfg.SASL, err = sec.config(); err != nil {
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
