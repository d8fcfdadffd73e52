package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/pmx-dev/pmx/ingest/kafka"
	"github.com/pmx-dev/pmx/ingest/warehouse"
)

func runIngest(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "kafka" {
		return fmt.Errorf("want 'pmx ingest kafka ...' (the only streaming source so far): %w", errUsage)
	}
	fs := newFlags(e, "ingest kafka", "--brokers H:P[,..] --topic T[,..] --group G [flags]")
	db := fs.String("db", defaultDB, "warehouse file (created if missing)")
	kf := addKafkaFlags(fs, "brokers")
	untilCaughtUp := fs.Bool("until-caught-up", false, "stop once every assigned partition is read to its high watermark")
	progress := fs.Duration("progress", 5*time.Second, "interval of the live figures line on stderr (0 = off)")
	asJSON := fs.Bool("json", false, "print the final summary as JSON (schema in README)")
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("unexpected argument %q: %w", pos[0], errUsage)
	}
	if !kf.given() {
		return fmt.Errorf("--brokers, --topic and --group are required: %w", errUsage)
	}
	cfg, err := kf.config()
	if err != nil {
		return err
	}
	cfg.UntilCaughtUp = *untilCaughtUp
	if *progress > 0 {
		cfg.ProgressInterval = *progress
		cfg.Progress = func(s kafka.Stats) {
			fmt.Fprintf(e.stderr, "pmx ingest: %s events, %s dead letters, %s events/s, lag %s\n",
				thousands(s.Events), thousands(s.DeadLetters), thousands(int64(s.EventsPerS)), lagText(s))
		}
	}
	w, err := openStandby(ctx, e, *db)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while standing by: nothing to drain
		}
		return err
	}
	defer w.Close()
	s, err := kafka.Run(ctx, w, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, s)
	}
	fmt.Fprintf(e.stdout, "ingested %s events and %s dead letters into log %q in %.1fs\n", thousands(s.Events),
		thousands(s.DeadLetters), s.Log, s.Seconds)
	return nil
}

// kafkaFlags are the flags of an ingestion, shared by pmx ingest kafka and
// pmx serve (which names the brokers flag --kafka-brokers).
type kafkaFlags struct {
	brokersName                      string
	brokers, topics, group, log, dlq *string
	clientID, instanceID             *string
	flushRows, fetchMax              *int
	flushInterval, sessionTimeout    *time.Duration
	sec                              *securityFlags
	fields                           map[string]*string
}

func addKafkaFlags(fs *flag.FlagSet, brokersName string) *kafkaFlags {
	f := &kafkaFlags{brokersName: brokersName, fields: map[string]*string{}}
	f.brokers = fs.String(brokersName, "", "seed brokers, comma separated host:port")
	f.topics = fs.String("topic", "", "topics, comma separated")
	f.group = fs.String("group", "", "consumer group; members share the partitions")
	f.log = fs.String("log", "", "log to append to (default: the first topic)")
	f.flushRows = fs.Int("flush-rows", warehouse.RowGroupRows, "flush a batch after this many messages (a DuckDB row group, which DuckDB writes straight to the file)")
	f.flushInterval = fs.Duration("flush-interval", time.Second, "flush at least this often")
	f.dlq = fs.String("dlq-topic", "", "also produce dead letters to this topic")
	f.clientID = fs.String("client-id", "pmx", "Kafka client id")
	f.sessionTimeout = fs.Duration("session-timeout", 0, "how long the group waits for a silent member before moving its partitions (0 = 45s)")
	f.instanceID = fs.String("instance-id", "", "static group membership id (default: derived from the group, the warehouse file and the host, so a restart gets its partitions back at once; 'none': dynamic member)")
	f.fetchMax = fs.Int("fetch-max-bytes", 0, "max bytes per fetch response (0 = franz-go default, 50 MiB)")
	f.sec = addSecurityFlags(fs)
	for _, role := range []string{"case", "activity", "timestamp", "start", "resource", "lifecycle"} {
		f.fields[role] = fs.String(role+"-field", "", "JSON field(s) holding the "+role+", comma separated in order of preference (default: XES keys and common names)")
	}
	return f
}

// given reports whether brokers, topic and group are all set.
func (f *kafkaFlags) given() bool { return *f.brokers != "" && *f.topics != "" && *f.group != "" }

// any reports whether any of brokers, topic and group is set.
func (f *kafkaFlags) any() bool { return *f.brokers != "" || *f.topics != "" || *f.group != "" }

func (f *kafkaFlags) config() (kafka.Config, error) {
	cfg := kafka.Config{Brokers: split(*f.brokers), Topics: split(*f.topics), Group: *f.group, Log: *f.log,
		FlushRows: *f.flushRows, FlushInterval: *f.flushInterval, DLQTopic: *f.dlq,
		ClientID: *f.clientID, FetchMaxBytes: int32(*f.fetchMax), SessionTimeout: *f.sessionTimeout, InstanceID: *f.instanceID}
	if cfg.Log == "" && len(cfg.Topics) > 0 {
		cfg.Log = cfg.Topics[0]
	}
	cfg.Mapping = kafka.Mapping{Case: split(*f.fields["case"]), Activity: split(*f.fields["activity"]), Time: split(*f.fields["timestamp"]),
		Start: split(*f.fields["start"]), Resource: split(*f.fields["resource"]), Lifecycle: split(*f.fields["lifecycle"])}
	var err error
	cfg.TLS, cfg.SASL, err = f.sec.config()
	return cfg, err
}

// lagText is the total lag and, for up to 12 partitions, each partition's
// (topic/partition=messages), in a stable order; plus the last survived
// error, if any.
func lagText(s kafka.Stats) string {
	var total int64
	var parts []string
	topics := make([]string, 0, len(s.Lag))
	for t := range s.Lag {
		topics = append(topics, t)
	}
	sort.Strings(topics)
	for _, t := range topics {
		ps := make([]int32, 0, len(s.Lag[t]))
		for p := range s.Lag[t] {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		for _, p := range ps {
			total += s.Lag[t][p]
			parts = append(parts, fmt.Sprintf("%s/%d=%d", t, p, s.Lag[t][p]))
		}
	}
	out := thousands(total)
	if len(parts) > 0 && len(parts) <= 12 {
		out += " (" + strings.Join(parts, " ") + ")"
	} else if len(parts) > 12 {
		out += fmt.Sprintf(" over %d partitions", len(parts))
	}
	if s.LastError != "" {
		out += "; last error: " + s.LastError
	}
	return out
}

func split(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// securityFlags are the connection-security flags of the Kafka commands.
type securityFlags struct {
	tls                                bool
	ca, cert, key, mech, user, passEnv string
}

func addSecurityFlags(fs *flag.FlagSet) *securityFlags {
	f := &securityFlags{}
	fs.StringVar(&f.ca, "tls-ca", "", "PEM CA bundle: enables TLS")
	fs.StringVar(&f.cert, "tls-cert", "", "PEM client certificate (mutual TLS; with --tls-key)")
	fs.StringVar(&f.key, "tls-key", "", "PEM client key")
	fs.BoolVar(&f.tls, "tls", false, "TLS with the system CAs")
	fs.StringVar(&f.mech, "sasl", "", "SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	fs.StringVar(&f.user, "sasl-user", "", "SASL user")
	fs.StringVar(&f.passEnv, "sasl-password-env", "PMX_SASL_PASSWORD", "environment variable holding the SASL password")
	return f
}

func (f *securityFlags) config() (*tls.Config, sasl.Mechanism, error) {
	t, err := tlsConfig(f.tls, f.ca, f.cert, f.key)
	if err != nil {
		return nil, nil, err
	}
	m, err := saslMechanism(f.mech, f.user, os.Getenv(f.passEnv))
	return t, m, err
}

func tlsConfig(on bool, ca, cert, key string) (*tls.Config, error) {
	if !on && ca == "" && cert == "" {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ca != "" {
		pem, err := os.ReadFile(ca)
		if err != nil {
			return nil, fmt.Errorf("--tls-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--tls-ca %s: no PEM certificates in it", ca)
		}
		cfg.RootCAs = pool
	}
	if cert != "" || key != "" {
		if cert == "" || key == "" {
			return nil, fmt.Errorf("--tls-cert and --tls-key go together: %w", errUsage)
		}
		pair, err := tls.LoadX509KeyPair(cert, key)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

func saslMechanism(mech, user, pass string) (sasl.Mechanism, error) {
	if mech == "" {
		return nil, nil
	}
	if user == "" || pass == "" {
		return nil, errors.New("--sasl needs --sasl-user and the password in the --sasl-password-env variable")
	}
	switch strings.ToUpper(mech) {
	case "PLAIN":
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	case "SCRAM-SHA-512":
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("--sasl %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512: %w", mech, errUsage)
}

// openStandby opens the warehouse, waiting while another process holds it:
// DuckDB admits one writer process, so a second ingester started for
// availability is a standby that takes over (and joins the consumer group)
// when the active one exits or is killed; the stored offsets make the
// takeover exact. The lock is also what makes the default static instance
// id safe to share: the standby derives the same id, but only creates its
// Kafka client once it holds the file, i.e. once the active process has
// closed its client and warehouse or died, so the two are never members
// at once; and it takes the dead member's partitions without waiting for
// its session to expire.
func openStandby(ctx context.Context, e *env, path string) (*warehouse.Warehouse, error) {
	said := false
	for {
		w, err := warehouse.Open(ctx, path)
		if !errors.Is(err, warehouse.ErrLocked) {
			return w, err
		}
		if !said {
			fmt.Fprintf(e.stderr, "pmx ingest: %v; standing by until it is free\n", err)
			said = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
