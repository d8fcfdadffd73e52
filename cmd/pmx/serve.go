package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/pmx-dev/pmx/analysis/calendar"
	"github.com/pmx-dev/pmx/analysis/sla"
	"github.com/pmx-dev/pmx/ingest/kafka"
	"github.com/pmx-dev/pmx/ingest/warehouse"
	"github.com/pmx-dev/pmx/report/serve"
)

// tokenEnv holds the bearer token when --token is not given: an argument
// is visible to every user of the machine (ps), the environment is not.
const tokenEnv = "PMX_SERVE_TOKEN"

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[--db pmx.duckdb] [--addr 127.0.0.1:8080] [--token T] [--kafka-brokers H:P --topic T --group G --log NAME] [--sla RULES.yaml] [flags]")
	db := fs.String("db", defaultDB, "warehouse file (created if missing)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; any but loopback needs --token")
	token := fs.String("token", "", "bearer token every request must carry (default: $"+tokenEnv+"; required off loopback)")
	slaPath := fs.String("sla", "", "SLA rules (YAML) for the live clocks, the worklist, alerts and /analyze")
	calPath := fs.String("calendar", "", "business calendar (YAML) of /analyze and the report (default: the rules' calendar)")
	webhook := fs.String("alert-webhook", "", "POST every alert as JSON to this URL (retried with backoff; never blocks ingestion)")
	refresh := fs.Duration("refresh", 2*time.Second, "while ingesting, rebuild a log's derived tables for the batch endpoints at most this often")
	rate := fs.Float64("rate", 50, "requests per second per client (burst twice as many)")
	kf := addKafkaFlags(fs, "kafka-brokers")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: %w", pos[0], errUsage)
	}
	if *token == "" {
		*token = os.Getenv(tokenEnv)
	}
	if err := checkListen(*addr, *token); err != nil {
		return err
	}
	if kf.any() && !kf.given() {
		return fmt.Errorf("to ingest, --kafka-brokers, --topic and --group go together: %w", errUsage)
	}
	if *webhook != "" && !strings.HasPrefix(*webhook, "http://") && !strings.HasPrefix(*webhook, "https://") {
		return fmt.Errorf("--alert-webhook %q: want an http:// or https:// URL: %w", *webhook, errUsage)
	}
	o := serve.Options{Token: *token, Webhook: *webhook, RefreshEvery: *refresh, RatePerClient: *rate, Burst: int(2 * *rate),
		Logger: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if *slaPath != "" {
		if o.Rules, err = sla.ParseFile(*slaPath); err != nil {
			return err
		}
	}
	if *calPath != "" {
		f, err := os.Open(*calPath)
		if err != nil {
			return err
		}
		o.Calendar, err = calendar.Parse(f, *calPath)
		f.Close()
		if err != nil {
			return err
		}
	}
	var cfg kafka.Config
	ingesting := kf.given()
	if ingesting {
		if cfg, err = kf.config(); err != nil {
			return err
		}
		o.Live = []string{cfg.Log}
		o.WriteLock = &sync.Mutex{}
		cfg.WriteLock = o.WriteLock
	}

	var w *warehouse.Warehouse
	if ingesting {
		w, err = openStandby(ctx, e, *db) // a second pmx serve stands by for the first
	} else {
		w, err = warehouse.Open(ctx, *db)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	defer w.Close()
	s, err := serve.New(ctx, w, o)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10}

	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.Run(runCtx) }()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(e.stderr, "pmx serve: http://%s/ (%s)\n", ln.Addr(), *db)

	// The ingester runs on the command's goroutine: on SIGINT/SIGTERM it
	// drains (stores what it read, exactly once), then the server stops.
	var ingestErr error
	if ingesting {
		cfg.OnCommit = func(ctx context.Context, c kafka.Committed) error {
			return s.CommittedRecords(ctx, c.Log, c.Events, c.DeadLetters, c.Watermark)
		}
		errc := make(chan error, 1)
		go func() {
			st, err := kafka.Run(ctx, w, cfg)
			if err == nil {
				fmt.Fprintf(e.stderr, "pmx serve: ingested %s events and %s dead letters into log %q\n",
					thousands(st.Events), thousands(st.DeadLetters), st.Log)
			}
			errc <- err
		}()
		select {
		case ingestErr = <-errc:
		case err := <-served:
			stopRun()
			<-errc
			return fmt.Errorf("serve: %w", err)
		}
	} else {
		select {
		case <-ctx.Done():
		case err := <-served:
			return fmt.Errorf("serve: %w", err)
		}
	}
	// Streams end with Run; then requests in flight get a few seconds.
	stopRun()
	wg.Wait()
	shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return ingestErr
}

// checkListen refuses an address off loopback without a token: the API
// shows case ids, resources and attributes.
func checkListen(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: want host:port: %w", addr, errUsage)
	}
	if token != "" {
		if len(token) < 16 {
			return fmt.Errorf("--token: at least 16 characters, please (it guards the log's data): %w", errUsage)
		}
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %s is reachable from other machines: give --token (or $%s): %w", addr, tokenEnv, errUsage)
}
