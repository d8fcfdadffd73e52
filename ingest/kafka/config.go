package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/twmb/franz-go/pkg/sasl"

	"github.com/pmx-dev/pmx/ingest/warehouse"
)

// Config describes one ingestion. Zero values take the documented defaults.
type Config struct {
	Brokers []string // seed brokers, host:port
	Topics  []string
	Group   string // consumer group; partitions are shared among its members
	Log     string // warehouse log the events go to

	Mapping Mapping

	// FlushRows flushes a batch once it holds this many messages (default
	// warehouse.RowGroupRows, 122,880: a DuckDB row group, which DuckDB
	// writes straight to the file); FlushInterval flushes whatever is
	// buffered at least this often (default 1s). Each flush is one
	// warehouse transaction. While the consumer catches up, a batch is
	// whole row groups; the events read beyond them go with the next one.
	FlushRows     int
	FlushInterval time.Duration

	// UntilCaughtUp stops once every assigned partition has been read up to
	// the high watermark it had when it was assigned (batch catch-up). The
	// offsets of transaction markers never arrive as records, so a partition
	// also counts as caught up when three polls in a row bring nothing.
	UntilCaughtUp bool

	// DLQTopic, when set, also receives every dead letter (value as read,
	// headers pmx-topic/pmx-partition/pmx-offset/pmx-reason), produced
	// before the batch commits: at least once.
	DLQTopic string

	ClientID string // default "pmx"
	// SessionTimeout is how long the group waits for a silent member before
	// moving its partitions (0 = franz-go's 45s; brokers allow ≥ 6s).
	SessionTimeout time.Duration
	// InstanceID is the static group membership id (KIP-345): a member
	// restarted under the same id gets its partitions back at once instead
	// of after SessionTimeout. "" (the default) derives a stable id from
	// the group, the warehouse file and the host (DefaultInstanceID; an
	// in-memory warehouse stays dynamic); NoInstanceID makes a dynamic
	// member. A static member does not leave the group when it stops: its
	// partitions wait for its restart, or for SessionTimeout.
	InstanceID    string
	TLS           *tls.Config // nil = plaintext
	SASL          sasl.Mechanism
	FetchMaxBytes int32 // 0 = franz-go default (50 MiB)

	// OnFlush, when set, is called after each committed flush with the
	// produce timestamps of the records it stored (latency measurement).
	OnFlush func(produced []time.Time, committed time.Time)

	// OnCommit, when set, is called after each batch is committed with
	// what the batch stored, before the next batch is written (on the
	// writer's goroutine, under WriteLock). It is how a process that also
	// serves the log follows it without reading it back. It must be quick;
	// its error is reported as the stream's LastError and never stops the
	// stream (the batch is stored).
	OnCommit func(ctx context.Context, c Committed) error

	// WriteLock, when set, is held while a batch is written and OnCommit
	// runs. Another writer of the same warehouse in the process (a rebuild
	// of the log's derived tables for a query) takes it to stay out of the
	// ingester's transactions, which would otherwise conflict on the log's
	// row.
	WriteLock sync.Locker

	// Progress, when set, is called about every ProgressInterval (default
	// 5s) and once at the end.
	Progress         func(Stats)
	ProgressInterval time.Duration

	// groupRows, when set (tests), replaces warehouse.RowGroupRows as the
	// size of the buffer's chunks.
	groupRows int
}

func (c *Config) withDefaults() (Config, error) {
	out := *c
	if len(out.Brokers) == 0 {
		return out, errors.New("kafka: no brokers")
	}
	if len(out.Topics) == 0 {
		return out, errors.New("kafka: no topics")
	}
	if out.Group == "" {
		return out, errors.New("kafka: no consumer group")
	}
	if out.Log == "" {
		return out, errors.New("kafka: no log name")
	}
	if err := validInstanceID(out.InstanceID); err != nil {
		return out, err
	}
	if out.FlushRows <= 0 {
		out.FlushRows = warehouse.RowGroupRows
	}
	if out.FlushInterval <= 0 {
		out.FlushInterval = time.Second
	}
	if out.ClientID == "" {
		out.ClientID = "pmx"
	}
	if out.ProgressInterval <= 0 {
		out.ProgressInterval = 5 * time.Second
	}
	return out, nil
}

// Stats are the live figures of an ingestion (and its final summary).
type Stats struct {
	Log         string                     `json:"log"`
	Events      int64                      `json:"events"`       // stored since start
	DeadLetters int64                      `json:"dead_letters"` // stored since start
	Flushes     int64                      `json:"flushes"`
	Seconds     float64                    `json:"seconds"`
	EventsPerS  float64                    `json:"events_per_second"`
	Lag         map[string]map[int32]int64 `json:"lag"`       // topic → partition → messages behind the high watermark
	Positions   map[string]map[int32]int64 `json:"positions"` // topic → partition → next offset stored
	// LastError is the latest error the stream survived (a partition's fetch
	// error, a failed informational offset commit), "" when none.
	LastError string `json:"last_error,omitempty"`
}

// Committed is what one committed batch stored, as OnCommit sees it.
type Committed struct {
	Log string
	// Events are records of event.Schema in the order they were stored;
	// they are released when OnCommit returns.
	Events      []arrow.Record
	DeadLetters []warehouse.DeadLetter
	// Watermark (Unix µs) is, while some assigned partitions are still
	// being read up to the end offset they had when assigned (a backlog),
	// the latest event time all of those have reached; 0 once none lags.
	// Event time beyond it has been seen on the leading partitions only:
	// a consumer judging deadlines holds its clock there.
	Watermark int64
}
