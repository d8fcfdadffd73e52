// Package kafkabench is test support for the Kafka benchmarks (ingest/kafka's
// BenchmarkIngest, report/serve's BenchmarkServe): the broker they run
// against, their topics, and the messages they produce, so both measure the
// same stream. It must not be imported by anything but tests.
package kafkabench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// EnvInt is the positive integer in the environment variable name, or def
// when it is unset.
func EnvInt(tb testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// Brokers is the real broker in PMX_KAFKA_BOOTSTRAP, or else an in-process
// kfake cluster closed when the test ends; where says which.
func Brokers(tb testing.TB) (brokers []string, where string) {
	if bs := os.Getenv("PMX_KAFKA_BOOTSTRAP"); bs != "" {
		return []string{bs}, "broker " + bs
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c.ListenAddrs(), "kfake"
}

// CreateTopics creates the topics with four partitions each.
func CreateTopics(tb testing.TB, brokers []string, topics ...string) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		tb.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := kadm.NewClient(cl).CreateTopics(ctx, 4, 1, nil, topics...)
	if err == nil {
		err = res.Error()
	}
	if err != nil {
		tb.Fatalf("create topics %v: %v", topics, err)
	}
}

// Value appends message i to dst: about 230 bytes of a realistic event with
// its key (the case). Ten thousand cases are open at a time, ten events
// each, 100 ms of event time apart; uid is i, unique.
func Value(dst []byte, i int) (value []byte, key string) {
	c := i%10_000 + i/100_000*10_000
	key = fmt.Sprintf("case-%07d", c)
	acts := [...]string{"Register request", "Check credit", "Examine casually", "Examine thoroughly", "Check ticket",
		"Decide", "Reinitiate request", "Pay compensation", "Reject request", "Archive"}
	ts := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 100 * time.Millisecond)
	dst = fmt.Appendf(dst, `{"case:concept:name":%q,"concept:name":%q,"time:timestamp":%q,"org:resource":"clerk-%02d",`+
		`"lifecycle:transition":"complete","amount":%d.%02d,"channel":%q,"priority":%d,"region":"EMEA-north","uid":%d}`,
		key, acts[i/10_000%10], ts.Format("2006-01-02T15:04:05.000000Z07:00"), i*7%50, i%5000, i%100,
		[...]string{"web", "phone", "branch"}[i%3], i%4, i)
	return dst, key
}
